// Runbook access: the frontend and backend on localhost through kubectl port-forwards that survive
// their pods, with proof that localhost answers as the NodePort does. Runs until Ctrl-C (or --for),
// or with --once proves and ends (CI). Never changes the release; --replace-pod is the one opt-in
// drill that deletes a pod, to show a forward coming back on the same URL.
import { createServer } from 'node:net';
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { requireCluster } from '../cluster/prereq-checks.ts';
import { reachability } from '../cluster/access.ts';
import { paced, SupervisedForward } from '../cluster/forward-supervisor.ts';
import { compareAnswers } from '../cluster/same-answers.ts';
import { probeHttp } from '../cluster/smoke.ts';
import { parseTarget } from '../cluster/timing.ts';
import { LOCAL_FORWARD_ADDRESS } from '../images.ts';
import { formatDuration } from '../clock.ts';
import { Interrupted, UsageError } from '../errors.ts';
import { objectName, requireRelease } from './steps/release.ts';
import { requireHealthy } from './steps/drill.ts';

const RECONNECT_MS = 120_000;
const HEALTHY_BEFORE_MS = 180_000;
/** How often the open forwards are looked at while waiting for Ctrl-C (and, simulated, how virtual time moves). */
const HEARTBEAT_MS = 2000;
const COMPARED_PATHS = { frontend: ['/', '/healthz'], backend: ['/health', '/api/todos'] } as const;
type Exposed = keyof typeof COMPARED_PATHS;
const SERVICE_PORTS: Record<Exposed, number> = { frontend: 3000, backend: 8000 };
const HEALTH_PATHS: Record<Exposed, string> = { frontend: '/healthz', backend: '/health' };

function parsePort(raw: string | boolean | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const port = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535))
    throw new UsageError(`--${flag} "${String(raw)}" is not a port`, `give 1-65535, or 0 for any free port (e.g. --${flag} ${fallback})`);
  return port;
}

/** A fixed local port must be free before anything starts: found busy later, half the access would be open. */
async function requireFree(port: number, flag: string): Promise<void> {
  if (port === 0) return;
  const problem = await new Promise<string | undefined>((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(undefined)));
  });
  if (problem)
    throw new UsageError(
      `port ${port} on 127.0.0.1 is not free (${problem}); nothing was started`,
      `stop what listens there (lsof -i :${port}), or choose another with --${flag} <port> (0: any free port)`,
    );
}

interface Options {
  once: boolean;
  forMs: number | undefined;
  replacePod: boolean;
  ports: Record<Exposed, number>;
}

function readOptions(ctx: RunbookContext): Options {
  const forRaw = ctx.flag('for');
  return {
    once: ctx.flag('once') === true,
    forMs: forRaw === undefined ? undefined : parseTarget(forRaw, 'for', 0),
    replacePod: ctx.flag('replace-pod') === true,
    ports: {
      frontend: parsePort(ctx.flag('frontend-port'), 'frontend-port', LOCAL_FORWARD_ADDRESS.frontendPort),
      backend: parsePort(ctx.flag('backend-port'), 'backend-port', LOCAL_FORWARD_ADDRESS.backendPort),
    },
  };
}

async function openForwards(ctx: RunbookContext, options: Options): Promise<Record<Exposed, SupervisedForward>> {
  const forwards = {} as Record<Exposed, SupervisedForward>;
  for (const component of ['frontend', 'backend'] as const) {
    const forward = new SupervisedForward(
      ctx,
      {
        component,
        healthPath: HEALTH_PATHS[component],
        service: objectName(ctx, component),
        servicePort: SERVICE_PORTS[component],
        localPort: options.ports[component],
      },
      RECONNECT_MS,
    );
    ctx.onCleanup(`stop the ${component} port-forward`, () => forward.stop());
    await forward.open();
    forwards[component] = forward;
    ctx.check({
      id: `ACCESS-FORWARD-${component.toUpperCase()}`,
      title: `${component} on localhost`,
      expected: `a port-forward to a Ready ${component} pod`,
      measured: `${forward.url} → pod ${forward.pod}`,
      pass: true,
    });
  }
  return forwards;
}

async function nodePortBase(ctx: RunbookContext, component: Exposed): Promise<string | undefined> {
  const service = await ctx.tools.kubectl.get('service', objectName(ctx, component), ctx.settings.namespace);
  const nodePort = service?.spec?.ports?.[0]?.nodePort;
  return nodePort ? `http://${await ctx.tools.minikube.ip()}:${nodePort}` : undefined;
}

