// size: to be split by job into steps under src/runbooks/steps/; left whole while other work on it was landing
// Runbook 05: scaling, self-healing, Helm value overrides and rollback, each proven in the running
// pods. Scales frontend→3, backend→2, mcp→2 and times each to all-Ready, checks every Service's
// Endpoints list exactly the Ready pods, scales back; deletes a frontend pod and proves its
// replacement; `helm upgrade --reuse-values` with three overrides proven in the pods (count,
// limits in the pod spec, the value inside the container), then `helm rollback` proven the same
// way; the release is left as it was found. Method: docs/runbooks/05-scaling.md.
import { resolve } from 'node:path';
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { PROJECT_ROOT } from '../runbook.ts';
import { requireCluster } from '../cluster/prereq-checks.ts';
import { podState } from '../cluster/pods.ts';
import { formatDuration } from '../clock.ts';
import { type Attempt, CommandFailed, Interrupted, attempt } from '../errors.ts';
import { isTransientFailure } from '../tools/common.ts';
import type { KubeObject } from '../tools/kubectl.ts';
import { describeCoverage, endpointCoverage } from '../cluster/endpoints.ts';
import {
  APP_COMPONENTS,
  COMPONENT_LABEL,
  appPodsSelector,
  componentSelector,
  releaseSelector,
  type AppComponent,
} from '../cluster/labels.ts';
import { memoryLimit, proveEnv, proveMemoryLimit, proveReplicas, valueAt, valuesDiff, type Proof } from '../cluster/proofs.ts';
import { maskSecrets } from '../cluster/secret-values.ts';
import { changeInstant, deadlineFor, parseTarget } from '../cluster/timing.ts';
import { newPods } from '../cluster/watch.ts';
import { diagnose } from './steps/diagnose.ts';
import { replacementDrill, reportPods, requireAllReady, requireHealthy, watch } from './steps/drill.ts';
import { livePods, objectName, requireRelease } from './steps/release.ts';
import { showKubectlAiPrompt } from './steps/ai-prompt.ts';
import { mcpServesFromEveryReplica } from './steps/mcp-replicas.ts';

const TARGETS = { scaleMs: 90_000, replacementMs: 10_000, endpointsMs: 20_000, healthyBeforeMs: 180_000 };
const SCALE_TO: Record<AppComponent, number> = { frontend: 3, backend: 2, mcp: 2 };
const ENV_KEY = 'MAX_CONVERSATION_HISTORY';
const OVERRIDE = { replicas: 2, memory: '1Gi', env: '100' };
const OVERRIDES: Record<string, string | number> = {
  'frontend.replicaCount': OVERRIDE.replicas,
  'backend.resources.limits.memory': OVERRIDE.memory,
  [`backend.env.${ENV_KEY}`]: OVERRIDE.env,
};

/** What the release and its pods look like before anything changes; everything is put back to this. */
interface Found {
  replicas: Record<AppComponent, number>;
  revision: number;
  historyLength: number;
  /** User-supplied values (helm get values). */
  values: Record<string, unknown>;
  /** The three overridden settings: the chart's replica count at this revision, the others as the running pods showed them. */
  frontendReplicas: number;
  backendMemory: string;
  backendEnv: string;
  driver: string;
}

const deploymentName = (ctx: RunbookContext, component: string) => objectName(ctx, component);
const configMapName = (ctx: RunbookContext) => objectName(ctx, 'config');

/** spec.replicas of the three Deployments, read with one call. */
async function specReplicas(ctx: RunbookContext): Promise<Record<string, number | undefined>> {
  const deployments = await ctx.tools.kubectl.list('deployments', ctx.settings.namespace, releaseSelector(ctx.settings.release));
  return Object.fromEntries(
    APP_COMPONENTS.map((c) => [c, deployments.find((d) => d.metadata.name === deploymentName(ctx, c))?.spec?.replicas]),
  );
}

