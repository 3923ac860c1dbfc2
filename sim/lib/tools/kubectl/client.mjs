// @ts-check
// kubectl version, config (current-context, get-contexts, use-context) and cluster-info: the calls
// that read the kubeconfig and the server's address rather than objects.
import { withState, readState } from '../../state.mjs';
import { connect, kubectlConnFail } from '../../kube.mjs';
import { K8S_VERSION } from '../../model.mjs';
import { table } from '../../util.mjs';
import { withCluster } from './with-cluster.mjs';

export function version(K) {
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

export function configCurrent(K) {
  const s = readState(K.ctx.stateDir);
  if (!s.kubeconfig.current) {
    K.ctx.err('error: current-context is not set\n');
    return 1;
  }
  K.ctx.out(s.kubeconfig.current + '\n');
  return 0;
}
export function configGetContexts(K) {
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
export async function configUse(K) {
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

export async function clusterInfo(K) {
  const server = await withCluster(K, (c, state, ns) => state.kubeconfig.contexts[K.p.flags.context ?? state.kubeconfig.current].server);
  K.ctx.out(
    `Kubernetes control plane is running at ${server}\nCoreDNS is running at ${server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`,
  );
  return 0;
}
