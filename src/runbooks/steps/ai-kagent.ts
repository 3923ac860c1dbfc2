// 06's kagent step: the agent's own view of the namespace, when its controller is installed.
import { loadPrompt } from '../../ai-prompts.ts';
import type { RunbookContext } from '../../runbook.ts';
import type { Finding } from '../../cluster/analyzers.ts';
import { agentAnswer } from '../../tools/kagent.ts';
import { installHint } from '../../platform.ts';
import { UnreadableOutput, attempt, lastLine } from '../../errors.ts';
import { redact } from '../../redact.ts';
import { aiTimeoutMs, findingsText, notAvailable } from './ai-common.ts';

/** Resolves true when the agent answered (06 then asks it about resources too). */
export async function askKagent(ctx: RunbookContext, findings: Finding[]): Promise<boolean | void> {
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
