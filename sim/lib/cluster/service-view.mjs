// @ts-check
// Services and their Endpoints at virtual time t: which pods a selector picks, Ready or not, and the
// addresses and ports the Endpoints object lists.
import { listObjects } from '../model.mjs';
import { rfc3339 } from '../util.mjs';
import { isReadyAt } from './lifecycle.mjs';
import { clean } from './clean.mjs';

/** Pods selected by a service selector (not terminating, with an IP). */
export function endpointsFor(c, svc, t, faults) {
  const sel = svc.spec.selector;
  const ns = svc.metadata.namespace;
  if (!sel || !c.up) return { ready: [], notReady: [] };
  const ready = [];
  const notReady = [];
  for (const p of listObjects(c, 'Pod', ns)) {
    const labels = p.metadata.labels ?? {};
    if (!Object.entries(sel).every(([k, v]) => labels[k] === v)) continue;
    if (p._sim.scheduledAt == null || p._sim.deletionAt != null) continue;
    const run = p._sim.runs[p._sim.runs.length - 1];
    if (!run || run.stop != null || run.start > t) continue;
    (isReadyAt(c, p, t, faults) ? ready : notReady).push(p);
  }
  return { ready, notReady };
}

export function serviceReady(state, c, svc, t, faults) {
  return endpointsFor(c, svc, t, faults).ready.length > 0;
}

function resolveTargetPort(pod, tp) {
  if (typeof tp === 'number') return tp;
  for (const ct of pod.spec.containers) for (const p of ct.ports ?? []) if (p.name === tp) return p.containerPort;
  return null;
}

export function endpointsJSON(c, svc, t, faults) {
  const { ready, notReady } = endpointsFor(c, svc, t, faults);
  const addr = (p) => ({
    ip: p._sim.runs.at(-1).ip,
    nodeName: c.node.name,
    targetRef: { kind: 'Pod', name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
  });
  const any = ready[0] ?? notReady[0];
  const ports = (svc.spec.ports ?? []).map((sp) => ({
    ...(sp.name ? { name: sp.name } : {}),
    port: any ? (resolveTargetPort(any, sp.targetPort ?? sp.port) ?? sp.port) : sp.port,
    protocol: sp.protocol ?? 'TCP',
  }));
  const o = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      creationTimestamp: rfc3339(svc._created),
      labels: svc.metadata.labels,
      name: svc.metadata.name,
      namespace: svc.metadata.namespace,
      resourceVersion: svc.metadata.resourceVersion,
      uid: svc.metadata.uid.replace(/^.{4}/, 'e0e0'),
    },
  };
  if (ready.length || notReady.length) {
    o.subsets = [
      {
        ...(ready.length ? { addresses: ready.map(addr) } : {}),
        ...(notReady.length ? { notReadyAddresses: notReady.map(addr) } : {}),
        ports,
      },
    ];
  }
  if (svc.metadata.name === 'kubernetes' && svc.metadata.namespace === 'default')
    o.subsets = [{ addresses: [{ ip: c.node.ip }], ports: [{ name: 'https', port: 8443, protocol: 'TCP' }] }];
  return o;
}

export function serviceJSON(c, svc) {
  const o = clean(svc);
  o.spec.internalTrafficPolicy ??= 'Cluster';
  o.spec.ipFamilies ??= ['IPv4'];
  o.spec.ipFamilyPolicy ??= 'SingleStack';
  o.spec.sessionAffinity ??= 'None';
  o.spec.type ??= 'ClusterIP';
  if (o.spec.type === 'NodePort') o.spec.externalTrafficPolicy ??= 'Cluster';
  o.status = { loadBalancer: {} };
  return o;
}
