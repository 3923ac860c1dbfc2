// The pod watcher of every wait on pods (03's install, the drills of 04 and 05): it polls the
// pods, keeps for each one the observation window of its Ready transition, and turns that window
// and the pod's own second-precision timestamp into an estimated Ready instant (timing.ts).
import type { Clock } from '../clock.ts';
import type { KubeObject, Kubectl } from '../tools/kubectl.ts';
import { isFatal, podState, type PodState } from './pods.ts';
import { estimateInstant, floorSecond, type Instant } from './timing.ts';

/** When the polls bracket a pod's Ready transition (this runbook's clock). */
export interface PollWindow {
  /** Start of the last poll that saw the pod not (yet) Ready. */
  lastNotReady?: number;
  /** Return of the first poll that saw it Ready (since it was last seen not Ready). */
  firstReady?: number;
}

export interface WatchedPod {
  state: PodState;
  /** Every container is running (a not-Ready pod is then waiting for its readiness probe). */
  running: boolean;
  ip?: string;
  /** pod-template-hash: which ReplicaSet (and so which pod template) the pod belongs to. */
  templateHash?: string;
  window: PollWindow;
  /** The Ready instant, when the pod counts as Ready. */
  ready?: Instant;
}

/** The poll interval once a wait is late (WatchOptions.lateAt). */
export const LATE_POLL_MS = 5000;

export interface WatchOptions {
  namespace: string;
  selector: string;
  /** How many Ready pods each component must reach. */
  expected: Record<string, number>;
  /** Absolute clock time at which to give up. */
  deadlineAt: number;
  pollMs?: number;
  /**
   * From this absolute clock time on, poll every LATE_POLL_MS only: the target is missed by then
   * (or, for a precondition, nothing is being timed), so a fine window is worth no more API calls.
   * A Ready instant still comes from the pod's own second-precision timestamp (± 0.5 s at worst).
   */
  lateAt?: number;
  /** Pods that do not count (the ones a drill deleted). */
  exclude?: ReadonlySet<string>;
  /** A Ready transition before this instant does not count (pods coming back after a restart, replacements); it also bounds the estimate. */
  readyAfter?: number;
  /** Stop early when a pod shows a reason that will not fix itself. */
  stopOnFatal?: boolean;
  /** Only pods of this ReplicaSet template count (the pods of a rollout). */
  templateHash?: Record<string, string>;
}

export interface WatchResult {
  pods: WatchedPod[];
  done: boolean;
  timedOut: boolean;
  fatal?: PodState;
  /** The last error of a poll that failed even after the tool layer's retries. */
  lastError?: string;
  failedPolls: number;
  polls: number;
  finishedAt: number;
}

export interface WatchDeps {
  kubectl: Pick<Kubectl, 'list'>;
  clock: Clock;
}

export function podIp(pod: KubeObject): string | undefined {
  return pod.status?.podIP || undefined;
}

export function countsAsReady(pod: WatchedPod, options: Pick<WatchOptions, 'readyAfter'>): boolean {
  const s = pod.state;
  if (!s.ready || s.deleting || s.readyAt === undefined) return false;
  return options.readyAfter === undefined || s.readyAt >= floorSecond(options.readyAfter);
}

/** Is a watch complete: every component has its expected number of Ready pods? */
export function watchComplete(pods: WatchedPod[], options: Pick<WatchOptions, 'expected' | 'readyAfter'>): boolean {
  return Object.entries(options.expected).every(
    ([component, n]) => pods.filter((p) => p.state.component === component && countsAsReady(p, options)).length >= n,
  );
}

/**
 * Polls the pods until every component has its expected Ready pods, the deadline passes, or
 * (optionally) a pod shows a fatal reason. A failed poll (API errors that outlived the tool's
 * retries) is recorded and the watch goes on: the deadline bounds it.
 */
