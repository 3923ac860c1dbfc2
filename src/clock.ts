// Time as the runbooks see it. Real runs use the wall clock. Simulated runs use the simulator's
// virtual clock (sim/lib/setup.mjs drivingClock), which moves by events rather than with real
// time, so that measured figures are in the same time base as the pods' timestamps and the
// simulator's truth, whatever the machine's load.

export interface Clock {
  /** Milliseconds since the epoch, in this clock's time base. */
  now(): number;
  /** Waits this many milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
  /**
   * A virtual clock must know about each child process (it stands still until the child takes
   * part, and after the child exits until its exit is handled): call right before spawning,
   * give the child `env`, and call `done()` once its exit has been handled.
   */
  child?(): { env: Record<string, string>; done(): void };
}

export const wallClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
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
