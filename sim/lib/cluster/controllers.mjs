// @ts-check
// The controllers, stepped through virtual time: every call first brings its cluster up to "now" by
// replaying controller decisions at each instant something changes (a pod becomes Ready, a
// terminating pod goes away, a new sandbox starts). Mutations happen only at "now", after reconcile.
import { listObjects, getObject, putObject, objKey, nextUid, nextRV, normRef, repoOf, storeGet, storeAdd } from '../model.mjs';
import { suffix, sha256, cpuMilli, memBytes, spread } from '../util.mjs';
import { runTimes, isReadyAt, podEventTimes, crashRestarts, mainContainer } from './lifecycle.mjs';

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';
/** pod-template-hash style string */
export function templateHash(tmpl) {
  const h = Buffer.from(sha256(JSON.stringify(tmpl)), 'hex');
  let s = '';
  for (let i = 0; i < 10; i++) s += ALNUM[h[i] % ALNUM.length];
  return s;
}

const live = (c) => Object.values(c.objects).filter((o) => o.kind === 'Pod');
const ownedBy = (o, owner) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);

/** Record a controller event (aggregated by object+reason+message like the real event recorder). */
export function recordEvent(state, c, { obj, reason, message, type = 'Normal', component, at, fieldPath, host }) {
  const ns = obj.metadata.namespace ?? 'default';
  const key = `${obj.kind}/${ns}/${obj.metadata.name}/${reason}/${message}`;
  const ex = c.events.find((e) => e.key === key);
  if (ex) {
    ex.count++;
    ex.last = at;
    return;
  }
  c.events.push({
    key,
    name: `${obj.metadata.name}.${sha256(key + at).slice(0, 16)}`,
    ns,
    kind: obj.kind,
    objName: obj.metadata.name,
    objUid: obj.metadata.uid,
    apiVersion: obj.apiVersion,
    reason,
    message,
    type,
    component,
    host,
    fieldPath,
    first: at,
    last: at,
    count: 1,
    uid: nextUid(state, 'event:' + key),
    rv: nextRV(state),
  });
  if (c.events.length > 2000) c.events.splice(0, c.events.length - 2000);
}

/** Requests of a pod in milli-cpu and bytes (requests default to limits). */
export function podRequests(pod) {
  let cpu = 0;
  let mem = 0;
  for (const ct of pod.spec.containers ?? []) {
    const r = ct.resources?.requests ?? {};
    const l = ct.resources?.limits ?? {};
    cpu += cpuMilli(r.cpu ?? l.cpu);
    mem += memBytes(r.memory ?? l.memory) || 0;
  }
  return { cpu, mem };
}

/** Node allocatable (cpu milli, memory bytes): capacity minus a small system reserve. */
export function allocatable(c) {
  return { cpu: c.node.cpu, mem: c.node.memMi * 1048576 - 256 * 1048576 };
}

/** Image store of a cluster's node. */
export function nodeImages(state, c) {
  if (c.profile && state.minikube.profiles[c.profile]) return state.minikube.profiles[c.profile].images;
  c.images ??= { images: {}, tags: {} };
  return c.images;
}

/**
 * Bring a cluster to time `now`.
 * @param {any} state @param {any} c @param {number} now @param {import('../faults.mjs').Faults} faults
 * @param {{ allowDown?: boolean }} [opts]
 */
export function reconcile(state, c, now, faults, opts = {}) {
  if (!c.up) {
    if (now > c.lastReconcile) c.lastReconcile = now;
    return;
  }
  let t = Math.max(c.lastReconcile, c.upSince ?? -Infinity);
  if (now < t) now = t;
  for (let n = 0; n < 2000; n++) {
    step(state, c, t, faults);
    let next = Infinity;
    for (const p of live(c)) for (const e of podEventTimes(c, p, faults)) if (e > t && e < next) next = e;
    if (next === Infinity || next > now) break;
    t = next;
  }
  if (t < now) step(state, c, now, faults);
  c.lastReconcile = now;
}

