// How the user (and the smoke checks) reach the app. On Linux the node's IP is routable, so the
// NodePorts answer directly. With the docker driver on macOS and Windows it is not
// (minikube#11193): `minikube service --url` opens a tunnel but blocks until Ctrl-C, so the
// runbook uses bounded kubectl port-forwards itself and tells the user the tunnel command.
import type { RunbookContext } from '../runbook.ts';
import type { BackgroundProcess } from '../exec.ts';
import { currentOs } from '../platform.ts';
import { COMPONENT_LABEL, releaseSelector } from './labels.ts';
import { componentName, type NameValues } from './names.ts';

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
  const tunnelNeeded = driver === 'docker' && currentOs() !== 'linux' && !ctx.simulation;
  if (tunnelNeeded) {
    return {
      frontend: await forward(ctx, `${service('frontend')}`, 3000, opened),
      backend: await forward(ctx, `${service('backend')}`, 8000, opened),
      mcp,
      how: 'kubectl port-forward (the node IP is not reachable with the docker driver on this OS)',
      userCommands: [
        `minikube service ${service('frontend')} -n ${ns} -p ${ctx.settings.profile} --url   # keep this terminal open`,
        `kubectl port-forward svc/${service('frontend')} 3000:3000 -n ${ns} --context ${ctx.tools.kubectl.context}   # alternative`,
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
    frontend: `http://${ip}:${nodePort('frontend', 30080)}`,
    backend: `http://${ip}:${nodePort('backend', 30081)}`,
    mcp,
    how: 'NodePort on the node IP',
    userCommands: [`minikube service ${service('frontend')} -n ${ns} -p ${ctx.settings.profile} --url`, `kubectl port-forward svc/${service('mcp')} 8001:8001 -n ${ns} --context ${ctx.tools.kubectl.context}   # MCP is ClusterIP only`],
    close,
  };
}
