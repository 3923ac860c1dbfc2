// minikube: one function per operation. The profile is always passed (-p), never implied.
// Argv: sim/ARGV-CONTRACT.md; the exit codes are read as the comments below say.
import type { Exec, ExecResult } from '../exec.ts';
import { CommandFailed, lastLine } from '../errors.ts';
import { TIMED_OUT, bothStreams, parseJson, runOk } from './common.ts';
import type { NodeImage } from '../cluster/image-proof.ts';

export type HostState = 'Running' | 'Stopped' | 'Paused' | 'Nonexistent' | 'Error' | 'Unknown';

export interface ClusterStatus {
  exists: boolean;
  /**
   * minikube could not read the node's state at all: `status -o json` printed `null` (exit 7).
   * cluster.GetStatus (pkg/minikube/cluster/status.go) returns no statuses when the host's state
   * cannot be read (Docker not answering) or the host does not exist (node container removed).
   */
  unreadable: boolean;
  host: HostState | string;
  kubelet: string;
  apiServer: string;
  kubeconfig: string;
  /** Everything is Running and Configured. */
  running: boolean;
  exitCode: number;
}

export interface ProfileConfig {
  name: string;
  status: string;
  cpus: number;
  memoryMb: number;
  driver: string;
  kubernetesVersion: string;
  ip: string;
  /** ContainerRuntime of the profile's KubernetesConfig: docker, containerd or crio ('' when not reported). */
  runtime: string;
}

export interface StartOptions {
  cpus: number;
  memoryMb: number;
  driver: string;
  timeoutMs: number;
}

/**
 * Why `minikube docker-env` cannot point docker at this cluster, or undefined when it can.
 * dockerEnvSupported (cmd/minikube/cmd/docker-env.go) accepts only the docker and containerd
 * runtimes, containerd only on the docker driver and then through nerdctld over SSH ("a highly
 * experimental feature"); the none driver is refused (ENV_DRIVER_CONFLICT). The runbooks use it
 * only with the docker runtime, where the image lands in the store the kubelet reads.
 */
export function dockerEnvUnsupported(config: Pick<ProfileConfig, 'runtime' | 'driver'>): string | undefined {
  if (config.driver === 'none')
    return "the none driver has no docker-env (minikube: 'none' driver does not support 'minikube docker-env' command)";
  if (!config.runtime || config.runtime === 'docker') return undefined;
  return `the cluster runs the ${config.runtime} container runtime, not docker: minikube docker-env serves only the docker runtime (with containerd only as an experimental nerdctld-over-SSH bridge on the docker driver)`;
}

/** What `minikube delete` takes with it, said wherever a delete is suggested (never as the first remedy). */
export const DELETE_LOSES =
  'minikube delete destroys the cluster with every workload, volume (database data included) and image loaded into it';

/**
 * minikube status exits 85 when the profile does not exist at all: mustload.Partial
 * (pkg/minikube/mustload/mustload.go) exits with reason.ExGuestNotFound.
 */
const EXIT_PROFILE_NOT_FOUND = 85;

/**
 * Otherwise its exit code is a bitmask of what is not running (exitCode in
 * cmd/minikube/cmd/status.go: 1 host, 2 kubelet/apiserver, 4 kubeconfig), so 0–7 are all answers.
 * Any other code is minikube failing to answer (reason.Usage 14, a config it cannot load…).
 */
function statusAnswered(exitCode: number): boolean {
  return (exitCode >= 0 && exitCode <= 7) || exitCode === EXIT_PROFILE_NOT_FOUND;
}

/**
 * A failed minikube command as a CommandFailed. minikube writes progress on stdout and its failure
 * box on stderr, with the cause on the "Exiting due to <REASON>: …" line rather than the last one
 * (exit.Message in pkg/minikube/exit/exit.go); the exit code is the reason's (pkg/minikube/reason/exitcodes.go).
 */
function minikubeFailed(result: ExecResult, remedy: string): CommandFailed {
  return new CommandFailed(result.argv, result.exitCode, bothStreams(result), remedy, {
    reason: result.timedOut ? TIMED_OUT : minikubeReason(result),
    timedOut: result.timedOut,
    tailLines: 30,
  });
}

function ensureMinikubeOk(result: ExecResult, remedy: string): void {
  if (result.exitCode !== 0) throw minikubeFailed(result, remedy);
}

export class Minikube {
  constructor(
    private readonly exec: Exec,
    readonly profile: string,
  ) {}

  installed(): boolean {
    return this.exec.which('minikube') !== undefined;
  }

  async version(): Promise<string> {
    const r = await runOk(
      this.exec,
      { tool: 'minikube', args: ['version', '--output', 'json'], timeoutMs: 20_000, quiet: true },
      'reinstall minikube',
    );
    return parseJson<{ minikubeVersion: string }>(r, 'minikube version').minikubeVersion;
  }

