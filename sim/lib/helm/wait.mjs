// @ts-check
// helm --wait: which of a release's objects are ready (as helm's ready checker decides) at a virtual
// instant, polled every 2 virtual seconds until the deadline.
import { getObject, listObjects } from '../model.mjs';
import { deploymentStatus, statefulSetJSON, podState } from '../cluster/views.mjs';
import { onClusterNoFlaky } from './call.mjs';

/** Ready check as helm's --wait does it, at virtual time t. */
function releaseReady(c, objs, ns, t, faults) {
  const pending = [];
  for (const o of objs) {
    const n = o.metadata.namespace ?? ns;
    if (o.kind === 'Deployment') {
      const d = getObject(c, 'Deployment', n, o.metadata.name);
      if (!d) {
        pending.push(`Deployment/${o.metadata.name}`);
        continue;
      }
      const st = deploymentStatus(c, d, t, faults);
      const desired = d.spec.replicas ?? 1;
      const mu = (() => {
        const v = d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%';
        const m = /^(\d+)%$/.exec(String(v));
        return m ? Math.floor((parseInt(m[1], 10) * desired) / 100) : Number(v);
      })();
      const newReady = st._newRS
        ? listObjects(c, 'Pod', n).filter(
            (pd) => pd.metadata.name.startsWith(st._newRS + '-') && pd._sim.deletionAt == null && podState(c, pd, t, faults).ready,
          ).length
        : 0;
      if (newReady < desired - mu || (st.updatedReplicas ?? 0) < desired) pending.push(`Deployment/${o.metadata.name}`);
    } else if (o.kind === 'StatefulSet') {
      const s = getObject(c, 'StatefulSet', n, o.metadata.name);
      if (!s) {
        pending.push(`StatefulSet/${o.metadata.name}`);
        continue;
      }
      const j = statefulSetJSON(c, s, t, faults);
      if ((j.status.readyReplicas ?? 0) < (s.spec.replicas ?? 1) || j.status.updatedReplicas < (s.spec.replicas ?? 1))
        pending.push(`StatefulSet/${o.metadata.name}`);
    } else if (o.kind === 'Pod') {
      const pd = getObject(c, 'Pod', n, o.metadata.name);
      if (!pd || !podState(c, pd, t, faults).ready) pending.push(`Pod/${o.metadata.name}`);
    }
  }
  return pending;
}

/** Poll (virtual 2 s like helm) until ready or the deadline. Returns true if ready. */
export async function waitReady(ctx, p, objs, ns, deadline) {
  for (;;) {
    const pending = await onClusterNoFlaky(ctx, p, (c, state, _ns, now) => releaseReady(c, objs, ns, now, ctx.faults));
    if (!pending.length && !ctx.faults.has('helm-timeout')) return true;
    const now = ctx.clock.now();
    if (now >= deadline) return false;
    await ctx.clock.sleep(Math.min(2000, deadline - now));
  }
}