/** One instant of controller work. Idempotent for a given t. */
export function step(state, c, t, faults) {
  for (let pass = 0; pass < 3; pass++) {
    finalize(c, t);
    for (const d of listObjects(c, 'Deployment')) deploymentStep(state, c, d, t, faults);
    for (const rs of listObjects(c, 'ReplicaSet')) rsStep(state, c, rs, t, faults);
    for (const s of listObjects(c, 'StatefulSet')) stsStep(state, c, s, t, faults);
    schedule(state, c, t, faults);
    kubelet(state, c, t, faults);
    finalizeStorage(c, t);
  }
}

/** PVCs being deleted go once no pod uses them (their todo data with them); terminating namespaces once empty. */
function finalizeStorage(c, t) {
  const pods = live(c);
  for (const pvc of listObjects(c, 'PersistentVolumeClaim')) {
    if (!pvc._terminatingAt) continue;
    const ns = pvc.metadata.namespace;
    const name = pvc.metadata.name;
    const used = pods.some(
      (p) => p.metadata.namespace === ns && (p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === name),
    );
    if (used) continue;
    delete c.objects[objKey('PersistentVolumeClaim', ns, name)];
    delete c.objects[objKey('PersistentVolume', '', pvc.spec.volumeName)];
    delete c.data[pvc.metadata.uid];
  }
  for (const ns of listObjects(c, 'Namespace')) {
    if (!ns._terminatingAt) continue;
    const name = ns.metadata.name;
    if (Object.values(c.objects).some((o) => o.metadata?.namespace === name)) continue;
    delete c.objects[objKey('Namespace', '', name)];
  }
}

function finalize(c, t) {
  for (const p of live(c)) {
    if (p._sim.finalizeAt !== null && p._sim.finalizeAt !== undefined && p._sim.finalizeAt <= t) {
      delete c.objects[objKey('Pod', p.metadata.namespace, p.metadata.name)];
      p._sim.deletedAt = p._sim.finalizeAt;
      const run = p._sim.runs[p._sim.runs.length - 1];
      if (run && (run.stop === null || run.stop === undefined)) run.stop = p._sim.finalizeAt;
      c.graveyard.push(p);
    }
  }
  if (c.graveyard.length > 500) c.graveyard.splice(0, c.graveyard.length - 500);
}

