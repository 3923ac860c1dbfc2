// One event stream feeds the spinner, the transcript and the report (docs/architecture.md, "The
// event stream"), so the screen and the report cannot disagree.
// Every text in an event is already redacted by the time it is emitted.

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckRecord {
  /** Criterion id from the success-criteria catalogue, e.g. `SETUP-TOOLS`. */
  id: string;
  title: string;
  expected: string;
  measured: string;
  status: CheckStatus;
  /** What to do when it did not pass. */
  remedy?: string;
  /** A measured figure for consolidated reports (ms for durations, bytes for sizes). */
  value?: number;
  unit?: 'ms' | 'bytes' | 'count';
}

export type RunbookEvent =
  | { kind: 'step-start'; step: string; why: string; at: number }
  /** `ms` excludes time spent waiting for a person's answer; `waitedMs` is that wait, in real time. */
  | { kind: 'step-end'; step: string; status: 'ok' | 'failed' | 'skipped'; ms: number; waitedMs?: number; detail?: string }
  | { kind: 'command'; tool: string; argv: string[]; why?: string; at: number; shown: boolean }
  | {
      kind: 'command-end';
      tool: string;
      argv: string[];
      exitCode: number;
      ms: number;
      timedOut: boolean;
      stdoutTail: string;
      stderrTail: string;
    }
  | { kind: 'check'; check: CheckRecord }
  | { kind: 'note'; level: 'info' | 'warn'; text: string }
  | { kind: 'evidence'; title: string; body: string; lang?: string }
  | { kind: 'timeline'; label: string; startMs: number; endMs: number; section: string };

export type Listener = (event: RunbookEvent) => void;

export class EventBus {
  private readonly listeners: Listener[] = [];
  readonly history: RunbookEvent[] = [];

  on(listener: Listener): void {
    this.listeners.push(listener);
  }

  emit(event: RunbookEvent): void {
    this.history.push(event);
    for (const listener of this.listeners) listener(event);
  }
}
