// Pod readiness as Kubernetes itself records it. Times to Ready come from the pods' own
// timestamps (creation and the Ready condition's lastTransitionTime), which have one-second
// precision; the observation window of the polling loop narrows that where it can.
import type { KubeObject } from '../tools/kubectl.ts';
import type { RunbookContext } from '../runbook.ts';
import { pollDelay } from '../clock.ts';

export interface PodState {
  name: string;
  component: string;
  phase: string;
  ready: boolean;
  createdAt: number;
  /** When the Ready condition last became True (ms), if it is True. */
  readyAt?: number;
  /** The first waiting or terminated reason of a container that is not ready. */
  reason?: string;
  message?: string;
  restarts: number;
  deleting: boolean;
}

const FATAL_REASONS = new Set(['ErrImageNeverPull', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'OOMKilled', 'Unschedulable']);

export function podState(pod: KubeObject): PodState {
  const conditions: Array<{ type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }> = pod.status?.conditions ?? [];
  const readyCondition = conditions.find((c) => c.type === 'Ready');
  const scheduled = conditions.find((c) => c.type === 'PodScheduled');
  const statuses: any[] = pod.status?.containerStatuses ?? [];
  let reason: string | undefined;
  let message: string | undefined;
  for (const s of statuses) {
    if (s.ready) continue;
    const waiting = s.state?.waiting;
    const terminated = s.state?.terminated ?? s.lastState?.terminated;
    if (waiting?.reason) {
      reason = waiting.reason === 'CrashLoopBackOff' && s.lastState?.terminated?.reason === 'OOMKilled' ? 'OOMKilled' : waiting.reason;
      message = waiting.message;
      break;
    }
    if (terminated?.reason) {
      reason = terminated.reason;
      message = `exit code ${terminated.exitCode}`;
      break;
    }
  }
  if (!reason && scheduled?.status === 'False') {
    reason = scheduled.reason ?? 'Unschedulable';
    message = scheduled.message;
  }
  const ready = readyCondition?.status === 'True';
  return {
    name: pod.metadata.name,
    component: pod.metadata.labels?.['app.kubernetes.io/component'] ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready,
    createdAt: Date.parse(pod.metadata.creationTimestamp ?? '') || 0,
    readyAt: ready && readyCondition?.lastTransitionTime ? Date.parse(readyCondition.lastTransitionTime) : undefined,
    reason,
    message,
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    deleting: Boolean(pod.metadata.deletionTimestamp),
  };
}

export function isFatal(state: PodState): boolean {
  return state.reason !== undefined && FATAL_REASONS.has(state.reason);
}

export interface ReadyObservation {
  pods: PodState[];
  allReady: boolean;
  /** For each pod: when the last poll that saw it not Ready started, and when the first poll that saw it Ready returned (clock ms). */
  window: Map<string, { lastNotReady?: number; firstReady?: number }>;
  /** A pod showed a reason that will not fix itself (ErrImageNeverPull, CrashLoopBackOff…). */
  fatal?: PodState;
  timedOut: boolean;
}

export interface WaitOptions {
  selector: string;
  deadlineMs: number;
  /** How many pods must be Ready (e.g. the sum of the replicas). */
  expected?: number;
  pollMs?: number;
  /** Stop early when a pod shows a fatal reason. */
  stopOnFatal?: boolean;
  /** Ignore pods created before this time (e.g. the old pods of a drill). */
  createdAfter?: number;
}

/** Polls the pods until all are Ready, a deadline passes, or (optionally) one shows a fatal reason. */
export async function watchPodsReady(ctx: RunbookContext, options: WaitOptions): Promise<ReadyObservation> {
  const { kubectl } = ctx.tools;
  const poll = options.pollMs ?? 1000;
  const window = new Map<string, { lastNotReady?: number; firstReady?: number }>();
  const deadline = ctx.clock.now() + options.deadlineMs;
  let pods: PodState[] = [];
  for (;;) {
    const polledAt = ctx.clock.now();
    pods = (await kubectl.list('pods', ctx.settings.namespace, options.selector)).map(podState).filter((p) => !p.deleting && (options.createdAfter === undefined || p.createdAt >= options.createdAfter - 1000));
    // The API read the pods somewhere between the call's start and its return: a pod seen not
    // Ready became Ready after polledAt; one seen Ready became Ready before answeredAt (not polledAt).
    const answeredAt = ctx.clock.now();
    for (const p of pods) {
      const w = window.get(p.name) ?? {};
      if (p.ready) w.firstReady ??= answeredAt;
      else w.lastNotReady = polledAt;
      window.set(p.name, w);
    }
    const allReady = pods.length > 0 && pods.every((p) => p.ready) && (options.expected === undefined || pods.length >= options.expected);
    if (allReady) return { pods, allReady, window, timedOut: false };
    const fatal = pods.find(isFatal);
    if (fatal && options.stopOnFatal) return { pods, allReady: false, window, fatal, timedOut: false };
    if (ctx.clock.now() >= deadline) return { pods, allReady: false, window, fatal, timedOut: true };
    await ctx.clock.sleep(pollDelay(ctx.clock, poll));
  }
}

/**
 * The best estimate of when a pod became Ready. The condition timestamp is truncated to the
 * second, so the true moment lies in [ts, ts + 1 s); the polls that saw it not Ready and then
 * Ready bound it too. The midpoint of the intersection is within half its width of the truth.
 */
export function estimateReadyAt(state: PodState, window?: { lastNotReady?: number; firstReady?: number }): number | undefined {
  if (state.readyAt === undefined) return undefined;
  let low = state.readyAt;
  let high = state.readyAt + 1000;
  if (window?.lastNotReady !== undefined) low = Math.max(low, window.lastNotReady);
  if (window?.firstReady !== undefined) high = Math.min(high, window.firstReady);
  if (high < low) return state.readyAt + 500; // clocks disagree: fall back to the timestamp's midpoint
  return (low + high) / 2;
}
