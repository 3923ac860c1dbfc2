// 05's release side: what the release looked like when found, the three helm overrides proven in
// the running pods, the rollback proven the same way, and the check that the release is left as found.
import { resolve } from 'node:path';
import type { RunbookContext } from '../../runbook.ts';
import { PROJECT_ROOT } from '../../runbook.ts';
import { podState } from '../../cluster/pods.ts';
import { type Attempt, CommandFailed, attempt } from '../../errors.ts';
import { isTransientFailure } from '../../tools/common.ts';
import type { KubeObject } from '../../tools/kubectl.ts';
import {
  APP_COMPONENTS,
  COMPONENT_LABEL,
  appPodsSelector,
  componentSelector,
  releaseSelector,
  type AppComponent,
} from '../../cluster/labels.ts';
import { memoryLimit, proveEnv, proveMemoryLimit, proveReplicas, valueAt, valuesDiff, type Proof } from '../../cluster/proofs.ts';
import { maskSecrets } from '../../cluster/secret-values.ts';
import { diagnose } from './diagnose.ts';
import { requireHealthy } from './drill.ts';
import { livePods, objectName } from './release.ts';

/** How long a scale or a rollout may take to reach all-Ready. */
export const SCALE_TARGET_MS = 90_000;
/** How long 05 waits for the release to be healthy before it starts. */
const HEALTHY_BEFORE_MS = 180_000;

export const ENV_KEY = 'MAX_CONVERSATION_HISTORY';
const OVERRIDE = { replicas: 2, memory: '1Gi', env: '100' };
export const OVERRIDES: Record<string, string | number> = {
  'frontend.replicaCount': OVERRIDE.replicas,
  'backend.resources.limits.memory': OVERRIDE.memory,
  [`backend.env.${ENV_KEY}`]: OVERRIDE.env,
};

/** What the release and its pods look like before anything changes; everything is put back to this. */
export interface Found {
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

export const deploymentName = (ctx: RunbookContext, component: string) => objectName(ctx, component);
const configMapName = (ctx: RunbookContext) => objectName(ctx, 'config');

/** spec.replicas of the three Deployments, read with one call. */
export async function specReplicas(ctx: RunbookContext): Promise<Record<string, number | undefined>> {
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

export async function recordStart(ctx: RunbookContext): Promise<Found> {
  const { helm } = ctx.tools;
  const { release, namespace } = ctx.settings;
  await requireHealthy(ctx, HEALTHY_BEFORE_MS);
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
    rolledOut[c] = await ctx.tools.kubectl.rolloutStatus(deploymentName(ctx, c), ns, SCALE_TARGET_MS).then(
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

export async function applyOverrides(ctx: RunbookContext, found: Found, state: { restored: boolean }): Promise<void> {
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

export async function rollback(ctx: RunbookContext, found: Found, state: { restored: boolean }): Promise<void> {
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
export async function checkAsFound(ctx: RunbookContext, found: Found): Promise<void> {
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
