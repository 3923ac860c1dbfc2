// Docker's Gordon (`docker ai`), a Docker Desktop plugin. Detection trap: `docker ai --help`
// exits 0 even without the plugin, so detect with `docker ai version`.
// `docker ai ["<prompt>"]` opens Gordon's terminal UI, which the user leaves with /exit or Ctrl+C
// (docs.docker.com/ai/gordon/how-to/cli): it is never started without a terminal, where it would
// only wait until killed.
import type { Exec } from '../exec.ts';
import { failure } from './common.ts';
import { shellWord } from '../shell-word.ts';

/** How long an interactive Gordon session may stay open before it is closed for the user. */
export const GORDON_SESSION_MS = 60 * 60_000;

/** 128 + SIGINT: the user left with Ctrl+C. */
const EXIT_CTRL_C = 130;

export class Gordon {
  constructor(private readonly exec: Exec) {}

  async version(): Promise<string | undefined> {
    if (this.exec.which('docker') === undefined) return undefined;
    const r = await this.exec.run({ tool: 'docker', args: ['ai', 'version'], timeoutMs: 20_000, quiet: true });
    return r.exitCode === 0 ? r.stdout.trim().split('\n')[0] : undefined;
  }

  /**
   * Opens Gordon's TUI in this terminal with the question; returns when the user leaves it (exit 0,
   * or 130 for Ctrl+C). A session still open after GORDON_SESSION_MS, or any other exit (Gordon
   * not enabled, not signed in), throws CommandFailed; its output was on the user's screen, not captured.
   */
  async openInTerminal(directory: string, question: string): Promise<{ exitCode: 0 | 130 }> {
    const r = await this.exec.run({
      tool: 'docker',
      args: ['ai', '-C', directory, question],
      timeoutMs: GORDON_SESSION_MS,
      terminal: true,
      why: 'open Gordon on the Dockerfile (leave it with /exit or Ctrl+C)',
    });
    if (!r.timedOut && (r.exitCode === 0 || r.exitCode === EXIT_CTRL_C)) return { exitCode: r.exitCode };
    throw failure(r, 'Gordon needs Docker Desktop signed in with Gordon enabled; its review is advisory');
  }
}

/** The exact command a user runs to ask Gordon themselves, quoted for a POSIX shell. */
export function gordonCommand(directory: string, question: string): string {
  return ['docker', 'ai', '-C', directory, question].map(shellWord).join(' ');
}
