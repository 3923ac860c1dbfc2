// How the user (and the smoke checks) reach the app. Where the node's IP is routable from the host
// the NodePorts answer directly. Where minikube itself would port-forward (NeedsPortForward) they do
// not: the runbooks use bounded kubectl port-forwards and tell the user the forward commands, and
// the frontend is built with public URLs on those local ports (images.ts LOCAL_FORWARD_ADDRESS).
import { resolve } from 'node:path';
import { clusterKind } from './cluster-kind.ts';
import { PROJECT_ROOT, type RunbookContext } from '../runbook.ts';
import type { BackgroundProcess } from '../exec.ts';
import { currentOs, type Os } from '../platform.ts';
import { COMPONENT_LABEL, releaseSelector } from './labels.ts';
import { componentName, type NameValues } from './names.ts';
import { LOCAL_FORWARD_ADDRESS, nodePortAddress, type PublicAddress } from '../images.ts';
import { DEFAULT_NODE_PORTS, effectiveValues, nodePorts } from './release-values.ts';

export interface ReachabilityInput {
  driver: string;
  os: Os;
  env: Record<string, string | undefined>;
  /** docker info's OperatingSystem ("Docker Desktop" for Docker Desktop, also on Linux). */
  dockerOs?: string;
  /** docker info's SecurityOptions ("name=rootless" for rootless Docker). */
  dockerSecurityOptions?: string[];
  /** The user id (rootless Podman runs as a regular user). */
  uid?: number;
}

/**
 * Why the node's IP is not reachable from this host, or undefined when it is. Follows minikube's
 * NeedsPortForward (pkg/minikube/driver/driver.go): only the container drivers (docker, podman);
 * a remote daemon (oci.IsExternalDaemonHost: DOCKER_HOST / CONTAINER_HOST with a host part); macOS,
 * Windows and WSL (detect.IsMicrosoftWSL: WSL_DISTRO_NAME or WSLPATH set); Docker Desktop on Linux;
 * rootless Docker (SecurityOptions name=rootless, oci.DaemonInfo). minikube asks podman for its
 * rootless flag; without podman here a non-root user counts as rootless Podman.
 */
export function needsPortForward(input: ReachabilityInput): string | undefined {
  const { driver, os, env } = input;
  if (driver !== 'docker' && driver !== 'podman') return undefined;
  const hostEnv = driver === 'docker' ? env.DOCKER_HOST : env.CONTAINER_HOST;
  if (hostEnv && /^[a-z]+:\/\/[^/]/.test(hostEnv) && !hostEnv.startsWith('unix://'))
    return `the ${driver} daemon is remote (${driver === 'docker' ? 'DOCKER_HOST' : 'CONTAINER_HOST'}=${hostEnv})`;
  if (os === 'macos' || os === 'windows') return `the ${driver} driver runs in a VM on ${os === 'macos' ? 'macOS' : 'Windows'}`;
  if (env.WSL_DISTRO_NAME || env.WSLPATH) return `the ${driver} driver under WSL`;
  if (driver === 'docker' && input.dockerOs === 'Docker Desktop') return 'Docker Desktop on Linux runs Docker in a VM';
  if (driver === 'docker' && (input.dockerSecurityOptions ?? []).some((o) => o.startsWith('name=rootless'))) return 'rootless Docker';
  if (driver === 'podman' && input.uid !== undefined && input.uid !== 0) return 'rootless Podman';
  return undefined;
}

/** Whether this cluster's NodePorts are reachable from here; asks minikube and Docker what needsPortForward needs. */
export async function reachability(ctx: RunbookContext): Promise<{ portForward: boolean; why: string }> {
  // Another cluster's node addresses and firewall are unknown here (and minikube ip cannot tell):
  // kubectl port-forward reaches the app on any cluster the kubeconfig reaches.
  const kind = await clusterKind(ctx);
  if (!kind.minikube) return { portForward: true, why: `${kind.why}; minikube ip and minikube service --url skipped` };
  const driver = (await ctx.tools.minikube.profiles()).find((p) => p.name === ctx.settings.profile)?.driver ?? '';
  let dockerOs: string | undefined;
  let dockerSecurityOptions: string[] | undefined;
  if (driver === 'docker') {
    try {
      ({ os: dockerOs, securityOptions: dockerSecurityOptions } = await ctx.tools.docker.info());
    } catch {
      // Docker not answering: the cluster checks report that; decide on the rest
    }
  }
  const why = needsPortForward({ driver, os: currentOs(), env: process.env, dockerOs, dockerSecurityOptions, uid: process.getuid?.() });
  return why
    ? { portForward: true, why: `${why}: the node's IP is not reachable from this host` }
    : { portForward: false, why: `the ${driver || 'cluster'} node's IP is reachable from this host` };
}

