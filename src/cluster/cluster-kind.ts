// Is the kube-context the runbooks act on a minikube profile's, or another cluster (a cloud or
// on-premises one the user named with --context / KUBE_CONTEXT)? On another cluster the
// minikube-only steps cannot run — minikube start/status/docker-env/ip, image load and image ls,
// addons, `minikube service --url` — so the runbooks skip them and say so, the images come from a
// registry (IMAGE_REGISTRY) instead of the node's store, and the app is reached through kubectl
// port-forward. The context guard (guard.ts) is unchanged: such a context must still be named.
//
// minikube names each profile's kube-context after the profile (pkg/minikube/kubeconfig's
// UpdateEndpoint/PopulateFromSettings: the context name is the cluster name, i.e. the profile), so
// the context is minikube's when it is the configured profile's name.
import type { RunbookContext } from '../runbook.ts';
import { UsageError, attempt } from '../errors.ts';
import type { ClusterStatus } from '../tools/minikube.ts';

export interface ClusterKind {
  /** The context is the configured minikube profile's: the minikube steps apply. */
  minikube: boolean;
  context: string;
  /** Why, in one line, for the report. */
  why: string;
}

const kinds = new WeakMap<RunbookContext, Promise<ClusterKind>>();

/** Decided once per run: the profile's own context needs no call; another one is looked up in minikube's profile list. */
export function clusterKind(ctx: RunbookContext): Promise<ClusterKind> {
  let kind = kinds.get(ctx);
  if (!kind) {
    kind = decide(ctx);
    kinds.set(ctx, kind);
  }
  return kind;
}

async function decide(ctx: RunbookContext): Promise<ClusterKind> {
  const context = ctx.tools.kubectl.context;
  const { profile } = ctx.settings;
  if (context === profile) return { minikube: true, context, why: `"${context}" is the minikube profile "${profile}"'s context` };
  const profiles = ctx.tools.minikube.installed() ? await attempt(ctx.tools.minikube.profiles()) : undefined;
  if (profiles?.ok && profiles.value.some((p) => p.name === context))
    throw new UsageError(
      `--context ${context} names another minikube profile than --profile ${profile}`,
      `act on that profile with --profile ${context} (its context has the same name), without --context`,
    );
  const kind: ClusterKind = {
    minikube: false,
    context,
    why: `"${context}" is not a minikube profile${profiles === undefined ? ' (minikube is not installed)' : ''}: another cluster, named with --context`,
  };
  ctx.fact('cluster', `${kind.why}; the minikube-only steps are skipped`);
  return kind;
}

/** A step that only minikube can do, skipped on another cluster: recorded as a note that says so. */
export function skipMinikubeStep(ctx: RunbookContext, kind: ClusterKind, what: string): void {
  ctx.note(`skipped on ${kind.context}: ${what} (minikube only; ${kind.why})`);
}

/**
 * A cluster that is not minikube's cannot see images built here: they must come from a registry.
 * Stops the run before any change when IMAGE_REGISTRY is not set.
 */
export function requireRegistryFor(ctx: RunbookContext, kind: ClusterKind): void {
  if (kind.minikube || ctx.settings.imageRegistry) return;
  throw new UsageError(
    `the cluster of kube-context "${kind.context}" is not a minikube profile, so it cannot use images built on this machine`,
    'set IMAGE_REGISTRY (or --registry) to a registry the cluster can pull from, e.g. ghcr.io/you; 01-build pushes the images there (docs/remote-cluster.md)',
  );
}

/** The minikube profile's driver, or '' on another cluster (no minikube call then). */
export async function minikubeDriver(ctx: RunbookContext): Promise<string> {
  if (!(await clusterKind(ctx)).minikube) return '';
  return (await ctx.tools.minikube.profiles()).find((p) => p.name === ctx.settings.profile)?.driver ?? '';
}

/**
 * minikube status for the profile's context; for another cluster, what can be known of it: it
 * exists (it was named), and it "runs" when its API server answers `kubectl get nodes`.
 */
export async function clusterStatus(ctx: RunbookContext): Promise<ClusterStatus> {
  const kind = await clusterKind(ctx);
  if (kind.minikube) return ctx.tools.minikube.status();
  skipMinikubeStep(ctx, kind, 'minikube status');
  const up = (await attempt(ctx.tools.kubectl.nodes())).ok;
  const state = up ? 'Running' : 'Unreachable';
  return {
    exists: true,
    unreadable: false,
    host: state,
    kubelet: state,
    apiServer: state,
    kubeconfig: 'Configured',
    running: up,
    exitCode: 0,
  };
}

/** A runbook part that acts on minikube itself (stop/start, delete) has no meaning on another cluster: exit 2 before anything changes. */
export async function refuseOnOtherCluster(ctx: RunbookContext, what: string, instead: string): Promise<void> {
  const kind = await clusterKind(ctx);
  if (kind.minikube) return;
  throw new UsageError(
    `${what} acts on the minikube cluster "${ctx.settings.profile}", and kube-context "${kind.context}" is another cluster`,
    instead,
  );
}
