// size: to be split by job into steps under src/runbooks/steps/; left whole while other work on it was landing
// Runbook 06: diagnosis. The built-in analyzers decide the result (a critical finding fails the
// run); kubectl-ai, kagent and Gordon add advisory text when they are there, and say exactly why
// and how to enable them when they are not. Nothing here changes the cluster.
import { basename, dirname, relative } from 'node:path';
import { loadPrompt, PROMPT_LIBRARY, type PromptId } from '../ai-prompts.ts';
import { PROJECT_ROOT, type RunbookContext, type RunbookDefinition } from '../runbook.ts';
import { requireCluster } from '../cluster/prereq-checks.ts';
import { collectSnapshot, type ClusterSnapshot } from '../cluster/snapshot.ts';
import { analyze, podLogTails, summarizeFindings, type Finding } from '../cluster/analyzers.ts';
import { ChangeRefused, PROVIDER_KEYS, type KubectlAiAnswer } from '../tools/kubectl-ai.ts';
import { agentAnswer } from '../tools/kagent.ts';
import { askKagentResources, reportResourceUse } from './steps/resource-advice.ts';
import { readAppMetrics } from './steps/app-metrics.ts';
import { gordonCommand } from '../tools/gordon.ts';
import { imageSpecs } from '../images.ts';
import { installHint } from '../platform.ts';
import { type Attempt, UnreadableOutput, attempt, lastLine } from '../errors.ts';
import { redact, registerSecret } from '../redact.ts';
import { formatDuration } from '../clock.ts';

/** Every prompt id this runbook loads from the library (a test checks each exists and fills in). */
export const PROMPT_IDS = [
  'diagnose-namespace',
  'explain-finding',
  'agent-task',
  'review-dockerfile',
  'agent-resources',
] as const satisfies readonly PromptId[];
export { loadPrompt, PROMPT_LIBRARY };

/** At most this many critical findings get their own kubectl-ai question (one per component). */
const MAX_EXPLAINED = 3;
/** Findings beyond this length are cut from a prompt: the question is one argv element. */
const MAX_FINDINGS_CHARS = 6000;
const MAX_ITERATIONS = 10;

function findingsText(findings: Finding[]): string {
  const text = summarizeFindings(findings);
  return text.length > MAX_FINDINGS_CHARS
    ? `${text.slice(0, MAX_FINDINGS_CHARS)}\n… (${findings.length} findings in all; the rest are left out)`
    : text;
}

function aiTimeoutMs(ctx: RunbookContext): number {
  return Math.min(ctx.settings.timeoutMs, 180_000);
}

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

// ---------------------------------------------------------------- AI tools (advisory)

function notAvailable(ctx: RunbookContext, id: string, tool: string, why: string, remedy: string): void {
  ctx.check({
    id,
    title: `${tool} (optional)`,
    expected: 'an advisory diagnosis, or skipped',
    measured: `skipped: ${why}`,
    pass: 'skip',
    remedy,
  });
}

/** What an AI answer says about itself: a pass only for a complete, bounded, successful answer. */
function judgeAnswer(result: Attempt<KubectlAiAnswer>, timeoutMs: number): { status: 'pass' | 'warn'; measured: string } {
  if (!result.ok) {
    const { error } = result;
    if (error.timedOut) return { status: 'warn', measured: `no answer within ${formatDuration(timeoutMs)}; stopped` };
    if (error instanceof ChangeRefused || error instanceof UnreadableOutput)
      return { status: 'warn', measured: error instanceof ChangeRefused ? error.reason : 'answered with nothing' };
    return { status: 'warn', measured: `failed (exit ${error.exitCode}): ${error.reason || 'no error output'}` };
  }
  const { text, complete, durationMs } = result.value;
  if (!complete)
    return {
      status: 'warn',
      measured: `stopped at ${MAX_ITERATIONS} iterations; the answer may be incomplete (${text.split('\n').length} lines)`,
    };
  return {
    status: 'pass',
    measured: `answered in ${formatDuration(durationMs)} (${text.split('\n').length} lines, in the evidence)`,
  };
}

