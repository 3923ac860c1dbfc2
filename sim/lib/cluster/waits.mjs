// @ts-check
// kubectl wait and kubectl rollout status: blocking commands that really sleep (scaled).
import { listObjects, getObject } from '../model.mjs';
import { selectorPredicate } from '../util.mjs';
import { podJSON, deploymentJSON, statefulSetJSON, deploymentStatus } from './views.mjs';
import { notImplemented } from '../common.mjs';
import { withCluster } from '../tools/kubectl/with-cluster.mjs';
import { resolveTargets, qualified } from '../tools/kubectl/resources.mjs';
import { view } from '../tools/kubectl/get.mjs';

/** kubectl wait --for=condition=X[=value] | --for=delete (TYPE NAME... | TYPE -l sel | TYPE/NAME) */
export async function kubectlWait(K) {
  const { ctx, p, pos } = K;
  const f = p.flags;
  if (!f.for.length) {
    ctx.err('error: --for must be set\n');
    return 1;
  }
  const spec = f.for[0];
  let cond = null;
  let want = 'true';
  let del = false;
  if (spec === 'delete') del = true;
  else if (spec.startsWith('condition=')) {
    const parts = spec.slice(10).split('=');
    cond = parts[0];
    if (parts[1] !== undefined) want = parts[1].toLowerCase();
  } else if (spec.startsWith('jsonpath=') || spec === 'create') notImplemented(ctx, 'kubectl', `wait --for=${spec.split('=')[0]}`);
  else {
    ctx.err(`error: unrecognized condition: "${spec}"\n`);
    return 1;
  }
  if (!pos.length) {
    ctx.err('error: resource(s) were provided, but no name was specified\n');
    return 1;
  }
  const { r, names } = resolveTargets(pos);
  if (!r) {
    ctx.err(`error: the server doesn't have a resource type "${pos[0].split('/')[0]}"\n`);
    return 1;
  }
  if (!names.length && !f.selector && !f.all) {
    ctx.err('error: resource(s) were provided, but no name was specified\n');
    return 1;
  }
  const sel = selectorPredicate(f.selector);
  const targets = await withCluster(K, (c, state, ns) => {
    if (names.length) return names.map((n) => ({ n, exists: !!getObject(c, r.kind, ns, n) }));
    return listObjects(c, r.kind, ns)
      .filter((o) => sel(o.metadata.labels ?? {}))
      .map((o) => ({ n: o.metadata.name, exists: true }));
  });
  if (!targets.length) {
    ctx.err('error: no matching resources found\n');
    return 1;
  }
  const resName = `${r.plural}${r.group ? '.' + r.group : ''}`;
  for (const tgt of targets) {
    if (!tgt.exists) {
      if (del) {
        ctx.out(`${r.names[1]}/${tgt.n} condition met\n`);
        continue;
      }
      ctx.err(`Error from server (NotFound): ${qualified(r)} "${tgt.n}" not found\n`);
      return 1;
    }
    const deadline = ctx.clock.now() + f.timeout;
    for (;;) {
      const met = await withCluster(K, (c, state, ns, now) => {
        const o = getObject(c, r.kind, ns, tgt.n);
        if (!o) return del ? true : 'gone';
        if (del) return false;
        const j = view(state, c, o, now, ctx.faults);
        const cs = j.status?.conditions ?? [];
        const hit = cs.find((x) => x.type.toLowerCase() === cond.toLowerCase());
        return !!hit && hit.status.toLowerCase() === want;
      });
      if (met === true) {
        ctx.out(`${r.names[1]}${r.group ? '.' + r.group : ''}/${tgt.n} condition met\n`);
        break;
      }
      if (met === 'gone') {
        ctx.err(`error: ${resName} "${tgt.n}" not found\n`);
        return 1;
      }
      const now = ctx.clock.now();
      if (f.timeout === 0) {
        ctx.err(`error: condition not met for ${resName}/${tgt.n}\n`);
        return 1;
      }
      if (now >= deadline) {
        ctx.err(`error: timed out waiting for the condition on ${resName}/${tgt.n}\n`);
        return 1;
      }
      await ctx.clock.sleep(Math.min(1000, deadline - now));
    }
  }
  return 0;
}

/** kubectl rollout status deployment/x | statefulset/x */
export async function rolloutStatus(K) {
  const { ctx, p, pos } = K;
  const f = p.flags;
  const {
    r,
    names: [name],
  } = resolveTargets(pos);
  if (!pos.length) {
    ctx.err('error: required resource not specified\n');
    return 1;
  }
  if (!r) {
    ctx.err(`error: the server doesn't have a resource type "${pos[0].split('/')[0]}"\n`);
    return 1;
  }
  if (!name) {
    ctx.err('error: resource(s) were provided, but no name was specified\n');
    return 1;
  }
  if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(r.kind)) {
    ctx.err(`error: no status viewer has been implemented for ${r.kind}\n`);
    return 1;
  }
  const deadline = f.timeout > 0 ? ctx.clock.now() + f.timeout : Infinity;
  let lastMsg = '';
  for (;;) {
    const st = await withCluster(K, (c, state, ns, now) => {
      const o = getObject(c, r.kind, ns, name);
      if (!o) return { notFound: true };
      if (r.kind === 'Deployment') {
        const s = deploymentStatus(c, o, now, ctx.faults);
        const desired = o.spec.replicas ?? 1;
        if (s._exceeded) return { error: `error: deployment "${name}" exceeded its progress deadline` };
        const upd = s.updatedReplicas ?? 0;
        const tot = s.replicas ?? 0;
        const avail = s.availableReplicas ?? 0;
        if (upd < desired)
          return { msg: `Waiting for deployment "${name}" rollout to finish: ${upd} out of ${desired} new replicas have been updated...` };
        if (tot > upd)
          return { msg: `Waiting for deployment "${name}" rollout to finish: ${tot - upd} old replicas are pending termination...` };
        if (avail < upd)
          return { msg: `Waiting for deployment "${name}" rollout to finish: ${avail} of ${upd} updated replicas are available...` };
        return { done: `deployment "${name}" successfully rolled out` };
      }
      if (r.kind === 'StatefulSet') {
        const j = statefulSetJSON(c, o, now, ctx.faults);
        const want = o.spec.replicas ?? 1;
        if ((j.status.readyReplicas ?? 0) < want) return { msg: `Waiting for ${want - (j.status.readyReplicas ?? 0)} pods to be ready...` };
        if (j.status.updatedReplicas < want)
          return {
            msg: `Waiting for partitioned roll out to finish: ${j.status.updatedReplicas} out of ${want} new pods have been updated...`,
          };
        return { done: `statefulset rolling update complete ${want} pods at revision ${j.status.updateRevision}...` };
      }
      return { done: `daemon set "${name}" successfully rolled out` };
    });
    if (st.notFound) {
      ctx.err(`Error from server (NotFound): ${qualified(r)} "${name}" not found\n`);
      return 1;
    }
    if (st.error) {
      ctx.err(st.error + '\n');
      return 1;
    }
    if (st.done) {
      ctx.out(st.done + '\n');
      return 0;
    }
    if (st.msg !== lastMsg) {
      ctx.out(st.msg + '\n');
      lastMsg = st.msg;
    }
    if (!f.watch) return 0;
    const now = ctx.clock.now();
    if (now >= deadline) {
      ctx.err('error: timed out waiting for the condition\n');
      return 1;
    }
    await ctx.clock.sleep(Math.min(1000, deadline - now));
  }
}
void podJSON;
void deploymentJSON;