/** The value the backend containers see: printenv in each Ready pod, and the ConfigMap entry they read it from. */
async function observeEnv(
  ctx: RunbookContext,
  pods: KubeObject[],
): Promise<{ printenv: Array<{ pod: string; value?: string }>; configMap?: string }> {
  const printenv = [];
  for (const pod of pods)
    printenv.push({
      pod: pod.metadata.name,
      value: await ctx.tools.kubectl.printenv(pod.metadata.name, 'backend', ctx.settings.namespace, ENV_KEY),
    });
  const cm = await ctx.tools.kubectl.get('configmap', configMapName(ctx), ctx.settings.namespace);
  return { printenv, configMap: cm?.data?.[`backend.${ENV_KEY}`] };
}

const readyBackendPods = async (ctx: RunbookContext) =>
  (await livePods(ctx, componentSelector(ctx.settings.release, 'backend'))).filter((p) => podState(p).ready);

async function recordStart(ctx: RunbookContext): Promise<Found> {
  const { helm } = ctx.tools;
  const { release, namespace } = ctx.settings;
  await requireHealthy(ctx, TARGETS.healthyBeforeMs);
  const replicas = {} as Record<AppComponent, number>;
  const spec = await specReplicas(ctx);
  for (const c of APP_COMPONENTS) replicas[c] = spec[c] ?? 1;
  const status = (await helm.status(release, namespace))!;
  const history = await helm.history(release, namespace);
  const values = await helm.values(release, namespace);
  const chartReplicas = Number(valueAt(await helm.values(release, namespace, true), 'frontend.replicaCount'));
  const backend = await readyBackendPods(ctx);
  const env = await observeEnv(ctx, backend);
  const found: Found = {
    replicas,
    revision: status.version,
    historyLength: history.length,
    values,
    frontendReplicas: Number.isInteger(chartReplicas) ? chartReplicas : replicas.frontend,
    backendMemory: (backend[0] && memoryLimit(backend[0], 'backend')) ?? 'none',
    backendEnv: env.printenv.find((p) => p.value !== undefined)?.value ?? env.configMap ?? '(unset)',
    driver: (await ctx.tools.minikube.profiles()).find((p) => p.name === ctx.settings.profile)?.driver ?? '',
  };
  ctx.fact(
    'found',
    `revision ${found.revision}; replicas ${APP_COMPONENTS.map((c) => `${c} ${replicas[c]}`).join(', ')}; backend limits.memory ${found.backendMemory}; ${ENV_KEY}=${found.backendEnv}`,
  );
  ctx.evidence('user-supplied values before the drill (helm get values; secrets masked)', JSON.stringify(maskSecrets(values), null, 2));
  return found;
}

/** Polls the Endpoints until each Service lists exactly its Ready pods (the endpoints controller lags Ready a little). */
async function checkEndpoints(ctx: RunbookContext, when: string): Promise<void> {
  const ns = ctx.settings.namespace;
  const deadline = ctx.clock.now() + TARGETS.endpointsMs;
  let outcome: Array<{ component: string; text: string; ok: boolean }> = [];
  for (;;) {
    const endpoints = await ctx.tools.kubectl.list('endpoints', ns);
    const pods = await livePods(ctx, appPodsSelector(ctx.settings.release));
    outcome = APP_COMPONENTS.map((component) => {
      const ready = pods
        .filter((p) => p.metadata.labels?.[COMPONENT_LABEL] === component && podState(p).ready)
        .map((p) => ({ name: p.metadata.name, ip: p.status?.podIP }));
      const ep = endpoints.find((e) => e.metadata.name === deploymentName(ctx, component));
      const coverage = endpointCoverage(ep, ready);
      return {
        component,
        text: ep ? describeCoverage(coverage, ready.length) : `no Endpoints object ${deploymentName(ctx, component)}`,
        ok: coverage.ok,
      };
    });
    if (outcome.every((o) => o.ok) || ctx.clock.now() >= deadline) break;
    await ctx.clock.sleep(1000);
  }
  for (const o of outcome)
    ctx.check({
      id: `ENDPOINTS-${o.component.toUpperCase()}`,
      title: `Service ${deploymentName(ctx, o.component)} routes to every Ready pod (${when})`,
      expected: "Endpoints addresses = the Ready pods' IPs",
      measured: o.text,
      pass: o.ok,
      remedy: `kubectl get endpoints ${deploymentName(ctx, o.component)} -n ${ns} -o yaml; check the Service selector and the readiness probe`,
    });
}

