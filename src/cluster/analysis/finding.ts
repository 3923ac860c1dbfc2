// What an analyzer produces, and the small texts several analyzers put in their evidence.
import type { Condition } from '../kube-types.ts';

export type Severity = 'critical' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** kind/name, e.g. pod/todo-chatbot-backend-5d8c7b9f6d-abcde */
  object: string;
  /** The app.kubernetes.io/component label (frontend, backend, mcp, postgresql). */
  component?: string;
  /** CrashLoopBackOff, ErrImageNeverPull, OOMKilled, Unschedulable, ReadinessProbeFailed, NoEndpoints, HighMemory, … */
  reason: string;
  evidence: string;
  remedy: string;
  /** The container a pod finding is about: its logs are fetched by podLogTails. */
  container?: string;
  /** Restarts of that container; its previous run's logs are fetched when > 0. */
  restarts?: number;
}

/** A rule looks at one thing and returns what is wrong with it, or nothing. */
export type Rule<T> = (subject: T) => Finding | undefined;

/** The finding of the first rule that has one: rules are listed most telling first. */
export function firstFinding<T>(rules: ReadonlyArray<Rule<T>>, subject: T): Finding | undefined {
  for (const rule of rules) {
    const finding = rule(subject);
    if (finding) return finding;
  }
  return undefined;
}

export function condition(object: { status?: { conditions?: Condition[] } }, type: string): Condition | undefined {
  return (object.status?.conditions ?? []).find((c) => c.type === type);
}

const EXIT_MEANINGS: Record<number, string> = {
  1: 'the app failed',
  2: 'bad usage',
  126: 'command not executable',
  127: 'command not found in the image',
  137: 'killed with SIGKILL',
  139: 'segmentation fault',
  143: 'stopped with SIGTERM',
};

export function exitMeaning(code: number | undefined): string {
  return code !== undefined && EXIT_MEANINGS[code] ? ` (${EXIT_MEANINGS[code]})` : '';
}

export function timesRestarted(n: number): string {
  return `restarted ${n} time${n === 1 ? '' : 's'}`;
}

export function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}
