// kubectl: one function per operation. Every call carries --request-timeout; every cluster call
// carries --context, so a change of the user's current context mid-run cannot redirect us. Argv: sim/ARGV-CONTRACT.md.
import type { BackgroundProcess, Exec, ExecResult } from '../exec.ts';
import type { Clock } from '../clock.ts';
import { CommandFailed } from '../errors.ts';
import { ensureOk, parseJson, runOk, runWithRetry, seconds } from './common.ts';

export interface KubectlOptions {
  /** The kube-context every cluster call targets. */
  context: string;
  requestTimeoutS: number;
  clock: Clock;
}

export type ResourceKind =
  | 'pods'
  | 'deployments'
  | 'replicasets'
  | 'statefulsets'
  | 'services'
  | 'endpoints'
  | 'pvc'
  | 'events'
  | 'configmaps'
  | 'secrets'
  | 'cronjobs'
  | 'jobs'
  | 'nodes'
  | 'servicemonitors.monitoring.coreos.com';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    uid?: string;
    deletionTimestamp?: string;
    ownerReferences?: Array<{ kind: string; name: string }>;
  };
  spec?: any;
  status?: any;
  data?: Record<string, string>;
  [key: string]: unknown;
}

const NOT_FOUND = /\(NotFound\)|not found/;

/** The metrics API is not there, not serving, or not for this user (see podMetrics). */
const METRICS_ABSENT = /\((NotFound|ServiceUnavailable|Forbidden)\)|could not find the requested resource|Metrics API not available/;

export class Kubectl {
  constructor(
    private readonly exec: Exec,
    private readonly options: KubectlOptions,
  ) {}

  get context(): string {
    return this.options.context;
  }

  private timeoutMs(): number {
    return (this.options.requestTimeoutS + 10) * 1000;
  }

  /** Arguments every call to the cluster carries. */
  private cluster(args: string[]): string[] {
    return [...args, '--context', this.options.context, `--request-timeout=${this.options.requestTimeoutS}s`];
  }

  private read(args: string[], quiet = true): Promise<ExecResult> {
    return runWithRetry(this.exec, this.options.clock, { tool: 'kubectl', args: this.cluster(args), timeoutMs: this.timeoutMs(), quiet });
  }

  installed(): boolean {
    return this.exec.which('kubectl') !== undefined;
  }

  async clientVersion(): Promise<string> {
    const r = await runOk(
      this.exec,
      {
        tool: 'kubectl',
        args: ['version', '--client', '-o', 'json', `--request-timeout=${this.options.requestTimeoutS}s`],
        timeoutMs: 20_000,
        quiet: true,
      },
      'reinstall kubectl',
    );
    return parseJson<{ clientVersion: { gitVersion: string } }>(r, 'kubectl version').clientVersion.gitVersion;
  }

  /** A probe: the current kube-context, or undefined when none is set (or kubectl cannot read the kubeconfig). */
  async currentContext(): Promise<string | undefined> {
    const r = await this.exec.run({
      tool: 'kubectl',
      args: ['config', 'current-context', `--request-timeout=${this.options.requestTimeoutS}s`],
      timeoutMs: 20_000,
      quiet: true,
    });
    return r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
  }

  /** A probe: the kube-contexts in the kubeconfig; none when it cannot be read. */
  async contexts(): Promise<string[]> {
    const r = await this.exec.run({
      tool: 'kubectl',
      args: ['config', 'get-contexts', '-o', 'name', `--request-timeout=${this.options.requestTimeoutS}s`],
      timeoutMs: 20_000,
      quiet: true,
    });
    const names = r.exitCode === 0 ? r.stdout.split('\n') : [];
    return names.map((l) => l.trim()).filter(Boolean);
  }

  async nodes(): Promise<KubeObject[]> {
    return this.list('nodes');
  }

  /** Items of a kind in a namespace (cluster-scoped kinds ignore the namespace). */
  async list(kind: ResourceKind, namespace?: string, selector?: string): Promise<KubeObject[]> {
    const args = ['get', kind, '-o', 'json'];
    if (namespace && kind !== 'nodes') args.push('-n', namespace);
    if (selector) args.push('-l', selector);
    const r = await this.read(args);
    if (r.exitCode !== 0) throw new CommandFailed(r.argv, r.exitCode, r.stderr, 'check that the cluster is running: minikube status');
    return parseJson<{ items: KubeObject[] }>(r, `kubectl get ${kind}`).items ?? [];
  }

