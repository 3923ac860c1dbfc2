// @ts-check
// Mutations requested through the API: namespace and PVC deletion (finalised by the controllers).
import { listObjects, deleteObject, CLUSTER_SCOPED } from '../model.mjs';
import { requestPodDeletion } from './pods.mjs';

/** Namespace deletion: pods terminate gracefully, everything else goes now; the namespace goes when its pods are gone. */
export function deleteNamespace(state, c, name, now) {
  const ns = listObjects(c, 'Namespace').find((o) => o.metadata.name === name);
  if (!ns || ns._terminatingAt) return;
  ns._terminatingAt = now;
  ns.metadata.deletionTimestamp = now;
  for (const [key, o] of Object.entries(c.objects)) {
    if (CLUSTER_SCOPED.has(o.kind) || o.metadata.namespace !== name) continue;
    if (o.kind === 'Pod') {
      requestPodDeletion(state, c, o, now);
      continue;
    }
    if (o.kind === 'PersistentVolumeClaim') {
      deletePVC(state, c, o, now);
      continue;
    }
    delete c.objects[key];
  }
  // Helm keeps its release records as Secrets in the namespace: they go too.
  for (const k of Object.keys(c.releases)) if (k.startsWith(name + '/')) delete c.releases[k];
  c.events = c.events.filter((e) => e.ns !== name);
}

/** PVC deletion; kubernetes.io/pvc-protection keeps it until no pod uses it. Its data go with it. */
export function deletePVC(state, c, pvc, now) {
  if (pvc._terminatingAt) return;
  pvc._terminatingAt = now;
  pvc.metadata.deletionTimestamp = now;
}

export { deleteObject };