async function proveSameAnswers(ctx: RunbookContext, forwards: Record<Exposed, SupervisedForward>, idSuffix = ''): Promise<void> {
  const reach = await reachability(ctx);
  for (const component of ['frontend', 'backend'] as const) {
    const id = `ACCESS-SAME-${component.toUpperCase()}${idSuffix}`;
    const title = `${component}: localhost answers as the NodePort does${idSuffix ? ' (after the pod was replaced)' : ''}`;
    const expected = `same status and body for ${COMPARED_PATHS[component].join(', ')}`;
    const nodeBase = reach.portForward ? undefined : await nodePortBase(ctx, component);
    if (!nodeBase) {
      ctx.check({
        id,
        title,
        expected,
        measured: reach.portForward ? `no NodePort to compare with: ${reach.why}` : `service ${objectName(ctx, component)} has no NodePort`,
        pass: 'skip',
      });
      continue;
    }
    const results = [];
    for (const path of COMPARED_PATHS[component]) results.push(await compareAnswers(forwards[component].url, nodeBase, path, 10_000));
    const different = results.filter((r) => !r.same);
    ctx.check({
      id,
      title,
      expected,
      measured: `${forwards[component].url} vs ${nodeBase}: ${(different.length ? different : results).map((r) => r.detail).join('; ')}`,
      pass: different.length === 0,
      remedy: `both should reach the same Service: kubectl get endpoints ${objectName(ctx, component)} -n ${ctx.settings.namespace}; a different answer from one pod means the pods are not alike (kubectl get pods -o wide)`,
    });
  }
}

/** Opt-in: delete the backend pod the forward is bound to, and prove the same URL works again. */
async function replacementDrill(ctx: RunbookContext, forward: SupervisedForward): Promise<void> {
  const go = await ctx.confirm(`--replace-pod deletes pod ${forward.pod} (its Deployment replaces it; the data stays). Go on?`, {
    default: true,
    whenNonInteractive: true,
  });
  if (!go) throw new Interrupted('you chose not to delete the pod; the forwards stay as they were');
  const before = forward.reconnects.length;
  const deleted = forward.pod;
  await ctx.tools.kubectl.deletePod(deleted, ctx.settings.namespace);
  const back = await forward.waitForReconnect(before + 1, RECONNECT_MS + 60_000);
  const answer = back ? await probeHttp(`${forward.url}/health`, 10_000) : undefined;
  const r = forward.reconnects[before];
  ctx.check({
    id: 'ACCESS-RECONNECT-BACKEND',
    title: 'the backend forward comes back on the same URL after its pod is replaced',
    expected: `${forward.url}/health answers 200 again within ${formatDuration(RECONNECT_MS)}`,
    measured: r
      ? `pod ${r.lostPod} → ${r.newPod} in ${formatDuration(r.backAt - r.lostAt)} after the forward ended (${r.why}); /health ${answer?.status ?? answer?.error}`
      : (forward.failure ?? `not re-established within ${formatDuration(RECONNECT_MS)}`),
    pass: Boolean(r && answer?.ok),
    remedy: `kubectl get pods -l app.kubernetes.io/component=backend -n ${ctx.settings.namespace}: is a new pod Ready?`,
    value: r ? r.backAt - r.lostAt : undefined,
    unit: 'ms',
  });
}

/** Until Ctrl-C, SIGTERM, --for, or a forward that cannot come back. */
async function serve(ctx: RunbookContext, forwards: Record<Exposed, SupervisedForward>, forMs: number | undefined): Promise<string> {
  const { stopped, release } = ctx.stops.wait();
  let why: string | undefined;
  void stopped.then(() => (why ??= 'Ctrl-C'));
  const started = ctx.clock.now();
  try {
    while (!why) {
      await paced(ctx, HEARTBEAT_MS);
      await Promise.all(Object.values(forwards).map((f) => f.probe()));
      const all = Object.values(forwards);
      if (forMs !== undefined && ctx.clock.now() - started >= forMs) why ??= `--for ${formatDuration(forMs)} elapsed`;
      const failed = all.find((f) => f.failure);
      if (failed) why ??= `the ${failed.target.component} forward could not be re-established`;
      if (all.some((f) => f.interrupted)) why ??= 'Ctrl-C';
    }
  } finally {
    release();
  }
  return why;
}

/** kubectl verbs that change the cluster; the forwards' own `port-forward` changes nothing. */
const MUTATING = new Set(['delete', 'scale', 'patch', 'apply', 'edit', 'rollout', 'annotate', 'label', 'exec', 'create', 'replace', 'set']);

async function endCleanly(
  ctx: RunbookContext,
  forwards: Record<Exposed, SupervisedForward>,
  podsBefore: string[],
  replacePod: boolean,
): Promise<void> {
  await Promise.all(Object.values(forwards).map((f) => f.stop()));
  const stillOpen: string[] = [];
  for (const f of Object.values(forwards)) {
    const probe = await probeHttp(f.url, 3000);
    if (probe.status !== undefined) stillOpen.push(f.url);
  }
  const podsAfter = (await ctx.tools.kubectl.list('pods', ctx.settings.namespace)).map((p) => p.metadata.name);
  const gone = podsBefore.filter((p) => !podsAfter.includes(p));
  // What this run changed, from its own command record: only --replace-pod's delete may appear.
  const changes = ctx.bus.history.flatMap((e) =>
    e.kind === 'command' && e.tool === 'kubectl' && MUTATING.has(e.argv[1] ?? '') ? [e.argv.slice(0, 4).join(' ')] : [],
  );
  ctx.check({
    id: 'ACCESS-END',
    title: 'the forwards end and the pods stay',
    expected: 'every local port closed; no pod changed by this run (but the one --replace-pod deletes)',
    measured: `${stillOpen.length ? `still answering: ${stillOpen.join(', ')}` : 'ports closed'}; changes by this run: ${changes.length ? changes.join(', ') : 'none'}; ${podsBefore.length} pods before, ${gone.length ? `since gone: ${gone.join(', ')}` : 'all still there'}`,
    pass: stillOpen.length === 0 && changes.length === (replacePod ? 1 : 0),
    remedy: 'a local port still answering: another process holds it (lsof -i :<port>)',
  });
}

