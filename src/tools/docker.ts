// docker: one function per operation the runbooks need. Argv: sim/ARGV-CONTRACT.md.
import type { Exec } from '../exec.ts';
import { CommandFailed } from '../errors.ts';
import { bothStreams, ensureOk, parseJson, runOk } from './common.ts';

export interface DockerVersion {
  client: string;
  server?: string;
  serverOs?: string;
}

export interface ImageInfo {
  id: string;
  repoTags: string[];
  /** <repository>@sha256:<manifest digest> for each registry the image was pushed to or pulled from. */
  repoDigests: string[];
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

/** How much of a failed build's output an error keeps: the failing step and what led to it. */
const BUILD_TAIL_LINES = 60;

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
    }>(r, 'docker info');
    return {
      serverVersion: info.ServerVersion,
      cpus: info.NCPU,
      memoryBytes: info.MemTotal,
      os: info.OperatingSystem,
      securityOptions: info.SecurityOptions ?? [],
    };
  }

  /**
   * Builds the image; throws CommandFailed keeping the last 60 lines of the build's output (BuildKit
   * writes its progress and the failing step on stderr, the classic builder on stdout).
   */
  async build(request: BuildRequest): Promise<void> {
    const args = ['build', '-t', request.image, '-f', request.dockerfile];
    for (const [key, value] of Object.entries(request.buildArgs ?? {})) args.push('--build-arg', `${key}=${value}`);
    for (const [key, value] of Object.entries(request.labels ?? {})) args.push('--label', `${key}=${value}`);
    args.push(request.context);
    const r = await this.exec.run({ tool: 'docker', args, env: request.env, timeoutMs: request.timeoutMs, why: `build ${request.image}` });
    if (r.exitCode === 0) return;
    throw new CommandFailed(
      r.argv,
      r.exitCode,
      bothStreams(r),
      `read the build output in the report; fix ${request.dockerfile} or the sources in ${request.context}`,
      {
        tailLines: BUILD_TAIL_LINES,
        timedOut: r.timedOut,
      },
    );
  }

  /**
   * undefined when the image does not exist in that daemon: inspect.Inspect
   * (cli/command/inspect/inspector.go) exits 1 with the daemon's "No such image: <ref>". Any other
   * failure (the daemon does not answer) throws CommandFailed.
   */
  async inspectImage(image: string, env?: Record<string, string>): Promise<ImageInfo | undefined> {
    const r = await this.exec.run({
      tool: 'docker',
      args: ['image', 'inspect', '--format', '{{json .}}', image],
      env,
      timeoutMs: 20_000,
      quiet: true,
    });
    if (r.exitCode !== 0 && /No such (image|object)/i.test(r.stderr)) return undefined;
    ensureOk(r, DAEMON_DOWN_REMEDY);
    const raw = parseJson<{ Id: string; RepoTags: string[] | null; RepoDigests?: string[] | null; Size: number; Created: string }>(
      r,
      'docker image inspect',
    );
    return { id: raw.Id, repoTags: raw.RepoTags ?? [], repoDigests: raw.RepoDigests ?? [], sizeBytes: raw.Size, created: raw.Created };
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
    return parseHistory(r.stdout, r.argv);
  }
}

/** One JSON object per line (--format '{{json .}}'); a line that is not one is an UnreadableOutput. */
export function parseHistory(stdout: string, argv: readonly string[] = ['docker', 'history', '--format', '{{json .}}']): HistoryLayer[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const raw = parseJson<{ ID: string; CreatedBy: string; Size: string; Comment: string }>(
        { argv: [...argv], stdout: line },
        'docker history --format {{json .}}',
      );
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