  /** One object, or undefined when it does not exist. */
  async get(
    kind: 'namespace' | 'secret' | 'configmap' | 'deployment' | 'pod' | 'service' | 'customresourcedefinition',
    name: string,
    namespace?: string,
  ): Promise<KubeObject | undefined> {
    const args = ['get', kind, name, '-o', 'json'];
    if (namespace && kind !== 'namespace') args.push('-n', namespace);
    const r = await this.read(args);
    if (r.exitCode !== 0) {
      if (NOT_FOUND.test(r.stderr)) return undefined;
      throw new CommandFailed(r.argv, r.exitCode, r.stderr, 'check that the cluster is running: minikube status');
    }
    return parseJson<KubeObject>(r, `kubectl get ${kind} ${name}`);
  }

  async createNamespace(namespace: string): Promise<void> {
    await runOk(
      this.exec,
      {
        tool: 'kubectl',
        args: this.cluster(['create', 'namespace', namespace]),
        timeoutMs: this.timeoutMs(),
        why: `create namespace ${namespace}`,
      },
      'check your permissions on the cluster',
    );
  }

  /**
   * Deletes the namespace and waits until it is gone. A namespace that is already gone counts as
   * deleted (`existed: false`); any other failure throws, with a finalizer as the likely cause.
   */
  async deleteNamespace(namespace: string, timeoutMs: number): Promise<{ existed: boolean }> {
    const r = await this.exec.run({
      tool: 'kubectl',
      args: this.cluster(['delete', 'namespace', namespace, '--wait=true', `--timeout=${seconds(timeoutMs)}`]),
      timeoutMs: timeoutMs + 30_000,
      why: `delete namespace ${namespace} and everything in it`,
    });
    if (r.exitCode !== 0 && NOT_FOUND.test(r.stderr)) return { existed: false };
    ensureOk(
      r,
      `a finalizer may be holding it: kubectl get namespace ${namespace} -o json --context ${this.context} shows status.conditions; run this again`,
    );
    return { existed: true };
  }

  /** Waits until every pod matching the selector is Ready; throws when the deadline passes first. */
  async waitPodsReady(namespace: string, selector: string, timeoutMs: number): Promise<void> {
    const r = await this.exec.run({
      tool: 'kubectl',
      args: this.cluster(['wait', '--for=condition=Ready', 'pod', '-l', selector, '-n', namespace, `--timeout=${seconds(timeoutMs)}`]),
      timeoutMs: timeoutMs + 30_000,
      quiet: true,
    });
    ensureOk(r, `see why the pods are not Ready: kubectl describe pods -l ${selector} -n ${namespace} --context ${this.context}`);
  }

  /** Waits until the Deployment has rolled out; throws with kubectl's reason when it does not in time. */
  async rolloutStatus(deployment: string, namespace: string, timeoutMs: number): Promise<void> {
    const r = await runWithRetry(this.exec, this.options.clock, {
      tool: 'kubectl',
      args: this.cluster(['rollout', 'status', `deployment/${deployment}`, '-n', namespace, `--timeout=${seconds(timeoutMs)}`]),
      timeoutMs: timeoutMs + 30_000,
      why: `wait for ${deployment} to roll out`,
    });
    ensureOk(r, `see what holds it up: kubectl describe deployment ${deployment} -n ${namespace} --context ${this.context}`);
  }

  /**
   * A change the API server either applied or refused before touching anything: retried only on
   * transient errors (ServiceUnavailable, TLS handshake timeout…), which reject the request itself.
   */
  private async change(args: string[], why: string, remedy: string): Promise<void> {
    const r = await runWithRetry(this.exec, this.options.clock, {
      tool: 'kubectl',
      args: this.cluster(args),
      timeoutMs: this.timeoutMs(),
      why,
    });
    ensureOk(r, remedy);
  }

  /** `kubectl apply -f -` of a manifest on stdin; `serverSide` for a Secret (no last-applied copy of its data). */
  async apply(manifest: string, namespace: string, why: string, serverSide = false): Promise<void> {
    const args = ['apply', ...(serverSide ? ['--server-side', '--field-manager=todo-chatbot-runbooks', '--force-conflicts'] : [])];
    await runOk(
      this.exec,
      { tool: 'kubectl', args: this.cluster([...args, '-f', '-', '-n', namespace]), input: manifest, timeoutMs: this.timeoutMs(), why },
      `check your permissions in ${namespace}: kubectl auth can-i create pods -n ${namespace} --context ${this.context}`,
    );
  }