/** The provider's keys from the environment or the env file, registered for redaction; missing names otherwise. */
function providerEnv(ctx: RunbookContext, provider: string): { env: Record<string, string>; missing: string[]; known: boolean } {
  const keys = PROVIDER_KEYS[provider];
  const env: Record<string, string> = {};
  const missing: string[] = [];
  for (const key of keys ?? []) {
    const value = process.env[key] || ctx.config.fileEnv[key];
    if (!value) {
      missing.push(key);
      continue;
    }
    registerSecret(value);
    env[key] = value;
  }
  return { env, missing, known: keys !== undefined };
}

async function askKubectlAi(ctx: RunbookContext, findings: Finding[]): Promise<void> {
  const id = 'DIAG-AI-KUBECTL-AI';
  const { kubectlAi } = ctx.tools;
  if (!kubectlAi.installed()) return notAvailable(ctx, id, 'kubectl-ai', 'kubectl-ai is not installed', installHint('kubectl-ai'));
  ctx.fact('kubectl-ai', (await kubectlAi.version()) ?? 'installed (version unknown)');
  const { kubectlAiProvider: provider, kubectlAiModel: model, namespace, release } = ctx.settings;
  const { env, missing, known } = providerEnv(ctx, provider);
  if (missing.length) {
    return notAvailable(
      ctx,
      id,
      'kubectl-ai',
      `${missing.join(' and ')} not set (provider ${provider})`,
      `set ${missing.join(' and ')} in the environment or in .env (it reaches kubectl-ai through its environment, never its command line), or choose another provider: KUBECTL_AI_PROVIDER=openai with OPENAI_API_KEY, or ollama for a local model`,
    );
  }
  if (!known)
    ctx.note(
      `kubectl-ai provider "${provider}" is not one this runbook knows the key of (${Object.keys(PROVIDER_KEYS).join(', ')}); it is asked anyway`,
      'warn',
    );
  if (
    !(await ctx.confirm(
      `kubectl-ai will send what it reads in namespace ${namespace} (names, events, logs) to the ${provider} model ${model}. Go ahead?`,
      { default: true, whenNonInteractive: true },
    ))
  ) {
    return notAvailable(
      ctx,
      id,
      'kubectl-ai',
      'you chose not to send cluster data to a model provider',
      'run again and answer yes, or with --yes',
    );
  }

  const questions: Array<{ id: string; title: string; prompt: PromptId; vars: Record<string, string> }> = [
    {
      id,
      title: `kubectl-ai (${provider}/${model}): diagnosis of ${namespace}`,
      prompt: 'diagnose-namespace',
      vars: { namespace, release, findings: findingsText(findings) },
    },
  ];
  const explained = new Set<string>();
  for (const f of findings.filter((x) => x.severity === 'critical' && x.object.startsWith('pod/'))) {
    const key = f.component ?? f.object;
    if (explained.has(key) || explained.size >= MAX_EXPLAINED) continue;
    explained.add(key);
    questions.push({
      id: `${id}-EXPLAIN`,
      title: `kubectl-ai: why ${f.object} — ${f.reason}`,
      prompt: 'explain-finding',
      vars: { namespace, release, finding: findingsText([f]) },
    });
  }
  const timeoutMs = aiTimeoutMs(ctx);
  for (const q of questions) {
    let question: string;
    try {
      // Redacted before it reaches argv: a secret that slipped into a finding never leaves as an argument.
      question = redact(loadPrompt(q.prompt, q.vars));
    } catch (error) {
      ctx.check({
        id: q.id,
        title: q.title,
        expected: 'an advisory answer',
        measured: `not asked: ${(error as Error).message}`,
        pass: 'warn',
        remedy: 'fix docs/ai-prompts.md (see its header)',
      });
      continue;
    }
    const result = await attempt(kubectlAi.ask({ question, provider, model, maxIterations: MAX_ITERATIONS, timeoutMs, env }));
    const verdict = judgeAnswer(result, timeoutMs);
    ctx.check({
      id: q.id,
      title: q.title,
      expected: 'an advisory answer (read-only, bounded)',
      measured: verdict.measured,
      pass: verdict.status,
      remedy:
        verdict.status === 'pass'
          ? undefined
          : result.ok
            ? 'the answer is advisory; the built-in findings above stand on their own'
            : result.error.remedy,
    });
    const body = result.ok ? result.value.text : result.error.stderr;
    if (body) ctx.evidence(`${q.title} (advisory)`, body);
  }
}

