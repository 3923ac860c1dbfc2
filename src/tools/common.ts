// Shared by the tool modules: success checks with a remedy, and retry with backoff for the
// transient API errors every Kubernetes client meets now and then.
import type { Exec, ExecRequest, ExecResult } from '../exec.ts';
import { CommandFailed } from '../errors.ts';
import type { Clock } from '../clock.ts';

/**
 * The wrappers' contract (as chart-testing's tool packages keep it): an operation returns its
 * value, or throws CommandFailed with the tool, argv, exit code, output tail and a remedy. This is
 * the check every operation ends with.
 */
export function ensureOk(result: ExecResult, remedy: string): ExecResult {
  if (result.exitCode === 0) return result;
  const output = result.stderr.trim() || result.stdout.trim();
  const timedOut = result.timedOut ? 'timed out: killed at its deadline' : '';
  throw new CommandFailed(result.argv, result.exitCode, [output, timedOut].filter(Boolean).join('\n'), remedy);
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

export function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`could not parse ${what} as JSON: ${text.slice(0, 200)}`);
  }
}

export function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}