  scale(deployment: string, replicas: number, namespace: string): Promise<void> {
    return this.change(
      ['scale', `deployment/${deployment}`, `--replicas=${replicas}`, '-n', namespace],
      `scale ${deployment} to ${replicas}`,
      'check the deployment exists: kubectl get deployments -n ' + namespace,
    );
  }

  deletePod(name: string, namespace: string): Promise<void> {
    return this.change(
      ['delete', 'pod', name, '-n', namespace, '--wait=false'],
      `delete pod ${name}`,
      'check the pod exists: kubectl get pods -n ' + namespace,
    );
  }

  deletePods(selector: string, namespace: string): Promise<void> {
    return this.change(
      ['delete', 'pods', '-l', selector, '-n', namespace, '--wait=false'],
      `delete every pod matching ${selector}`,
      'check the pods exist: kubectl get pods -n ' + namespace,
    );
  }

  /** Secrets by name; ones already gone are no error. */
  deleteSecrets(names: string[], namespace: string, why: string): Promise<void> {
    return this.change(['delete', 'secret', ...names, '-n', namespace, '--ignore-not-found'], why, `kubectl get secrets -n ${namespace}`);
  }

  /** Claims that do not exist are no error (--ignore-not-found); anything else throws. */
  async deletePvcs(selector: string, namespace: string): Promise<void> {
    const r = await this.exec.run({
      tool: 'kubectl',
      args: this.cluster(['delete', 'pvc', '-l', selector, '-n', namespace, '--ignore-not-found']),
      timeoutMs: this.timeoutMs() + 60_000,
      why: 'delete the persistent volume claims (the database data)',
    });
    ensureOk(r, `list them: kubectl get pvc -l ${selector} -n ${namespace} --context ${this.context}`);
  }

  /**
   * The last lines a container printed. Throws when kubectl cannot give them (the pod is gone, the
   * container never started, no previous run): a caller that can do without says so where it calls.
   */
  async logs(pod: string, container: string, namespace: string, tail: number, previous = false): Promise<string> {
    const args = ['logs', pod, '-c', container, '-n', namespace, `--tail=${tail}`];
    if (previous) args.push('--previous');
    const r = await this.read(args);
    return ensureOk(r, `the pod may have been replaced: kubectl get pods -n ${namespace} --context ${this.context}`).stdout;
  }

  async describePod(pod: string, namespace: string): Promise<string> {
    const r = await this.read(['describe', 'pod', pod, '-n', namespace]);
    return ensureOk(r, `the pod may have been replaced: kubectl get pods -n ${namespace} --context ${this.context}`).stdout;
  }

  /**
   * The value of an environment variable as the running container sees it; undefined when it is
   * not set (printenv exits 1, which kubectl reports as "command terminated with exit code 1":
   * checkErr in k8s.io/kubectl pkg/cmd/util/helpers.go). A pod that is gone or refuses exec throws.
   */
  async printenv(pod: string, container: string, namespace: string, key: string): Promise<string | undefined> {
    // kubectl's own flags go before `--`: everything after it is the container's command line.
    const r = await runWithRetry(this.exec, this.options.clock, {
      tool: 'kubectl',
      args: [...this.cluster(['exec', pod, '-c', container, '-n', namespace]), '--', 'printenv', key],
      timeoutMs: this.timeoutMs(),
      quiet: true,
    });
    if (r.exitCode === 1 && /command terminated with exit code 1/.test(r.stderr)) return undefined;
    return ensureOk(r, `the pod may have been replaced: kubectl get pods -n ${namespace} --context ${this.context}`).stdout.trim();
  }