/** The address the browser will use, which the frontend's public URLs are built for. */
export async function publicAddress(ctx: RunbookContext): Promise<PublicAddress & { why: string }> {
  const reach = await reachability(ctx);
  if (reach.portForward)
    return { ...LOCAL_FORWARD_ADDRESS, why: `${reach.why}; the app is reached through kubectl port-forward on 127.0.0.1` };
  // The release may not exist yet (01 builds the frontend for it): its NodePorts come from the
  // chart's values and the user's values files, as helm will install them.
  const ports = nodePorts(effectiveValues(resolve(PROJECT_ROOT, ctx.settings.chartDir), ctx.settings.valuesFiles));
  return { ...nodePortAddress(await ctx.tools.minikube.ip(), ports), why: `${reach.why}; the app is reached on its NodePorts` };
}

export interface Access {
  frontend: string;
  backend: string;
  mcp: string;
  how: string;
  userCommands: string[];
  /** Stops this access's port-forwards now (they die with their pods, e.g. on a cluster restart). */
  close(): Promise<void>;
}

async function forward(ctx: RunbookContext, service: string, port: number, opened: BackgroundProcess[]): Promise<string> {
  const { localPort, process } = await ctx.tools.kubectl.portForward(`svc/${service}`, port, ctx.settings.namespace, 30_000);
  opened.push(process);
  ctx.onCleanup(`port-forward ${service}`, () => process.stop());
  return `http://127.0.0.1:${localPort}`;
}

/** `names`: the release's nameOverride / fullnameOverride, when it has them (see names.ts). */
export async function establishAccess(ctx: RunbookContext, driver: string, names: NameValues = {}): Promise<Access> {
  const service = (component: string) => componentName(ctx.settings.release, component, names);
  const ns = ctx.settings.namespace;
  const opened: BackgroundProcess[] = [];
  const close = async () => {
    await Promise.all(opened.map((p) => p.stop()));
  };
  const mcp = `${await forward(ctx, `${service('mcp')}`, 8001, opened)}/mcp`;
  const reach = await reachability(ctx);
  if (reach.portForward) {
    const local = LOCAL_FORWARD_ADDRESS;
    return {
      frontend: await forward(ctx, `${service('frontend')}`, 3000, opened),
      backend: await forward(ctx, `${service('backend')}`, 8000, opened),
      mcp,
      how: `kubectl port-forward (${reach.why})`,
      // The frontend was built for these local ports (01-build): keep both forwards open.
      userCommands: [
        `kubectl port-forward svc/${service('frontend')} ${local.frontendPort}:3000 -n ${ns} --context ${ctx.tools.kubectl.context}   # keep open; then http://127.0.0.1:${local.frontendPort}`,
        `kubectl port-forward svc/${service('backend')} ${local.backendPort}:8000 -n ${ns} --context ${ctx.tools.kubectl.context}   # keep open: the browser calls the API here`,
        `kubectl port-forward svc/${service('mcp')} 8001:8001 -n ${ns} --context ${ctx.tools.kubectl.context}   # MCP is ClusterIP only`,
      ],
      close,
    };
  }
  const ip = await ctx.tools.minikube.ip();
  const services = await ctx.tools.kubectl.list('services', ns, releaseSelector(ctx.settings.release));
  const nodePort = (component: string, fallback: number) => {
    const svc = services.find((s) => s.metadata.labels?.[COMPONENT_LABEL] === component);
    return svc?.spec?.ports?.[0]?.nodePort ?? fallback;
  };
  return {
    frontend: `http://${ip}:${nodePort('frontend', DEFAULT_NODE_PORTS.frontend)}`,
    backend: `http://${ip}:${nodePort('backend', DEFAULT_NODE_PORTS.backend)}`,
    mcp,
    how: 'NodePort on the node IP',
    userCommands: [
      `minikube service ${service('frontend')} -n ${ns} -p ${ctx.settings.profile} --url`,
      `kubectl port-forward svc/${service('mcp')} 8001:8001 -n ${ns} --context ${ctx.tools.kubectl.context}   # MCP is ClusterIP only`,
    ],
    close,
  };
}
