// Shared prerequisite checks of runbooks 01–07: is the cluster up (else 00 is offered), which images
// are missing from the node.
import type { RunbookContext } from '../runbook.ts';
import { requirePrerequisite } from '../prereqs.ts';
import { guardContext } from './guard.ts';
import type { PlannedImage } from '../images.ts';
import { unreadableStatusText } from '../tools/minikube.ts';

/** The cluster must be running (else offer 00-setup) and the current context must be ours. */
export async function requireCluster(ctx: RunbookContext): Promise<void> {
  const running = async () => (await ctx.tools.minikube.status()).running;
  const status = await ctx.tools.minikube.status();
  await requirePrerequisite(ctx, {
    satisfied: status.running,
    what: status.unreadable
      ? unreadableStatusText(ctx.settings.profile).what
      : `the minikube cluster "${ctx.settings.profile}" is not running`,
    id: '00-setup',
    recheck: running,
  });
  await guardContext(ctx);
}

/** The planned images that are not on the node with their exact tag. */
export async function missingOnNode(ctx: RunbookContext, images: PlannedImage[]): Promise<PlannedImage[]> {
  const onNode = new Set(await ctx.tools.minikube.imageList());
  return images.filter((i) => !onNode.has(i.ref));
}
