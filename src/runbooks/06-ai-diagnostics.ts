// Runbook 06: diagnosis. The built-in analyzers decide the result (a critical finding fails the
// run); kubectl-ai, kagent and Gordon add advisory text when they are there, and say exactly why
// and how to enable them when they are not. Nothing here changes the cluster.
// The AI steps live in steps/ai-*.ts; this file is the sequence and the built-in analysis.
import { loadPrompt, PROMPT_LIBRARY, type PromptId } from '../ai-prompts.ts';
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { requireCluster } from '../cluster/prereq-checks.ts';
import { collectSnapshot, type ClusterSnapshot } from '../cluster/snapshot.ts';
import { analyze, podLogTails, type Finding } from '../cluster/analyzers.ts';
import { askKagentResources, reportResourceUse } from './steps/resource-advice.ts';
import { readAppMetrics } from './steps/app-metrics.ts';
import { reportServiceMonitor } from './steps/service-monitor.ts';

/** Every prompt id this runbook loads from the library (a test checks each exists and fills in). */
export const PROMPT_IDS = [
  'diagnose-namespace',
  'explain-finding',
  'agent-task',
  'review-dockerfile',
  'agent-resources',
] as const satisfies readonly PromptId[];
export { loadPrompt, PROMPT_LIBRARY };

import { aiTimeoutMs } from './steps/ai-common.ts';
import { askKubectlAi } from './steps/ai-kubectl-ai.ts';
import { askKagent } from './steps/ai-kagent.ts';
import { askGordon } from './steps/ai-gordon.ts';

// ---------------------------------------------------------------- built-in analysis

async function checkRelease(ctx: RunbookContext): Promise<void> {
  const { namespace, release, profile } = ctx.settings;
  const ns = await ctx.tools.kubectl.get('namespace', namespace);
  ctx.require({
    id: 'DIAG-NAMESPACE',
    title: `namespace ${namespace}`,
    expected: 'exists',
    measured: ns ? 'exists' : 'not found',
    pass: Boolean(ns),
    remedy: `nothing to diagnose yet: npx zx runbooks/03-install.mjs${ctx.simulation ? ' --simulate' : ''} (or --namespace to point at another one)`,
  });
  const status = await ctx.tools.helm.status(release, namespace);
  ctx.fact('release', status ? `${release} revision ${status.version}, ${status.status}` : `${release} not installed`);
  // No release is worth saying but not fatal: after a failed --atomic install the namespace may
  // still hold what went wrong (a PVC, events), and that is exactly what this runbook is for.
  ctx.check({
    id: 'DIAG-RELEASE',
    title: `release ${release}`,
    expected: 'deployed',
    measured: status
      ? `revision ${status.version}: ${status.status} (${status.description})`
      : 'not installed; analysing the namespace as it is',
    pass: status?.status === 'deployed' ? 'pass' : 'warn',
    remedy: status ? `helm history ${release} -n ${namespace} --kube-context ${profile}` : `install it: npx zx runbooks/03-install.mjs`,
  });
}

function recordFinding(ctx: RunbookContext, f: Finding): void {
  ctx.check({
    id: `DIAG-${f.reason.toUpperCase()}`,
    title: `${f.object}${f.component ? ` (${f.component})` : ''}: ${f.reason}`,
    expected: f.reason === 'MetricsUnavailable' ? 'metrics API available' : 'healthy',
    measured: `[${f.severity}] ${f.evidence}`,
    // Critical findings decide the exit code; warnings do not; a missing metrics API means
    // part of the analysis was skipped; other info (a recovered restart) is fine.
    pass: f.severity === 'critical' ? false : f.severity === 'warning' ? 'warn' : f.reason === 'MetricsUnavailable' ? 'skip' : 'pass',
    remedy: f.remedy,
  });
}

