// @ts-check
// The state model. One JSON document (<stateDir>/state.json); every field below is plain data.
//
// state = {
//   version, createdAt (virtual ms), nodeIP (loopback address the NodePorts bind to),
//   host: { hostname, ncpu, memTotal, os, kernel, dockerVersion },
//   seq: { call, api, uid, rv, ip },                  counters (call = every shim call, api = kubectl/helm API calls)
//   docker: ImageStore,                                the host daemon's images
//   minikube: { profiles: { [name]: Profile } },
//   kubeconfig: { current: string, contexts: { [name]: { cluster, user, namespace, server } } },
//   clusters: { [name]: Cluster },                     a minikube profile's cluster, or a foreign one (context= fault)
//   truth: { minikube: [{ profile, action, startedAt, completedAt, ok }] },
//   server: { pid, startedAt } | null,                 the NodePort daemon
//   lastFaults: string[]                               SIM_FAULTS of the latest call (the daemon reads it)
// }
// ImageStore = { images: { [id]: Image }, tags: { [normalisedRef]: id } }
// Image = { id, repoTags, size, created, history: [{created, createdBy, size, comment, empty}], labels, buildArgs, context }
// Profile = { name, status: 'Running'|'Stopped', driver, cpus, memory, kubernetesVersion, nodeIP, apiPort,
//             dockerEnvPort, addons: { [name]: bool }, images: ImageStore, createdAt, startedAt, stoppedAt, cluster }
// Cluster = { name, foreign, profile, k8sVersion, up, upSince, node: { name, ip, cpu (milli), memMi, uid, createdAt },
//             objects: { ['Kind|ns|name']: object },  Kubernetes objects as stored (pods carry `_sim` lifecycle data)
//             events: [Event], graveyard: [deleted pods], releases: { ['ns/name']: [Revision] },
//             data: { [pvcUid|'external']: { todos, nextId } }, lastReconcile }
import { sha256 } from './util.mjs';

export const MINIKUBE_VERSION = 'v1.37.0';
export const MINIKUBE_COMMIT = '65318f4cfff9c12cc87ec9eb8f4cdd57b25047f3';
export const K8S_VERSION = 'v1.34.0';
export const DOCKER_VERSION = '28.2.2';
export const NODE_DOCKER_VERSION = '28.4.0';
export const NODE_CONTAINERD_VERSION = '1.7.27';
export const KIC_VERSION = 'v0.0.48';
export const METRICS_SERVER_IMAGE = 'registry.k8s.io/metrics-server/metrics-server:v0.8.0';

const SYSTEM_IMAGES = [
  [`registry.k8s.io/kube-apiserver:${K8S_VERSION}`, 88_000_000],
  [`registry.k8s.io/kube-controller-manager:${K8S_VERSION}`, 74_800_000],
  [`registry.k8s.io/kube-scheduler:${K8S_VERSION}`, 52_800_000],
  [`registry.k8s.io/kube-proxy:${K8S_VERSION}`, 71_900_000],
  ['registry.k8s.io/etcd:3.6.4-0', 195_000_000],
  ['registry.k8s.io/coredns/coredns:v1.12.1', 75_000_000],
  ['registry.k8s.io/pause:3.10.1', 736_000],
  ['gcr.io/k8s-minikube/storage-provisioner:v5', 31_500_000],
];

