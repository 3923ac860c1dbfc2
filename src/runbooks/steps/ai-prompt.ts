// A prompt from docs/ai-prompts.md that would change the cluster is never sent by a runbook: it is
// shown in the report as the kubectl-ai command for the person to run, where kubectl-ai asks
// before every change (src/ai-prompts.ts, kubectlAiCommand).
import type { RunbookContext } from '../../runbook.ts';
import { kubectlAiCommand, loadPrompt, PROMPT_USES, type PromptId } from '../../ai-prompts.ts';
import { redact } from '../../redact.ts';

export function showKubectlAiPrompt(ctx: RunbookContext, id: PromptId, vars: Record<string, string>, what: string): void {
  let question: string;
  try {
    question = redact(loadPrompt(id, vars));
  } catch (error) {
    ctx.note(`the kubectl-ai prompt "${id}" could not be shown: ${(error as Error).message}; fix docs/ai-prompts.md`, 'warn');
    return;
  }
  const { kubectlAiProvider, kubectlAiModel } = ctx.settings;
  ctx.evidence(
    `kubectl-ai prompt "${id}" (${PROMPT_USES[id].stage}): ${what} — run it yourself`,
    [
      '# kubectl-ai shows each command that changes the cluster and asks "Do you want to proceed ?" before running it.',
      `# The ${kubectlAiProvider} key goes in your environment, not on this line (docs/ai-prompts.md).`,
      kubectlAiCommand(kubectlAiProvider, kubectlAiModel, question),
    ].join('\n'),
  );
}