export const access: RunbookDefinition = {
  id: 'access',
  title: 'Access · the app on localhost through port-forwards that survive their pods',
  summary:
    'Opens the frontend and backend on localhost with kubectl port-forward, re-establishes a forward when its pod is replaced, proves localhost answers as the NodePort does, and ends cleanly on Ctrl-C without touching the pods.',
  flags: [
    { name: 'once', type: 'boolean', description: 'open, prove and end (CI); without it the forwards stay open until Ctrl-C' },
    { name: 'for', type: 'string', description: 'end by itself after this long (30s, 10m); default: until Ctrl-C' },
    {
      name: 'frontend-port',
      type: 'string',
      description: `local port of the frontend (default ${LOCAL_FORWARD_ADDRESS.frontendPort}, what 01 builds the page for when port-forwarding; 0: any free port)`,
    },
    {
      name: 'backend-port',
      type: 'string',
      description: `local port of the backend (default ${LOCAL_FORWARD_ADDRESS.backendPort}; 0: any free port)`,
    },
    { name: 'replace-pod', type: 'boolean', description: 'delete the backend pod once and prove its forward comes back on the same URL' },
  ],
  async run(ctx) {
    const options = readOptions(ctx);
    await requireFree(options.ports.frontend, 'frontend-port');
    await requireFree(options.ports.backend, 'backend-port');
    await ctx.step('Check the cluster and the release', 'forwards need running pods of a deployed release', async () => {
      await requireCluster(ctx);
      const status = await requireRelease(ctx);
      ctx.fact('release', `${status.name} revision ${status.version} (${status.status}) in ${status.namespace}`);
    });
    await ctx.step('Check the release is healthy', 'a forward binds a Ready pod', () => requireHealthy(ctx, HEALTHY_BEFORE_MS));
    const podsBefore = (await ctx.tools.kubectl.list('pods', ctx.settings.namespace)).map((p) => p.metadata.name);
    const forwards = await ctx.step(
      'Open the forwards',
      'kubectl port-forward to one Ready pod each, on 127.0.0.1; a new forward on the same port whenever that pod goes',
      () => openForwards(ctx, options),
    );
    ctx.note(`Frontend: ${forwards.frontend.url}   Backend: ${forwards.backend.url}`);
    await ctx.step('Compare with the NodePorts', 'the same request through localhost and the NodePort gives the same answer', () =>
      proveSameAnswers(ctx, forwards),
    );
    if (options.replacePod) {
      await ctx.step('Replace the backend pod', 'the forward must come back on the same URL', () =>
        replacementDrill(ctx, forwards.backend),
      );
      await ctx.step('Compare again', 'the new pod answers as the NodePort does', () => proveSameAnswers(ctx, forwards, '-AFTER'));
    }
    if (!options.once) {
      const why = await ctx.step(
        'Keep the forwards open',
        options.forMs !== undefined ? `for ${formatDuration(options.forMs)}, or until Ctrl-C` : 'until Ctrl-C',
        async () => {
          ctx.note(`open ${forwards.frontend.url} in a browser; press Ctrl-C to end (the pods stay)`);
          return serve(ctx, forwards, options.forMs);
        },
      );
      ctx.note(`ending: ${why}`);
      for (const f of Object.values(forwards))
        for (const r of f.reconnects)
          ctx.note(`${f.target.component}: pod ${r.lostPod} → ${r.newPod}, back after ${formatDuration(r.backAt - r.lostAt)}`);
      const failed = Object.values(forwards).find((f) => f.failure);
      if (failed)
        ctx.check({
          id: `ACCESS-RECONNECT-${failed.target.component.toUpperCase()}`,
          title: `the ${failed.target.component} forward came back after its pod went`,
          expected: `a Ready pod within ${formatDuration(RECONNECT_MS)}`,
          measured: failed.failure!,
          pass: false,
          remedy: `kubectl get pods -n ${ctx.settings.namespace}; npx zx runbooks/06-ai-diagnostics.mjs`,
        });
    }
    await ctx.step('End the forwards', 'the local ports close; the pods are left as they are', () =>
      endCleanly(ctx, forwards, podsBefore, options.replacePod),
    );
  },
};