  /**
   * The cluster's state, read from the exit-code bitmask and the JSON (a typed answer, never a raw
   * exit code): "no such profile" and "unreadable" are outcomes. minikube failing to answer at all
   * (another exit code, a timeout) throws CommandFailed.
   */
  async status(): Promise<ClusterStatus> {
    const r = await this.exec.run({ tool: 'minikube', args: ['status', '-p', this.profile, '-o', 'json'], timeoutMs: 30_000, quiet: true });
    if (r.timedOut || !statusAnswered(r.exitCode))
      throw minikubeFailed(r, `run minikube status -p ${this.profile} yourself; if it keeps failing: minikube logs -p ${this.profile}`);
    return parseStatus(r.stdout, r.exitCode, r.argv);
  }

  /** Returns once the cluster runs; throws CommandFailed with minikube's "Exiting due to …" reason. */
  async start(options: StartOptions): Promise<void> {
    const args = ['start', '-p', this.profile, `--cpus=${options.cpus}`, `--memory=${options.memoryMb}`];
    if (options.driver) args.push(`--driver=${options.driver}`);
    const r = await this.exec.run({ tool: 'minikube', args, timeoutMs: options.timeoutMs, why: `start the "${this.profile}" cluster` });
    ensureMinikubeOk(r, `see the output and minikube logs -p ${this.profile}`);
  }

  async stop(timeoutMs: number): Promise<void> {
    const r = await this.exec.run({
      tool: 'minikube',
      args: ['stop', '-p', this.profile],
      timeoutMs,
      why: `stop the "${this.profile}" cluster`,
    });
    ensureMinikubeOk(r, `minikube stop -p ${this.profile}; minikube logs -p ${this.profile}`);
  }

  async delete(timeoutMs: number): Promise<void> {
    const r = await this.exec.run({
      tool: 'minikube',
      args: ['delete', '-p', this.profile],
      timeoutMs,
      why: `delete the "${this.profile}" cluster and its data`,
    });
    ensureMinikubeOk(
      r,
      `minikube delete -p ${this.profile} again; if that fails too: minikube logs -p ${this.profile} (never --all: that deletes every other profile too)`,
    );
  }

  async ip(): Promise<string> {
    const r = await runOk(
      this.exec,
      { tool: 'minikube', args: ['ip', '-p', this.profile], timeoutMs: 20_000, quiet: true },
      'start the cluster: npx zx runbooks/00-setup.mjs',
    );
    return r.stdout.trim();
  }

  async profiles(): Promise<ProfileConfig[]> {
    const r = await runOk(
      this.exec,
      { tool: 'minikube', args: ['profile', 'list', '-o', 'json'], timeoutMs: 30_000, quiet: true },
      'check the minikube installation',
    );
    return parseProfileList(r.stdout, r.argv);
  }

  async addonEnabled(addon: string): Promise<boolean> {
    const r = await runOk(
      this.exec,
      { tool: 'minikube', args: ['addons', 'list', '-p', this.profile, '-o', 'json'], timeoutMs: 30_000, quiet: true },
      'start the cluster first',
    );
    const addons = parseJson<Record<string, { Status?: string }>>(r, 'minikube addons list');
    return addons[addon]?.Status === 'enabled';
  }

  async enableAddon(addon: string): Promise<void> {
    const r = await this.exec.run({
      tool: 'minikube',
      args: ['addons', 'enable', addon, '-p', this.profile],
      timeoutMs: 180_000,
      why: `enable the ${addon} addon`,
    });
    ensureMinikubeOk(r, `minikube addons enable ${addon} -p ${this.profile}`);
  }

  /**
   * The environment that points docker at the node's daemon. Read afresh every time:
   * the port changes on every restart (minikube#7017).
   * `--shell none` is what makes `-o json` count: dockerSetScript (cmd/minikube/cmd/docker-env.go)
   * reads --output only when the shell is "none"; otherwise it prints an export script for $SHELL.
   */
  async dockerEnv(): Promise<Record<string, string>> {
    const r = await this.exec.run({
      tool: 'minikube',
      args: ['docker-env', '-p', this.profile, '--shell', 'none', '-o', 'json'],
      timeoutMs: 30_000,
      quiet: true,
    });
    // When stdout is not a TTY minikube reports failure as "false exit code <N>" on stdout (exit.Code).
    if (r.exitCode !== 0 || /^false exit code/.test(r.stdout.trim())) {
      throw minikubeFailed(r, 'the docker-env works only with a running cluster whose container runtime is docker');
    }
    const env = parseJson<Record<string, string>>(r, 'minikube docker-env');
    // SSH_AUTH_SOCK/SSH_AGENT_PID come back empty when no agent is involved: passing them on would
    // blank the user's own agent for the build.
    return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  }

  /** Copies the image onto the node; throws CommandFailed (its output tail says why: disk, export bug…). */
  async imageLoad(image: string, timeoutMs: number): Promise<void> {
    const r = await this.exec.run({
      tool: 'minikube',
      args: ['image', 'load', image, '-p', this.profile],
      timeoutMs,
      why: `copy ${image} onto the node`,
    });
    ensureMinikubeOk(r, `minikube image load ${image} -p ${this.profile} --alsologtostderr shows the cause`);
  }

