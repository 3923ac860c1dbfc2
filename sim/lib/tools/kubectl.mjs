// @ts-check
// Simulated kubectl (client v1.34.0 against the simulated API server).
import { parseOrFail, notImplemented } from '../common.mjs';
import { withState, readState } from '../state.mjs';
import { Exit } from '../cli.mjs';
import { connect, kubectlConnFail } from '../kube.mjs';
import { K8S_VERSION, listObjects, getObject, putObject, deleteObject, CLUSTER_SCOPED } from '../model.mjs';
import { kubeJSON, table, humanDuration, selectorPredicate, rfc3339, sortKeys } from '../util.mjs';
import {
  podJSON,
  podState,
  deploymentJSON,
  deploymentStatus,
  replicaSetJSON,
  statefulSetJSON,
  serviceJSON,
  endpointsJSON,
  pvcJSON,
  pvJSON,
  namespaceJSON,
  nodeJSON,
  clean,
  endpointsFor,
} from '../cluster/views.mjs';
import { allEvents, eventJSON } from '../cluster/events.mjs';
import { requestPodDeletion, reconcile } from '../cluster/controllers.mjs';
import { isReadyAt } from '../cluster/lifecycle.mjs';
import { deleteNamespace, deletePVC } from '../cluster/ops.mjs';
import { cascade } from '../cluster/apply.mjs';

