// Shared prerequisite checks of runbooks 01–07: is the cluster up, are the images on the node.
import type { RunbookContext } from '../runbook.ts';
import { requirePrerequisite } from '../prereqs.ts';
import { guardContext } from './guard.ts';

/** The cluster must be running (else offer 00-setup) and the current context must be ours. */
export async function requireCluster(ctx: RunbookContext): Promise<void> {
  const running = async () => (await ctx.tools.minikube.status()).running;
  await requirePrerequisite(ctx, {
    satisfied: await running(),
    what: `the minikube cluster "${ctx.settings.profile}" is not running`,
    id: '00-setup',
    runbook: async () => (await import('../runbooks/00-setup.ts')).setup,
    recheck: running,
  });
  await guardContext(ctx);
}