async function scaleOut(ctx: RunbookContext, found: Found): Promise<void> {
  const { kubectl } = ctx.tools;
  const ns = ctx.settings.namespace;
  const selector = appPodsSelector(ctx.settings.release);
  const before = new Set((await livePods(ctx, selector)).map((p) => p.metadata.name));
  // Scale out by at least one replica, also where someone already runs more than the drill's counts.
  const target = Object.fromEntries(APP_COMPONENTS.map((c) => [c, Math.max(SCALE_TO[c], found.replicas[c] + 1)])) as Record<
    AppComponent,
    number
  >;
  // Each component's clock starts when the API had provably taken the new count (changeInstant).
  const issued = {} as Record<AppComponent, number>;
  const returned = {} as Record<AppComponent, number>;
  for (const c of APP_COMPONENTS) {
    issued[c] = ctx.clock.now();
    await kubectl.scale(deploymentName(ctx, c), target[c], ns);
    returned[c] = ctx.clock.now();
    ctx.span('scale out', `kubectl scale ${c} → ${target[c]}`, issued[c], returned[c]);
  }
  const result = await watch(ctx, {
    selector,
    expected: target,
    deadlineAt: issued.frontend + deadlineFor(TARGETS.scaleMs),
    lateAt: issued.frontend + TARGETS.scaleMs,
    stopOnFatal: true,
  });
  for (const c of APP_COMPONENTS) {
    const isNew = (p: { state: { name: string; component: string } }) => p.state.component === c && !before.has(p.state.name);
    const start = changeInstant(
      issued[c],
      returned[c],
      result.pods.filter(isNew).map((p) => p.state.createdAt),
    );
    ctx.note(`${c}: the clock starts at ${new Date(start.at).toISOString()}: ${start.basis}`);
    const expected = { [c]: target[c] };
    reportPods(ctx, {
      result,
      from: start.at,
      targetMs: TARGETS.scaleMs,
      expected,
      idPrefix: 'SCALE-POD',
      section: 'scale out',
      what: `after kubectl scale ${c} --replicas=${target[c]}`,
      only: isNew,
    });
    const done = result.pods.filter((p) => p.state.component === c && p.ready).length >= target[c];
    await requireAllReady(ctx, {
      result: { ...result, done },
      from: start.at,
      targetMs: TARGETS.scaleMs,
      expected,
      id: `SCALE-${c.toUpperCase()}`,
      title: `${c} scaled ${found.replicas[c]} → ${target[c]}, all Ready`,
      only: isNew,
    });
  }
  const fresh = newPods(
    before,
    result.pods.map((p) => p.state),
  );
  ctx.note(`new replicas: ${fresh.map((p) => p.name).join(', ')}`);
}

