// What 06's advisory AI steps share: the findings as prompt text, the time an answer may take, and
// the check an absent tool records.
import type { RunbookContext } from '../../runbook.ts';
import { summarizeFindings, type Finding } from '../../cluster/analyzers.ts';

/** Findings beyond this length are cut from a prompt: the question is one argv element. */
const MAX_FINDINGS_CHARS = 6000;

export function findingsText(findings: Finding[]): string {
  const text = summarizeFindings(findings);
  return text.length > MAX_FINDINGS_CHARS
    ? `${text.slice(0, MAX_FINDINGS_CHARS)}\n… (${findings.length} findings in all; the rest are left out)`
    : text;
}

export function aiTimeoutMs(ctx: RunbookContext): number {
  return Math.min(ctx.settings.timeoutMs, 180_000);
}

export function notAvailable(ctx: RunbookContext, id: string, tool: string, why: string, remedy: string): void {
  ctx.check({
    id,
    title: `${tool} (optional)`,
    expected: 'an advisory diagnosis, or skipped',
    measured: `skipped: ${why}`,
    pass: 'skip',
    remedy,
  });
}
