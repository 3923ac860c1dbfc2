// kagent: exits 0 on most failures and prints the error on stderr, so a
// call counts as successful only when exit is 0, stderr is empty and stdout parses as JSON.
// Never run bare `kagent`: it opens an interactive TUI.
import type { Exec } from '../exec.ts';

export interface KagentVersion {
  cli: string;
  backend: string;
  /** The controller answered (backend_version is "unknown" when it is not reachable). */
  controllerReachable: boolean;
}

export interface KagentAnswer {
  ok: boolean;
  output: unknown;
  error: string;
}

export class Kagent {
  constructor(private readonly exec: Exec) {}

  installed(): boolean {
    return this.exec.which('kagent') !== undefined;
  }

  async version(): Promise<KagentVersion | undefined> {
    const r = await this.exec.run({ tool: 'kagent', args: ['version'], timeoutMs: 30_000, quiet: true });
    if (r.exitCode !== 0) return undefined;
    try {
      const raw = JSON.parse(r.stdout.trim()) as { kagent_version?: string; backend_version?: string };
      const backend = raw.backend_version ?? 'unknown';
      return { cli: raw.kagent_version ?? 'unknown', backend, controllerReachable: backend !== 'unknown' && backend !== '' };
    } catch {
      return undefined;
    }
  }

  async invoke(namespace: string, agent: string, task: string, timeoutMs: number): Promise<KagentAnswer> {
    const r = await this.exec.run({ tool: 'kagent', args: ['invoke', '-n', namespace, '--agent', agent, '--task', task], timeoutMs, why: `ask the kagent agent ${agent}` });
    const error = r.stderr.trim();
    if (r.exitCode !== 0 || error) return { ok: false, output: undefined, error: error || `exit code ${r.exitCode}` };
    try {
      return { ok: true, output: JSON.parse(r.stdout.trim()), error: '' };
    } catch {
      return { ok: false, output: undefined, error: 'kagent printed no JSON answer' };
    }
  }
}
