// Each runbook checks its own prerequisites. Interactively it offers to run the missing earlier
// runbook right now; with --yes it stops and names the exact command.
import type { RunbookContext, RunbookDefinition } from './runbook.ts';
import { CheckFailed } from './errors.ts';

export async function requirePrerequisite(ctx: RunbookContext, options: { satisfied: boolean; what: string; runbook: () => Promise<RunbookDefinition>; id: string; recheck: () => Promise<boolean> }): Promise<void> {
  if (options.satisfied) return;
  const command = `npx zx runbooks/${options.id}.mjs${ctx.simulation ? ' --simulate' : ''}`;
  const run = await ctx.confirm(`${options.what}. Run ${options.id} now?`, { default: true, whenNonInteractive: false });
  if (!run) throw new CheckFailed(`prerequisite missing: ${options.what}`, `run ${command} first`);
  const { execute } = await import('./runbook.ts');
  const argv = ctx.simulation ? ['--simulate'] : [];
  for (const [key, value] of Object.entries(ctx.config.flags)) {
    if (key === 'simulate' || value === undefined || !['profile', 'namespace', 'env-file', 'report-dir', 'timeout', 'context'].includes(key)) continue;
    argv.push(`--${key}`, String(value));
  }
  const code = await execute(await options.runbook(), argv);
  if (code !== 0 || !(await options.recheck())) throw new CheckFailed(`${options.id} did not complete (exit ${code})`, `read its report, fix the cause, then run ${command}`);
  ctx.note(`ran ${options.id} first (exit ${code})`);
}