/** Normalise an image reference the way the docker runtime names it (docker.io/library/x:latest). */
export function normRef(ref) {
  let r = ref;
  const at = r.indexOf('@');
  if (at >= 0) r = r.slice(0, at);
  const lastSlash = r.lastIndexOf('/');
  if (!r.slice(lastSlash + 1).includes(':')) r += ':latest';
  const first = r.split('/')[0];
  const parts = r.split('/');
  if (parts.length === 1) return `docker.io/library/${r}`;
  if (!first.includes('.') && !first.includes(':') && first !== 'localhost') return `docker.io/${r}`;
  return r;
}
/** Familiar form (what docker prints): strips docker.io/library/ and docker.io/. */
export function familiarRef(ref) {
  return normRef(ref)
    .replace(/^docker\.io\/library\//, '')
    .replace(/^docker\.io\//, '');
}
/** repository part of a reference (no tag), normalised. */
export const repoOf = (ref) => normRef(ref).replace(/:[^:/]+$/, '');

/** @returns {{ images: Record<string, any>, tags: Record<string, string> }} */
export const emptyStore = () => ({ images: {}, tags: {} });

/** Add an image to a store (moves the tag if it pointed elsewhere). */
export function storeAdd(store, image, ref) {
  const n = normRef(ref);
  const prev = store.tags[n];
  if (prev && prev !== image.id && store.images[prev]) {
    const old = store.images[prev];
    old.repoTags = old.repoTags.filter((t) => normRef(t) !== n);
  }
  const existing = store.images[image.id];
  const img = existing ?? { ...image, repoTags: [] };
  if (!img.repoTags.some((t) => normRef(t) === n)) img.repoTags.push(familiarRef(ref));
  store.images[image.id] = img;
  store.tags[n] = image.id;
  return img;
}
export const storeGet = (store, ref) => {
  const id = store.tags[normRef(ref)];
  if (id && store.images[id]) return store.images[id];
  // by id prefix
  const want = ref.replace(/^sha256:/, '');
  if (/^[0-9a-f]{6,64}$/.test(want)) {
    for (const img of Object.values(store.images)) if (img.id.slice(7).startsWith(want)) return img;
  }
  return null;
};

function systemImage(ref, size, created) {
  return { id: 'sha256:' + sha256('system:' + ref), repoTags: [], size, created, history: [], labels: {}, system: true };
}

export function nodeStore(created) {
  const s = emptyStore();
  for (const [ref, size] of SYSTEM_IMAGES) storeAdd(s, systemImage(ref, size, created - 30 * 86400_000), ref);
  return s;
}
export function addMetricsImage(store, created) {
  storeAdd(store, systemImage(METRICS_SERVER_IMAGE, 71_300_000, created - 60 * 86400_000), METRICS_SERVER_IMAGE);
}

/** @param {{ now: number, nodeIP: string, faults: import('./faults.mjs').Faults }} o */
export function newState({ now, nodeIP, faults }) {
  const state = {
    version: 1,
    createdAt: now,
    nodeIP,
    host: {
      hostname: 'sim-host',
      ncpu: 8,
      memTotal: 16_763_904_000,
      os: 'Debian GNU/Linux 12 (bookworm)',
      kernel: '6.1.0-28-amd64',
      dockerVersion: DOCKER_VERSION,
    },
    seq: { call: 0, api: 0, uid: 0, rv: 1000, ip: 1 },
    docker: emptyStore(),
    minikube: { profiles: /** @type {Record<string, any>} */ ({}) },
    kubeconfig: { current: '', contexts: /** @type {Record<string, any>} */ ({}) },
    clusters: /** @type {Record<string, any>} */ ({}),
    truth: { minikube: /** @type {any[]} */ ([]) },
    server: null,
    lastFaults: faults.raw,
  };
  if (faults.has('minikube-stopped')) {
    const created = now - 3600_000;
    const p = createProfile(state, 'minikube', {
      cpus: 2,
      memory: 4096,
      driver: faults.values('minikube-driver')[0] ?? 'docker',
      runtime: faults.values('minikube-runtime')[0] ?? 'docker',
      at: created,
    });
    p.status = 'Stopped';
    p.startedAt = created;
    p.stoppedAt = now - 600_000;
    const c = state.clusters[p.cluster];
    c.up = false;
    c.upSince = null;
    c.lastReconcile = now;
    setContext(state, 'minikube', { cluster: 'minikube', server: `https://${nodeIP}:8443` });
  }
  for (const name of faults.values('context')) {
    const c = createCluster(state, name, {
      foreign: true,
      at: now - 30 * 86400_000,
      cpu: 16000,
      memMi: 65536,
      nodeName: `${name}-node-1`,
      nodeIP: '10.20.30.40',
    });
    c.up = true;
    c.upSince = c.node.createdAt;
    c.lastReconcile = now;
    setContext(state, name, { cluster: name, server: 'https://10.20.30.40:443' });
  }
  return state;
}

export function nextUid(state, seed) {
  state.seq.uid++;
  const h = sha256(`${seed}:${state.seq.uid}:${state.createdAt}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
export const nextRV = (state) => String(++state.seq.rv);

export function setContext(state, name, { cluster, server, namespace = 'default' }) {
  state.kubeconfig.contexts[name] = { cluster, user: name, namespace, server };
  state.kubeconfig.current = name;
}

/** The first profile gets the state's node IP; later ones the next free loopback address (like 192.168.58.2, …). */
function profileIP(state) {
  const used = new Set(Object.values(state.minikube.profiles).map((p) => /** @type {any} */ (p).nodeIP));
  if (!used.has(state.nodeIP)) return state.nodeIP;
  if (state.nodeIP === '127.0.0.1') return state.nodeIP;
  const [a, b, c, d] = state.nodeIP.split('.').map(Number);
  for (let i = 1; i < 250; i++) {
    const ip = `${a}.${b}.${c}.${((d - 1 + i) % 250) + 1}`;
    if (!used.has(ip)) return ip;
  }
  return state.nodeIP;
}

/**
 * @param {any} state @param {string} name
 * @param {{ cpus: number, memory: number, driver: string, at: number }} o
 */
export function createProfile(state, name, o) {
  const p = {
    name,
    status: 'Stopped',
    driver: o.driver,
    // The container runtime (minikube start --container-runtime; ContainerRuntime in the profile's config).
    runtime: o.runtime ?? 'docker',
    cpus: o.cpus,
    memory: o.memory,
    kubernetesVersion: K8S_VERSION,
    nodeIP: profileIP(state),
    apiPort: 8443,
    dockerEnvPort: 0,
    addons: { 'default-storageclass': true, 'storage-provisioner': true, 'metrics-server': false },
    images: nodeStore(o.at),
    createdAt: o.at,
    startedAt: null,
    stoppedAt: null,
    cluster: name,
    starts: 0,
  };
  state.minikube.profiles[name] = p;
  createCluster(state, name, {
    foreign: false,
    at: o.at,
    cpu: o.cpus * 1000,
    memMi: o.memory,
    nodeName: name,
    nodeIP: p.nodeIP,
    profile: name,
  });
  return p;
}

/**
 * @param {any} state @param {string} name
 * @param {{ foreign: boolean, at: number, cpu: number, memMi: number, nodeName: string, nodeIP: string, profile?: string }} o
 */
export function createCluster(state, name, o) {
  const c = {
    name,
    foreign: o.foreign,
    profile: o.profile ?? null,
    k8sVersion: K8S_VERSION,
    up: false,
    upSince: /** @type {number|null} */ (null),
    node: { name: o.nodeName, ip: o.nodeIP, cpu: o.cpu, memMi: o.memMi, uid: nextUid(state, 'node:' + name), createdAt: o.at },
    objects: /** @type {Record<string, any>} */ ({}),
    events: /** @type {any[]} */ ([]),
    graveyard: /** @type {any[]} */ ([]),
    releases: /** @type {Record<string, any[]>} */ ({}),
    data: /** @type {Record<string, any>} */ ({}),
    lastReconcile: o.at,
    podSeq: 0,
  };
  state.clusters[name] = c;
  for (const ns of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) {
    putObject(
      state,
      c,
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
        spec: { finalizers: ['kubernetes'] },
      },
      o.at,
    );
  }
  putObject(
    state,
    c,
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: 'standard',
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
        labels: { 'addonmanager.kubernetes.io/mode': 'EnsureExists' },
      },
      provisioner: 'k8s.io/minikube-hostpath',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    },
    o.at,
  );
  return c;
}

const GENERATION = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Pod', 'Job', 'StorageClass']);
export const objKey = (kind, ns, name) => `${kind}|${ns ?? ''}|${name}`;
export const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'StorageClass',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
]);

/** Create or replace an object (keeps uid/creationTimestamp on replace, bumps generation when spec changes). */
export function putObject(state, cluster, obj, at) {
  const ns = CLUSTER_SCOPED.has(obj.kind) ? '' : (obj.metadata.namespace ?? 'default');
  if (ns) obj.metadata.namespace = ns;
  else delete obj.metadata.namespace;
  const key = objKey(obj.kind, ns, obj.metadata.name);
  const prev = cluster.objects[key];
  if (prev) {
    obj.metadata.uid = prev.metadata.uid;
    obj.metadata.creationTimestamp = prev.metadata.creationTimestamp;
    obj._created = prev._created;
    const specChanged = JSON.stringify(prev.spec) !== JSON.stringify(obj.spec);
    if (GENERATION.has(obj.kind)) obj.metadata.generation = (prev.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    if (prev._sim && !obj._sim) obj._sim = prev._sim;
  } else {
    obj.metadata.uid = nextUid(state, key);
    obj._created = at;
    obj.metadata.creationTimestamp = at;
    if (GENERATION.has(obj.kind)) obj.metadata.generation = 1;
  }
  obj.metadata.resourceVersion = nextRV(state);
  cluster.objects[key] = obj;
  return obj;
}
export const getObject = (cluster, kind, ns, name) => cluster.objects[objKey(kind, CLUSTER_SCOPED.has(kind) ? '' : ns, name)] ?? null;
export function listObjects(cluster, kind, ns) {
  const out = [];
  for (const o of Object.values(cluster.objects)) {
    if (o.kind !== kind) continue;
    if (ns && o.metadata.namespace !== ns) continue;
    out.push(o);
  }
  return out.sort(
    (a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name),
  );
}
export function deleteObject(cluster, kind, ns, name) {
  const k = objKey(kind, CLUSTER_SCOPED.has(kind) ? '' : ns, name);
  const o = cluster.objects[k];
  delete cluster.objects[k];
  return o ?? null;
}

/** The cluster a context points at, or null. */
export function clusterForContext(state, ctxName) {
  const ctx = state.kubeconfig.contexts[ctxName];
  if (!ctx) return null;
  return state.clusters[ctx.cluster] ?? null;
}