export async function watchReady(deps: WatchDeps, options: WatchOptions): Promise<WatchResult> {
  const { kubectl, clock } = deps;
  const pollMs = options.pollMs ?? 500;
  const windows = new Map<string, PollWindow>();
  const components = new Set(Object.keys(options.expected));
  let pods: WatchedPod[] = [];
  let polls = 0;
  let failedPolls = 0;
  let lastError: string | undefined;
  for (;;) {
    const polledAt = clock.now();
    let listed: KubeObject[] | undefined;
    try {
      listed = await kubectl.list('pods', options.namespace, options.selector);
    } catch (error) {
      failedPolls++;
      lastError = error instanceof Error ? error.message : String(error);
    }
    const answeredAt = clock.now();
    polls++;
    if (listed) {
      pods = [];
      for (const raw of listed) {
        const state = podState(raw);
        if (!components.has(state.component) || options.exclude?.has(state.name) || state.deleting) continue;
        const templateHash = raw.metadata.labels?.['pod-template-hash'];
        if (options.templateHash?.[state.component] && templateHash !== options.templateHash[state.component]) continue;
        const window = windows.get(state.name) ?? {};
        const running =
          (raw.status?.containerStatuses ?? []).length > 0 && (raw.status?.containerStatuses ?? []).every((c: any) => c.state?.running);
        const pod: WatchedPod = { state, running, ip: podIp(raw), templateHash, window };
        if (countsAsReady(pod, options)) window.firstReady ??= answeredAt;
        else {
          // Seen not Ready (again): any earlier Ready observation belongs to an older transition.
          window.lastNotReady = polledAt;
          delete window.firstReady;
        }
        windows.set(state.name, window);
        if (countsAsReady(pod, options)) {
          const notBefore = Math.max(window.lastNotReady ?? -Infinity, options.readyAfter ?? -Infinity);
          pod.ready = estimateInstant(state.readyAt, {
            notBefore: Number.isFinite(notBefore) ? notBefore : undefined,
            notAfter: window.firstReady,
          });
        }
        pods.push(pod);
      }
      if (watchComplete(pods, options)) return { pods, done: true, timedOut: false, lastError, failedPolls, polls, finishedAt: answeredAt };
      const fatal = pods.map((p) => p.state).find(isFatal);
      if (fatal && options.stopOnFatal)
        return { pods, done: false, timedOut: false, fatal, lastError, failedPolls, polls, finishedAt: answeredAt };
    }
    if (clock.now() >= options.deadlineAt) {
      return {
        pods,
        done: false,
        timedOut: true,
        fatal: pods.map((p) => p.state).find(isFatal),
        lastError,
        failedPolls,
        polls,
        finishedAt: clock.now(),
      };
    }
    const interval = options.lateAt !== undefined && clock.now() >= options.lateAt ? Math.max(pollMs, LATE_POLL_MS) : pollMs;
    await clock.sleep(Math.min(interval, Math.max(0, options.deadlineAt - clock.now())));
  }
}

/** The pods that count for a component, Ready ones first by Ready time. */
export function readyPods(result: WatchResult, component: string, readyAfter?: number): WatchedPod[] {
  return result.pods
    .filter((p) => p.state.component === component && countsAsReady(p, { readyAfter }) && p.ready)
    .sort((a, b) => a.ready!.at - b.ready!.at);
}

/**
 * Why a pod is not Ready, in one line. A running container's reason is its last termination
 * (e.g. "Unknown, exit code 255" after a node restart): history, not why it is not Ready now.
 */
export function notReadyReason(state: PodState, running = false): string {
  if (running || (!state.reason && state.phase === 'Running'))
    return `running, readiness probe not passing yet${state.reason && running ? ` (last exit: ${state.reason}, ${state.message ?? ''})` : ''}`;
  if (state.reason) return `${state.reason}${state.message ? `: ${state.message}` : ''}`;
  return state.phase;
}

/** One line on what a watch that did not complete saw, per component. */
export function shortfall(result: WatchResult, expected: Record<string, number>, readyAfter?: number): string {
  const parts: string[] = [];
  for (const [component, n] of Object.entries(expected)) {
    const mine = result.pods.filter((p) => p.state.component === component);
    const ready = mine.filter((p) => countsAsReady(p, { readyAfter })).length;
    if (ready >= n) continue;
    const waiting = mine
      .filter((p) => !countsAsReady(p, { readyAfter }))
      .map((p) => `${p.state.name} ${notReadyReason(p.state, p.running)}`);
    parts.push(`${component} ${ready}/${n} Ready${waiting.length ? ` (${waiting.join('; ')})` : ''}`);
  }
  if (result.lastError && result.failedPolls)
    parts.push(`${result.failedPolls} of ${result.polls} polls failed, last: ${result.lastError}`);
  return parts.join('; ') || 'all Ready';
}

// ---------------------------------------------------------------------------------------------
// Replacements

/** Pods present now that were not present before: the replacements. */
export function newPods<T extends { name: string }>(before: Iterable<string>, after: T[]): T[] {
  const old = new Set(before);
  return after.filter((p) => !old.has(p.name));
}

/** Counts of live (not terminating) pods per component. */
export function countByComponent(pods: PodState[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pods) if (!p.deleting) out[p.component] = (out[p.component] ?? 0) + 1;
  return out;
}