/** Back to the replica counts found at the start; waits until the extra pods are gone from the Endpoints. */
async function scaleBack(ctx: RunbookContext, found: Found): Promise<void> {
  const ns = ctx.settings.namespace;
  const started = ctx.clock.now();
  for (const c of APP_COMPONENTS) await ctx.tools.kubectl.scale(deploymentName(ctx, c), found.replicas[c], ns);
  const deadline = started + deadlineFor(TARGETS.scaleMs);
  let counts: Record<string, number> = {};
  for (;;) {
    const pods = (await livePods(ctx, appPodsSelector(ctx.settings.release))).map(podState);
    counts = Object.fromEntries(APP_COMPONENTS.map((c) => [c, pods.filter((p) => p.component === c && p.ready).length]));
    const live = Object.fromEntries(APP_COMPONENTS.map((c) => [c, pods.filter((p) => p.component === c).length]));
    if (APP_COMPONENTS.every((c) => counts[c] === found.replicas[c] && live[c] === found.replicas[c]) || ctx.clock.now() >= deadline) break;
    await ctx.clock.sleep(1000);
  }
  ctx.span('scale back', 'kubectl scale back to the counts found', started, ctx.clock.now());
  const text = (r: Record<string, number>) => APP_COMPONENTS.map((c) => `${c} ${r[c]}`).join(', ');
  ctx.require({
    id: 'SCALE-BACK',
    title: 'scaled back to the replica counts found',
    expected: `${text(found.replicas)} Ready`,
    measured: `${text(counts)} Ready`,
    pass: APP_COMPONENTS.every((c) => counts[c] === found.replicas[c]),
    remedy: `kubectl get deploy -n ${ns}; kubectl scale deployment/<name> --replicas=<n> -n ${ns}`,
  });
}

/** helm upgrade/rollback fail before changing anything when the API refuses the connection: those are retried. */
async function helmWithRetry(ctx: RunbookContext, run: () => Promise<void>): Promise<Attempt<void>> {
  let result = await attempt(run());
  for (let tries = 1; tries < 3 && !result.ok && unreachable(result.error); tries++) {
    ctx.note(`helm could not reach the cluster (${result.error.reason}); trying again`, 'warn');
    await ctx.clock.sleep(1000 * tries);
    result = await attempt(run());
  }
  return result;
}

function unreachable(error: CommandFailed): boolean {
  return isTransientFailure(error) && /Kubernetes cluster unreachable/.test(error.stderr);
}

/** Rollouts to finish, then the proofs read from the running pods. */
async function observeRelease(ctx: RunbookContext): Promise<{
  rolledOut: Record<string, boolean>;
  frontend: { specReplicas?: number; readyPods: number; livePods: number };
  backendPods: KubeObject[];
  env: Awaited<ReturnType<typeof observeEnv>>;
}> {
  const ns = ctx.settings.namespace;
  const rolledOut: Record<string, boolean> = {};
  for (const c of APP_COMPONENTS) {
    // A rollout that does not finish is a measured result (its check fails), not the end of the run.
    rolledOut[c] = await ctx.tools.kubectl.rolloutStatus(deploymentName(ctx, c), ns, TARGETS.scaleMs).then(
      () => true,
      (error: unknown) => {
        if (!(error instanceof CommandFailed)) throw error;
        ctx.evidence(`kubectl rollout status ${deploymentName(ctx, c)}`, error.stderr);
        return false;
      },
    );
  }
  const pods = await livePods(ctx, appPodsSelector(ctx.settings.release));
  const of = (c: string) => pods.filter((p) => p.metadata.labels?.[COMPONENT_LABEL] === c);
  const frontendPods = of('frontend').map(podState);
  const backendPods = of('backend');
  const env = await observeEnv(
    ctx,
    backendPods.filter((p) => podState(p).ready),
  );
  return {
    rolledOut,
    frontend: {
      specReplicas: (await specReplicas(ctx)).frontend,
      readyPods: frontendPods.filter((p) => p.ready).length,
      livePods: frontendPods.length,
    },
    backendPods,
    env,
  };
}

/** One check per proof: <prefix>-REPLICAS, <prefix>-LIMITS, <prefix>-ENV. */
function recordProofs(
  ctx: RunbookContext,
  prefix: 'OVERRIDE' | 'ROLLBACK',
  proofs: { replicas: Proof; limits: Proof; env: Proof },
  remedy: string,
): void {
  for (const [key, p] of Object.entries(proofs))
    ctx.check({
      id: `${prefix}-${key.toUpperCase()}`,
      title: `${prefix === 'OVERRIDE' ? 'override' : 'rollback'} proven: ${p.what}`,
      expected: p.expected,
      measured: p.measured,
      pass: p.pass,
      remedy,
    });
}