/** Graceful termination time for a pod. */
function graceMs(pod) {
  const comp = pod._sim.component;
  const max = (pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
  const want = comp === 'postgresql' ? spread(pod.metadata.name + ':term', 3000, 6000) : spread(pod.metadata.name + ':term', 2000, 4500);
  return Math.min(want, max);
}

/** Ask for a pod's deletion (kubectl delete / controller scale-down). */
export function requestPodDeletion(state, c, pod, t, { force = false } = {}) {
  const sim = pod._sim;
  if (sim.deletionAt !== null && sim.deletionAt !== undefined) return false;
  sim.deletionAt = t;
  const running =
    sim.scheduledAt !== null && sim.scheduledAt !== undefined && sim.runs.length && sim.runs[sim.runs.length - 1].createAt !== null;
  sim.finalizeAt = force || !running ? t + 100 : t + graceMs(pod);
  pod.metadata.deletionTimestamp = t;
  pod.metadata.deletionGracePeriodSeconds = pod.spec.terminationGracePeriodSeconds ?? 30;
  pod.metadata.resourceVersion = nextRV(state);
  if (running)
    recordEvent(state, c, {
      obj: pod,
      reason: 'Killing',
      message: `Stopping container ${mainContainer(pod).name}`,
      component: 'kubelet',
      host: c.node.name,
      at: t,
      fieldPath: `spec.containers{${mainContainer(pod).name}}`,
    });
  return true;
}

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

function deploymentStep(state, c, d, t, faults) {
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

/** Create a pod from a template. */
export function createPod(state, c, { owner, template, name, t, extraLabels = {}, system = false, component }) {
  const ns = owner?.metadata.namespace ?? template.metadata?.namespace ?? 'default';
  const spec = structuredClone(template.spec);
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  spec.securityContext ??= {};
  spec.tolerations ??= [
    { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
    { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
  ];
  for (const ct of spec.containers) {
    ct.imagePullPolicy ??= /:latest$/.test(ct.image) || !/:[^/]+$/.test(ct.image) ? 'Always' : 'IfNotPresent';
    ct.terminationMessagePath ??= '/dev/termination-log';
    ct.terminationMessagePolicy ??= 'File';
    ct.resources ??= {};
  }
  const labels = { ...(template.metadata?.labels ?? {}), ...extraLabels };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels,
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ...(owner
        ? {
            generateName: owner.kind === 'StatefulSet' ? undefined : `${owner.metadata.name}-`,
            ownerReferences: [
              {
                apiVersion: owner.apiVersion,
                blockOwnerDeletion: true,
                controller: true,
                kind: owner.kind,
                name: owner.metadata.name,
                uid: owner.metadata.uid,
              },
            ],
          }
        : {}),
    },
    spec,
    _sim: {
      component: component ?? labels['app.kubernetes.io/component'] ?? labels['k8s-app'] ?? labels.component ?? 'app',
      system,
      createdAt: t,
      scheduledAt: null,
      unsched: null,
      runs: [],
      restartBase: 0,
      deletionAt: null,
      finalizeAt: null,
      deletedAt: null,
    },
  };
  if (pod.metadata.generateName === undefined) delete pod.metadata.generateName;
  putObject(state, c, pod, t);
  if (owner)
    recordEvent(state, c, {
      obj: owner,
      reason: 'SuccessfulCreate',
      message:
        owner.kind === 'StatefulSet' ? `create Pod ${name} in StatefulSet ${owner.metadata.name} successful` : `Created pod: ${name}`,
      component: owner.kind === 'StatefulSet' ? 'statefulset-controller' : 'replicaset-controller',
      at: t,
    });
  return pod;
}

function rsStep(state, c, rs, t, faults) {
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

/** Make sure a PVC (and its PV) exists and is Bound. */
export function ensurePVC(state, c, ns, name, tmpl, t, labels) {
  let pvc = getObject(c, 'PersistentVolumeClaim', ns, name);
  if (pvc) return pvc;
  const size = tmpl.spec?.resources?.requests?.storage ?? '1Gi';
  pvc = putObject(
    state,
    c,
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name,
        namespace: ns,
        labels: labels ?? tmpl.metadata?.labels,
        annotations: {
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
          'volume.beta.kubernetes.io/storage-provisioner': 'k8s.io/minikube-hostpath',
          'volume.kubernetes.io/storage-provisioner': 'k8s.io/minikube-hostpath',
        },
        finalizers: ['kubernetes.io/pvc-protection'],
      },
      spec: {
        accessModes: tmpl.spec?.accessModes ?? ['ReadWriteOnce'],
        resources: { requests: { storage: size } },
        storageClassName: tmpl.spec?.storageClassName ?? 'standard',
        volumeMode: 'Filesystem',
        volumeName: '',
      },
    },
    t,
  );
  pvc.spec.volumeName = `pvc-${pvc.metadata.uid}`;
  putObject(
    state,
    c,
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: pvc.spec.volumeName,
        annotations: {
          hostPathProvisionerIdentity: sha256(c.name).slice(0, 36),
          'pv.kubernetes.io/provisioned-by': 'k8s.io/minikube-hostpath',
        },
        finalizers: ['kubernetes.io/pv-protection'],
      },
      spec: {
        accessModes: pvc.spec.accessModes,
        capacity: { storage: size },
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          name,
          namespace: ns,
          uid: pvc.metadata.uid,
          resourceVersion: pvc.metadata.resourceVersion,
        },
        hostPath: { path: `/tmp/hostpath-provisioner/${ns}/${name}`, type: '' },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'standard',
        volumeMode: 'Filesystem',
      },
    },
    t,
  );
  return pvc;
}

