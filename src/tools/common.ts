// Shared by the tool modules: success checks with a remedy, and retry with backoff for the
// transient API errors every Kubernetes client meets now and then.
import type { Exec, ExecRequest, ExecResult } from '../exec.ts';
import { CommandFailed, type FailureDetail, UnreadableOutput } from '../errors.ts';
import type { Clock } from '../clock.ts';
import { redactArgv } from '../redact.ts';

/**
 * The wrappers' contract (as chart-testing's tool packages keep it): an operation returns its
 * value, or throws CommandFailed with the tool, argv, exit code, output tail and a remedy. This is
 * the check every operation ends with.
 */
export function ensureOk(result: ExecResult, remedy: string): ExecResult {
  if (result.exitCode === 0) return result;
  throw failure(result, remedy);
}

/** What an error says about a process killed at its deadline. */
export const TIMED_OUT = 'timed out: killed at its deadline';

/** The CommandFailed for a result that did not succeed (its stderr, or stdout when stderr is empty). */
export function failure(result: ExecResult, remedy: string, detail: FailureDetail = {}): CommandFailed {
  const output = result.stderr.trim() || result.stdout.trim();
  return new CommandFailed(result.argv, result.exitCode, [output, result.timedOut ? TIMED_OUT : ''].filter(Boolean).join('\n'), remedy, {
    ...detail,
    timedOut: result.timedOut,
  });
}

/**
 * Both streams, stdout first, then the deadline when it passed: the evidence of a tool that writes
 * progress on one stream and its failure on the other (minikube, docker build, kubectl-ai).
 */
export function bothStreams(result: ExecResult, clean: (text: string) => string = (text) => text): string {
  return [clean(result.stdout).trim(), clean(result.stderr).trim(), result.timedOut ? TIMED_OUT : ''].filter(Boolean).join('\n');
}

export async function runOk(exec: Exec, request: ExecRequest, remedy: string): Promise<ExecResult> {
  return ensureOk(await exec.run(request), remedy);
}

const TRANSIENT = [
  /ServiceUnavailable/i,
  /the server is currently unable to handle the request/i,
  /TLS handshake timeout/i,
  /i\/o timeout/i,
  /etcdserver: request timed out/i,
  /Client\.Timeout exceeded/i,
  /connection reset by peer/i,
  /http2: client connection lost/i,
  /the object has been modified; please apply your changes/i,
];

export function isTransient(result: ExecResult): boolean {
  return result.exitCode !== 0 && !result.timedOut && TRANSIENT.some((p) => p.test(result.stderr));
}

/** The same test for a failure already thrown: a transient API error, not a deadline that passed. */
export function isTransientFailure(error: CommandFailed): boolean {
  return !error.timedOut && TRANSIENT.some((p) => p.test(error.stderr));
}

export interface RetryPolicy {
  attempts: number;
  firstDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, firstDelayMs: 500 };

/** Runs a read-only call again (500 ms, 1 s, 2 s…) while it fails with a transient API error. */
export async function runWithRetry(exec: Exec, clock: Clock, request: ExecRequest, policy = DEFAULT_RETRY): Promise<ExecResult> {
  let result = await exec.run(request);
  for (let attempt = 1; attempt < policy.attempts && isTransient(result); attempt++) {
    await clock.sleep(policy.firstDelayMs * 2 ** (attempt - 1));
    result = await exec.run(request);
  }
  return result;
}

/** What to do about output a wrapper cannot read, unless the operation knows better. */
export function unreadableRemedy(argv: readonly string[]): string {
  return `run ${redactArgv(argv).slice(0, 3).join(' ')} … yourself to see what it prints; check its version with npx zx runbooks/00-setup.mjs (a different version may print another format)`;
}

/**
 * The JSON a successful call printed. Anything else is an UnreadableOutput naming the command and
 * a remedy, so the runbook shows one line, never an unexpected error.
 */
export function parseJson<T>(result: Pick<ExecResult, 'argv' | 'stdout'>, what: string, remedy = unreadableRemedy(result.argv)): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new UnreadableOutput(result.argv, `the JSON of ${what}`, result.stdout, remedy);
  }
}

export function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}
