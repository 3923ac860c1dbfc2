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

/** What a wrapper may add to a failure: the one line that says why, and how much output to keep. */
export interface FailureDetail {
  /** The cause in one line, when it is not the output's last line (minikube's "Exiting due to …"). */
  reason?: string;
  /** The process was killed at its deadline. */
  timedOut?: boolean;
  /** How many lines of output to keep (default 20). */
  tailLines?: number;
}

/**
 * A command failed where success was required: the one error every tool wrapper (src/tools/*.ts)
 * throws, with what a person needs to act on it — the tool, its argv (redacted), the exit code,
 * the tail of its error output (redacted) and a remedy. An operation either returns its value or
 * throws this; a caller that can live with a failure says so where it calls (see `attempt`).
 */
export class CommandFailed extends Error {
  /** The program that failed: kubectl, helm, minikube, docker, kagent, kubectl-ai. */
  readonly tool: string;
  /** argv with every registered secret masked. */
  readonly argv: readonly string[];
  /** The last lines of the tool's error output (stdout when stderr was empty), secrets masked. */
  readonly stderr: string;
  /** Why, in one line (secrets masked): what a check's "measured" shows. */
  readonly reason: string;
  /** Killed at its deadline rather than failed by itself. */
  readonly timedOut: boolean;

  constructor(
    argv: readonly string[],
    readonly exitCode: number,
    stderr: string,
    readonly remedy: string,
    detail: FailureDetail = {},
  ) {
    const shown = redactArgv(argv);
    const tail = redact(lastLines(stderr, detail.tailLines ?? STDERR_TAIL_LINES));
    const reason = redact(detail.reason ?? '') || lastLine(tail);
    super(`${shown.slice(0, 3).join(' ')} … exited ${exitCode}: ${reason || 'no error output'}`);
    this.name = 'CommandFailed';
    this.tool = shown[0] ?? '';
    this.argv = shown;
    this.stderr = tail;
    this.reason = reason;
    this.timedOut = detail.timedOut ?? false;
  }
}

/**
 * A command succeeded but printed something the wrapper cannot read (not the JSON it asked for, or
 * no answer at all): a version of the tool that prints another format, or a broken install. Still
 * a CommandFailed, so a runbook shows it as one line with its remedy, never as an unexpected error.
 */
export class UnreadableOutput extends CommandFailed {
  constructor(argv: readonly string[], what: string, output: string, remedy: string) {
    // Masked before it is cut: a secret cut in half would no longer be recognised.
    const snippet = redact(output).trim().replace(/\s+/g, ' ').slice(0, 120);
    super(argv, 0, output, remedy, { reason: `printed ${snippet ? `"${snippet}"` : 'nothing'}, not ${what}` });
    this.name = 'UnreadableOutput';
    this.message = `${this.argv.slice(0, 3).join(' ')} … ${this.reason}`;
  }
}

/** What a tolerated operation gave: its value, or the CommandFailed it threw. */
export type Attempt<T> = { ok: true; value: T } | { ok: false; error: CommandFailed };

/**
 * Runs an operation whose failure the caller can live with (records it as a check, notes it):
 * a CommandFailed becomes `{ ok: false, error }`; anything else (a bug, Ctrl-C) is thrown on.
 */
export async function attempt<T>(operation: Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await operation };
  } catch (error) {
    if (error instanceof CommandFailed) return { ok: false, error };
    throw error;
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