async function applyOverrides(ctx: RunbookContext, found: Found, state: { restored: boolean }): Promise<void> {
  const { helm } = ctx.tools;
  const { release, namespace, timeoutMs } = ctx.settings;
  const chart = resolve(PROJECT_ROOT, ctx.settings.chartDir);
  ctx.onCleanup('put the release back as it was found', async () => {
    if (state.restored) return;
    const now = await helm.status(release, namespace);
    if (now && now.version > found.revision) {
      ctx.note(`the drill stopped before its rollback: rolling ${release} back to revision ${found.revision}`, 'warn');
      const r = await attempt(helm.rollback(release, found.revision, namespace, timeoutMs, { forceConflicts: true }));
      if (!r.ok) ctx.note(`rollback failed: ${r.error.reason}; run: helm rollback ${release} ${found.revision} -n ${namespace}`, 'warn');
    }
  });
  const started = ctx.clock.now();
  // The drill scaled the Deployments with kubectl, so on helm 4 (server-side apply) kubectl owns
  // .spec.replicas: without --force-conflicts the upgrade fails with "Apply failed with 1 conflict".
  const result = await helmWithRetry(ctx, () =>
    helm.upgrade({
      release,
      chart,
      namespace,
      timeoutMs,
      reuseValues: true,
      valuesFiles: ctx.settings.valuesFiles,
      set: OVERRIDES,
      forceConflicts: true,
    }),
  );
  ctx.span('helm', 'helm upgrade --reuse-values (3 overrides)', started, ctx.clock.now());
  const status = await helm.status(release, namespace);
  if (!result.ok) {
    const { cause, remedy } = await diagnose(ctx, ['frontend', 'backend']);
    ctx.require({
      id: 'OVERRIDE-HELM',
      title: 'helm upgrade --reuse-values with the overrides',
      expected: `exit 0, revision ${found.revision + 1} deployed`,
      measured: `${result.error.reason || `exit ${result.error.exitCode}`}${cause ? ` — cause: ${cause}` : ''}`,
      pass: false,
      remedy: remedy ?? `helm history ${release} -n ${namespace}`,
    });
  }
  ctx.require({
    id: 'OVERRIDE-HELM',
    title: 'helm upgrade --reuse-values with the overrides',
    expected: `exit 0, revision ${found.revision + 1} deployed`,
    measured: `revision ${status?.version} ${status?.status}: ${Object.entries(OVERRIDES)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
    pass: status?.status === 'deployed' && status.version === found.revision + 1,
    remedy: `helm history ${release} -n ${namespace}`,
  });
  const seen = await observeRelease(ctx);
  recordProofs(
    ctx,
    'OVERRIDE',
    {
      replicas: proveReplicas('frontend', OVERRIDE.replicas, seen.frontend),
      limits: proveMemoryLimit(seen.backendPods, 'backend', OVERRIDE.memory),
      env: proveEnv(ENV_KEY, OVERRIDE.env, { ...seen.env, rolledOut: seen.rolledOut.backend! }),
    },
    `helm get values ${release} -n ${namespace}; kubectl rollout status deployment/${deploymentName(ctx, 'backend')} -n ${namespace}`,
  );
}

async function rollback(ctx: RunbookContext, found: Found, state: { restored: boolean }): Promise<void> {
  const { helm } = ctx.tools;
  const { release, namespace, timeoutMs } = ctx.settings;
  const started = ctx.clock.now();
  const result = await helmWithRetry(ctx, () => helm.rollback(release, found.revision, namespace, timeoutMs, { forceConflicts: true }));
  ctx.span('helm', `helm rollback to revision ${found.revision}`, started, ctx.clock.now());
  const status = await helm.status(release, namespace);
  if (result.ok) state.restored = true;
  else await diagnose(ctx, ['frontend', 'backend']);
  ctx.require({
    id: 'ROLLBACK-HELM',
    title: `helm rollback to revision ${found.revision}`,
    expected: `exit 0, revision ${found.revision + 2} deployed ("Rollback to ${found.revision}")`,
    measured: !result.ok
      ? result.error.reason || `exit ${result.error.exitCode}`
      : `revision ${status?.version} ${status?.status}: "${status?.description}"`,
    pass: result.ok && status?.status === 'deployed' && status.version === found.revision + 2,
    remedy: `helm history ${release} -n ${namespace}; helm rollback ${release} ${found.revision} -n ${namespace}`,
  });
  const seen = await observeRelease(ctx);
  recordProofs(
    ctx,
    'ROLLBACK',
    {
      replicas: proveReplicas('frontend', found.frontendReplicas, seen.frontend),
      limits: proveMemoryLimit(seen.backendPods, 'backend', found.backendMemory),
      env: proveEnv(ENV_KEY, found.backendEnv, { ...seen.env, rolledOut: seen.rolledOut.backend! }),
    },
    `helm history ${release} -n ${namespace}; kubectl get pods -n ${namespace}`,
  );
}

/** Revision history grows; values, replica counts and pods' settings are what they were. */
async function checkAsFound(ctx: RunbookContext, found: Found): Promise<void> {
  const { helm } = ctx.tools;
  const { release, namespace } = ctx.settings;
  // A Deployment someone had scaled by hand is put back to that count (the rollback restored the chart's).
  const now = await specReplicas(ctx);
  for (const c of APP_COMPONENTS) {
    if (now[c] !== found.replicas[c]) {
      ctx.note(`${c} had ${found.replicas[c]} replica(s) when found (not the chart's value); scaling it back`);
      await ctx.tools.kubectl.scale(deploymentName(ctx, c), found.replicas[c], namespace);
    }
  }
  const values = await helm.values(release, namespace);
  const status = await helm.status(release, namespace);
  const history = await helm.history(release, namespace);
  const diff = valuesDiff(found.values, values);
  const replicas = APP_COMPONENTS.some((c) => now[c] !== found.replicas[c]) ? await specReplicas(ctx) : now;
  const sameReplicas = APP_COMPONENTS.every((c) => replicas[c] === found.replicas[c]);
  const grew =
    history.length === found.historyLength + 2 || (history.length >= found.historyLength && status?.version === found.revision + 2);
  ctx.check({
    id: 'RELEASE-AS-FOUND',
    title: 'the release is left as it was found',
    expected: `user-supplied values identical, status deployed, revision ${found.revision + 2} (history grows by 2), replicas ${APP_COMPONENTS.map((c) => `${c} ${found.replicas[c]}`).join(', ')}`,
    measured: `values ${diff.length ? `differ at ${diff.join(', ')}` : 'identical'}; ${status?.status} revision ${status?.version} (${history.length} in history); replicas ${APP_COMPONENTS.map((c) => `${c} ${replicas[c]}`).join(', ')}`,
    pass: diff.length === 0 && status?.status === 'deployed' && grew && sameReplicas,
    remedy: `helm rollback ${release} ${found.revision} -n ${namespace}`,
  });
  ctx.evidence('helm history after the drill', history.map((h) => `${h.revision}\t${h.status}\t${h.description}`).join('\n'));
}

export const scaling: RunbookDefinition = {
  id: '05-scaling',
  title: '05 · Scaling, self-healing, Helm overrides and rollback',
  summary:
    'Scales frontend→3, backend→2, mcp→2 and back with timings and Endpoints checks, proves a deleted pod is replaced, applies three Helm overrides with --reuse-values and proves each in the running pods, rolls back and proves that too, and leaves the release as it was found.',
  flags: [
    {
      name: 'replacement-target',
      type: 'string',
      description: `target for a deleted pod's replacement to be Ready (default ${TARGETS.replacementMs / 1000}s; 15, 15s, 1m)`,
    },
  ],
  async run(ctx) {
    const replacementMs = parseTarget(ctx.flag('replacement-target'), 'replacement-target', TARGETS.replacementMs);
    ctx.fact('targets', `scale-out ≤ ${formatDuration(TARGETS.scaleMs)}, replacement ≤ ${formatDuration(replacementMs)}`);
    await ctx.step(
      'Check the cluster and the release',
      'the drill needs a running cluster with the release deployed (03-install)',
      async () => {
        await requireCluster(ctx);
        await requireRelease(ctx);
      },
    );
    const found = await ctx.step(
      'Record the starting point',
      "replica counts, revision, values and the pods' settings: everything is put back to this",
      () => recordStart(ctx),
    );
    const go = await ctx.confirm(
      `The drill scales the Deployments, deletes a pod, upgrades release "${ctx.settings.release}" and rolls it back to revision ${found.revision}; everything is put back as found. Go on?`,
      { default: true, whenNonInteractive: true },
    );
    if (!go) throw new Interrupted('you chose not to run the drill; nothing was changed');

    let scaledBack = false;
    ctx.onCleanup('scale back to the replica counts found', async () => {
      if (scaledBack) return;
      for (const c of APP_COMPONENTS) await ctx.tools.kubectl.scale(deploymentName(ctx, c), found.replicas[c], ctx.settings.namespace);
    });
    await ctx.step(
      'Scale out',
      `frontend→${SCALE_TO.frontend}, backend→${SCALE_TO.backend}, mcp→${SCALE_TO.mcp}; each all-Ready ≤ ${formatDuration(TARGETS.scaleMs)}`,
      () => scaleOut(ctx, found),
    );
    await ctx.step('Check the Services route to every replica', "each Service's Endpoints must list exactly the Ready pods", () =>
      checkEndpoints(ctx, 'scaled out'),
    );
    await ctx.step(
      'Check MCP answers from every replica',
      'MCP tools/call through the Service (kubectl proxy: a random Ready endpoint per request) until each MCP pod has answered',
      () => mcpServesFromEveryReplica(ctx),
    );
    const { release, namespace } = ctx.settings;
    showKubectlAiPrompt(
      ctx,
      'scale-component',
      { release, namespace, context: ctx.tools.kubectl.context, component: 'backend', replicas: String(SCALE_TO.backend) },
      `backend to ${SCALE_TO.backend} replicas, done with kubectl-ai`,
    );
    await ctx.step('Scale back', 'to the replica counts found at the start', () => scaleBack(ctx, found));
    scaledBack = true;
    await ctx.step('Check the Services after scaling back', 'the removed replicas must leave the Endpoints', () =>
      checkEndpoints(ctx, 'scaled back'),
    );

    await ctx.step(
      'Self-healing: delete a frontend pod',
      `the Deployment replaces it: a new pod, Ready ≤ ${formatDuration(replacementMs)}, count restored`,
      () =>
        replacementDrill(ctx, {
          selector: componentSelector(ctx.settings.release, 'frontend'),
          targetMs: replacementMs,
          idPrefix: 'SELFHEAL',
          section: 'self-healing',
          one: true,
        }),
    );

    const state = { restored: false };
    await ctx.step(
      'Helm overrides',
      `helm upgrade --reuse-values ${Object.entries(OVERRIDES)
        .map(([k, v]) => `--set ${k}=${v}`)
        .join(' ')}, each proven in the running pods`,
      () => applyOverrides(ctx, found, state),
    );
    await ctx.step('Helm rollback', `helm rollback to revision ${found.revision}, proven the same way`, () => rollback(ctx, found, state));
    await ctx.step('Check the release is as it was found', 'values, replica counts; the revision history grows', () =>
      checkAsFound(ctx, found),
    );
  },
};
