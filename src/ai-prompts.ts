// The AI prompt library (docs/ai-prompts.md): loading a prompt, which runbook uses which prompt
// and how, and the kubectl-ai command a person runs for a prompt that would change the cluster.
// test/unit/ai-prompts.test.ts checks that the page, this table and the runbooks agree.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from './runbook.ts';
import { shellWord } from './shell-word.ts';

export const PROMPT_LIBRARY = join(PROJECT_ROOT, 'docs', 'ai-prompts.md');

/** The part of an app's life a prompt serves; docs/ai-prompts.md has a section for each. */
export type Stage = 'deploying' | 'scaling' | 'debugging';

export interface PromptUse {
  runbook: string;
  tool: 'kubectl-ai' | 'kagent' | 'gordon';
  stage: Stage;
  /**
   * asked: the runbook sends it, read-only. shown: it would change the cluster, so the runbook
   * puts the command in its report for the person to run (kubectl-ai then asks before each change).
   */
  how: 'asked' | 'shown';
}

/** Every prompt on the page, with the one runbook that uses it. */
export const PROMPT_USES = {
  'deploy-release': { runbook: '03-install', tool: 'kubectl-ai', stage: 'deploying', how: 'shown' },
  'scale-component': { runbook: '05-scaling', tool: 'kubectl-ai', stage: 'scaling', how: 'shown' },
  'diagnose-namespace': { runbook: '06-ai-diagnostics', tool: 'kubectl-ai', stage: 'debugging', how: 'asked' },
  'explain-finding': { runbook: '06-ai-diagnostics', tool: 'kubectl-ai', stage: 'debugging', how: 'asked' },
  'agent-task': { runbook: '06-ai-diagnostics', tool: 'kagent', stage: 'debugging', how: 'asked' },
  'review-dockerfile': { runbook: '06-ai-diagnostics', tool: 'gordon', stage: 'debugging', how: 'asked' },
  'agent-resources': { runbook: '06-ai-diagnostics', tool: 'kagent', stage: 'scaling', how: 'asked' },
} as const satisfies Record<string, PromptUse>;
export type PromptId = keyof typeof PROMPT_USES;

/**
 * The text of prompt `id` from the library (the first ```text block under `## id`), with its
 * {placeholders} filled in. Throws when the id is missing or a placeholder has no value.
 */
export function loadPrompt(id: string, vars: Record<string, string>, library = PROMPT_LIBRARY): string {
  if (!existsSync(library)) throw new Error(`the prompt library ${relative(PROJECT_ROOT, library)} is missing`);
  const text = readFileSync(library, 'utf8');
  const sections = text.split(/^## /m).slice(1);
  const section = sections.find((s) => s.split('\n')[0]!.trim() === id);
  if (!section) throw new Error(`prompt "${id}" is not in ${relative(PROJECT_ROOT, library)}`);
  const block = /^```text\n([\s\S]*?)\n```/m.exec(section);
  if (!block) throw new Error(`prompt "${id}" has no \`\`\`text block`);
  // One pass over the template only, so braces inside a substituted value are never re-read.
  return block[1]!.trim().replace(/\{([a-z]+)\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`prompt "${id}" uses {${name}}, which the runbook does not fill`);
    return vars[name]!;
  });
}

/**
 * The interactive kubectl-ai command for a prompt that changes the cluster. Without --quiet,
 * kubectl-ai lists every command that modifies resources and asks "Do you want to proceed ?"
 * before it runs it (pkg/agent/conversation.go in GoogleCloudPlatform/kubectl-ai; only
 * --skip-permissions turns that off, and it is never given). The provider's key stays in the
 * person's environment; kubectl-ai has no --context flag, so the prompt names the kube-context.
 */
export function kubectlAiCommand(provider: string, model: string, question: string): string {
  return ['kubectl-ai', '--llm-provider', provider, '--model', model, question].map(shellWord).join(' ');
}
