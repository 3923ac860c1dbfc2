// @ts-check
// helm uninstall: the release's objects go (a StatefulSet's volume claims are not among them, so the
// data stay), its records too unless --keep-history, and --wait waits until the objects and pods are gone.
import { getObject, listObjects } from '../model.mjs';
import { deleteObjects } from '../cluster/apply.mjs';
import { argsErr, onCluster, onClusterNoFlaky } from './call.mjs';
import { key } from './records.mjs';

export async function uninstall(ctx, p, pos) {
  if (!pos.length) argsErr(ctx, 'uninstall', 1, 'RELEASE_NAME [...]');
  const t0 = ctx.clock.now();
  const out = [];
  for (const name of pos) {
    const res = await onCluster(ctx, p, (c, state, ns, now) => {
      const list = c.releases[key(ns, name)];
      if (!list?.length || list[list.length - 1].status === 'uninstalled') return { missing: true };
      const r = list[list.length - 1];
      deleteObjects(state, c, r.objs, ns, now);
      if (p.flags['keep-history']) {
        r.status = 'uninstalled';
        r.deleted = now;
        r.description = 'Uninstallation complete';
      } else delete c.releases[key(ns, name)];
      return { ns, objs: r.objs };
    });
    if (res.missing) {
      if (p.flags['ignore-not-found']) continue;
      ctx.err(`Error: uninstall: Release not loaded: ${name}: release: not found\n`);
      return 1;
    }
    if (p.flags.wait) {
      const deadline = t0 + p.flags.timeout;
      for (;;) {
        const left = await onClusterNoFlaky(
          ctx,
          p,
          (c) =>
            res.objs.filter((o) => getObject(c, o.kind, o.metadata.namespace ?? res.ns, o.metadata.name)).length +
            listObjects(c, 'Pod', res.ns).filter(
              (pd) => pd.metadata.labels?.['app.kubernetes.io/instance'] === name && pd._sim.deletionAt != null,
            ).length,
        );
        if (!left) break;
        if (ctx.clock.now() >= deadline) {
          ctx.err(`Error: uninstallation completed with 1 error(s): context deadline exceeded\n`);
          return 1;
        }
        await ctx.clock.sleep(1000);
      }
    }
    out.push(`release "${name}" uninstalled`);
  }
  ctx.out(out.map((l) => l + '\n').join(''));
  return 0;
}
