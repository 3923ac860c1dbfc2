// Drives a runbook through a real pseudo-terminal (util-linux `script`), like a person would:
// wait for a prompt to appear on screen, type an answer, read the screen.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './harness.ts';

export class PtySession {
  private screen = '';
  private readonly child: ChildProcess;
  readonly exited: Promise<number>;

  constructor(runbook: string, args: string[], env: Record<string, string>) {
    const command = [process.execPath, join(ROOT, 'node_modules/zx/build/cli.js'), join(ROOT, 'runbooks', `${runbook}.mjs`), ...args]
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    // A pty started from a pipe has no size; give it one, as a terminal window would.
    this.child = spawn('script', ['-qfec', `stty cols 160 rows 50; exec ${command}`, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, TERM: 'xterm-256color', COLUMNS: '160', LINES: '50', CI: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d) => (this.screen += d.toString()));
    this.child.stderr!.on('data', (d) => (this.screen += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code ?? -1)));
  }

  get output(): string {
    return this.screen;
  }

  /** Waits until the screen (after `from`) matches, then returns the index just after the match. */
  async waitFor(pattern: RegExp, timeoutMs = 120_000, from = 0): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = pattern.exec(this.screen.slice(from));
      if (match) return from + match.index + match[0].length;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`screen never showed ${pattern}; it shows:\n${this.screen.slice(-3000)}`);
  }

  type(text: string): void {
    this.child.stdin!.write(text);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** Removes ANSI escape sequences so assertions read the text a person sees. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\r/g, '');
}