function stsStep(state, c, sts, t, faults) {
  const ns = sts.metadata.namespace;
  const name = sts.metadata.name;
  const replicas = sts.spec.replicas ?? 1;
  const rev = `${name}-${templateHash(sts.spec.template)}`;
  const parallel = sts.spec.podManagementPolicy === 'Parallel';
  for (let i = 0; i < replicas; i++) {
    for (const vct of sts.spec.volumeClaimTemplates ?? [])
      ensurePVC(state, c, ns, `${vct.metadata.name}-${name}-${i}`, vct, t, { ...(sts.spec.selector?.matchLabels ?? {}) });
    const podName = `${name}-${i}`;
    const pod = getObject(c, 'Pod', ns, podName);
    if (!pod) {
      const template = structuredClone(sts.spec.template);
      template.spec.volumes = [
        ...(template.spec.volumes ?? []),
        ...(sts.spec.volumeClaimTemplates ?? []).map((v) => ({
          name: v.metadata.name,
          persistentVolumeClaim: { claimName: `${v.metadata.name}-${name}-${i}` },
        })),
      ];
      template.spec.hostname = podName;
      if (sts.spec.serviceName) template.spec.subdomain = sts.spec.serviceName;
      createPod(state, c, {
        owner: sts,
        template,
        name: podName,
        t,
        extraLabels: {
          'apps.kubernetes.io/pod-index': String(i),
          'controller-revision-hash': rev,
          'statefulset.kubernetes.io/pod-name': podName,
        },
      });
      if (!parallel) return;
      continue;
    }
    if (!parallel && (pod._sim.deletionAt != null || !isReadyAt(c, pod, t, faults))) return;
  }
  // scale down: highest ordinal first, one at a time
  const extra = live(c)
    .filter((p) => ownedBy(p, sts))
    .map((p) => ({ p, i: parseInt(p.metadata.name.slice(name.length + 1), 10) }))
    .filter((x) => x.i >= replicas)
    .sort((a, b) => b.i - a.i);
  if (extra.length) {
    if (extra.some((x) => x.p._sim.deletionAt != null)) return;
    requestPodDeletion(state, c, extra[0].p, t);
    recordEvent(state, c, {
      obj: sts,
      reason: 'SuccessfulDelete',
      message: `delete Pod ${extra[0].p.metadata.name} in StatefulSet ${name} successful`,
      component: 'statefulset-controller',
      at: t,
    });
    return;
  }
  // rolling update: replace the highest ordinal with an old revision once all are Ready
  const pods = live(c).filter((p) => ownedBy(p, sts));
  if (pods.some((p) => p._sim.deletionAt != null || !isReadyAt(c, p, t, faults))) return;
  const stale = pods
    .filter((p) => p.metadata.labels?.['controller-revision-hash'] !== rev)
    .sort((a, b) => b.metadata.name.localeCompare(a.metadata.name));
  if (stale.length && sts.spec.updateStrategy?.type !== 'OnDelete') requestPodDeletion(state, c, stale[0], t);
}

/** Scheduler: bind pending pods whose requests fit. */
function schedule(state, c, t, faults) {
  const pending = live(c)
    .filter((p) => p._sim.scheduledAt == null && p._sim.deletionAt == null)
    .sort((a, b) => a._sim.createdAt - b._sim.createdAt);
  if (!pending.length) return;
  const alloc = allocatable(c);
  let usedCpu = 0;
  let usedMem = 0;
  for (const p of live(c))
    if (p._sim.scheduledAt != null) {
      const r = podRequests(p);
      usedCpu += r.cpu;
      usedMem += r.mem;
    }
  for (const p of pending) {
    const r = podRequests(p);
    const tooSmall = faults.has('unschedulable') && !p._sim.system && !c.foreign;
    const noCpu = tooSmall || usedCpu + r.cpu > alloc.cpu;
    const noMem = tooSmall || usedMem + r.mem > alloc.mem;
    if (noCpu || noMem) {
      const why = [noCpu ? '1 Insufficient cpu' : null, noMem ? '1 Insufficient memory' : null].filter(Boolean).join(', ');
      const message = `0/1 nodes are available: ${why}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.`;
      if (!p._sim.unsched || p._sim.unsched.message !== message) p._sim.unsched = { since: t, message };
      continue;
    }
    usedCpu += r.cpu;
    usedMem += r.mem;
    p._sim.scheduledAt = t;
    p._sim.unsched = null;
    p.spec.nodeName = c.node.name;
    newRun(state, c, p, t);
    p.metadata.resourceVersion = nextRV(state);
  }
}

/** Start a new sandbox (run) for a scheduled pod. */
export function newRun(state, c, pod, start) {
  const hostNet = !!pod.spec.hostNetwork;
  state.seq.ip = (state.seq.ip % 250) + 1;
  pod._sim.runs.push({
    start,
    createAt: null,
    stop: null,
    ip: hostNet ? c.node.ip : `10.244.0.${state.seq.ip + 1}`,
    block: null,
    env: null,
    imageID: null,
  });
}

