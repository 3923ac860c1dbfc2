// Each runbook checks its own prerequisites. Interactively it offers to run the missing earlier
// runbook right now; with --yes it stops and names the exact command.
import type { RunbookContext } from './runbook.ts';
import { runbookById, type RunbookId } from './runbooks/index.ts';
import { CheckFailed } from './errors.ts';
import { shellWord } from './shell-word.ts';

/** Earlier runbooks already started from a later one in this process: each runs at most once. */
const alreadyRan = new Map<string, number>();

export async function requirePrerequisite(
  ctx: RunbookContext,
  options: { satisfied: boolean; what: string; id: RunbookId; recheck: () => Promise<boolean> },
): Promise<void> {
  if (options.satisfied) return;
  const command = prerequisiteCommand(ctx, options.id);
  const ran = alreadyRan.get(options.id);
  // Running it again would redo the same work and fail the same way: say so instead.
  if (ran !== undefined)
    throw new CheckFailed(
      `prerequisite missing: ${options.what}, although ${options.id} already ran (exit ${ran})`,
      `read the ${options.id} report, fix the cause, then run ${command}`,
    );
  const run = await ctx.confirm(`${options.what}. Run ${options.id} now?`, { default: true, whenNonInteractive: false });
  if (!run) throw new CheckFailed(`prerequisite missing: ${options.what}`, `run ${command} first`);
  const code = await ctx.runNested(await runbookById(options.id), forwardedArgs(ctx));
  alreadyRan.set(options.id, code);
  if (code !== 0 || !(await options.recheck()))
    throw new CheckFailed(`${options.id} did not complete (exit ${code})`, `read its report, fix the cause, then run ${command}`);
  ctx.note(`ran ${options.id} first (exit ${code})`);
}

/** The flags another runbook started from this one must get: the same mode and the same settings. */
export function forwardedArgs(ctx: RunbookContext): string[] {
  const args = ctx.simulation ? ['--simulate'] : [];
  const settingsFile = ctx.flag('settings-file') ?? ctx.flag('env-file');
  if (typeof settingsFile === 'string') args.push('--settings-file', settingsFile);
  for (const name of ['profile', 'namespace', 'report-dir', 'timeout', 'context']) {
    const value = ctx.flag(name);
    if (typeof value === 'string') args.push(`--${name}`, value);
  }
  return args;
}

/** The command that runs an earlier runbook against the same cluster and settings as this run. */
export function prerequisiteCommand(ctx: RunbookContext, id: RunbookId): string {
  return ['npx', 'zx', `runbooks/${id}.mjs`, ...forwardedArgs(ctx)].map(shellWord).join(' ');
}
