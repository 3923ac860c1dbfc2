// Error policy (see docs/architecture.md): probes return booleans; operations throw one of these.
// Each carries a one-line reason and a one-line remedy, which is all a user ever sees of it.

/** Bad usage or configuration, found before anything changed: exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly remedy: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A check failed and the runbook cannot go on: exit code 1. */
export class CheckFailed extends Error {
  constructor(message: string, readonly remedy: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

/** The user pressed Ctrl-C (or closed a prompt): exit code 130. */
export class Interrupted extends Error {
  constructor(message = 'interrupted by the user') {
    super(message);
    this.name = 'Interrupted';
  }
}

/** A tool is not installed (not on the search path). */
export class ToolMissing extends Error {
  constructor(readonly tool: string) {
    super(`${tool} is not installed or not on PATH`);
    this.name = 'ToolMissing';
  }
}

/** A command exited non-zero where success was required. */
export class CommandFailed extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
    readonly remedy: string,
  ) {
    super(`${argv.slice(0, 3).join(' ')} … exited ${exitCode}: ${lastLine(stderr) || 'no error output'}`);
    this.name = 'CommandFailed';
  }
}

/** The last non-empty line of a tool's stderr, which is where kubectl, helm and minikube put the cause. */
export function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

export const exitCodes = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
