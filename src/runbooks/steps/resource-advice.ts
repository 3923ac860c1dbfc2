// 06 on resources: the measured use of every container beside its requests and limits (the built-in
// view, from the metrics API), and, when kagent answers, its resource-optimisation suggestions on
// the same figures, put right after in the report so the two can be compared line by line.
import type { RunbookContext } from '../../runbook.ts';
import type { ClusterSnapshot } from '../../cluster/snapshot.ts';
import type { Finding } from '../../cluster/analyzers.ts';
import { describeUse, measuredUse } from '../../cluster/resource-use.ts';
import { loadPrompt } from '../../ai-prompts.ts';
import { agentAnswer } from '../../tools/kagent.ts';
import { attempt } from '../../errors.ts';
import { redact } from '../../redact.ts';

/** The usage table as evidence and a check; returns its lines (empty without the metrics API). */
export function reportResourceUse(ctx: RunbookContext, snapshot: ClusterSnapshot, findings: Finding[]): string[] {
  const lines = measuredUse(snapshot).map(describeUse);
  const usageFindings = findings.filter((f) => /Memory|Cpu|CPU|Throttl|Usage/.test(f.reason));
  ctx.check({
    id: 'RESOURCES-MEASURED',
    title: 'measured resource use against requests and limits',
    expected: 'every running container measured (metrics API)',
    measured: !snapshot.metrics.available
      ? 'metrics API not available: nothing measured'
      : `${lines.length} container(s) measured; built-in analysis: ${usageFindings.length ? usageFindings.map((f) => `${f.object} ${f.reason}`).join(', ') : 'no container near its limits'}`,
    pass: snapshot.metrics.available && lines.length > 0 ? 'pass' : 'skip',
    remedy: 'minikube addons enable metrics-server, then run 06 again a minute later',
  });
  if (lines.length) ctx.evidence('Measured resource use (metrics API) against requests and limits', lines.join('\n'));
  return lines;
}

/** kagent's resource suggestions on the measured use; only called once kagent has answered 06's first question. */
export async function askKagentResources(ctx: RunbookContext, usage: string[], timeoutMs: number): Promise<void> {
  const id = 'DIAG-AI-KAGENT-RESOURCES';
  const { kagentNamespace, kagentAgent, namespace, release } = ctx.settings;
  const title = `kagent (agent ${kagentAgent}): resource suggestions for ${namespace}`;
  if (!usage.length) {
    ctx.check({
      id,
      title,
      expected: 'suggestions against the measured use',
      measured: 'not asked: nothing measured (metrics API)',
      pass: 'skip',
      remedy: 'minikube addons enable metrics-server',
    });
    return;
  }
  let task: string;
  try {
    task = redact(loadPrompt('agent-resources', { namespace, release, usage: usage.join('\n') }));
  } catch (error) {
    ctx.check({
      id,
      title,
      expected: 'suggestions',
      measured: `not asked: ${(error as Error).message}`,
      pass: 'warn',
      remedy: 'fix docs/ai-prompts.md (see its header)',
    });
    return;
  }
  const answer = await attempt(ctx.tools.kagent.invoke(kagentNamespace, kagentAgent, task, timeoutMs));
  const text = answer.ok ? agentAnswer(answer.value).text : '';
  ctx.check({
    id,
    title,
    expected: 'suggestions against the measured use, beside the built-in table',
    measured: !answer.ok
      ? `failed: ${answer.error.reason}`
      : text
        ? `answered (${text.split('\n').length} lines, after the measured use in the evidence)`
        : 'no answer from the agent',
    pass: answer.ok && text ? 'pass' : 'warn',
    remedy: answer.ok ? `kagent get agent ${kagentAgent} -n ${kagentNamespace}` : answer.error.remedy,
  });
  if (text) ctx.evidence(`${title} (advisory; compare with the measured use above)`, text);
}