  /** Every repo:tag on the node, normalised without the docker.io/library/ prefix minikube adds. */
  async imageList(): Promise<string[]> {
    return (await this.images()).flatMap((i) => i.repoTags);
  }

  /** The node's images as the container runtime lists them (machine.ListImages: id, repoDigests, repoTags). */
  async images(): Promise<NodeImage[]> {
    const r = await runOk(
      this.exec,
      { tool: 'minikube', args: ['image', 'ls', '-p', this.profile, '--format', 'json'], timeoutMs: 60_000, quiet: true },
      'start the cluster first',
    );
    const images = parseJson<Array<{ id?: string; repoDigests?: string[]; repoTags?: string[] }>>(r, 'minikube image ls');
    return images.map((i) => ({ id: i.id ?? '', repoDigests: i.repoDigests ?? [], repoTags: (i.repoTags ?? []).map(normaliseImageRef) }));
  }

  async serviceUrl(service: string, namespace: string): Promise<string[]> {
    const r = await this.exec.run({
      tool: 'minikube',
      args: ['service', service, '-n', namespace, '-p', this.profile, '--url'],
      timeoutMs: 30_000,
      quiet: true,
    });
    ensureMinikubeOk(r, `check that ${service} has a running pod: kubectl get pods -n ${namespace}`);
    return r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^https?:\/\//.test(l));
  }
}

/** What an unreadable status means and what to do, for messages (see ClusterStatus.unreadable). */
export function unreadableStatusText(profile: string): { what: string; remedy: string } {
  return {
    what: `minikube cannot read the state of "${profile}" (minikube status printed null): its node is gone or Docker is not running`,
    remedy: `start Docker (docker info must answer); if Docker runs, the node container was removed: minikube start -p ${profile} creates it again`,
  };
}

export function parseStatus(
  stdout: string,
  exitCode: number,
  argv: readonly string[] = ['minikube', 'status', '-o', 'json'],
): ClusterStatus {
  const text = stdout.trim();
  if (text === 'null') {
    return {
      exists: true,
      unreadable: true,
      host: 'Unknown',
      kubelet: 'Unknown',
      apiServer: 'Unknown',
      kubeconfig: 'Unknown',
      running: false,
      exitCode,
    };
  }
  if (exitCode === EXIT_PROFILE_NOT_FOUND || (!text.startsWith('{') && !text.startsWith('['))) {
    return {
      exists: exitCode !== EXIT_PROFILE_NOT_FOUND && text !== '',
      unreadable: false,
      host: 'Nonexistent',
      kubelet: 'Nonexistent',
      apiServer: 'Nonexistent',
      kubeconfig: 'Nonexistent',
      running: false,
      exitCode,
    };
  }
  const parsed = parseJson<Record<string, string> | Array<Record<string, string>>>({ argv: [...argv], stdout }, 'minikube status');
  // A multi-node cluster prints an array; the control plane comes first.
  const node = Array.isArray(parsed) ? parsed[0]! : parsed;
  const running = node.Host === 'Running' && node.Kubelet === 'Running' && node.APIServer === 'Running' && node.Kubeconfig === 'Configured';
  return {
    exists: true,
    unreadable: false,
    host: node.Host ?? 'Unknown',
    kubelet: node.Kubelet ?? '',
    apiServer: node.APIServer ?? '',
    kubeconfig: node.Kubeconfig ?? '',
    running,
    exitCode,
  };
}

export function parseProfileList(stdout: string, argv: readonly string[] = ['minikube', 'profile', 'list', '-o', 'json']): ProfileConfig[] {
  const parsed = parseJson<{
    valid?: Array<{
      Name: string;
      Status: string;
      Config?: {
        CPUs?: number;
        Memory?: number;
        Driver?: string;
        KubernetesConfig?: { KubernetesVersion?: string; ContainerRuntime?: string };
        Nodes?: Array<{ IP?: string }>;
      };
    }>;
  }>({ argv: [...argv], stdout }, 'minikube profile list');
  return (parsed.valid ?? []).map((p) => ({
    name: p.Name,
    status: p.Status,
    cpus: p.Config?.CPUs ?? 0,
    memoryMb: p.Config?.Memory ?? 0,
    driver: p.Config?.Driver ?? '',
    kubernetesVersion: p.Config?.KubernetesConfig?.KubernetesVersion ?? '',
    ip: p.Config?.Nodes?.[0]?.IP ?? '',
    runtime: p.Config?.KubernetesConfig?.ContainerRuntime ?? '',
  }));
}

export function normaliseImageRef(ref: string): string {
  return ref.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');
}

/** The one line minikube's failures boil down to ("Exiting due to …"). */
export function minikubeReason(result: ExecResult): string {
  const text = `${result.stderr}\n${result.stdout}`;
  const exiting = text.split('\n').find((l) => /Exiting due to/.test(l));
  // Without a colour terminal minikube prefixes errors with "X " instead of ❌ (cli-contracts §1).
  return (exiting ?? lastLine(text))
    .replace(/^[^A-Za-z]*/, '')
    .replace(/^X\s+(?=Exiting due to)/, '')
    .trim();
}