/** Resolve env of a container (values at creation time). Returns { env } or { error }. */
export function resolveEnv(c, pod, ct) {
  const ns = pod.metadata.namespace;
  /** @type {Record<string,string>} */
  const env = {};
  const b64 = (s) => Buffer.from(s, 'base64').toString('utf8');
  for (const ef of ct.envFrom ?? []) {
    if (ef.configMapRef) {
      const cm = getObject(c, 'ConfigMap', ns, ef.configMapRef.name);
      if (!cm) {
        if (ef.configMapRef.optional) continue;
        return { error: `configmap "${ef.configMapRef.name}" not found` };
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) env[(ef.prefix ?? '') + k] = String(v);
    }
    if (ef.secretRef) {
      const s = getObject(c, 'Secret', ns, ef.secretRef.name);
      if (!s) {
        if (ef.secretRef.optional) continue;
        return { error: `secret "${ef.secretRef.name}" not found` };
      }
      for (const [k, v] of Object.entries(s.data ?? {})) env[(ef.prefix ?? '') + k] = b64(String(v));
    }
  }
  for (const e of ct.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = String(e.value).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, k) => (k in env ? env[k] : m));
      continue;
    }
    const vf = e.valueFrom;
    if (!vf) {
      env[e.name] = '';
      continue;
    }
    if (vf.secretKeyRef) {
      const s = getObject(c, 'Secret', ns, vf.secretKeyRef.name);
      if (!s) {
        if (vf.secretKeyRef.optional) continue;
        return { error: `secret "${vf.secretKeyRef.name}" not found` };
      }
      const v = s.data?.[vf.secretKeyRef.key];
      if (v === undefined) {
        if (vf.secretKeyRef.optional) continue;
        return { error: `couldn't find key ${vf.secretKeyRef.key} in Secret ${ns}/${vf.secretKeyRef.name}` };
      }
      env[e.name] = b64(v);
    } else if (vf.configMapKeyRef) {
      const cm = getObject(c, 'ConfigMap', ns, vf.configMapKeyRef.name);
      if (!cm) {
        if (vf.configMapKeyRef.optional) continue;
        return { error: `configmap "${vf.configMapKeyRef.name}" not found` };
      }
      const v = cm.data?.[vf.configMapKeyRef.key];
      if (v === undefined) {
        if (vf.configMapKeyRef.optional) continue;
        return { error: `couldn't find key ${vf.configMapKeyRef.key} in ConfigMap ${ns}/${vf.configMapKeyRef.name}` };
      }
      env[e.name] = String(v);
    } else if (vf.fieldRef) {
      const fp = vf.fieldRef.fieldPath;
      env[e.name] =
        fp === 'metadata.name'
          ? pod.metadata.name
          : fp === 'metadata.namespace'
            ? ns
            : fp === 'status.podIP'
              ? (pod._sim.runs.at(-1)?.ip ?? '')
              : fp === 'spec.nodeName'
                ? c.node.name
                : '';
    } else if (vf.resourceFieldRef) env[e.name] = '0';
  }
  return { env };
}

/** Which of a pod's volumes reference a missing Secret/ConfigMap (FailedMount keeps it in ContainerCreating). */
function missingVolume(c, pod) {
  const ns = pod.metadata.namespace;
  for (const v of pod.spec.volumes ?? []) {
    if (v.secret && !v.secret.optional && !getObject(c, 'Secret', ns, v.secret.secretName))
      return `MountVolume.SetUp failed for volume "${v.name}" : secret "${v.secret.secretName}" not found`;
    if (v.configMap && !v.configMap.optional && !getObject(c, 'ConfigMap', ns, v.configMap.name))
      return `MountVolume.SetUp failed for volume "${v.name}" : configmap "${v.configMap.name}" not found`;
    if (v.persistentVolumeClaim && !getObject(c, 'PersistentVolumeClaim', ns, v.persistentVolumeClaim.claimName))
      return `persistentvolumeclaim "${v.persistentVolumeClaim.claimName}" not found`;
  }
  return null;
}

