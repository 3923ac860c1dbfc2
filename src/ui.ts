// What the user sees: one ora spinner per step, the exact command each step runs (secrets
// masked) and why, and one-line results. Everything arrives through the event stream.
import ora, { type Ora } from 'ora';
import type { EventBus, RunbookEvent } from './events.ts';
import { formatStepTime } from './clock.ts';

export interface UiOptions {
  stream: NodeJS.WriteStream;
  color: boolean;
  /** Spinners animate only on a terminal; elsewhere each step prints plain lines. */
  animate: boolean;
}

export function defaultUiOptions(): UiOptions {
  const stream = process.stdout;
  const color = Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
  // A terminal that reports no width (a pty nobody sized) would make ora's line arithmetic spin.
  const sized = (stream.columns ?? 0) > 0;
  return { stream, color, animate: Boolean(stream.isTTY) && sized && process.env.CI !== 'true' };
}

const CODES = { dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], bold: [1, 22] } as const;
type Style = keyof typeof CODES;

export class Ui {
  private spinner: Ora | undefined;
  private spinnerText = '';

  constructor(private readonly options: UiOptions) {}

  style(style: Style, text: string): string {
    if (!this.options.color) return text;
    const [open, close] = CODES[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  /** Prints a line without disturbing a running spinner. */
  line(text = ''): void {
    if (this.spinner?.isSpinning) {
      this.spinner.clear();
      this.options.stream.write(`${text}\n`);
      this.spinner.render();
    } else {
      this.options.stream.write(`${text}\n`);
    }
  }

  attach(bus: EventBus): void {
    bus.on((event) => this.onEvent(event));
  }

  private onEvent(event: RunbookEvent): void {
    switch (event.kind) {
      case 'step-start':
        this.line(this.style('bold', `\n▸ ${event.step}`) + this.style('dim', ` — ${event.why}`));
        this.startSpinner(event.step);
        break;
      case 'step-end':
        this.stopSpinner(
          event.status,
          `${event.step} ${this.style('dim', `(${formatStepTime(event.ms, event.waitedMs)})`)}${event.detail ? ` — ${event.detail}` : ''}`,
        );
        break;
      case 'command':
        if (event.shown)
          this.line(this.style('cyan', `  $ ${event.argv.join(' ')}`) + (event.why ? this.style('dim', `   # ${event.why}`) : ''));
        break;
      case 'check': {
        const c = event.check;
        const mark =
          c.status === 'pass'
            ? this.style('green', '✔')
            : c.status === 'fail'
              ? this.style('red', '✖')
              : c.status === 'warn'
                ? this.style('yellow', '!')
                : this.style('dim', '–');
        this.line(`  ${mark} ${c.title}: ${c.measured}${c.status === 'pass' || !c.remedy ? '' : this.style('dim', `  → ${c.remedy}`)}`);
        break;
      }
      case 'note':
        this.line(event.level === 'warn' ? this.style('yellow', `  ! ${event.text}`) : `  ${event.text}`);
        break;
      default:
        break;
    }
  }

  private startSpinner(text: string): void {
    this.spinnerText = text;
    if (!this.options.animate) return;
    this.spinner = ora({ text, stream: this.options.stream, color: 'cyan', isEnabled: true, discardStdin: false }).start();
  }

  private stopSpinner(status: 'ok' | 'failed' | 'skipped', text: string): void {
    const spinner = this.spinner;
    this.spinner = undefined;
    const symbol = status === 'ok' ? this.style('green', '✔') : status === 'failed' ? this.style('red', '✖') : this.style('dim', '–');
    if (spinner) spinner.stopAndPersist({ symbol, text });
    else this.options.stream.write(`${symbol} ${text}\n`);
    this.spinnerText = '';
  }

  /** Stops the spinner while a prompt owns the terminal. */
  pause(): void {
    if (this.spinner?.isSpinning) this.spinner.stop();
  }

  resume(): void {
    if (this.spinner && this.spinnerText) this.spinner.start(this.spinnerText);
  }

  /** The error a user sees on exit 1/2: one line saying what is wrong, one saying what to do. */
  failure(reason: string, remedy: string | undefined): void {
    this.pause();
    this.options.stream.write(`\n${this.style('red', '✖ ' + reason)}\n`);
    if (remedy) this.options.stream.write(`  ${this.style('bold', '→')} ${remedy}\n`);
  }
}
