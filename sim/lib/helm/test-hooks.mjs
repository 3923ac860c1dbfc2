// @ts-check
// helm test: runs the chart's test hook pods and reports each phase, as helm prints it.
import { getObject } from '../model.mjs';
import { reconcile } from '../cluster/controllers.mjs';
import { createPod, requestPodDeletion } from '../cluster/pods.mjs';
import { podState } from '../cluster/views.mjs';
import { argsErr, onCluster, onClusterNoFlaky } from './call.mjs';
import { printRelease, findRelease } from './records.mjs';

export async function test(ctx, p, pos) {
  if (pos.length !== 1) argsErr(ctx, 'test', 1, '[RELEASE]');
  const name = pos[0];
  const t0 = ctx.clock.now();
  const res = await onCluster(ctx, p, (c, state, ns, now) => {
    const r = findRelease(c, ns, name);
    if (!r) return { error: 'Error: release: not found' };
    const tests = r.hooks.filter((h) => h.events.includes('test') && h.kind === 'Pod');
    for (const h of tests) {
      const ex = getObject(c, 'Pod', ns, h.name);
      if (ex) {
        delete c.objects[`Pod|${ns}|${h.name}`];
        ex._sim.deletedAt = now;
        c.graveyard.push(ex);
      }
      const pod = createPod(state, c, {
        owner: null,
        template: { metadata: { ...h.obj.metadata, namespace: ns }, spec: h.obj.spec },
        name: h.name,
        t: now,
      });
      pod._sim.oneShot = { runFor: 1500 };
      pod._sim.component = 'test';
      h.lastRun = { started: now, completed: null, phase: 'Running' };
    }
    reconcile(state, c, now, ctx.faults);
    return { ns, tests: tests.map((h) => h.name) };
  });
  if (res.error) {
    ctx.err(res.error + '\n');
    return 1;
  }
  const deadline = t0 + p.flags.timeout;
  let failed = [];
  for (;;) {
    const st = await onClusterNoFlaky(ctx, p, (c, state, ns, now) =>
      res.tests.map((n) => {
        const pd = getObject(c, 'Pod', res.ns, n);
        return pd ? podState(c, pd, now, ctx.faults).phase : 'Gone';
      }),
    );
    if (st.every((x) => x === 'Succeeded' || x === 'Failed' || x === 'Gone')) {
      failed = res.tests.filter((n, i) => st[i] !== 'Succeeded');
      break;
    }
    if (ctx.clock.now() >= deadline) {
      ctx.err(`Error: timed out waiting for the condition\n`);
      return 1;
    }
    await ctx.clock.sleep(1000);
  }
  const rec = await onClusterNoFlaky(ctx, p, (c, state, ns, now) => {
    const r = findRelease(c, res.ns, name);
    for (const h of r.hooks) {
      if (!res.tests.includes(h.name)) continue;
      const ok = !failed.includes(h.name);
      h.lastRun = { started: h.lastRun?.started ?? t0, completed: now, phase: ok ? 'Succeeded' : 'Failed' };
      const pd = getObject(c, 'Pod', res.ns, h.name);
      if (pd && h.deletePolicies.includes(ok ? 'hook-succeeded' : 'hook-failed')) requestPodDeletion(state, c, pd, now, { force: true });
    }
    return structuredClone(r);
  });
  printRelease(ctx, rec);
  if (p.flags.logs) {
    const { podLogLines } = await import('../cluster/logs.mjs');
    for (const n of res.tests)
      ctx.out(
        `\nPOD LOGS: ${n}\n${podLogLines({ metadata: { name: n }, _sim: { component: 'test' } }, null, 0, failed.includes(n)).join('\n')}\n`,
      );
  }
  if (failed.length) {
    ctx.err(
      `Error: ${failed.length} error${failed.length > 1 ? 's' : ''} occurred:\n${failed.map((n) => `\t* pod ${n} failed`).join('\n')}\n\n`,
    );
    return 1;
  }
  return 0;
}
