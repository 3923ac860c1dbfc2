// Pod readiness as Kubernetes itself records it: one pod's phase, Ready condition (with its
// second-precision lastTransitionTime), the reason a container is not ready, and whether that
// reason will not fix itself. The watcher that polls pods and narrows the Ready instant is
// watch.ts.
import type { KubeObject } from '../tools/kubectl.ts';
import { COMPONENT_LABEL } from './labels.ts';

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

const FATAL_REASONS = new Set([
  'ErrImageNeverPull',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'OOMKilled',
  'Unschedulable',
]);

export function podState(pod: KubeObject): PodState {
  const conditions: Array<{ type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }> =
    pod.status?.conditions ?? [];
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
    component: pod.metadata.labels?.[COMPONENT_LABEL] ?? '',
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
