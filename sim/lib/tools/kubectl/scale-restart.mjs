// @ts-check
// kubectl scale and rollout restart: the two workload changes a runbook makes by hand, each ending
// in a reconcile so the controllers act on it at once.
import { getObject } from '../../model.mjs';
import { reconcile } from '../../cluster/controllers.mjs';
import { resolveTargets, qualified } from './resources.mjs';
import { withCluster } from './with-cluster.mjs';

export async function scale(K) {
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

export async function rolloutRestart(K) {
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
