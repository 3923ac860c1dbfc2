// docker: one function per operation the runbooks need. Argv: sim/ARGV-CONTRACT.md.
import type { Exec, ExecResult } from '../exec.ts';
import { parseJson, runOk } from './common.ts';

export interface DockerVersion {
  client: string;
  server?: string;
  serverOs?: string;
}

export interface ImageInfo {
  id: string;
  repoTags: string[];
  sizeBytes: number;
  created: string;
}

export interface HistoryLayer {
  id: string;
  createdBy: string;
  sizeBytes: number;
  comment: string;
}

export interface BuildRequest {
  image: string;
  dockerfile: string;
  context: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  /** minikube's docker-env, to build straight into the node's daemon. */
  env?: Record<string, string>;
  timeoutMs: number;
}

const DAEMON_DOWN_REMEDY = 'start Docker Desktop (macOS/Windows) or the docker service (Linux: sudo systemctl start docker)';

export class Docker {
  constructor(private readonly exec: Exec) {}

  installed(): boolean {
    return this.exec.which('docker') !== undefined;
  }

  /** Client and, when the daemon answers, server versions. Never throws for a down daemon. */
  async version(): Promise<{ version: DockerVersion; daemonUp: boolean; error: string }> {
    const r = await this.exec.run({ tool: 'docker', args: ['version', '--format', '{{json .}}'], timeoutMs: 20_000, quiet: true });
    const parsed = tryJson<{ Client?: { Version?: string }; Server?: { Version?: string; Os?: string } | null }>(r.stdout);
    return {
      version: { client: parsed?.Client?.Version ?? 'unknown', server: parsed?.Server?.Version, serverOs: parsed?.Server?.Os },
      daemonUp: r.exitCode === 0 && Boolean(parsed?.Server?.Version),
      error: r.stderr.trim(),
    };
  }

  /** securityOptions holds "name=rootless" for rootless Docker (what minikube's oci.DaemonInfo reads). */
  async info(): Promise<{ serverVersion: string; cpus: number; memoryBytes: number; os: string; securityOptions: string[] }> {
    const r = await runOk(this.exec, { tool: 'docker', args: ['info', '--format', '{{json .}}'], timeoutMs: 20_000 }, DAEMON_DOWN_REMEDY);
    const info = parseJson<{
      ServerVersion: string;
      NCPU: number;
      MemTotal: number;
      OperatingSystem: string;
      SecurityOptions?: string[] | null;
    }>(r.stdout, 'docker info');
    return {
      serverVersion: info.ServerVersion,
      cpus: info.NCPU,
      memoryBytes: info.MemTotal,
      os: info.OperatingSystem,
      securityOptions: info.SecurityOptions ?? [],
    };
  }

  build(request: BuildRequest): Promise<ExecResult> {
    const args = ['build', '-t', request.image, '-f', request.dockerfile];
    for (const [key, value] of Object.entries(request.buildArgs ?? {})) args.push('--build-arg', `${key}=${value}`);
    for (const [key, value] of Object.entries(request.labels ?? {})) args.push('--label', `${key}=${value}`);
    args.push(request.context);
    return this.exec.run({ tool: 'docker', args, env: request.env, timeoutMs: request.timeoutMs, why: `build ${request.image}` });
  }

  /** undefined when the image does not exist in that daemon. */
  async inspectImage(image: string, env?: Record<string, string>): Promise<ImageInfo | undefined> {
    const r = await this.exec.run({
      tool: 'docker',
      args: ['image', 'inspect', '--format', '{{json .}}', image],
      env,
      timeoutMs: 20_000,
      quiet: true,
    });
    if (r.exitCode !== 0) return undefined;
    const raw = parseJson<{ Id: string; RepoTags: string[] | null; Size: number; Created: string }>(
      r.stdout.trim(),
      'docker image inspect',
    );
    return { id: raw.Id, repoTags: raw.RepoTags ?? [], sizeBytes: raw.Size, created: raw.Created };
  }

  async history(image: string, env?: Record<string, string>): Promise<HistoryLayer[]> {
    const r = await runOk(
      this.exec,
      {
        tool: 'docker',
        args: ['history', '--no-trunc', '--human=false', '--format', '{{json .}}', image],
        env,
        timeoutMs: 30_000,
        quiet: true,
      },
      'build the image first (runbook 01-build)',
    );
    return parseHistory(r.stdout);
  }
}

export function parseHistory(stdout: string): HistoryLayer[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => {
      const raw = JSON.parse(line) as { ID: string; CreatedBy: string; Size: string; Comment: string };
      return { id: raw.ID, createdBy: raw.CreatedBy, sizeBytes: Number(raw.Size) || 0, comment: raw.Comment };
    });
}

function tryJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text.trim()) as T;
  } catch {
    return undefined;
  }
}
