// Shared prerequisite checks of runbooks 01–07: is the cluster up (else 00 is offered), which images
// are missing from the node.
import type { RunbookContext } from '../runbook.ts';
import { requirePrerequisite } from '../prereqs.ts';
import { guardContext } from './guard.ts';
import type { PlannedImage } from '../images.ts';
import { unreadableStatusText } from '../tools/minikube.ts';
import { clusterKind, skipMinikubeStep } from './cluster-kind.ts';
import { attempt } from '../errors.ts';

/**
 * The cluster must be running (else offer 00-setup) and the current context must be ours. On a
 * cluster that is not a minikube profile, "running" is its API server answering: minikube status
 * says nothing about it.
 */
export async function requireCluster(ctx: RunbookContext): Promise<void> {
  const kind = await clusterKind(ctx);
  if (!kind.minikube) {
    skipMinikubeStep(ctx, kind, 'minikube status');
    const nodes = await attempt(ctx.tools.kubectl.nodes());
    ctx.require({
      id: 'CLUSTER-REACHABLE',
      title: `the cluster of kube-context "${kind.context}" answers`,
      expected: 'kubectl get nodes succeeds',
      measured: nodes.ok ? `${nodes.value.length} node(s)` : nodes.error.reason,
      pass: nodes.ok,
      remedy: `kubectl get nodes --context ${kind.context} shows why; check the kubeconfig (KUBECONFIG) and your access to that cluster`,
    });
    await guardContext(ctx);
    return;
  }
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
