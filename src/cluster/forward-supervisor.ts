// A kubectl port-forward that outlives its pod. `kubectl port-forward svc/x` resolves the Service to
// ONE pod when it starts (AttachablePodForObjectFn in kubectl's pkg/polymorphichelpers: the most
// active pod, sort.Reverse(podutils.ActivePods)) and forwards to that pod only; when the pod goes,
// the stream connection closes and kubectl exits with "error: lost connection to pod" (forward() in
// client-go tools/portforward/portforward.go returns ErrLostConnectionToPod), even while the Service
// has other pods. So this picks the pod the same way, names it, and when its forward ends starts a
// new one to the next Ready pod on the SAME local port, so the URL the user opened keeps working.
// kubectl exits 0 only when interrupted (SIGINT closes its stop channel: RunPortForwardContext in
// pkg/cmd/portforward/portforward.go); that is the user's Ctrl-C reaching it too, not a lost pod.
import type { RunbookContext } from '../runbook.ts';
import type { BackgroundProcess } from '../exec.ts';
import type { KubeObject } from '../tools/kubectl.ts';
import { lastLine } from '../errors.ts';
import { podState } from './pods.ts';
import { componentSelector } from './labels.ts';
import { formatDuration } from '../clock.ts';
import { probeHttp } from './smoke.ts';

export interface ForwardTarget {
  component: string;
  /** A cheap GET the heartbeat sends through the forward (see probe()). */
  healthPath: string;
  /** The Service's name and port, as `kubectl port-forward svc/<service> <local>:<port>` takes them. */
  service: string;
  servicePort: number;
  /** 0: any free port, kept for every later forward. */
  localPort: number;
}

export interface Reconnect {
  lostPod: string;
  lostAt: number;
  why: string;
  newPod: string;
  backAt: number;
}

const POLL_MS = 1000;
const START_TIMEOUT_MS = 30_000;

/**
 * Sleeps `ms` on the run's clock. A simulated clock jumps to the next wake-up at once, while the
 * stand-in kubectl port-forward notices its pod's end by looking in real time: a quarter of the
 * time in real milliseconds keeps the virtual clock from outrunning it (at most 4× real time).
 */
export async function paced(ctx: RunbookContext, ms: number): Promise<void> {
  await Promise.all([ctx.clock.sleep(ms), ctx.simulation ? new Promise((r) => setTimeout(r, ms / 4)) : undefined]);
}

/** The Ready pod kubectl would choose: Ready longest, then fewest restarts, then the oldest. */
export function choosePod(pods: KubeObject[]): KubeObject | undefined {
  const ready = pods
    .map((pod) => ({ pod, state: podState(pod) }))
    .filter(({ state }) => state.ready && state.phase === 'Running' && !state.deleting);
  ready.sort(
    (a, b) =>
      (a.state.readyAt ?? 0) - (b.state.readyAt ?? 0) || a.state.restarts - b.state.restarts || a.state.createdAt - b.state.createdAt,
  );
  return ready[0]?.pod;
}

/** The container port a Service port sends to: its targetPort, by number or by the container port's name. */
export function targetPort(service: KubeObject, servicePort: number, pod: KubeObject): number | undefined {
  const port = (service.spec?.ports ?? []).find((p: { port: number }) => p.port === servicePort);
  if (!port) return undefined;
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  const named = (pod.spec?.containers ?? []).flatMap((c: { ports?: Array<{ name?: string; containerPort: number }> }) => c.ports ?? []);
  return named.find((p: { name?: string }) => p.name === target)?.containerPort;
}

