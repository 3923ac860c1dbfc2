// @ts-check
// kubectl create namespace, create secret generic and create configmap (literals, files, env files,
// --dry-run=client), with the API server's validation and AlreadyExists texts.
import { notImplemented } from '../../common.mjs';
import { getObject, putObject } from '../../model.mjs';
import { kubeJSON, sortKeys } from '../../util.mjs';
import { withCluster } from './with-cluster.mjs';

export async function createNamespace(K) {
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

export async function createData(K) {
  const { ctx, p, pos, cmd } = K;
  const isSecret = cmd.startsWith('create secret');
  const name = pos[0];
  if (!name) {
    ctx.err(`error: exactly one NAME is required, got 0\nSee 'kubectl ${cmd} -h' for help and examples\n`);
    return 1;
  }
  const { readFileSync } = await import('node:fs');
  const { basename, resolve } = await import('node:path');
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
      data[k] = path === '-' ? (await ctx.readStdin()).toString('utf8') : readFileSync(resolve(ctx.cwd, path), 'utf8');
    } catch {
      ctx.err(`error: error reading ${path}: no such file or directory\n`);
      return 1;
    }
  }
  for (const path of p.flags['from-env-file']) {
    let text;
    try {
      text =
        path === '/dev/stdin' || path === '-' ? (await ctx.readStdin()).toString('utf8') : readFileSync(resolve(ctx.cwd, path), 'utf8');
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
