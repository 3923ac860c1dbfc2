// How a drill is timed (docs/runbooks/04-restart-test.md, "How the times are measured"):
// - The start is the runbook's own clock, read right before it issues the mutating command
//   (kubectl delete / scale, minikube start). It is exact in that clock.
// - The end is the pod's Ready condition, whose lastTransitionTime is truncated to the second:
//   the true instant lies in [ts, ts + 1 s). The polls narrow it: the poll that last saw the pod
//   not Ready started before it, the poll that first saw it Ready returned after it. The midpoint
//   of that intersection is within half its width (never more than 0.5 s) of the truth.
// - The API's own record of the mutation (a deletionTimestamp, a replacement's
//   creationTimestamp) is second-precision; it is checked to fall inside the command's window,
//   which shows the two clocks agree, rather than used as the start.
import { formatDuration } from '../clock.ts';
import { parseDuration } from '../config.ts';
import { UsageError } from '../errors.ts';

/** An instant known to lie in [low, high]; `at` is the midpoint, so |at − truth| ≤ (high − low) / 2. */
export interface Instant {
  at: number;
  low: number;
  high: number;
  /** The timestamp and the clock bounds did not overlap: the clocks disagree (skew). */
  skew?: boolean;
}

export const SECOND = 1000;

export function floorSecond(ms: number): number {
  return Math.floor(ms / SECOND) * SECOND;
}

/**
 * Intersects a second-precision API timestamp (the truth is in [stamp, stamp + 1 s)) with bounds
 * from this runbook's clock. Without a stamp, the clock bounds alone (both needed).
 */
export function estimateInstant(stampMs: number | undefined, bounds: { notBefore?: number; notAfter?: number } = {}): Instant | undefined {
  if (stampMs === undefined || Number.isNaN(stampMs)) {
    if (bounds.notBefore === undefined || bounds.notAfter === undefined) return undefined;
    return { at: (bounds.notBefore + bounds.notAfter) / 2, low: bounds.notBefore, high: bounds.notAfter };
  }
  const low = Math.max(stampMs, bounds.notBefore ?? -Infinity);
  const high = Math.min(stampMs + SECOND, bounds.notAfter ?? Infinity);
  if (high < low) return { at: stampMs + SECOND / 2, low: stampMs, high: stampMs + SECOND, skew: true };
  return { at: (low + high) / 2, low, high };
}

/** A drill interval: from an exact start (this runbook's clock) to an estimated end. */
export interface Timing {
  startAt: number;
  endAt: number;
  ms: number;
  /** The most the figure can be off: half the end's uncertainty window. */
  errorMs: number;
}

export function timing(startAt: number, end: Instant): Timing {
  return { startAt, endAt: end.at, ms: end.at - startAt, errorMs: (end.high - end.low) / 2 };
}

/**
 * Where a drill's clock starts after a mutating command (kubectl delete, kubectl scale): the
 * latest instant by which the API server provably had made the change. That is when the command
 * returned, unless a pod the change created carries a creationTimestamp whose second ended
 * earlier (a slow command exit): then the end of that second. The instant is exact in this
 * runbook's clock, never after the change took effect, and at most 1 s after it.
 */
export function changeInstant(issuedAt: number, returnedAt: number, createdStamps: number[]): { at: number; basis: string } {
  const stamps = createdStamps.filter((s) => Number.isFinite(s));
  const earliest = stamps.length ? Math.min(...stamps) + SECOND : Infinity;
  if (earliest < returnedAt && earliest > issuedAt) {
    return {
      at: earliest,
      basis: `the end of the second the API stamped on the first new pod (${new Date(earliest - SECOND).toISOString()}); the command returned ${formatDuration(returnedAt - earliest)} later`,
    };
  }
  return { at: returnedAt, basis: 'when the command returned (the API had accepted the change)' };
}

/** "7.3 s (± 0.2 s)" */
export function formatTiming(t: Timing): string {
  return `${formatDuration(t.ms)} (± ${(t.errorMs / 1000).toFixed(1)} s)`;
}

/** The deadline of a wait whose target is `targetMs`: long enough to report how late a slow pod was, still bounded. */
export function deadlineFor(targetMs: number): number {
  return Math.max(targetMs * 1.5, targetMs + 20_000);
}

/** A target given as a flag: 10, 10s, 1.5s, 1m; else the default. Bad input is a usage error (exit 2). */
export function parseTarget(raw: string | boolean | undefined, flag: string, fallbackMs: number): number {
  if (raw === undefined) return fallbackMs;
  if (typeof raw !== 'string') throw new UsageError(`--${flag} needs a value`, `e.g. --${flag} 10s`);
  return parseDuration(raw, `--${flag}`);
}
