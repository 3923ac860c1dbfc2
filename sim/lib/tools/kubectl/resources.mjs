// @ts-check
// The resource registry of the simulated kubectl: kinds, plurals, API groups and short names, and
// how `type/name` and `type name` arguments resolve to them. Shared by every verb.

/** resource registry */
const RES = [
  { kind: 'Pod', plural: 'pods', group: '', names: ['po', 'pod', 'pods'] },
  { kind: 'Deployment', plural: 'deployments', group: 'apps', names: ['deploy', 'deployment', 'deployments'] },
  { kind: 'ReplicaSet', plural: 'replicasets', group: 'apps', names: ['rs', 'replicaset', 'replicasets'] },
  { kind: 'StatefulSet', plural: 'statefulsets', group: 'apps', names: ['sts', 'statefulset', 'statefulsets'] },
  { kind: 'DaemonSet', plural: 'daemonsets', group: 'apps', names: ['ds', 'daemonset', 'daemonsets'] },
  { kind: 'Service', plural: 'services', group: '', names: ['svc', 'service', 'services'] },
  { kind: 'Endpoints', plural: 'endpoints', group: '', names: ['ep', 'endpoints'] },
  {
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    group: '',
    names: ['pvc', 'persistentvolumeclaim', 'persistentvolumeclaims'],
  },
  { kind: 'PersistentVolume', plural: 'persistentvolumes', group: '', names: ['pv', 'persistentvolume', 'persistentvolumes'] },
  { kind: 'Event', plural: 'events', group: '', names: ['ev', 'event', 'events'] },
  { kind: 'ConfigMap', plural: 'configmaps', group: '', names: ['cm', 'configmap', 'configmaps'] },
  { kind: 'Secret', plural: 'secrets', group: '', names: ['secret', 'secrets'] },
  { kind: 'Namespace', plural: 'namespaces', group: '', names: ['ns', 'namespace', 'namespaces'] },
  { kind: 'Node', plural: 'nodes', group: '', names: ['no', 'node', 'nodes'] },
  { kind: 'StorageClass', plural: 'storageclasses', group: 'storage.k8s.io', names: ['sc', 'storageclass', 'storageclasses'] },
  { kind: 'ServiceAccount', plural: 'serviceaccounts', group: '', names: ['sa', 'serviceaccount', 'serviceaccounts'] },
  { kind: 'CronJob', plural: 'cronjobs', group: 'batch', names: ['cj', 'cronjob', 'cronjobs'] },
  { kind: 'Job', plural: 'jobs', group: 'batch', names: ['job', 'jobs'] },
  {
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    group: 'apiextensions.k8s.io',
    names: ['crd', 'customresourcedefinition', 'customresourcedefinitions', 'crds'],
  },
];
/** @param {string} word */
export function resolveRes(word) {
  const w = word.toLowerCase();
  for (const r of RES) {
    if (r.names.includes(w)) return r;
    if (r.group && (w === `${r.plural}.${r.group}` || w === `${r.names[1]}.${r.group}` || w === `${r.plural}.${r.group.split('.')[0]}`))
      return r;
  }
  return null;
}
/**
 * The resource and names of `kubectl <verb> type/name …` or `kubectl <verb> type name …`: kubectl's
 * resource builder accepts both forms (k8s.io/cli-runtime pkg/resource builder.go, ResourceTypeOrNameArgs).
 */
export function resolveTargets(pos) {
  if (!pos.length) return { r: null, names: [] };
  if (pos[0].includes('/')) return { r: resolveRes(pos[0].split('/')[0]), names: pos.map((x) => x.split('/')[1]) };
  return { r: resolveRes(pos[0]), names: pos.slice(1) };
}
export const qualified = (r) => (r.group ? `${r.plural}.${r.group}` : r.plural);
export const nameRef = (r, name) => `${r.names[1] === 'endpoints' ? 'endpoints' : r.names[1]}${r.group ? '.' + r.group : ''}/${name}`;
