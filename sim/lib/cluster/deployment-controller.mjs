// @ts-check
// The Deployment and ReplicaSet controllers at one virtual instant: a new ReplicaSet for a changed
// pod template, rolling updates within maxSurge/maxUnavailable, and each ReplicaSet's pod count.
import { listObjects, putObject, objKey, nextRV } from '../model.mjs';
import { suffix } from '../util.mjs';
import { isReadyAt } from './lifecycle.mjs';
import { recordEvent } from './event-recorder.mjs';
import { templateHash, live, ownedBy, requestPodDeletion, createPod } from './pods.mjs';

function resolveIntOrPercent(v, total, roundUp) {
  if (v === undefined || v === null) v = '25%';
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v));
  if (!m) return parseInt(String(v), 10) || 0;
  const x = (parseInt(m[1], 10) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

function scaleRS(state, c, d, rs, to, t) {
  const from = rs.spec.replicas ?? 0;
  if (from === to) return;
  rs.spec.replicas = to;
  rs.metadata.resourceVersion = nextRV(state);
  if (d)
    recordEvent(state, c, {
      obj: d,
      reason: 'ScalingReplicaSet',
      message: `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`,
      component: 'deployment-controller',
      at: t,
    });
}

const rsPods = (c, rs) => live(c).filter((p) => ownedBy(p, rs));
const available = (c, rs, t, faults) => rsPods(c, rs).filter((p) => p._sim.deletionAt == null && isReadyAt(c, p, t, faults)).length;

export function deploymentStep(state, c, d, t, faults) {
  const ns = d.metadata.namespace;
  const hash = templateHash(d.spec.template);
  const rss = listObjects(c, 'ReplicaSet', ns).filter((rs) => ownedBy(rs, d));
  const maxRev = Math.max(0, ...rss.map((rs) => parseInt(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '0', 10)));
  let newRS = rss.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const desired = d.spec.replicas ?? 1;
  if (!newRS) {
    const name = `${d.metadata.name}-${hash}`;
    const tmpl = structuredClone(d.spec.template);
    tmpl.metadata ??= {};
    tmpl.metadata.labels = { ...(tmpl.metadata.labels ?? {}), 'pod-template-hash': hash };
    newRS = putObject(
      state,
      c,
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name,
          namespace: ns,
          labels: { ...(d.spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash },
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(desired),
            'deployment.kubernetes.io/max-replicas': String(desired + 1),
            'deployment.kubernetes.io/revision': String(maxRev + 1),
          },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              blockOwnerDeletion: true,
              controller: true,
              kind: 'Deployment',
              name: d.metadata.name,
              uid: d.metadata.uid,
            },
          ],
        },
        spec: {
          replicas: 0,
          selector: { matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash } },
          template: tmpl,
        },
      },
      t,
    );
    if (d._system) newRS._system = true;
    rss.push(newRS);
  } else {
    const rev = parseInt(newRS.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '0', 10);
    const othersActive = rss.some((rs) => rs !== newRS && (rs.spec.replicas ?? 0) > 0);
    if (rev < maxRev && othersActive) newRS.metadata.annotations['deployment.kubernetes.io/revision'] = String(maxRev + 1); // rollback to an old template
  }
  newRS.metadata.annotations['deployment.kubernetes.io/desired-replicas'] = String(desired);
  if (d.spec.paused) return;
  const olds = rss.filter((rs) => rs !== newRS);
  const oldActive = olds.filter((rs) => (rs.spec.replicas ?? 0) > 0);
  if (d.spec.strategy?.type === 'Recreate') {
    if (oldActive.length) {
      for (const rs of oldActive) scaleRS(state, c, d, rs, 0, t);
      return;
    }
    if (olds.some((rs) => rsPods(c, rs).length)) return;
    scaleRS(state, c, d, newRS, desired, t);
    return;
  }
  if (!oldActive.length) {
    scaleRS(state, c, d, newRS, desired, t);
    return;
  }
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  let maxSurge = resolveIntOrPercent(ru.maxSurge, desired, true);
  const maxUnavailable = resolveIntOrPercent(ru.maxUnavailable, desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxSurge = 1;
  let all = rss.reduce((a, rs) => a + (rs.spec.replicas ?? 0), 0);
  if ((newRS.spec.replicas ?? 0) < desired) {
    const room = desired + maxSurge - all;
    if (room > 0) scaleRS(state, c, d, newRS, Math.min(desired, (newRS.spec.replicas ?? 0) + room), t);
  } else if ((newRS.spec.replicas ?? 0) > desired) scaleRS(state, c, d, newRS, desired, t);
  all = rss.reduce((a, rs) => a + (rs.spec.replicas ?? 0), 0);
  const minAvailable = desired - maxUnavailable;
  const newUnavailable = (newRS.spec.replicas ?? 0) - available(c, newRS, t, faults);
  let maxScaledDown = all - minAvailable - newUnavailable;
  const byAge = oldActive.sort((a, b) => a._created - b._created);
  for (const rs of byAge) {
    if (maxScaledDown <= 0) break;
    const unhealthy = (rs.spec.replicas ?? 0) - available(c, rs, t, faults);
    const n = Math.min(maxScaledDown, unhealthy);
    if (n > 0) {
      scaleRS(state, c, d, rs, rs.spec.replicas - n, t);
      maxScaledDown -= n;
    }
  }
  const totalAvail = rss.reduce((a, rs) => a + available(c, rs, t, faults), 0);
  let canDown = totalAvail - minAvailable;
  all = rss.reduce((a, rs) => a + (rs.spec.replicas ?? 0), 0);
  canDown = Math.min(canDown, all - minAvailable);
  for (const rs of byAge) {
    if (canDown <= 0) break;
    const n = Math.min(canDown, rs.spec.replicas ?? 0);
    if (n > 0) {
      scaleRS(state, c, d, rs, rs.spec.replicas - n, t);
      canDown -= n;
    }
  }
}

export function rsStep(state, c, rs, t, faults) {
  const pods = rsPods(c, rs);
  const active = pods.filter((p) => p._sim.deletionAt == null);
  const want = rs.spec.replicas ?? 0;
  if (active.length < want) {
    for (let i = active.length; i < want; i++) {
      c.podSeq = (c.podSeq ?? 0) + 1;
      let name;
      do {
        name = `${rs.metadata.name}-${suffix(`${rs.metadata.uid}:${c.podSeq}:${name ?? ''}`, 5)}`;
      } while (c.objects[objKey('Pod', rs.metadata.namespace, name)]);
      createPod(state, c, {
        owner: rs,
        template: rs.spec.template,
        name,
        t,
        system: !!rs._system,
        component: rs._system ? rs.metadata.labels?.['k8s-app'] : undefined,
      });
    }
  } else if (active.length > want) {
    const rank = (p) => [p._sim.scheduledAt == null ? 0 : 1, isReadyAt(c, p, t, faults) ? 1 : 0, -p._sim.createdAt];
    const sorted = active.sort((a, b) => {
      const ra = rank(a);
      const rb = rank(b);
      for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
      return 0;
    });
    for (const p of sorted.slice(0, active.length - want)) {
      requestPodDeletion(state, c, p, t);
      recordEvent(state, c, {
        obj: rs,
        reason: 'SuccessfulDelete',
        message: `Deleted pod: ${p.metadata.name}`,
        component: 'replicaset-controller',
        at: t,
      });
    }
  }
}
