// The Docker daemon images are built in: minikube's own (no load step needed) or the host's. 01
// builds there, and 03 asks the same daemon for a built image's id to prove the pods run it.
import type { RunbookContext } from '../runbook.ts';
import { CommandFailed } from '../errors.ts';
import { dockerEnvUnsupported } from '../tools/minikube.ts';
import { clusterKind } from './cluster-kind.ts';

export interface BuildDaemon {
  /** minikube's docker-env, absent for the host's daemon. */
  env?: Record<string, string>;
  where: string;
  /** Why not minikube's daemon, when it is the host's. */
  hostBecause?: string;
}

/**
 * Where to build: minikube's own daemon (no load step needed) or the host's. Read afresh: the port
 * changes on restart. Only a cluster on the docker runtime has a daemon whose images the kubelet
 * sees; any other runtime (containerd, minikube's coming default) takes the load path of 02.
 */
export async function buildDaemon(ctx: RunbookContext): Promise<BuildDaemon> {
  // Images a registry delivers are pushed from here; minikube's daemon is for images the node keeps.
  const registry = ctx.settings.imageRegistry;
  if (registry)
    return { where: "the host's Docker", hostBecause: `IMAGE_REGISTRY is set: the images are pushed to ${registry.prefix} from here` };
  const kind = await clusterKind(ctx);
  if (!kind.minikube) return { where: "the host's Docker", hostBecause: `minikube docker-env skipped: ${kind.why}` };
  const config = (await ctx.tools.minikube.profiles()).find((p) => p.name === ctx.settings.profile);
  const unsupported = config ? dockerEnvUnsupported(config) : undefined;
  if (config?.runtime) ctx.fact('container runtime', config.runtime);
  if (unsupported) return { where: `the host's Docker (${unsupported.split(':')[0]})`, hostBecause: unsupported };
  try {
    const env = await ctx.tools.minikube.dockerEnv();
    return { env, where: `minikube's Docker (${env.DOCKER_HOST ?? 'unknown host'})` };
  } catch (error) {
    if (!(error instanceof CommandFailed)) throw error;
    return { where: "the host's Docker", hostBecause: `minikube docker-env is not available (${error.reason})` };
  }
}