export class SupervisedForward {
  pod = '';
  localPort: number;
  readonly reconnects: Reconnect[] = [];
  /** Set when the forward could not be re-established (no Ready pod within the bound). */
  failure: string | undefined;
  /** Set when kubectl itself was interrupted (the terminal's Ctrl-C reached it). */
  interrupted = false;
  private process: BackgroundProcess | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly ctx: RunbookContext,
    readonly target: ForwardTarget,
    private readonly reconnectMs: number,
  ) {
    this.localPort = target.localPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.localPort}`;
  }

  /** The first forward; throws when no Ready pod comes within the bound or kubectl cannot listen. */
  async open(): Promise<void> {
    await this.connect(this.ctx.clock.now() + this.reconnectMs);
    this.loop = this.supervise();
  }

  /** Ends the forward (kubectl gets SIGTERM) and the supervision; the pods are not touched. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.process?.stop();
    await this.loop;
  }

  /**
   * One request through the forward. A kubectl whose pod is gone may sit idle until a connection
   * comes (its error is raised while forwarding one: "an error occurred forwarding … lost connection
   * to pod"), so the heartbeat sends one, and a dead forward ends and is replaced before the user's
   * next click finds it. The answer itself does not matter here.
   */
  async probe(): Promise<void> {
    if (this.stopping || !this.process) return;
    await probeHttp(`${this.url}${this.target.healthPath}`, 3000);
  }

  /** Resolves once the forward has been re-established `count` times, failed, or the bound passed. */
  async waitForReconnect(count: number, boundMs: number): Promise<boolean> {
    const deadline = this.ctx.clock.now() + boundMs;
    while (this.reconnects.length < count && !this.failure && this.ctx.clock.now() < deadline) {
      await this.probe();
      await paced(this.ctx, POLL_MS);
    }
    return this.reconnects.length >= count;
  }

  private async connect(deadlineAt: number): Promise<void> {
    const { kubectl } = this.ctx.tools;
    const ns = this.ctx.settings.namespace;
    let lastProblem = 'no Ready pod';
    for (;;) {
      if (this.stopping) return;
      const service = await kubectl.get('service', this.target.service, ns).catch(() => undefined);
      const pods = await kubectl.list('pods', ns, componentSelector(this.ctx.settings.release, this.target.component)).catch(() => []);
      const pod = choosePod(pods);
      const remote = service && pod ? targetPort(service, this.target.servicePort, pod) : undefined;
      if (!service) lastProblem = `service ${this.target.service} not found`;
      else if (pod && remote === undefined) lastProblem = `service ${this.target.service} has no port ${this.target.servicePort}`;
      if (pod && remote !== undefined) {
        try {
          const opened = await kubectl.portForward(`pod/${pod.metadata.name}`, remote, ns, START_TIMEOUT_MS, this.localPort);
          this.process = opened.process;
          this.localPort = opened.localPort;
          this.pod = pod.metadata.name;
          return;
        } catch (error) {
          lastProblem = error instanceof Error ? lastLine(error.message) : String(error);
        }
      }
      if (this.ctx.clock.now() >= deadlineAt)
        throw new Error(`${this.target.component}: no forward within ${formatDuration(this.reconnectMs)}: ${lastProblem}`);
      await paced(this.ctx, POLL_MS);
    }
  }

  private async supervise(): Promise<void> {
    while (!this.stopping && this.process) {
      const end = await this.process.exited;
      if (this.stopping) return;
      if (end.exitCode === 0) {
        this.interrupted = true;
        return;
      }
      const lost = { lostPod: this.pod, lostAt: this.ctx.clock.now(), why: lastLine(end.stderrTail) || `exit ${end.exitCode}` };
      this.ctx.note(
        `${this.target.component}: the forward to pod ${lost.lostPod} ended (${lost.why}); waiting for another Ready pod`,
        'warn',
      );
      try {
        await this.connect(lost.lostAt + this.reconnectMs);
      } catch (error) {
        this.failure = error instanceof Error ? error.message : String(error);
        this.ctx.note(this.failure, 'warn');
        return;
      }
      if (this.stopping) return;
      const reconnect = { ...lost, newPod: this.pod, backAt: this.ctx.clock.now() };
      this.reconnects.push(reconnect);
      this.ctx.note(
        `${this.target.component}: forward re-established to pod ${this.pod} on ${this.url} after ${formatDuration(reconnect.backAt - reconnect.lostAt)}`,
      );
    }
  }
}
