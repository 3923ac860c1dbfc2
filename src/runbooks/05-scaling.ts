// Runbook 05: scaling, self-healing, Helm value overrides and rollback, each proven in the running
// pods. Scales frontend→3, backend→2, mcp→2 and times each to all-Ready, checks every Service's
// Endpoints list exactly the Ready pods, scales back; deletes a frontend pod and proves its
// replacement; `helm upgrade --reuse-values` with three overrides proven in the pods (count,
// limits in the pod spec, the value inside the container), then `helm rollback` proven the same
// way; the release is left as it was found. Method: docs/runbooks/05-scaling.md.
// The release side (overrides, rollback, as-found) lives in steps/scaling-release.ts.
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { requireCluster } from '../cluster/prereq-checks.ts';
import { podState } from '../cluster/pods.ts';
import { formatDuration } from '../clock.ts';
import { Interrupted } from '../errors.ts';
import { describeCoverage, endpointCoverage } from '../cluster/endpoints.ts';
import { APP_COMPONENTS, COMPONENT_LABEL, appPodsSelector, componentSelector, type AppComponent } from '../cluster/labels.ts';
import { changeInstant, deadlineFor, parseTarget } from '../cluster/timing.ts';
import { newPods } from '../cluster/watch.ts';
import { replacementDrill, reportPods, requireAllReady, watch } from './steps/drill.ts';
import { livePods, requireRelease } from './steps/release.ts';
import { showKubectlAiPrompt } from './steps/ai-prompt.ts';
import { mcpServesFromEveryReplica } from './steps/mcp-replicas.ts';
import {
  type Found,
  OVERRIDES,
  SCALE_TARGET_MS,
  applyOverrides,
  checkAsFound,
  deploymentName,
  recordStart,
  rollback,
} from './steps/scaling-release.ts';

const TARGETS = { scaleMs: SCALE_TARGET_MS, replacementMs: 10_000, endpointsMs: 20_000 };
const SCALE_TO: Record<AppComponent, number> = { frontend: 3, backend: 2, mcp: 2 };

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
