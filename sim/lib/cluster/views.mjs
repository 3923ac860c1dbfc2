// @ts-check
// Objects as the API server would return them at virtual time t (status derived from timestamps):
// one import for every kind's view (pods, services, workloads and the node each have their module),
// and the small ones here (volume claims, volumes, namespaces).
import { getObject } from '../model.mjs';
import { rfc3339 } from '../util.mjs';
import { clean } from './clean.mjs';

export function pvcJSON(c, pvc) {
  const o = clean(pvc);
  o.status = {
    accessModes: pvc.spec.accessModes,
    capacity: { storage: pvc.spec.resources?.requests?.storage },
    phase: pvc._terminating ? 'Bound' : 'Bound',
  };
  return o;
}
export function pvJSON(c, pv) {
  const o = clean(pv);
  const claim = pv.spec.claimRef;
  const bound = claim && getObject(c, 'PersistentVolumeClaim', claim.namespace, claim.name);
  o.status = { lastPhaseTransitionTime: rfc3339(pv._created), phase: bound ? 'Bound' : 'Released' };
  return o;
}

export function namespaceJSON(c, ns) {
  const o = clean(ns);
  o.status = { phase: ns._terminatingAt ? 'Terminating' : 'Active' };
  return o;
}

export { clean } from './clean.mjs';
export { podState, podJSON, qosClass } from './pod-view.mjs';
export { endpointsFor, serviceReady, endpointsJSON, serviceJSON } from './service-view.mjs';
export { deploymentStatus, deploymentJSON, replicaSetJSON, statefulSetJSON } from './workload-view.mjs';
export { nodeJSON } from './node-view.mjs';