/** Resolves true when the agent answered (06 then asks it about resources too). */
async function askKagent(ctx: RunbookContext, findings: Finding[]): Promise<boolean | void> {
  const id = 'DIAG-AI-KAGENT';
  const { kagent } = ctx.tools;
  if (!kagent.installed()) return notAvailable(ctx, id, 'kagent', 'the kagent CLI is not installed', installHint('kagent'));
  const asked = await attempt(kagent.version());
  ctx.fact('kagent', asked.ok ? `CLI ${asked.value.cli}, controller ${asked.value.backend}` : 'installed (kagent version failed)');
  if (!asked.ok)
    return notAvailable(
      ctx,
      id,
      'kagent',
      asked.error instanceof UnreadableOutput
        ? '`kagent version` did not answer with JSON'
        : `\`kagent version\` failed: ${asked.error.reason}`,
      asked.error.remedy,
    );
  const version = asked.value;
  if (!version.controllerReachable) {
    // Not "not installed": kagent version gives its port-forward about a second. invoke sets up its
    // own and says "Please run 'install' command first" when the controller really is absent.
    ctx.note(
      `kagent version could not reach kagent's controller (backend_version "unknown"); asking anyway: kagent invoke sets up its own port-forward`,
      'warn',
    );
  }
  const { kagentNamespace, kagentAgent, namespace, release } = ctx.settings;
  if (
    !(await ctx.confirm(`kagent's agent ${kagentAgent} will read namespace ${namespace} and send what it finds to its model. Go ahead?`, {
      default: true,
      whenNonInteractive: true,
    }))
  ) {
    return notAvailable(
      ctx,
      id,
      'kagent',
      'you chose not to send cluster data to a model provider',
      'run again and answer yes, or with --yes',
    );
  }
  let task: string;
  try {
    task = redact(loadPrompt('agent-task', { namespace, release, findings: findingsText(findings) }));
  } catch (error) {
    ctx.check({
      id,
      title: 'kagent',
      expected: 'an advisory answer',
      measured: `not asked: ${(error as Error).message}`,
      pass: 'warn',
      remedy: 'fix docs/ai-prompts.md (see its header)',
    });
    return;
  }
  const timeoutMs = aiTimeoutMs(ctx);
  const answer = await attempt(kagent.invoke(kagentNamespace, kagentAgent, task, timeoutMs));
  const title = `kagent (agent ${kagentAgent} in ${kagentNamespace}): diagnosis of ${namespace}`;
  if (!answer.ok && /run 'install' command first|services "kagent-controller" not found/i.test(answer.error.stderr)) {
    return notAvailable(
      ctx,
      id,
      'kagent',
      `kagent is not installed in the cluster (${answer.error.reason})`,
      `kagent install --profile demo (needs OPENAI_API_KEY or another provider's key), then check: kubectl get pods -n ${kagentNamespace}`,
    );
  }
  if (!answer.ok) {
    const unreachable = /port-forward|failed to establish connection|connection refused/i.test(answer.error.stderr);
    ctx.check({
      id,
      title,
      expected: 'exit 0, nothing on stderr, a JSON answer',
      measured: `${unreachable ? "could not reach kagent's controller" : 'failed'}: ${answer.error.reason}`,
      pass: 'warn',
      remedy: unreachable
        ? `check the controller: kubectl get pods -n ${kagentNamespace}; kagent's own port-forward needs local ports 8083 and 8084 free`
        : answer.error.remedy,
    });
    return;
  }
  const { text, state } = agentAnswer(answer.value);
  if (!text) {
    ctx.check({
      id,
      title,
      expected: 'an advisory answer from the agent',
      measured: `no answer from the agent (task state ${state || 'unknown'})`,
      pass: 'warn',
      remedy: `kagent get agent ${kagentAgent} -n ${kagentNamespace}; the agent's model provider key must be set in the cluster`,
    });
    ctx.evidence(`${title}: raw JSON`, JSON.stringify(answer.value, null, 2));
    return;
  }
  const failed = state === 'failed' || state === 'rejected';
  ctx.check({
    id,
    title,
    expected: 'exit 0, nothing on stderr, a JSON answer',
    measured: failed ? `the agent's task ${state}: ${lastLine(text)}` : `answered (${text.split('\n').length} lines, in the evidence)`,
    pass: failed ? 'warn' : 'pass',
    remedy: failed ? `kagent get agent ${kagentAgent} -n ${kagentNamespace}; see the agent's logs in ${kagentNamespace}` : undefined,
  });
  ctx.evidence(`${title} (advisory)`, text);
  return !failed;
}

