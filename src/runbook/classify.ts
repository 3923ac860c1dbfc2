// How a runbook's ending becomes a result and an exit code (0/1/2/130) with one line of reason and
// a remedy: the project's typed errors, Ctrl-C, and anything unexpected.
import { CheckFailed, CommandFailed, Interrupted, ToolMissing, UsageError, exitCodes } from '../errors.ts';
import type { RunResult } from '../report/model.ts';

export function classify(error: unknown): { result: RunResult; exitCode: number; reason: string; remedy?: string } {
  if (error instanceof Interrupted)
    return {
      result: 'interrupted',
      exitCode: exitCodes.interrupted,
      reason: 'interrupted by the user (Ctrl-C); cleanup ran',
      remedy: 'run the runbook again when ready',
    };
  if (error instanceof UsageError) return { result: 'usage-error', exitCode: exitCodes.usage, reason: error.message, remedy: error.remedy };
  if (error instanceof CheckFailed || error instanceof CommandFailed)
    return { result: 'failed', exitCode: exitCodes.failed, reason: error.message, remedy: error.remedy };
  if (error instanceof ToolMissing)
    return {
      result: 'failed',
      exitCode: exitCodes.failed,
      reason: error.message,
      remedy: 'run npx zx runbooks/00-setup.mjs to see how to install it',
    };
  const message = error instanceof Error ? error.message : String(error);
  if (process.env.DEBUG) console.error(error);
  return {
    result: 'failed',
    exitCode: exitCodes.failed,
    reason: `unexpected error: ${message}`,
    remedy: 'run again with DEBUG=1 for details, and report it if it persists',
  };
}
