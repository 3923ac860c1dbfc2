// Time as the runbooks see it. Real runs use the wall clock. Simulated runs use the simulator's
// virtual clock (sim/lib/setup.mjs readClock: virtual = V0 + (real - R0) * speed), so that
// measured figures are in the same time base as the pods' timestamps and the simulator's truth.

export interface Clock {
  /** Milliseconds since the epoch, in this clock's time base. */
  now(): number;
  /** Waits this many milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
  /** How many clock milliseconds pass per real millisecond (1 for the wall clock). */
  readonly speed: number;
}

export const wallClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
  speed: 1,
};

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
}

/** A step's time, with the wait for a person's answers shown apart (it is not counted). */
export function formatStepTime(ms: number, waitedMs?: number): string {
  return waitedMs ? `${formatDuration(ms)}, plus ${formatDuration(waitedMs)} waiting for answers` : formatDuration(ms);
}

/**
 * The pause between two polls. A simulated clock runs fast (SIM_SPEED), so one virtual second
 * may be a few real milliseconds: without a floor in real time, polling would spawn processes
 * back to back and starve the simulated cluster of CPU.
 */
export const MIN_REAL_POLL_MS = 200;

export function pollDelay(clock: Clock, ms: number): number {
  return Math.max(ms, MIN_REAL_POLL_MS * clock.speed);
}
