// Ctrl-C as the planned end of a run. Most runbooks treat it as an interruption (exit 130); the
// access runbook runs until the user presses it, so while it waits a Ctrl-C (or SIGTERM) ends the
// run as planned. The framework's SIGINT handler asks take() first.
export class StopWait {
  private handler: (() => void) | undefined;

  /** Resolves on SIGINT (through take()) or SIGTERM; release() gives Ctrl-C back its usual meaning. */
  wait(): { stopped: Promise<void>; release(): void } {
    let resolveStop: () => void = () => {};
    const stopped = new Promise<void>((r) => (resolveStop = r));
    const onTerm = () => this.handler?.();
    const release = () => {
      this.handler = undefined;
      process.off('SIGTERM', onTerm);
    };
    this.handler = () => {
      release();
      resolveStop();
    };
    process.on('SIGTERM', onTerm);
    return { stopped, release };
  }

  /** True when a wait() took this signal. */
  take(): boolean {
    if (!this.handler) return false;
    this.handler();
    return true;
  }
}
