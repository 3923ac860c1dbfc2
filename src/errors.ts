// Error policy (see docs/architecture.md): probes return booleans; operations throw one of these.
// Each carries a one-line reason and a one-line remedy, which is all a user ever sees of it.
import { redact, redactArgv } from './redact.ts';

/** Bad usage or configuration, found before anything changed: exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly remedy: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A check failed and the runbook cannot go on: exit code 1. */
export class CheckFailed extends Error {
  constructor(
    message: string,
    readonly remedy: string,
  ) {
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

/**
 * A command failed where success was required: the one error every tool wrapper (src/tools/*.ts)
 * throws, with what a person needs to act on it — the tool, its argv (redacted), the exit code,
 * the tail of its error output (redacted) and a remedy. An operation either returns its value or
 * throws this; a caller that can live with a failure says so where it calls.
 */
export class CommandFailed extends Error {
  /** The program that failed: kubectl, helm, minikube, docker, kagent, kubectl-ai. */
  readonly tool: string;
  /** argv with every registered secret masked. */
  readonly argv: readonly string[];
  /** The last lines of the tool's error output (stdout when stderr was empty), secrets masked. */
  readonly stderr: string;

  constructor(
    argv: readonly string[],
    readonly exitCode: number,
    stderr: string,
    readonly remedy: string,
  ) {
    const shown = redactArgv(argv);
    const tail = redact(lastLines(stderr, STDERR_TAIL_LINES));
    super(`${shown.slice(0, 3).join(' ')} … exited ${exitCode}: ${lastLine(tail) || 'no error output'}`);
    this.name = 'CommandFailed';
    this.tool = shown[0] ?? '';
    this.argv = shown;
    this.stderr = tail;
  }
}

/** How much of a failed tool's output an error keeps: enough for the cause, not a whole log. */
const STDERR_TAIL_LINES = 20;

function lastLines(text: string, n: number): string {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .slice(-n)
    .join('\n');
}

/** The last non-empty line of a tool's stderr, which is where kubectl, helm and minikube put the cause. */
export function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

export const exitCodes = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
