// Docker's Gordon (`docker ai`), a Docker Desktop plugin. Detection trap: `docker ai --help`
// exits 0 even without the plugin, so detect with `docker ai version`.
import type { Exec, ExecResult } from '../exec.ts';

export class Gordon {
  constructor(private readonly exec: Exec) {}

  async version(): Promise<string | undefined> {
    if (this.exec.which('docker') === undefined) return undefined;
    const r = await this.exec.run({ tool: 'docker', args: ['ai', 'version'], timeoutMs: 20_000, quiet: true });
    return r.exitCode === 0 ? r.stdout.trim().split('\n')[0] : undefined;
  }

  /** Advisory text only; it runs with stdin closed and a timeout so it can never block the runbook. */
  ask(directory: string, question: string, timeoutMs: number): Promise<ExecResult> {
    return this.exec.run({ tool: 'docker', args: ['ai', '-C', directory, question], timeoutMs, why: 'ask Gordon about the Dockerfile' });
  }
}