const GLOBAL = {
  'request-timeout': { type: 'string', def: '0' },
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  cluster: { type: 'string' },
  user: { type: 'string' },
  server: { type: 'string', short: 's' },
  token: { type: 'string' },
  'insecure-skip-tls-verify': { type: 'bool' },
  v: { type: 'string', short: 'v' },
  as: { type: 'string' },
  'as-group': { type: 'stringArray' },
  'as-uid': { type: 'string' },
  'match-server-version': { type: 'bool' },
  'warnings-as-errors': { type: 'bool' },
  'disable-compression': { type: 'bool' },
  'cache-dir': { type: 'string' },
  'certificate-authority': { type: 'string' },
  'client-certificate': { type: 'string' },
  'client-key': { type: 'string' },
  'tls-server-name': { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  profile: { type: 'string' },
  'profile-output': { type: 'string' },
  'log-flush-frequency': { type: 'duration' },
  vmodule: { type: 'string' },
  help: { type: 'bool', short: 'h' },
};
const FILE = {
  filename: { type: 'stringArray', short: 'f' },
  recursive: { type: 'bool', short: 'R' },
  kustomize: { type: 'string', short: 'k' },
};
/** @type {Record<string, import('../argv.mjs').Spec>} */
const SPECS = {
  version: { client: { type: 'bool' }, output: { type: 'string', short: 'o' } },
  'config current-context': {},
  'config use-context': {},
  'config get-contexts': { output: { type: 'string', short: 'o' }, 'no-headers': { type: 'bool' } },
  'config view': { minify: { type: 'bool' }, raw: { type: 'bool' }, output: { type: 'string', short: 'o' }, flatten: { type: 'bool' } },
  get: {
    ...FILE,
    output: { type: 'string', short: 'o' },
    selector: { type: 'string', short: 'l' },
    'all-namespaces': { type: 'bool', short: 'A' },
    'show-labels': { type: 'bool' },
    'no-headers': { type: 'bool' },
    raw: { type: 'string' },
    'field-selector': { type: 'string' },
    'ignore-not-found': { type: 'bool' },
    watch: { type: 'bool', short: 'w' },
    'watch-only': { type: 'bool' },
    'sort-by': { type: 'string' },
    'show-kind': { type: 'bool' },
    'label-columns': { type: 'stringArray', short: 'L' },
    'chunk-size': { type: 'int', def: 500 },
    'output-watch-events': { type: 'bool' },
    'server-print': { type: 'bool', def: true },
    template: { type: 'string' },
    'allow-missing-template-keys': { type: 'bool', def: true },
    'show-managed-fields': { type: 'bool' },
    subresource: { type: 'string' },
  },
  'create namespace': {
    'dry-run': { type: 'string' },
    output: { type: 'string', short: 'o' },
    'save-config': { type: 'bool' },
    validate: { type: 'string' },
    'field-manager': { type: 'string' },
  },
  'create secret generic': {
    'from-literal': { type: 'stringArray' },
    'from-file': { type: 'stringArray' },
    'from-env-file': { type: 'stringArray' },
    type: { type: 'string' },
    'dry-run': { type: 'string' },
    output: { type: 'string', short: 'o' },
    'save-config': { type: 'bool' },
    validate: { type: 'string' },
    'append-hash': { type: 'bool' },
    'field-manager': { type: 'string' },
  },
  'create configmap': {
    'from-literal': { type: 'stringArray' },
    'from-file': { type: 'stringArray' },
    'from-env-file': { type: 'stringArray' },
    'dry-run': { type: 'string' },
    output: { type: 'string', short: 'o' },
    'save-config': { type: 'bool' },
    validate: { type: 'string' },
    'append-hash': { type: 'bool' },
    'field-manager': { type: 'string' },
  },
  apply: {
    ...FILE,
    'server-side': { type: 'bool' },
    'force-conflicts': { type: 'bool' },
    'field-manager': { type: 'string' },
    'dry-run': { type: 'string' },
    validate: { type: 'string' },
    output: { type: 'string', short: 'o' },
    prune: { type: 'bool' },
    selector: { type: 'string', short: 'l' },
    wait: { type: 'bool' },
    overwrite: { type: 'bool', def: true },
    force: { type: 'bool' },
  },
  delete: {
    ...FILE,
    selector: { type: 'string', short: 'l' },
    all: { type: 'bool' },
    wait: { type: 'bool', def: true },
    timeout: { type: 'duration', def: 0 },
    'ignore-not-found': { type: 'bool' },
    'grace-period': { type: 'int', def: -1 },
    force: { type: 'bool' },
    now: { type: 'bool' },
    cascade: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'all-namespaces': { type: 'bool', short: 'A' },
    'field-selector': { type: 'string' },
    'dry-run': { type: 'string' },
    raw: { type: 'string' },
    interactive: { type: 'bool', short: 'i' },
  },
  wait: {
    ...FILE,
    for: { type: 'stringArray' },
    selector: { type: 'string', short: 'l' },
    timeout: { type: 'duration', def: 30000 },
    all: { type: 'bool' },
    'all-namespaces': { type: 'bool', short: 'A' },
    'field-selector': { type: 'string' },
    output: { type: 'string', short: 'o' },
    local: { type: 'bool' },
  },
  'rollout status': {
    ...FILE,
    timeout: { type: 'duration', def: 0 },
    watch: { type: 'bool', short: 'w', def: true },
    revision: { type: 'int', def: 0 },
    selector: { type: 'string', short: 'l' },
  },
  'rollout restart': {
    ...FILE,
    selector: { type: 'string', short: 'l' },
    'field-manager': { type: 'string' },
    output: { type: 'string', short: 'o' },
  },
  'rollout history': {
    ...FILE,
    revision: { type: 'int', def: 0 },
    selector: { type: 'string', short: 'l' },
    output: { type: 'string', short: 'o' },
  },
  'rollout undo': {
    ...FILE,
    'to-revision': { type: 'int', def: 0 },
    selector: { type: 'string', short: 'l' },
    'dry-run': { type: 'string' },
    output: { type: 'string', short: 'o' },
  },
  scale: {
    ...FILE,
    replicas: { type: 'int', def: -1 },
    'current-replicas': { type: 'int', def: -1 },
    'resource-version': { type: 'string' },
    selector: { type: 'string', short: 'l' },
    all: { type: 'bool' },
    timeout: { type: 'duration', def: 0 },
    output: { type: 'string', short: 'o' },
    'dry-run': { type: 'string' },
  },
  logs: {
    container: { type: 'string', short: 'c' },
    tail: { type: 'int', def: -1 },
    previous: { type: 'bool', short: 'p' },
    follow: { type: 'bool', short: 'f' },
    timestamps: { type: 'bool' },
    since: { type: 'duration', def: 0 },
    'since-time': { type: 'string' },
    selector: { type: 'string', short: 'l' },
    'all-containers': { type: 'bool' },
    prefix: { type: 'bool' },
    'limit-bytes': { type: 'int', def: 0 },
    'max-log-requests': { type: 'int', def: 5 },
    'ignore-errors': { type: 'bool' },
    'pod-running-timeout': { type: 'duration', def: 20000 },
    'insecure-skip-tls-verify-backend': { type: 'bool' },
  },
  describe: {
    ...FILE,
    selector: { type: 'string', short: 'l' },
    'all-namespaces': { type: 'bool', short: 'A' },
    'show-events': { type: 'bool', def: true },
    'chunk-size': { type: 'int', def: 500 },
  },
  exec: {
    container: { type: 'string', short: 'c' },
    stdin: { type: 'bool', short: 'i' },
    tty: { type: 'bool', short: 't' },
    quiet: { type: 'bool', short: 'q' },
    filename: { type: 'stringArray', short: 'f' },
    'pod-running-timeout': { type: 'duration', def: 60000 },
  },
  'top pod': {
    selector: { type: 'string', short: 'l' },
    'all-namespaces': { type: 'bool', short: 'A' },
    containers: { type: 'bool' },
    'no-headers': { type: 'bool' },
    'sort-by': { type: 'string' },
    sum: { type: 'bool' },
    'use-protocol-buffers': { type: 'bool', def: true },
    'field-selector': { type: 'string' },
  },
  'top node': {
    selector: { type: 'string', short: 'l' },
    'no-headers': { type: 'bool' },
    'sort-by': { type: 'string' },
    'show-capacity': { type: 'bool' },
    'use-protocol-buffers': { type: 'bool', def: true },
  },
  'port-forward': { address: { type: 'stringArray' }, 'pod-running-timeout': { type: 'duration', def: 60000 } },
  // k8s.io/kubectl pkg/cmd/proxy/proxy.go (the flags a runbook may send; the rest are not modelled)
  proxy: { port: { type: 'int', def: 8001, short: 'p' }, address: { type: 'string', def: '127.0.0.1' } },
  'cluster-info': {},
};
const KNOWN = [
  'create',
  'expose',
  'run',
  'set',
  'explain',
  'get',
  'edit',
  'delete',
  'rollout',
  'scale',
  'autoscale',
  'certificate',
  'cluster-info',
  'top',
  'cordon',
  'uncordon',
  'drain',
  'taint',
  'describe',
  'logs',
  'attach',
  'exec',
  'port-forward',
  'proxy',
  'cp',
  'auth',
  'debug',
  'events',
  'diff',
  'apply',
  'patch',
  'replace',
  'wait',
  'kustomize',
  'label',
  'annotate',
  'completion',
  'alpha',
  'api-resources',
  'api-versions',
  'config',
  'plugin',
  'version',
  'options',
  'help',
];

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
const qualified = (r) => (r.group ? `${r.plural}.${r.group}` : r.plural);
const nameRef = (r, name) => `${r.names[1] === 'endpoints' ? 'endpoints' : r.names[1]}${r.group ? '.' + r.group : ''}/${name}`;

/** @param {import('../cli.mjs').Ctx} ctx */
export async function run(ctx) {
  const argv = ctx.argv;
  const dd = argv.indexOf('--');
  const head = dd >= 0 ? argv.slice(0, dd) : argv;
  const words = [];
  const valueFlags = new Set([
    '-n',
    '--namespace',
    '--context',
    '--request-timeout',
    '--kubeconfig',
    '-s',
    '--server',
    '--cluster',
    '--user',
    '--token',
    '-v',
    '--as',
    '-o',
    '--output',
    '-l',
    '--selector',
    '-c',
    '--container',
  ]);
  for (let i = 0; i < head.length && words.length < 3; i++) {
    const a = head[i];
    if (a.startsWith('-')) {
      if (valueFlags.has(a) && GLOBAL[a.replace(/^-+/, '')]?.type !== 'bool' && !a.includes('=')) i++;
      continue;
    }
    words.push(a);
  }
  if (!words.length) {
    if (head.includes('--help') || head.includes('-h') || !head.length) {
      ctx.out('kubectl controls the Kubernetes cluster manager.\n\n (simulated kubectl; see docs/simulator.md)\n');
      return 0;
    }
  }
  const top = words[0];
  if (!KNOWN.includes(top)) {
    ctx.err(`error: unknown command "${top}" for "kubectl"\n`);
    return 1;
  }
  let cmd = top;
  if (top === 'config') cmd = `config ${words[1] ?? ''}`.trim();
  else if (top === 'create' && words[1] === 'secret') cmd = `create secret ${words[2] ?? ''}`.trim();
  else if (top === 'create') cmd = `create ${words[1] ?? ''}`.trim();
  else if (top === 'rollout') cmd = `rollout ${words[1] ?? ''}`.trim();
  else if (top === 'top')
    cmd = ['pod', 'pods', 'po'].includes(words[1]) ? 'top pod' : ['node', 'nodes', 'no'].includes(words[1]) ? 'top node' : 'top';
  const spec = SPECS[cmd];
  if (!spec) {
    if (cmd === 'top') {
      ctx.err(`error: unknown command "${words[1] ?? ''}" for "kubectl top"\n`);
      return 1;
    }
    notImplemented(ctx, 'kubectl', `"${cmd}"`);
  }
  const p = parseOrFail(ctx, argv, { ...GLOBAL, ...spec }, (msg) => ({
    text: `error: ${msg}\nSee 'kubectl ${cmd} --help' for usage.\n`,
    code: 1,
  }));
  if (p.flags.help) {
    ctx.out(`(simulated kubectl) Usage: kubectl ${cmd} [options]\n`);
    return 0;
  }
  const rt = p.flags['request-timeout'];
  if (rt !== '0' && !/^\d+(\.\d+)?(s|m|h|ms)?$/.test(rt) && !/^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/.test(rt)) {
    ctx.err(
      'error: invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)\n',
    );
    return 1;
  }
  const pos = p.args.slice(cmd.split(' ').length);
  const K = { ctx, p, pos, cmd };
  switch (cmd) {
    case 'version':
      return version(K);
    case 'config current-context':
      return configCurrent(K);
    case 'config get-contexts':
      return configGetContexts(K);
    case 'config use-context':
      return configUse(K);
    case 'config view':
      notImplemented(ctx, 'kubectl', '"config view"');
      break;
    case 'cluster-info':
      return clusterInfo(K);
    case 'get':
      return get(K);
    case 'create namespace':
      return createNamespace(K);
    case 'create secret generic':
    case 'create configmap':
      return createData(K);
    case 'apply':
      return (await import('../cluster/apply.mjs')).kubectlApply(K);
    case 'delete':
      return del(K);
    case 'scale':
      return scale(K);
    case 'wait':
      return (await import('../cluster/waits.mjs')).kubectlWait(K);
    case 'rollout status':
      return (await import('../cluster/waits.mjs')).rolloutStatus(K);
    case 'rollout restart':
      return rolloutRestart(K);
    case 'rollout history':
    case 'rollout undo':
      notImplemented(ctx, 'kubectl', `"${cmd}"`);
      break;
    case 'logs':
      return (await import('../cluster/logs.mjs')).kubectlLogs(K);
    case 'describe':
      return (await import('../cluster/describe.mjs')).kubectlDescribe(K);
    case 'exec':
      return (await import('../cluster/exec.mjs')).kubectlExec(K);
    case 'top pod':
    case 'top node':
      return (await import('../cluster/metrics.mjs')).kubectlTop(K);
    case 'port-forward':
      return (await import('../portforward.mjs')).kubectlPortForward(K);
    case 'proxy':
      return (await import('../proxy.mjs')).kubectlProxy(K);
  }
  return 0;
}

/**
 * Connect under lock and run fn with the reconciled cluster; prints connection failures.
 * @template T
 * @param {any} K @param {(c: any, state: any, ns: string, now: number) => T} fn @param {{ discovery?: boolean }} [o]
 * @returns {Promise<T>}
 */
export async function withCluster(K, fn, o = {}) {
  const { ctx, p } = K;
  let conn;
  const res = await withState(ctx.stateDir, (state) => {
    conn = connect(state, ctx, p.flags.context);
    if (conn.kind !== 'ok') return undefined;
    const ns = p.flags.namespace ?? conn.namespace;
    return { v: fn(conn.cluster, state, ns, conn.now) };
  });
  if (!res) kubectlConnFail(ctx, conn, p.flags['request-timeout'], o);
  return /** @type {any} */ (res).v;
}

function version(K) {
  const { ctx, p } = K;
  const client = {
    compiler: 'gc',
    gitCommit: '3c8e7fb46d1d6b6ea9ab4a4b1bd5ebd7e8a0e0b3',
    gitTreeState: 'clean',
    gitVersion: K8S_VERSION,
    goVersion: 'go1.24.6',
    major: '1',
    minor: '34',
    platform: 'linux/amd64',
    buildDate: '2025-08-27T12:21:53Z',
  };
  const kustomize = 'v5.7.1';
  const o = p.flags.output;
  if (o && o !== 'json' && o !== 'yaml') {
    ctx.err(`error: --output must be 'yaml' or 'json'\n`);
    return 1;
  }
  if (p.flags.client) {
    if (o === 'json') ctx.out(JSON.stringify({ clientVersion: client, kustomizeVersion: kustomize }, null, 2) + '\n');
    else if (o === 'yaml')
      ctx.out(
        `clientVersion:\n${Object.entries(client)
          .map(([k, v]) => `  ${k}: "${v}"`)
          .join('\n')}\nkustomizeVersion: ${kustomize}\n`,
      );
    else ctx.out(`Client Version: ${K8S_VERSION}\nKustomize Version: ${kustomize}\n`);
    return 0;
  }
  return withState(ctx.stateDir, (state) => {
    const conn = connect(state, ctx, p.flags.context);
    const server = {
      ...client,
      gitCommit: 'f28b4c9efbca5c5c0af716d9f2d5702667ee8a45',
      platform: 'linux/amd64',
      emulationMajor: '1',
      emulationMinor: '34',
      minCompatibilityMajor: '1',
      minCompatibilityMinor: '33',
    };
    if (conn.kind !== 'ok') {
      if (o === 'json') ctx.out(JSON.stringify({ clientVersion: client, kustomizeVersion: kustomize }, null, 2) + '\n');
      else ctx.out(`Client Version: ${K8S_VERSION}\nKustomize Version: ${kustomize}\n`);
      return { conn };
    }
    if (o === 'json')
      ctx.out(JSON.stringify({ clientVersion: client, kustomizeVersion: kustomize, serverVersion: server }, null, 2) + '\n');
    else ctx.out(`Client Version: ${K8S_VERSION}\nKustomize Version: ${kustomize}\nServer Version: ${K8S_VERSION}\n`);
    return { conn: null };
  }).then(({ conn }) => {
    if (conn) kubectlConnFail(ctx, conn, p.flags['request-timeout'], { discovery: false });
    return 0;
  });
}

function configCurrent(K) {
  const s = readState(K.ctx.stateDir);
  if (!s.kubeconfig.current) {
    K.ctx.err('error: current-context is not set\n');
    return 1;
  }
  K.ctx.out(s.kubeconfig.current + '\n');
  return 0;
}
function configGetContexts(K) {
  const { ctx, p, pos } = K;
  const s = readState(ctx.stateDir);
  let names = Object.keys(s.kubeconfig.contexts).sort();
  if (pos.length) {
    const missing = pos.filter((n) => !names.includes(n));
    if (missing.length) {
      ctx.err(`error: context ${missing[0]} not found\n`);
      return 1;
    }
    names = names.filter((n) => pos.includes(n));
  }
  const o = p.flags.output;
  if (o === 'name') {
    ctx.out(names.map((n) => n + '\n').join(''));
    return 0;
  }
  if (o) {
    ctx.err(`error: output must be one of '' or 'name': ${o}\n`);
    return 1;
  }
  const rows = names.map((n) => {
    const c = s.kubeconfig.contexts[n];
    return [n === s.kubeconfig.current ? '*' : '', n, c.cluster, c.user, c.namespace ?? ''];
  });
  if (!p.flags['no-headers']) rows.unshift(['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE']);
  ctx.out(rows.length ? table(rows) : '');
  return 0;
}
async function configUse(K) {
  const { ctx, pos } = K;
  const name = pos[0];
  if (!name) {
    ctx.err("error: Unexpected args: []\nSee 'kubectl config use-context -h' for help and examples\n");
    return 1;
  }
  const ok = await withState(ctx.stateDir, (s) => {
    if (!s.kubeconfig.contexts[name]) return false;
    s.kubeconfig.current = name;
    return true;
  });
  if (!ok) {
    ctx.err(`error: no context exists with the name: "${name}"\n`);
    return 1;
  }
  ctx.out(`Switched to context "${name}".\n`);
  return 0;
}

async function clusterInfo(K) {
  const server = await withCluster(K, (c, state, ns) => state.kubeconfig.contexts[K.p.flags.context ?? state.kubeconfig.current].server);
  K.ctx.out(
    `Kubernetes control plane is running at ${server}\nCoreDNS is running at ${server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`,
  );
  return 0;
}

/** JSON view of any object at t */
export function view(state, c, o, t, faults) {
  switch (o.kind) {
    case 'Pod':
      return podJSON(c, o, t, faults);
    case 'Deployment':
      return deploymentJSON(c, o, t, faults);
    case 'ReplicaSet':
      return replicaSetJSON(c, o, t, faults);
    case 'StatefulSet':
      return statefulSetJSON(c, o, t, faults);
    case 'Service':
      return serviceJSON(c, o);
    case 'PersistentVolumeClaim':
      return pvcJSON(c, o);
    case 'PersistentVolume':
      return pvJSON(c, o);
    case 'Namespace':
      return namespaceJSON(c, o);
    default:
      return clean(o);
  }
}

/** List objects of a resource at t (Endpoints, Events and Nodes are derived). */
function listRes(state, c, r, ns, t, faults) {
  if (r.kind === 'Node')
    return [{ name: c.node.name, json: () => nodeJSON(state, c, t), obj: null, labels: nodeJSON(state, c, t).metadata.labels }];
  if (r.kind === 'Endpoints')
    return listObjects(c, 'Service', ns).map((svc) => ({
      name: svc.metadata.name,
      ns: svc.metadata.namespace,
      obj: svc,
      labels: svc.metadata.labels ?? {},
      json: () => endpointsJSON(c, svc, t, faults),
    }));
  if (r.kind === 'Event')
    return allEvents(c, t, faults, ns).map((e) => {
      const j = eventJSON(c, e);
      return { name: j.metadata.name, ns: e.ns, obj: e, labels: {}, json: () => j };
    });
  return listObjects(c, r.kind, CLUSTER_SCOPED.has(r.kind) ? undefined : ns)
    .filter((o) => !(r.kind === 'Namespace' && false))
    .map((o) => ({
      name: o.metadata.name,
      ns: o.metadata.namespace,
      obj: o,
      labels: o.metadata.labels ?? {},
      json: () => view(state, c, o, t, faults),
    }));
}

async function get(K) {
  const { ctx, p, pos } = K;
  const f = p.flags;
  if (f.raw !== undefined) return (await import('../cluster/metrics.mjs')).kubectlRaw(K);
  if (f.watch || f['watch-only']) notImplemented(ctx, 'kubectl', 'get --watch');
  if (f.filename.length || f.kustomize) notImplemented(ctx, 'kubectl', 'get -f');
  if (f['sort-by'] || f['field-selector'] || f.template || f['label-columns'].length)
    notImplemented(ctx, 'kubectl', 'get with --sort-by/--field-selector/--template/-L');
  const o = f.output;
  const okOut = o === undefined || ['json', 'yaml', 'name', 'wide'].includes(o);
  if (!okOut) {
    if (/^(jsonpath|custom-columns|go-template|template)/.test(o)) notImplemented(ctx, 'kubectl', `-o ${o.split('=')[0]}`);
    ctx.err(
      `error: unable to match a printer suitable for the output format "${o}", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n`,
    );
    return 1;
  }
  if (!pos.length) {
    ctx.err(
      `You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n`,
    );
    return 1;
  }
  /** @type {{ r: any, names: string[] }[]} */
  const reqs = [];
  if (pos[0].includes('/')) {
    for (const a of pos) {
      const [t, n] = a.split('/');
      if (!n) {
        ctx.err(`error: arguments in resource/name form must have a single resource and name\n`);
        return 1;
      }
      const r = resolveRes(t);
      if (!r) {
        ctx.err(`error: the server doesn't have a resource type "${t}"\n`);
        return 1;
      }
      const ex = reqs.find((x) => x.r === r);
      if (ex) ex.names.push(n);
      else reqs.push({ r, names: [n] });
    }
  } else {
    const types = pos[0].split(',');
    for (const t of types) {
      if (t === 'all') {
        for (const k of ['pods', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets'])
          reqs.push({ r: resolveRes(k), names: [] });
        continue;
      }
      const r = resolveRes(t);
      if (!r) {
        ctx.err(`error: the server doesn't have a resource type "${t}"\n`);
        return 1;
      }
      reqs.push({ r, names: pos.slice(1) });
    }
    if (types.length > 1 && pos.length > 1) {
      ctx.err(`error: you must specify only one resource\n`);
      return 1;
    }
  }
  let sel;
  try {
    sel = selectorPredicate(f.selector);
  } catch (e) {
    ctx.err(`error: ${/** @type {Error} */ (e).message}\n`);
    return 1;
  }
  if (reqs.some((x) => x.r.kind === 'Endpoints'))
    ctx.err('Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n');
  const result = await withCluster(K, (c, state, ns, now) => {
    const allNs = f['all-namespaces'];
    const blocks = [];
    const errors = [];
    for (const { r, names } of reqs) {
      const items = listRes(state, c, r, allNs ? undefined : ns, now, ctx.faults).filter((x) => sel(x.labels));
      if (names.length) {
        const picked = [];
        for (const n of names) {
          const it = items.find((x) => x.name === n);
          if (it) picked.push(it);
          else if (!f['ignore-not-found']) errors.push(`Error from server (NotFound): ${qualified(r)} "${n}" not found`);
        }
        blocks.push({ r, items: picked.map((x) => ({ ...x, j: x.json() })), named: true });
      } else blocks.push({ r, items: items.map((x) => ({ ...x, j: x.json() })), named: false });
    }
    return { blocks, errors, ns, now, allNs, c: { name: c.name, node: c.node } };
  });
  const { blocks, errors, ns, now, allNs } = result;
  const all = blocks.flatMap((b) => b.items);
  const single =
    blocks.length === 1 &&
    blocks[0].named &&
    pos.length >= 1 &&
    all.length === 1 &&
    (pos[0].includes('/') ? pos.length === 1 : pos.length === 2);
  if (o === 'json' || o === 'yaml') {
    if (all.length || !errors.length) {
      const doc = single ? all[0].j : { apiVersion: 'v1', items: all.map((x) => x.j), kind: 'List', metadata: { resourceVersion: '' } };
      if (o === 'json') ctx.out(kubeJSON(doc));
      else {
        const YAML = (await import('yaml')).default;
        ctx.out(YAML.stringify(sortKeys(doc), { lineWidth: 0 }));
      }
    }
  } else if (o === 'name') {
    ctx.out(all.map((x) => nameRef(blocks.find((b) => b.items.includes(x)).r, x.name) + '\n').join(''));
  } else {
    const multi = blocks.length > 1;
    const parts = [];
    for (const b of blocks) {
      if (!b.items.length) continue;
      parts.push(
        printTable(b.r, b.items, {
          now,
          wide: o === 'wide',
          allNs,
          showLabels: f['show-labels'],
          noHeaders: f['no-headers'],
          kindPrefix: multi || f['show-kind'],
        }),
      );
    }
    if (parts.length) ctx.out(parts.join('\n'));
    else if (!errors.length)
      ctx.err(
        allNs || blocks.every((b) => CLUSTER_SCOPED.has(b.r.kind)) ? 'No resources found\n' : `No resources found in ${ns} namespace.\n`,
      );
  }
  for (const e of errors) ctx.err(e + '\n');
  return errors.length ? 1 : 0;
}

const age = (now, ts) => humanDuration(now - (typeof ts === 'number' ? ts : Date.parse(ts)));

function printTable(r, items, o) {
  const { now } = o;
  let head;
  let rowOf;
  const kindName = (n) => (o.kindPrefix ? nameRef(r, n) : n);
  switch (r.kind) {
    case 'Pod':
      head = ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', ...(o.wide ? ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'] : [])];
      rowOf = (x) => {
        const j = x.j;
        const cs = j.status.containerStatuses ?? [];
        const ready = cs.filter((c) => c.ready).length;
        const st = x._st;
        const restarts = cs.reduce((a, c) => a + c.restartCount, 0);
        const lastT = cs
          .map((c) => c.lastState?.terminated?.finishedAt)
          .filter(Boolean)
          .sort()
          .pop();
        const rs = restarts && lastT ? `${restarts} (${humanDuration(now - Date.parse(lastT))} ago)` : String(restarts);
        return [
          kindName(x.name),
          `${ready}/${j.spec.containers.length}`,
          podDisplay(j),
          rs,
          age(now, j.metadata.creationTimestamp),
          ...(o.wide ? [j.status.podIP ?? '<none>', j.spec.nodeName ?? '<none>', '<none>', '<none>'] : []),
        ];
      };
      break;
    case 'Deployment':
      head = ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', ...(o.wide ? ['CONTAINERS', 'IMAGES', 'SELECTOR'] : [])];
      rowOf = (x) => {
        const s = x.j.status;
        return [
          kindName(x.name),
          `${s.readyReplicas ?? 0}/${x.j.spec.replicas}`,
          String(s.updatedReplicas ?? 0),
          String(s.availableReplicas ?? 0),
          age(now, x.j.metadata.creationTimestamp),
          ...(o.wide
            ? [
                x.j.spec.template.spec.containers.map((c) => c.name).join(','),
                x.j.spec.template.spec.containers.map((c) => c.image).join(','),
                Object.entries(x.j.spec.selector.matchLabels ?? {})
                  .map(([k, v]) => `${k}=${v}`)
                  .join(','),
              ]
            : []),
        ];
      };
      break;
    case 'ReplicaSet':
      head = ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'];
      rowOf = (x) => [
        kindName(x.name),
        String(x.j.spec.replicas),
        String(x.j.status.replicas ?? 0),
        String(x.j.status.readyReplicas ?? 0),
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'StatefulSet':
      head = ['NAME', 'READY', 'AGE'];
      rowOf = (x) => [
        kindName(x.name),
        `${x.j.status.readyReplicas ?? 0}/${x.j.spec.replicas ?? 1}`,
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'Service':
      head = ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', ...(o.wide ? ['SELECTOR'] : [])];
      rowOf = (x) => [
        kindName(x.name),
        x.j.spec.type,
        x.j.spec.clusterIP ?? '<none>',
        '<none>',
        (x.j.spec.ports ?? []).map((pt) => `${pt.port}${pt.nodePort ? ':' + pt.nodePort : ''}/${pt.protocol ?? 'TCP'}`).join(',') ||
          '<none>',
        age(now, x.j.metadata.creationTimestamp),
        ...(o.wide
          ? [
              Object.entries(x.j.spec.selector ?? {})
                .map(([k, v]) => `${k}=${v}`)
                .join(',') || '<none>',
            ]
          : []),
      ];
      break;
    case 'Endpoints':
      head = ['NAME', 'ENDPOINTS', 'AGE'];
      rowOf = (x) => {
        const eps = (x.j.subsets ?? []).flatMap((s) => (s.addresses ?? []).flatMap((a) => s.ports.map((pt) => `${a.ip}:${pt.port}`)));
        const shown = eps.length > 3 ? eps.slice(0, 3).join(',') + ` + ${eps.length - 3} more...` : eps.join(',');
        return [kindName(x.name), shown || '<none>', age(now, x.j.metadata.creationTimestamp)];
      };
      break;
    case 'PersistentVolumeClaim':
      head = ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'];
      rowOf = (x) => [
        kindName(x.name),
        x.j.status.phase,
        x.j.spec.volumeName,
        x.j.status.capacity?.storage ?? '',
        (x.j.spec.accessModes ?? [])
          .map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m)
          .join(','),
        x.j.spec.storageClassName ?? '',
        '<unset>',
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'PersistentVolume':
      head = [
        'NAME',
        'CAPACITY',
        'ACCESS MODES',
        'RECLAIM POLICY',
        'STATUS',
        'CLAIM',
        'STORAGECLASS',
        'VOLUMEATTRIBUTESCLASS',
        'REASON',
        'AGE',
      ];
      rowOf = (x) => [
        kindName(x.name),
        x.j.spec.capacity?.storage ?? '',
        'RWO',
        x.j.spec.persistentVolumeReclaimPolicy,
        x.j.status.phase,
        `${x.j.spec.claimRef?.namespace}/${x.j.spec.claimRef?.name}`,
        x.j.spec.storageClassName,
        '<unset>',
        '',
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'Event':
      head = ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
      rowOf = (x) => {
        const e = x.j;
        const last = humanDuration(now - Date.parse(e.lastTimestamp));
        const seen =
          e.count > 1 ? `${last} (x${e.count} over ${humanDuration(Date.parse(e.lastTimestamp) - Date.parse(e.firstTimestamp))})` : last;
        return [seen, e.type, e.reason, `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`, e.message];
      };
      break;
    case 'ConfigMap':
      head = ['NAME', 'DATA', 'AGE'];
      rowOf = (x) => [
        kindName(x.name),
        String(Object.keys(x.j.data ?? {}).length + Object.keys(x.j.binaryData ?? {}).length),
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'Secret':
      head = ['NAME', 'TYPE', 'DATA', 'AGE'];
      rowOf = (x) => [
        kindName(x.name),
        x.j.type ?? 'Opaque',
        String(Object.keys(x.j.data ?? {}).length),
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'Namespace':
      head = ['NAME', 'STATUS', 'AGE'];
      rowOf = (x) => [kindName(x.name), x.j.status.phase, age(now, x.j.metadata.creationTimestamp)];
      break;
    case 'Node':
      head = [
        'NAME',
        'STATUS',
        'ROLES',
        'AGE',
        'VERSION',
        ...(o.wide ? ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'] : []),
      ];
      rowOf = (x) => [
        kindName(x.name),
        'Ready',
        'node-role.kubernetes.io/control-plane' in x.j.metadata.labels ? 'control-plane' : '<none>',
        age(now, x.j.metadata.creationTimestamp),
        x.j.status.nodeInfo.kubeletVersion,
        ...(o.wide
          ? [
              x.j.status.addresses[0].address,
              '<none>',
              x.j.status.nodeInfo.osImage,
              x.j.status.nodeInfo.kernelVersion,
              x.j.status.nodeInfo.containerRuntimeVersion,
            ]
          : []),
      ];
      break;
    case 'StorageClass':
      head = ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'];
      rowOf = (x) => [
        `${kindName(x.name)}${x.j.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ? ' (default)' : ''}`,
        x.j.provisioner,
        x.j.reclaimPolicy,
        x.j.volumeBindingMode,
        'false',
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'DaemonSet':
      head = ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'];
      rowOf = (x) => [kindName(x.name), '1', '1', '1', '1', '1', 'kubernetes.io/os=linux', age(now, x.j.metadata.creationTimestamp)];
      break;
    default:
      head = ['NAME', 'AGE'];
      rowOf = (x) => [kindName(x.name), age(now, x.j.metadata.creationTimestamp)];
  }
  let rows = items.map((x) => {
    const r0 = rowOf(x);
    if (o.allNs && !CLUSTER_SCOPED.has(r.kind)) r0.unshift(x.j.metadata.namespace ?? x.ns);
    if (o.showLabels)
      r0.push(
        Object.entries(x.labels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
      );
    return r0;
  });
  if (o.allNs && !CLUSTER_SCOPED.has(r.kind)) head = ['NAMESPACE', ...head];
  if (o.showLabels) head = [...head, 'LABELS'];
  if (!o.noHeaders) rows = [head, ...rows];
  return table(rows);
}

/** kubectl's STATUS column for a pod JSON. */
export function podDisplay(j) {
  if (j.metadata.deletionTimestamp) return 'Terminating';
  const cs = j.status.containerStatuses ?? [];
  let reason = j.status.phase;
  for (const c of cs) {
    if (c.state.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state.terminated)
      reason =
        c.state.terminated.reason ??
        (c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`);
  }
  if (
    reason === 'Running' &&
    cs.length &&
    !cs.every((c) => c.ready) &&
    j.status.conditions?.find((x) => x.type === 'Ready')?.status === 'True'
  )
    reason = 'NotReady';
  return reason;
}

async function createNamespace(K) {
  const { ctx, pos } = K;
  const name = pos[0];
  if (!name) {
    ctx.err("error: exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples\n");
    return 1;
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
    ctx.err(
      `The Namespace "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n`,
    );
    return 1;
  }
  const r = await withCluster(K, (c, state, ns, now) => {
    const ex = getObject(c, 'Namespace', '', name);
    if (ex) return ex._terminatingAt ? 'terminating' : 'exists';
    putObject(
      state,
      c,
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
        spec: { finalizers: ['kubernetes'] },
      },
      now,
    );
    return 'ok';
  });
  if (r === 'exists') {
    ctx.err(`Error from server (AlreadyExists): namespaces "${name}" already exists\n`);
    return 1;
  }
  if (r === 'terminating') {
    ctx.err(`Error from server (AlreadyExists): object is being deleted: namespaces "${name}" already exists\n`);
    return 1;
  }
  ctx.out(`namespace/${name} created\n`);
  return 0;
}

async function createData(K) {
  const { ctx, p, pos, cmd } = K;
  const isSecret = cmd.startsWith('create secret');
  const name = pos[0];
  if (!name) {
    ctx.err(`error: exactly one NAME is required, got 0\nSee 'kubectl ${cmd} -h' for help and examples\n`);
    return 1;
  }
  const { readFileSync } = await import('node:fs');
  const { basename } = await import('node:path');
  /** @type {Record<string,string>} */
  const data = {};
  for (const lit of p.flags['from-literal']) {
    const eq = lit.indexOf('=');
    if (eq <= 0) {
      ctx.err(`error: invalid literal source ${lit}, expected key=value\n`);
      return 1;
    }
    data[lit.slice(0, eq)] = lit.slice(eq + 1);
  }
  for (const src of p.flags['from-file']) {
    const eq = src.indexOf('=');
    const [k, path] = eq > 0 ? [src.slice(0, eq), src.slice(eq + 1)] : [basename(src), src];
    try {
      data[k] = readFileSync(path === '-' ? 0 : path, 'utf8');
    } catch {
      ctx.err(`error: error reading ${path}: no such file or directory\n`);
      return 1;
    }
  }
  for (const path of p.flags['from-env-file']) {
    let text;
    try {
      text = readFileSync(path === '/dev/stdin' || path === '-' ? 0 : path, 'utf8');
    } catch {
      ctx.err(`error: error reading ${path}: no such file or directory\n`);
      return 1;
    }
    for (const line of text.split('\n')) {
      const l = line.trim();
      if (!l || l.startsWith('#')) continue;
      const eq = l.indexOf('=');
      if (eq <= 0) {
        ctx.err(`error: "${l.split('=')[0]}" is not a valid key name\n`);
        return 1;
      }
      data[l.slice(0, eq)] = l.slice(eq + 1);
    }
  }
  const dry = p.flags['dry-run'];
  const obj = isSecret
    ? {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name },
        type: p.flags.type ?? 'Opaque',
        data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      }
    : { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
  if (dry === 'client' || (dry === 'none' && false)) {
    if (p.flags.output === 'json') ctx.out(kubeJSON({ ...obj, metadata: { creationTimestamp: null, name } }));
    else if (p.flags.output === 'yaml') {
      const YAML = (await import('yaml')).default;
      ctx.out(YAML.stringify(sortKeys({ ...obj, metadata: { creationTimestamp: null, name } })));
    } else ctx.out(`${isSecret ? 'secret' : 'configmap'}/${name} created (dry run)\n`);
    return 0;
  }
  if (dry && dry !== 'none') notImplemented(ctx, 'kubectl', `--dry-run=${dry}`);
  const r = await withCluster(K, (c, state, ns, now) => {
    if (!getObject(c, 'Namespace', '', ns)) return `Error from server (NotFound): namespaces "${ns}" not found`;
    if (getObject(c, obj.kind, ns, name))
      return `error: failed to create ${isSecret ? 'secret' : 'configmap'} ${isSecret ? 'secrets' : 'configmaps'} "${name}" already exists`;
    putObject(state, c, { ...obj, metadata: { name, namespace: ns } }, now);
    return null;
  });
  if (r) {
    ctx.err(r + '\n');
    return 1;
  }
  ctx.out(`${isSecret ? 'secret' : 'configmap'}/${name} created\n`);
  return 0;
}

async function del(K) {
  const { ctx, p, pos } = K;
  const f = p.flags;
  if (f.filename.length) notImplemented(ctx, 'kubectl', 'delete -f');
  if (!pos.length) {
    ctx.err(
      `error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n`,
    );
    return 1;
  }
  const { r, names } = resolveTargets(pos);
  if (!r) {
    ctx.err(`error: the server doesn't have a resource type "${pos[0].split('/')[0]}"\n`);
    return 1;
  }
  if (!names.length && !f.selector && !f.all) {
    ctx.err(`error: resource(s) were provided, but no name was specified\n`);
    return 1;
  }
  if (names.length && f.selector) {
    ctx.err(`error: name cannot be provided when a selector is specified\n`);
    return 1;
  }
  if (
    !['Pod', 'Namespace', 'PersistentVolumeClaim', 'Deployment', 'Service', 'ConfigMap', 'Secret', 'StatefulSet', 'ReplicaSet'].includes(
      r.kind,
    )
  )
    notImplemented(ctx, 'kubectl', `delete ${r.plural}`);
  const force = f.force && f['grace-period'] === 0;
  const sel = selectorPredicate(f.selector);
  const res = await withCluster(K, (c, state, ns, now) => {
    const out = [];
    const errs = [];
    const waitFor = [];
    const scope = r.kind === 'Namespace' ? '' : ns;
    const targets = names.length
      ? names
      : listObjects(c, r.kind, scope || undefined)
          .filter((o) => (r.kind === 'Namespace' || o.metadata.namespace === ns) && sel(o.metadata.labels ?? {}))
          .map((o) => o.metadata.name);
    for (const n of targets) {
      const o = getObject(c, r.kind, scope, n);
      if (!o || (r.kind === 'Pod' && o._sim.deletionAt != null && false)) {
        if (!f['ignore-not-found']) errs.push(`Error from server (NotFound): ${qualified(r)} "${n}" not found`);
        continue;
      }
      if (r.kind === 'Pod') {
        requestPodDeletion(state, c, o, now, { force });
        waitFor.push(['Pod', ns, n]);
      } else if (r.kind === 'Namespace') {
        if (['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(n)) {
          errs.push(`Error from server (Forbidden): namespaces "${n}" is forbidden: this namespace may not be deleted`);
          continue;
        }
        deleteNamespace(state, c, n, now);
        waitFor.push(['Namespace', '', n]);
      } else if (r.kind === 'PersistentVolumeClaim') {
        deletePVC(state, c, o, now);
        waitFor.push(['PersistentVolumeClaim', ns, n]);
      } else {
        deleteObject(c, r.kind, ns, n);
        if (['Deployment', 'StatefulSet', 'ReplicaSet'].includes(r.kind)) cascade(state, c, o, now);
      }
      out.push(`${r.names[1] === 'endpoints' ? 'endpoints' : r.names[1]}${r.group ? '.' + r.group : ''} "${n}" deleted`);
    }
    return { out, errs, waitFor, none: !targets.length };
  });
  if (force)
    ctx.err(
      'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n',
    );
  for (const l of res.out) ctx.out(l + '\n');
  if (res.none && !names.length) ctx.err('No resources found\n');
  if (f.wait && res.waitFor.length) {
    const deadline = ctx.clock.now() + (f.timeout > 0 ? f.timeout : 7 * 86400_000);
    for (;;) {
      const left = await withCluster(K, (c) => res.waitFor.filter(([k, n, name]) => getObject(c, k, n, name)).length);
      if (!left) break;
      if (ctx.clock.now() > deadline) {
        ctx.err(`error: timed out waiting for the condition on ${qualified(r)}/${res.waitFor[0][2]}\n`);
        return 1;
      }
      await ctx.clock.sleep(500);
    }
  }
  for (const e of res.errs) ctx.err(e + '\n');
  return res.errs.length ? 1 : 0;
}

async function scale(K) {
  const { ctx, p, pos } = K;
  const f = p.flags;
  if (!p.set.has('replicas')) {
    ctx.err('error: required flag(s) "replicas" not set\n');
    return 1;
  }
  if (f.replicas < 0) {
    ctx.err('error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n');
    return 1;
  }
  const {
    r,
    names: [name],
  } = resolveTargets(pos);
  if (!pos.length) {
    ctx.err('error: You must provide one or more resources by argument or filename.\n');
    return 1;
  }
  if (!r) {
    ctx.err(`error: the server doesn't have a resource type "${pos[0].split('/')[0]}"\n`);
    return 1;
  }
  if (!['Deployment', 'StatefulSet', 'ReplicaSet'].includes(r.kind)) {
    ctx.err(`error: no objects passed to scale ${qualified(r)} "${name}" is not scalable\n`);
    return 1;
  }
  const res = await withCluster(K, (c, state, ns, now) => {
    const o = getObject(c, r.kind, ns, name);
    if (!o) return `Error from server (NotFound): ${qualified(r)} "${name}" not found`;
    if (f['current-replicas'] >= 0 && (o.spec.replicas ?? 1) !== f['current-replicas'])
      return `error: Expected replicas to be ${f['current-replicas']}, was ${o.spec.replicas ?? 1}`;
    if ((o.spec.replicas ?? 1) !== f.replicas) {
      o.spec.replicas = f.replicas;
      o._replicasManager = 'kubectl'; // the field manager of the scale subresource update (managedFields)
      o.metadata.generation = (o.metadata.generation ?? 1) + 1;
      reconcile(state, c, now, ctx.faults);
    }
    return null;
  });
  if (res) {
    ctx.err(res + '\n');
    return 1;
  }
  ctx.out(`${r.names[1]}${r.group ? '.' + r.group : ''}/${name} scaled\n`);
  return 0;
}

async function rolloutRestart(K) {
  const { ctx, pos } = K;
  const {
    r,
    names: [name],
  } = resolveTargets(pos);
  if (!r || !name) {
    ctx.err('error: required resource not specified\n');
    return 1;
  }
  const res = await withCluster(K, (c, state, ns, now) => {
    const o = getObject(c, r.kind, ns, name);
    if (!o) return `Error from server (NotFound): ${qualified(r)} "${name}" not found`;
    o.spec.template.metadata ??= {};
    o.spec.template.metadata.annotations = {
      ...(o.spec.template.metadata.annotations ?? {}),
      'kubectl.kubernetes.io/restartedAt': new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    o.metadata.generation++;
    reconcile(state, c, now, ctx.faults);
    return null;
  });
  if (res) {
    ctx.err(res + '\n');
    return 1;
  }
  ctx.out(`${r.names[1]}${r.group ? '.' + r.group : ''}/${name} restarted\n`);
  return 0;
}

export { qualified, nameRef, endpointsFor, isReadyAt, podState, deploymentStatus, rfc3339 };