  /**
   * Runs a command in a container and returns its stdout ('' when it went to stdoutFile); throws CommandFailed when it exits
   * non-zero (kubectl passes the remote exit code on: "command terminated with exit code N").
   * `stdinFile` is streamed into the command (`-i`); `stdoutFile` receives its stdout byte for byte
   * instead of memory (a database dump). Not retried: a stream cannot be replayed.
   */
  async execIn(
    target: { pod: string; container: string; namespace: string },
    command: string[],
    options: { timeoutMs: number; why: string; remedy: string; stdinFile?: string; stdoutFile?: string; input?: string },
  ): Promise<string> {
    const { pod, container, namespace } = target;
    // -i only when something is sent: kubectl then streams stdin to the process and closes it at EOF.
    const flags = options.stdinFile === undefined && options.input === undefined ? [] : ['-i'];
    const r = await this.exec.run({
      tool: 'kubectl',
      args: [...this.cluster(['exec', ...flags, pod, '-c', container, '-n', namespace]), '--', ...command],
      timeoutMs: options.timeoutMs,
      why: options.why,
      stdinFile: options.stdinFile,
      stdoutFile: options.stdoutFile,
      input: options.input,
    });
    return ensureOk(r, options.remedy).stdout;
  }

  /**
   * Pod metrics from the metrics API. An API that is absent (NotFound: the APIService is not
   * registered), not serving (ServiceUnavailable: metrics-server not ready) or not readable by this
   * user (Forbidden) is a named outcome, `available: false` with kubectl's error; any other failure throws.
   */
  async podMetrics(namespace: string): Promise<{ available: boolean; items: KubeObject[]; error: string }> {
    const r = await this.read(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${namespace}/pods`]);
    if (r.exitCode !== 0 && METRICS_ABSENT.test(r.stderr)) return { available: false, items: [], error: r.stderr.trim() };
    ensureOk(r, `enable the metrics API: minikube addons enable metrics-server -p ${this.options.context}`);
    return { available: true, items: parseJson<{ items: KubeObject[] }>(r, 'pod metrics').items ?? [], error: '' };
  }

  /**
   * kubectl proxy on a free local port, in the background; resolves with its base URL once it
   * serves ("Starting to serve on <addr>", k8s.io/kubectl pkg/cmd/proxy/proxy.go). Through it the
   * API server's Service proxy (/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/…) sends each
   * request to a random Ready endpoint (REST.ResourceLocation, kubernetes
   * pkg/registry/core/service/storage/storage.go), where a port-forward pins one pod.
   */
  async proxy(timeoutMs: number): Promise<{ baseUrl: string; process: BackgroundProcess }> {
    const process = this.exec.start({
      tool: 'kubectl',
      args: this.cluster(['proxy', '--port=0']),
      why: "reach Services through the API server's proxy",
    });
    try {
      const match = await process.waitFor(/Starting to serve on (127\.0\.0\.1:\d+)/, timeoutMs);
      return { baseUrl: `http://${match[1]}`, process };
    } catch (error) {
      await process.stop();
      const why = error instanceof Error ? error.message : String(error);
      throw new CommandFailed(
        ['kubectl', 'proxy', '--port=0'],
        124,
        `${why} (waited ${Math.round(timeoutMs / 1000)} s)`,
        `run kubectl proxy --port=0 --context ${this.context} yourself to see why`,
      );
    }
  }

  /** kubectl port-forward in the background; resolves once it listens, with the local port. */
  async portForward(
    target: string,
    remotePort: number,
    namespace: string,
    timeoutMs: number,
    /** Listen on 127.0.0.1 only, on this port (0: any free one); the access runbook keeps its URLs across forwards. */
    localPort?: number,
  ): Promise<{ localPort: number; process: BackgroundProcess }> {
    const ports = localPort !== undefined ? [`${localPort || ''}:${remotePort}`, '--address', '127.0.0.1'] : [`:${remotePort}`];
    const process = this.exec.start({
      tool: 'kubectl',
      args: this.cluster(['port-forward', target, ...ports, '-n', namespace]),
      why: `reach ${target} from this machine`,
    });
    try {
      const match = await process.waitFor(/Forwarding from 127\.0\.0\.1:(\d+)/, timeoutMs);
      return { localPort: Number(match[1]), process };
    } catch (error) {
      await process.stop();
      // A known case, not a bug: the Service has no Ready pod yet, or a busy machine is slow.
      const argv = ['kubectl', 'port-forward', target, ...ports, '-n', namespace];
      const why = error instanceof Error ? error.message : String(error);
      throw new CommandFailed(
        argv,
        124,
        `${why} (waited ${Math.round(timeoutMs / 1000)} s)`,
        `check that ${target} has Ready pods: kubectl get endpoints ${target.replace(/^svc\//, '')} -n ${namespace} --context ${this.context}; on a busy machine run again, or raise --timeout`,
      );
    }
  }
}