async function runAnalyzers(ctx: RunbookContext): Promise<{ snapshot: ClusterSnapshot; findings: Finding[] }> {
  const { namespace, release, profile, chartDir } = ctx.settings;
  const snapshot = await collectSnapshot(ctx.tools.kubectl, namespace);
  ctx.fact(
    'namespace contents',
    `${snapshot.pods.length} pods, ${snapshot.deployments.length} deployments, ${snapshot.statefulsets.length} statefulsets, ${snapshot.services.length} services, ${snapshot.pvcs.length} PVCs, ${snapshot.events.length} events`,
  );
  ctx.fact('metrics API', snapshot.metrics.available ? `available (${snapshot.metrics.items.length} pods measured)` : 'not available');
  const findings = analyze(snapshot, { release, profile, chartDir, now: ctx.clock.now() });
  for (const f of findings) recordFinding(ctx, f);
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  ctx.check({
    id: 'DIAG-SUMMARY',
    title: 'built-in analyzers',
    expected: 'no critical finding',
    measured:
      findings.length === 0
        ? `nothing wrong in ${snapshot.pods.length} pods, ${snapshot.services.length} services, ${snapshot.nodes.length} node(s)`
        : `${count('critical')} critical, ${count('warning')} warning(s), ${count('info')} info`,
    pass: count('critical') === 0,
    remedy: 'fix the critical findings above, most severe first: each says what to run',
    value: findings.length,
    unit: 'count',
  });
  for (const tail of await podLogTails(ctx.tools.kubectl, namespace, findings)) ctx.evidence(tail.title, tail.body);
  return { snapshot, findings };
}

/** The provider keys went through the environment and every question through redact(): prove it. */
function checkArgvHygiene(ctx: RunbookContext): void {
  ctx.check({
    id: 'DIAG-SECRETS-ARGV',
    title: 'no secret on any command line',
    expected: '0 commands',
    measured: `${ctx.exec.secretsInArgv} command(s) carried a secret`,
    pass: ctx.exec.secretsInArgv === 0,
    remedy: 'report this as a bug: keys go to the AI tools through their environment only',
  });
}

export const aiDiagnostics: RunbookDefinition = {
  id: '06-ai-diagnostics',
  title: '06 · AI diagnostics: built-in analyzers, kubectl-ai, kagent, Gordon',
  summary:
    'Analyses the release namespace with built-in rules (each finding with its evidence and remedy), then asks kubectl-ai (read-only), kagent and Gordon when they are available. Changes nothing.',
  flags: [{ name: 'skip-ai', type: 'boolean', description: 'run only the built-in analyzers; do not call kubectl-ai, kagent or Gordon' }],
  async run(ctx) {
    await ctx.step(
      'Check the cluster and guard the kube-context',
      "read-only, but kubectl-ai and kagent read the current context: it must be this profile's",
      () => requireCluster(ctx),
    );
    await ctx.step('Check the namespace and the release', 'there must be something to diagnose', () => checkRelease(ctx));
    const { snapshot, findings } = await ctx.step(
      'Run the built-in analyzers',
      'pods, workloads, services, volume claims, nodes, events and resource use, each finding with a remedy',
      () => runAnalyzers(ctx),
    );
    const usage = await ctx.step('Measure resource use', 'each container against its requests and limits (metrics API)', async () =>
      reportResourceUse(ctx, snapshot, findings),
    );
    await ctx.step("Read the app's own metrics", 'GET /metrics of each app Service through the API server, when the app exposes it', () =>
      readAppMetrics(ctx),
    );
    await ctx.step(
      'Report the ServiceMonitor',
      "whether the cluster serves the Prometheus Operator's CRD and the release has the ServiceMonitor it asked for",
      () => reportServiceMonitor(ctx),
    );
    if (ctx.flag('skip-ai') === true) {
      ctx.skip('Ask the AI tools', '--skip-ai: built-in analyzers only');
      checkArgvHygiene(ctx);
      return;
    }
    // Advisory: an AI tool that fails is a warning with its reason, never the verdict.
    await ctx.step(
      'Ask kubectl-ai (read-only)',
      'a second opinion on the findings; --quiet without --skip-permissions refuses any change',
      () => askKubectlAi(ctx, findings),
    );
    const kagentAnswered = await ctx.step('Ask kagent', "an in-cluster agent's view, when its controller is installed", () =>
      askKagent(ctx, findings),
    );
    if (kagentAnswered)
      await ctx.step('Ask kagent about resources', 'suggestions against the measured use, set beside the table', () =>
        askKagentResources(ctx, usage, aiTimeoutMs(ctx)),
      );
    await ctx.step('Ask Gordon about the Dockerfiles', "Docker's assistant reviews the Dockerfiles of the images being deployed", () =>
      askGordon(ctx),
    );
    checkArgvHygiene(ctx);
  },
};
