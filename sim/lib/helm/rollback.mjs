// @ts-check
// helm rollback: a new revision from an earlier one's manifest and values, applied and waited for
// like an upgrade.
import { applyObjects, deleteObjects } from '../cluster/apply.mjs';
import { argsErr, onCluster, onClusterNoFlaky } from './call.mjs';
import { key } from './records.mjs';
import { serverSideApply } from './upgrade.mjs';
import { waitReady } from './wait.mjs';

export async function rollback(ctx, p, pos) {
  if (pos.length < 1 || pos.length > 2) argsErr(ctx, 'rollback', 1, '<RELEASE> [REVISION]');
  const name = pos[0];
  const want = pos[1] !== undefined ? Number(pos[1]) : 0;
  if (pos[1] !== undefined && !/^\d+$/.test(pos[1])) {
    ctx.err(`Error: strconv.Atoi: parsing "${pos[1]}": invalid syntax\n`);
    return 1;
  }
  const t0 = ctx.clock.now();
  const res = await onCluster(ctx, p, (c, state, ns, now) => {
    const list = c.releases[key(ns, name)];
    if (!list?.length) return { error: 'Error: release: not found' };
    const curr = list[list.length - 1];
    if (/^pending-/.test(curr.status)) return { error: 'Error: another operation (install/upgrade/rollback) is in progress' };
    const target = want ? list.find((r) => r.revision === want) : list.filter((r) => r.revision < curr.revision).pop();
    if (!target) return { error: want ? `Error: release has no ${want} version` : 'Error: release has no previous version' };
    const serverSide = serverSideApply(ctx, p.flags, false, curr);
    const r = applyObjects(state, c, target.objs, {
      ns,
      now,
      faults: ctx.faults,
      release: { name, namespace: ns },
      oldObjs: curr.objs,
      serverSide,
    });
    if (r.error) return { error: `Error: ${r.error}` };
    deleteObjects(
      state,
      c,
      curr.objs.filter((o) => !target.objs.some((x) => x.kind === o.kind && x.metadata.name === o.metadata.name)),
      ns,
      now,
    );
    const rec = {
      ...structuredClone(target),
      revision: curr.revision + 1,
      status: 'pending-rollback',
      description: `Rollback to ${target.revision}`,
      lastDeployed: now,
      applyMethod: serverSide ? 'ssa' : 'csa',
    };
    list.push(rec);
    return { ns, revision: rec.revision, objs: target.objs };
  });
  if (res.error) {
    ctx.err(res.error + '\n');
    return 1;
  }
  const ok = p.flags.wait ? await waitReady(ctx, p, res.objs, res.ns, t0 + p.flags.timeout) : true;
  await onClusterNoFlaky(ctx, p, (c) => {
    const list = c.releases[key(res.ns, name)];
    const r = list.find((x) => x.revision === res.revision);
    if (ok) {
      for (const x of list) if (x.status === 'deployed') x.status = 'superseded';
      r.status = 'deployed';
    } else {
      r.status = 'failed';
      r.description = `Rollback "${name}" failed: context deadline exceeded`;
    }
  });
  if (!ok) {
    ctx.err('Error: context deadline exceeded\n');
    return 1;
  }
  ctx.out('Rollback was a success! Happy Helming!\n');
  return 0;
}
