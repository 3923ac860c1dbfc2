// 06's kubectl-ai step: one read-only question about the namespace and one per critical finding;
// --quiet without --skip-permissions makes any change a refusal, and each answer is judged for what it is.
import { loadPrompt, type PromptId } from '../../ai-prompts.ts';
import type { RunbookContext } from '../../runbook.ts';
import type { Finding } from '../../cluster/analyzers.ts';
import { ChangeRefused, PROVIDER_KEYS, type KubectlAiAnswer } from '../../tools/kubectl-ai.ts';
import { installHint } from '../../platform.ts';
import { type Attempt, UnreadableOutput, attempt } from '../../errors.ts';
import { redact, registerSecret } from '../../redact.ts';
import { formatDuration } from '../../clock.ts';
import { aiTimeoutMs, findingsText, notAvailable } from './ai-common.ts';

/** At most this many critical findings get their own kubectl-ai question (one per component). */
const MAX_EXPLAINED = 3;
const MAX_ITERATIONS = 10;

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

export async function askKubectlAi(ctx: RunbookContext, findings: Finding[]): Promise<void> {
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