async function askGordon(ctx: RunbookContext): Promise<void> {
  const id = 'DIAG-AI-GORDON';
  if (!ctx.tools.docker.installed()) return notAvailable(ctx, id, 'Gordon (docker ai)', 'docker is not installed', installHint('gordon'));
  // `docker ai --help` exits 0 even without the plugin; `docker ai version` does not.
  const version = await ctx.tools.gordon.version();
  ctx.fact('gordon (docker ai)', version ?? 'not available');
  if (!version)
    return notAvailable(
      ctx,
      id,
      'Gordon (docker ai)',
      '`docker ai version` failed: the Docker Desktop AI plugin is not available',
      installHint('gordon'),
    );
  let dockerfiles: Array<{ component: string; path: string }>;
  try {
    dockerfiles = imageSpecs(ctx.settings, PROJECT_ROOT).map((s) => ({ component: s.component, path: s.dockerfile }));
  } catch (error) {
    return notAvailable(
      ctx,
      id,
      'Gordon (docker ai)',
      `no Dockerfiles to review: ${(error as Error).message}`,
      'see docs/bring-your-own-app.md',
    );
  }
  // Gordon is a terminal UI: it gets this terminal when there is one and a person at it, else the
  // user gets the exact command to run (docs.docker.com/ai/gordon/how-to/cli).
  const terminal = ctx.interactive && Boolean(process.stdout.isTTY);
  ctx.fact(
    'gordon mode',
    terminal ? 'opened in this terminal, one Dockerfile at a time' : 'not started (no terminal): the commands to run are in the report',
  );
  for (const { component, path } of dockerfiles) {
    const title = `Gordon: review of ${relative(PROJECT_ROOT, path)}`;
    let question: string;
    try {
      question = redact(loadPrompt('review-dockerfile', { dockerfile: basename(path), component }));
    } catch (error) {
      ctx.check({
        id,
        title,
        expected: 'an advisory review',
        measured: `not asked: ${(error as Error).message}`,
        pass: 'warn',
        remedy: 'fix docs/ai-prompts.md (see its header)',
      });
      continue;
    }
    const command = gordonCommand(dirname(path), question);
    if (!terminal) {
      ctx.check({
        id,
        title,
        expected: 'an advisory review',
        measured: `not started: Gordon is an interactive terminal UI and this run has no terminal; run it yourself (command in the evidence)`,
        pass: 'skip',
        remedy: `run in a terminal: ${command.length > 160 ? `docker ai -C ${dirname(path)} "<the question in the report>"` : command}`,
      });
      ctx.evidence(`${title}: the command to run in a terminal`, command);
      continue;
    }
    if (
      !(await ctx.confirm(
        `Open Gordon in this terminal to review ${relative(PROJECT_ROOT, path)}? (leave it with /exit or Ctrl+C to go on)`,
        { default: true, whenNonInteractive: false },
      ))
    ) {
      ctx.check({
        id,
        title,
        expected: 'an advisory review',
        measured: 'not opened: you chose not to',
        pass: 'skip',
        remedy: `run it yourself: ${command}`,
      });
      ctx.evidence(`${title}: the command to run in a terminal`, command);
      continue;
    }
    const result = await attempt(ctx.handTerminal(() => ctx.tools.gordon.openInTerminal(dirname(path), question)));
    const closed = result.ok
      ? `closed by you (exit ${result.value.exitCode})`
      : result.error.timedOut
        ? 'closed after an hour'
        : `closed by you (exit ${result.error.exitCode})`;
    ctx.check({
      id,
      title,
      expected: 'an advisory review',
      measured: `opened in this terminal, ${closed}; its answers were on screen, not in this report`,
      pass: result.ok ? 'pass' : 'warn',
      remedy: result.ok ? undefined : result.error.remedy,
    });
  }
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