/** Is the image usable on the node, honouring pull policy and the image-missing fault? */
export function imageCheck(state, c, ct, faults) {
  const store = nodeImages(state, c);
  const blockedRepo = faults.values('image-missing').some((m) => repoOf(m) === repoOf(ct.image));
  const img = blockedRepo ? null : storeGet(store, ct.image);
  const policy = ct.imagePullPolicy;
  if (policy === 'Never') {
    if (!img) return { reason: 'ErrImageNeverPull', message: `Container image "${ct.image}" is not present with pull policy of Never` };
    return { img };
  }
  if (policy === 'IfNotPresent' && img) return { img };
  if (img && img.system) return { img };
  const pub = publicImage(ct.image);
  if (pub && !blockedRepo) return { pull: pub };
  const repo = repoOf(ct.image).replace(/^docker\.io\/(library\/)?/, '');
  return {
    reason: 'ErrImagePull',
    message: `Error response from daemon: pull access denied for ${repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
  };
}

/** Well-known public images a real minikube node pulls from Docker Hub (the app's own images exist nowhere). */
const PUBLIC = {
  'docker.io/library/postgres': 109_000_000,
  'docker.io/library/busybox': 4_300_000,
  'docker.io/library/alpine': 8_300_000,
  'docker.io/library/node': 135_000_000,
  'docker.io/library/python': 130_000_000,
  'docker.io/library/nginx': 72_000_000,
  'docker.io/library/redis': 45_000_000,
  'docker.io/curlimages/curl': 24_000_000,
  'docker.io/bitnami/postgresql': 280_000_000,
};
export function publicImage(ref) {
  const size = PUBLIC[repoOf(ref)];
  return size ? { ref, size, id: 'sha256:' + sha256('public:' + normRef(ref)) } : null;
}

/** Kubelet: create containers for runs that have started, or record why they cannot be. */
function kubelet(state, c, t, faults) {
  for (const p of live(c)) {
    const sim = p._sim;
    if (sim.scheduledAt == null || sim.deletionAt != null) continue;
    const run = sim.runs[sim.runs.length - 1];
    if (!run || run.stop != null || run.createAt != null || run.start > t) continue;
    const vol = missingVolume(c, p);
    if (vol) {
      setBlock(run, 'FailedMount', vol, t);
      continue;
    }
    let blocked = null;
    /** @type {Record<string, Record<string,string>>} */
    const envs = {};
    let imageID = null;
    let pullUntil = t;
    for (const ct of p.spec.containers) {
      const ic = imageCheck(state, c, ct, faults);
      if (ic.reason) {
        blocked = ic;
        break;
      }
      if (ic.pull) {
        // pull from the public registry, then the image is in the node's store
        const dur = 1500 + (ic.pull.size / 12e6) * 1000 + spread(p.metadata.name + ct.image, 0, 1500);
        run.pulls = [...(run.pulls ?? []), { image: ct.image, from: t, to: t + dur, size: ic.pull.size }];
        pullUntil = Math.max(pullUntil, t + dur);
        storeAdd(
          nodeImages(state, c),
          { id: ic.pull.id, repoTags: [], size: ic.pull.size, created: t - 20 * 86400_000, history: [], labels: {}, pulled: true },
          ct.image,
        );
        if (!imageID) imageID = ic.pull.id;
      } else if (!imageID) imageID = ic.img.id;
      const r = resolveEnv(c, p, ct);
      if (r.error) {
        blocked = { reason: 'CreateContainerConfigError', message: r.error };
        break;
      }
      envs[ct.name] = r.env;
    }
    if (blocked) {
      setBlock(run, blocked.reason, blocked.message, t);
      continue;
    }
    run.createAt = Math.max(pullUntil, run.block ? Math.max(t, run.block.since + 1000) : t);
    run.env = envs;
    run.imageID = imageID;
    p.metadata.resourceVersion = nextRV(state);
  }
}

function setBlock(run, reason, message, t) {
  if (!run.block || run.block.reason !== reason || run.block.message !== message) {
    run.block = { reason, message, since: run.block?.reason === reason ? run.block.since : t };
    if (!run.blocks) run.blocks = [];
    run.blocks.push({ reason, message, since: t });
  }
}

/** Restarts accumulated in a finished run (for node restarts). */
export function restartsIn(pod, idx, faults, stopAt) {
  const tm = runTimes(pod, idx, faults);
  if (!tm || tm.startedAt > stopAt) return 0;
  return crashRestarts(tm, stopAt) + 1;
}
