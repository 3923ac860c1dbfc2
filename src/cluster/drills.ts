// Shared by the drills of runbooks 04 (restart, replacement) and 05 (scaling, self-healing,
// Helm overrides, rollback): a pod watcher that keeps the observation window of every pod, the
// timing estimate, Service endpoint coverage, value proofs, the todo the drills write and read
// back, and the diagnosis a failed drill attaches to its report.
//
// How a drill is timed (docs/runbooks/04-restart-test.md, "How the times are measured"):
// - The start is the runbook's own clock, read right before it issues the mutating command
//   (kubectl delete / scale, minikube start). It is exact in that clock.
// - The end is the pod's Ready condition, whose lastTransitionTime is truncated to the second:
//   the true instant lies in [ts, ts + 1 s). The polls narrow it: the poll that last saw the pod
//   not Ready started before it, the poll that first saw it Ready returned after it. The midpoint
//   of that intersection is within half its width (never more than 0.5 s) of the truth.
// - The API's own record of the mutation (a deletionTimestamp, a replacement's
//   creationTimestamp) is second-precision; it is checked to fall inside the command's window,
//   which shows the two clocks agree, rather than used as the start.
import { isDeepStrictEqual } from 'node:util';
import type { Clock } from '../clock.ts';
import { formatDuration, pollDelay } from '../clock.ts';
import { parseDuration } from '../config.ts';
import { UsageError } from '../errors.ts';
import type { KubeObject, Kubectl } from '../tools/kubectl.ts';
import type { ReleaseStatus } from '../tools/helm.ts';
import type { RunbookContext } from '../runbook.ts';
import { requirePrerequisite } from '../prereqs.ts';
import { registerSecret } from '../redact.ts';
import { isFatal, podState, type PodState } from './pods.ts';
import { collectSnapshot } from './snapshot.ts';
import { establishAccess, type Access } from './access.ts';
import { analyze, podLogTails, type Finding } from './analyzers.ts';

/** The stateless parts of the app; PostgreSQL keeps the data and is never deleted by a drill. */
export const APP_COMPONENTS = ['frontend', 'backend', 'mcp'] as const;
export type AppComponent = (typeof APP_COMPONENTS)[number];

export const COMPONENT_LABEL = 'app.kubernetes.io/component';

export function releaseSelector(release: string): string {
  return `app.kubernetes.io/instance=${release}`;
}

/** Every pod of the three app components, and none of PostgreSQL's (set-based selector). */
export function appPodsSelector(release: string): string {
  return `${releaseSelector(release)},${COMPONENT_LABEL} in (${APP_COMPONENTS.join(',')})`;
}

export function componentSelector(release: string, component: string): string {
  return `${releaseSelector(release)},${COMPONENT_LABEL}=${component}`;
}

// ---------------------------------------------------------------------------------------------
// Time

/** An instant known to lie in [low, high]; `at` is the midpoint, so |at − truth| ≤ (high − low) / 2. */
export interface Instant {
  at: number;
  low: number;
  high: number;
  /** The timestamp and the clock bounds did not overlap: the clocks disagree (skew). */
  skew?: boolean;
}

const SECOND = 1000;

export function floorSecond(ms: number): number {
  return Math.floor(ms / SECOND) * SECOND;
}

/**
 * Intersects a second-precision API timestamp (the truth is in [stamp, stamp + 1 s)) with bounds
 * from this runbook's clock. Without a stamp, the clock bounds alone (both needed).
 */
export function estimateInstant(stampMs: number | undefined, bounds: { notBefore?: number; notAfter?: number } = {}): Instant | undefined {
  if (stampMs === undefined || Number.isNaN(stampMs)) {
    if (bounds.notBefore === undefined || bounds.notAfter === undefined) return undefined;
    return { at: (bounds.notBefore + bounds.notAfter) / 2, low: bounds.notBefore, high: bounds.notAfter };
  }
  const low = Math.max(stampMs, bounds.notBefore ?? -Infinity);
  const high = Math.min(stampMs + SECOND, bounds.notAfter ?? Infinity);
  if (high < low) return { at: stampMs + SECOND / 2, low: stampMs, high: stampMs + SECOND, skew: true };
  return { at: (low + high) / 2, low, high };
}

/** A drill interval: from an exact start (this runbook's clock) to an estimated end. */
export interface Timing {
  startAt: number;
  endAt: number;
  ms: number;
  /** The most the figure can be off: half the end's uncertainty window. */
  errorMs: number;
}

export function timing(startAt: number, end: Instant): Timing {
  return { startAt, endAt: end.at, ms: end.at - startAt, errorMs: (end.high - end.low) / 2 };
}

/**
 * Where a drill's clock starts after a mutating command (kubectl delete, kubectl scale): the
 * latest instant by which the API server provably had made the change. That is when the command
 * returned, unless a pod the change created carries a creationTimestamp whose second ended
 * earlier (a slow command exit): then the end of that second. The instant is exact in this
 * runbook's clock, never after the change took effect, and at most 1 s after it.
 */
export function changeInstant(issuedAt: number, returnedAt: number, createdStamps: number[]): { at: number; basis: string } {
  const stamps = createdStamps.filter((s) => Number.isFinite(s));
  const earliest = stamps.length ? Math.min(...stamps) + SECOND : Infinity;
  if (earliest < returnedAt && earliest > issuedAt) {
    return { at: earliest, basis: `the end of the second the API stamped on the first new pod (${new Date(earliest - SECOND).toISOString()}); the command returned ${formatDuration(returnedAt - earliest)} later` };
  }
  return { at: returnedAt, basis: 'when the command returned (the API had accepted the change)' };
}

/** "7.3 s (± 0.2 s)" */
export function formatTiming(t: Timing): string {
  return `${formatDuration(t.ms)} (± ${(t.errorMs / 1000).toFixed(1)} s)`;
}

/** The deadline of a wait whose target is `targetMs`: long enough to report how late a slow pod was, still bounded. */
export function deadlineFor(targetMs: number): number {
  return Math.max(targetMs * 1.5, targetMs + 20_000);
}

/** A target given as a flag: 10, 10s, 1.5s, 1m; else the default. Bad input is a usage error (exit 2). */
export function parseTarget(raw: string | boolean | undefined, flag: string, fallbackMs: number): number {
  if (raw === undefined) return fallbackMs;
  if (typeof raw !== 'string') throw new UsageError(`--${flag} needs a value`, `e.g. --${flag} 10s`);
  return parseDuration(raw, `--${flag}`);
}

// ---------------------------------------------------------------------------------------------
// Watching pods

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

export interface WatchOptions {
  namespace: string;
  selector: string;
  /** How many Ready pods each component must reach. */
  expected: Record<string, number>;
  /** Absolute clock time at which to give up. */
  deadlineAt: number;
  pollMs?: number;
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

function counts(pod: WatchedPod, options: Pick<WatchOptions, 'readyAfter'>): boolean {
  const s = pod.state;
  if (!s.ready || s.deleting || s.readyAt === undefined) return false;
  return options.readyAfter === undefined || s.readyAt >= floorSecond(options.readyAfter);
}

/** Is a watch complete: every component has its expected number of Ready pods? */
export function watchComplete(pods: WatchedPod[], options: Pick<WatchOptions, 'expected' | 'readyAfter'>): boolean {
  return Object.entries(options.expected).every(([component, n]) => pods.filter((p) => p.state.component === component && counts(p, options)).length >= n);
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
        const running = (raw.status?.containerStatuses ?? []).length > 0 && (raw.status?.containerStatuses ?? []).every((c: any) => c.state?.running);
        const pod: WatchedPod = { state, running, ip: podIp(raw), templateHash, window };
        if (counts(pod, options)) window.firstReady ??= answeredAt;
        else {
          // Seen not Ready (again): any earlier Ready observation belongs to an older transition.
          window.lastNotReady = polledAt;
          delete window.firstReady;
        }
        windows.set(state.name, window);
        if (counts(pod, options)) {
          const notBefore = Math.max(window.lastNotReady ?? -Infinity, options.readyAfter ?? -Infinity);
          pod.ready = estimateInstant(state.readyAt, { notBefore: Number.isFinite(notBefore) ? notBefore : undefined, notAfter: window.firstReady });
        }
        pods.push(pod);
      }
      if (watchComplete(pods, options)) return { pods, done: true, timedOut: false, lastError, failedPolls, polls, finishedAt: answeredAt };
      const fatal = pods.map((p) => p.state).find(isFatal);
      if (fatal && options.stopOnFatal) return { pods, done: false, timedOut: false, fatal, lastError, failedPolls, polls, finishedAt: answeredAt };
    }
    if (clock.now() >= options.deadlineAt) {
      return { pods, done: false, timedOut: true, fatal: pods.map((p) => p.state).find(isFatal), lastError, failedPolls, polls, finishedAt: clock.now() };
    }
    await clock.sleep(Math.min(pollDelay(clock, pollMs), Math.max(0, options.deadlineAt - clock.now())));
  }
}

/** The pods that count for a component, Ready ones first by Ready time. */
export function readyPods(result: WatchResult, component: string, readyAfter?: number): WatchedPod[] {
  return result.pods
    .filter((p) => p.state.component === component && counts(p, { readyAfter }) && p.ready)
    .sort((a, b) => a.ready!.at - b.ready!.at);
}

/**
 * Why a pod is not Ready, in one line. A running container's reason is its last termination
 * (e.g. "Unknown, exit code 255" after a node restart): history, not why it is not Ready now.
 */
export function notReadyReason(state: PodState, running = false): string {
  if (running || (!state.reason && state.phase === 'Running')) return `running, readiness probe not passing yet${state.reason && running ? ` (last exit: ${state.reason}, ${state.message ?? ''})` : ''}`;
  if (state.reason) return `${state.reason}${state.message ? `: ${state.message}` : ''}`;
  return state.phase;
}

/** One line on what a watch that did not complete saw, per component. */
export function shortfall(result: WatchResult, expected: Record<string, number>, readyAfter?: number): string {
  const parts: string[] = [];
  for (const [component, n] of Object.entries(expected)) {
    const mine = result.pods.filter((p) => p.state.component === component);
    const ready = mine.filter((p) => counts(p, { readyAfter })).length;
    if (ready >= n) continue;
    const waiting = mine.filter((p) => !counts(p, { readyAfter })).map((p) => `${p.state.name} ${notReadyReason(p.state, p.running)}`);
    parts.push(`${component} ${ready}/${n} Ready${waiting.length ? ` (${waiting.join('; ')})` : ''}`);
  }
  if (result.lastError && result.failedPolls) parts.push(`${result.failedPolls} of ${result.polls} polls failed, last: ${result.lastError}`);
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

// ---------------------------------------------------------------------------------------------
// Services

export interface EndpointCoverage {
  ok: boolean;
  /** Ready addresses in the Endpoints object. */
  addresses: string[];
  /** Ready pods whose IP is not among the addresses. */
  missing: string[];
  /** Addresses that belong to no Ready pod. */
  unexpected: string[];
  notReadyAddresses: string[];
}

/** Does a Service's Endpoints object list exactly the Ready pods' IPs? */
export function endpointCoverage(endpoints: KubeObject | undefined, ready: Array<{ name: string; ip?: string }>): EndpointCoverage {
  const subsets: Array<{ addresses?: Array<{ ip: string }>; notReadyAddresses?: Array<{ ip: string }> }> = (endpoints as any)?.subsets ?? [];
  const addresses = [...new Set(subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip)))].sort();
  const notReadyAddresses = [...new Set(subsets.flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip)))].sort();
  const ips = new Set(ready.map((p) => p.ip).filter(Boolean));
  const missing = ready.filter((p) => !p.ip || !addresses.includes(p.ip)).map((p) => p.name);
  const unexpected = addresses.filter((ip) => !ips.has(ip));
  return { ok: endpoints !== undefined && missing.length === 0 && unexpected.length === 0 && ready.length > 0, addresses, missing, unexpected, notReadyAddresses };
}

export function describeCoverage(c: EndpointCoverage, readyCount: number): string {
  if (c.ok) return `${c.addresses.length} address(es) = the ${readyCount} Ready pod IP(s): ${c.addresses.join(', ')}`;
  const parts = [`addresses [${c.addresses.join(', ')}] for ${readyCount} Ready pod(s)`];
  if (c.missing.length) parts.push(`missing ${c.missing.join(', ')}`);
  if (c.unexpected.length) parts.push(`not a Ready pod: ${c.unexpected.join(', ')}`);
  if (c.notReadyAddresses.length) parts.push(`notReady: ${c.notReadyAddresses.join(', ')}`);
  return parts.join('; ');
}

// ---------------------------------------------------------------------------------------------
// Values and their proof in the running pods

/** values['a.b.c'] for a dotted Helm value path. */
export function valueAt(values: unknown, path: string): unknown {
  let node: unknown = values;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes quantity in bytes (memory) or cores (cpu: "500m" = 0.5). */
export function quantity(raw: string | number | undefined): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'number') return raw;
  const match = /^([0-9.]+(?:e[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.exec(String(raw).trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? '';
  if (unit === 'm') return value / 1000;
  return value * (BINARY[unit] ?? DECIMAL[unit] ?? NaN);
}

/** 1Gi equals 1024Mi; unparseable quantities compare as text. */
export function sameQuantity(a: string | number | undefined, b: string | number | undefined): boolean {
  const x = quantity(a);
  const y = quantity(b);
  return x !== undefined && y !== undefined ? Math.abs(x - y) < 1e-9 : String(a) === String(b);
}

export function containerOf(pod: KubeObject, name: string): any {
  const containers: any[] = pod.spec?.containers ?? [];
  return containers.find((c) => c.name === name) ?? containers[0];
}

export function memoryLimit(pod: KubeObject, container: string): string | undefined {
  return containerOf(pod, container)?.resources?.limits?.memory;
}

export interface Proof {
  what: string;
  expected: string;
  measured: string;
  pass: boolean;
}

/** Every pod shows the same memory limit in its spec. */
export function proveMemoryLimit(pods: KubeObject[], container: string, expected: string): Proof {
  const seen = pods.map((p) => `${p.metadata.name}: ${memoryLimit(p, container) ?? 'no limit'}`);
  const pass = pods.length > 0 && pods.every((p) => sameQuantity(memoryLimit(p, container), expected));
  return { what: `${container} memory limit in the pod spec`, expected: `limits.memory ${expected} in every running pod`, measured: pods.length ? seen.join(', ') : 'no running pod', pass };
}

/** The value the containers see (printenv), with the ConfigMap and a completed rollout as the second witness. */
export function proveEnv(key: string, expected: string, observed: { configMap?: string; printenv: Array<{ pod: string; value?: string }>; rolledOut: boolean }): Proof {
  const inPods = observed.printenv.filter((p) => p.value !== undefined);
  const podsAgree = inPods.length > 0 && inPods.every((p) => p.value === expected);
  const viaConfig = observed.configMap === expected && observed.rolledOut;
  // printenv is the direct proof; without it (exec refused), the ConfigMap plus a completed rollout of pods that read it.
  const pass = inPods.length ? podsAgree && observed.rolledOut : viaConfig;
  const parts = [
    inPods.length ? `printenv: ${inPods.map((p) => `${p.pod}=${p.value}`).join(', ')}` : 'printenv not available',
    `ConfigMap ${observed.configMap ?? 'missing'}`,
    observed.rolledOut ? 'rollout complete' : 'rollout NOT complete',
  ];
  return { what: `${key} inside the container`, expected: `${key}=${expected} in the running pods`, measured: parts.join('; '), pass };
}

export function proveReplicas(component: string, expected: number, observed: { specReplicas?: number; readyPods: number; livePods: number }): Proof {
  const pass = observed.specReplicas === expected && observed.readyPods === expected && observed.livePods === expected;
  return { what: `${component} replicas`, expected: `${expected} Ready pod(s), spec.replicas ${expected}`, measured: `${observed.readyPods} Ready of ${observed.livePods} running, spec.replicas ${observed.specReplicas ?? 'unknown'}`, pass };
}

/** Do the release's user-supplied values equal the ones found at the start? Lists the differing paths. */
export function valuesDiff(before: unknown, after: unknown, prefix = ''): string[] {
  if (isDeepStrictEqual(before, after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(before) || !isObject(after)) return [prefix || '(root)'];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((k) => valuesDiff(before[k], after[k], prefix ? `${prefix}.${k}` : k));
}

// ---------------------------------------------------------------------------------------------
// The todo the drills write and read back through the backend API

export interface Todo {
  id: number | string;
  title: string;
}

export function drillTodoTitle(runbook: string, at: number, random = Math.random): string {
  return `${runbook} drill ${new Date(at).toISOString()} ${random().toString(36).slice(2, 8)}`;
}

async function request(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  return { status: response.status, body: await response.text() };
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export async function createTodo(backend: string, title: string, timeoutMs = 10_000): Promise<{ ok: true; todo: Todo } | { ok: false; error: string }> {
  try {
    const r = await request(`${backend}/api/todos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) }, timeoutMs);
    if (r.status !== 201 && r.status !== 200) return { ok: false, error: `HTTP ${r.status}: ${r.body.slice(0, 200)}` };
    const todo = JSON.parse(r.body) as Todo;
    if (todo?.id === undefined || todo.title !== title) return { ok: false, error: `unexpected answer: ${r.body.slice(0, 200)}` };
    return { ok: true, todo };
  } catch (error) {
    return { ok: false, error: describeError(error, timeoutMs) };
  }
}

export async function listTodos(backend: string, timeoutMs = 10_000): Promise<{ ok: true; todos: Todo[] } | { ok: false; error: string }> {
  try {
    const r = await request(`${backend}/api/todos`, { method: 'GET' }, timeoutMs);
    if (r.status !== 200) return { ok: false, error: `HTTP ${r.status}: ${r.body.slice(0, 200)}` };
    const todos = JSON.parse(r.body);
    if (!Array.isArray(todos)) return { ok: false, error: `not a list: ${r.body.slice(0, 200)}` };
    return { ok: true, todos };
  } catch (error) {
    return { ok: false, error: describeError(error, timeoutMs) };
  }
}

export async function deleteTodo(backend: string, id: Todo['id'], timeoutMs = 10_000): Promise<boolean> {
  try {
    const r = await request(`${backend}/api/todos/${encodeURIComponent(String(id))}`, { method: 'DELETE' }, timeoutMs);
    return r.status < 300 || r.status === 404;
  } catch {
    return false;
  }
}

/**
 * Reads the list until it holds the todo or the deadline passes. Right after pods come back the
 * Service may still be catching up (endpoints, kube-proxy), so a few refusals are expected.
 */
export async function findTodo(clock: Clock, backend: string, todo: Todo, deadlineMs: number): Promise<{ found: boolean; attempts: number; detail: string }> {
  const deadline = clock.now() + deadlineMs;
  let attempts = 0;
  let detail = '';
  for (;;) {
    attempts++;
    const r = await listTodos(backend);
    if (r.ok) {
      const match = r.todos.find((t) => String(t.id) === String(todo.id));
      if (match && match.title === todo.title) return { found: true, attempts, detail: `todo ${todo.id} "${todo.title}" among ${r.todos.length}` };
      // The API answered and the todo is not there: that is data loss, not a transient error.
      return { found: false, attempts, detail: match ? `todo ${todo.id} has another title: "${match.title}"` : `todo ${todo.id} missing from ${r.todos.length} todo(s)` };
    }
    detail = r.error;
    if (clock.now() >= deadline) return { found: false, attempts, detail: `the API did not answer: ${detail}` };
    await clock.sleep(pollDelay(clock, 1000));
  }
}

// ---------------------------------------------------------------------------------------------
// Runbook glue: the release prerequisite, the watch with this run's tools, the diagnosis

/** Every string under the `secrets` block of a release's values (POSTGRES_PASSWORD, API keys, DATABASE_URL…). */
export function secretStrings(values: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (typeof node === 'string') out.push(node);
    else if (node && typeof node === 'object') for (const v of Object.values(node)) walk(v);
  };
  walk((values as { secrets?: unknown } | null)?.secrets);
  return out.filter(Boolean);
}

/** The values with every secret replaced by the mask, for the report. */
export function maskSecrets(values: Record<string, unknown>): Record<string, unknown> {
  const masked = structuredClone(values);
  const walk = (node: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string') node[k] = v ? '••••••' : v;
      else if (v && typeof v === 'object') walk(v as Record<string, unknown>);
    }
  };
  if (masked.secrets && typeof masked.secrets === 'object') walk(masked.secrets as Record<string, unknown>);
  return masked;
}

/**
 * `helm status` and `helm get values` print the release's secrets (its user-supplied values, the
 * rendered Secret in the manifest). A runbook that did not ask for them itself (03 does) learns
 * them here, so that every record of this run (transcript, evidence, report) is redacted.
 */
export async function registerReleaseSecrets(ctx: RunbookContext): Promise<void> {
  const values = await ctx.tools.helm.values(ctx.settings.release, ctx.settings.namespace);
  for (const secret of secretStrings(values)) registerSecret(secret);
}

/** The release must be deployed (else offer 03-install, or name it with --yes). */
export async function requireRelease(ctx: RunbookContext): Promise<ReleaseStatus> {
  const { release, namespace } = ctx.settings;
  const status = () => ctx.tools.helm.status(release, namespace);
  const first = await status();
  await requirePrerequisite(ctx, {
    satisfied: first?.status === 'deployed',
    what: first ? `release "${release}" in namespace ${namespace} is ${first.status}, not deployed` : `release "${release}" is not installed in namespace ${namespace}`,
    id: '03-install',
    runbook: async () => (await import('../runbooks/03-install.ts')).install,
    recheck: async () => (await status())?.status === 'deployed',
  });
  await registerReleaseSecrets(ctx);
  return first?.status === 'deployed' ? first : (await status())!;
}

export function watch(ctx: RunbookContext, options: Omit<WatchOptions, 'namespace'>): Promise<WatchResult> {
  return watchReady({ kubectl: ctx.tools.kubectl, clock: ctx.clock }, { namespace: ctx.settings.namespace, ...options });
}

/** Pods of the release as they are now (terminating ones left out). */
export async function livePods(ctx: RunbookContext, selector = releaseSelector(ctx.settings.release)): Promise<KubeObject[]> {
  return (await ctx.tools.kubectl.list('pods', ctx.settings.namespace, selector)).filter((p) => !p.metadata.deletionTimestamp);
}

/**
 * Evidence for a failed drill: the built-in analyzers over the namespace, log tails of the pods
 * they name, recent warning events. Returns the most likely cause, in one line with its remedy.
 * Never throws: a drill that failed because the API is down still gets its report.
 */
export async function diagnose(ctx: RunbookContext, focus?: string[]): Promise<{ cause?: string; remedy?: string; findings: Finding[] }> {
  try {
    const snapshot = await collectSnapshot(ctx.tools.kubectl, ctx.settings.namespace);
    const findings = analyze(snapshot, { release: ctx.settings.release, profile: ctx.settings.profile, chartDir: ctx.settings.chartDir });
    for (const f of findings) ctx.evidence(`${f.severity}: ${f.object} — ${f.reason}`, `${f.evidence}\n\nremedy: ${f.remedy}`);
    for (const tail of await podLogTails(ctx.tools.kubectl, ctx.settings.namespace, findings)) ctx.evidence(tail.title, tail.body);
    const warnings = snapshot.events.filter((e: any) => e.type === 'Warning').slice(-15);
    if (warnings.length) ctx.evidence('warning events', warnings.map((e: any) => `${e.lastTimestamp ?? ''} ${e.involvedObject?.kind}/${e.involvedObject?.name} ${e.reason}: ${e.message}`).join('\n'));
    const relevant = (f: Finding) => !focus || !f.component || focus.includes(f.component);
    const top = findings.find((f) => f.severity === 'critical' && relevant(f)) ?? findings.find((f) => f.severity === 'warning' && relevant(f));
    return { cause: top ? `${top.object}: ${top.reason}` : undefined, remedy: top?.remedy, findings };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.evidence('diagnosis not possible', message);
    return { cause: `the cluster did not answer: ${message}`, remedy: `minikube status -p ${ctx.settings.profile}`, findings: [] };
  }
}

/** A short label for a pod in the timeline: component plus the pod's random suffix. */
export const shortName = (p: PodState) => `${p.component} ${p.name.split('-').pop()}`;

export interface Healthy {
  /** How many pods each component runs (the whole release, PostgreSQL included). */
  counts: Record<string, number>;
  pods: PodState[];
}

/**
 * The release must be healthy before a drill, or the drill would time the wrong thing. Pods still
 * starting get a bounded wait; a pod in a state that does not fix itself ends it at once.
 */
export async function requireHealthy(ctx: RunbookContext, waitMs: number): Promise<Healthy> {
  const { release } = ctx.settings;
  const started = ctx.clock.now();
  const found = (await livePods(ctx, releaseSelector(release))).map(podState).filter((p) => p.component && p.component !== 'test');
  const counts: Record<string, number> = {};
  for (const p of found) counts[p.component] = (counts[p.component] ?? 0) + 1;
  const missing = APP_COMPONENTS.filter((c) => !counts[c]);
  const id = 'DRILL-PRECONDITION';
  const title = 'release healthy before the drill';
  if (missing.length) ctx.require({ id, title, expected: 'frontend, backend and mcp pods running', measured: `no pod for ${missing.join(', ')}`, pass: false, remedy: 'run npx zx runbooks/03-install.mjs again' });
  const result = await watch(ctx, { selector: releaseSelector(release), expected: counts, deadlineAt: started + waitMs, stopOnFatal: true });
  if (!result.done) {
    const { cause, remedy } = await diagnose(ctx);
    ctx.require({ id, title, expected: `every pod Ready (waited up to ${formatDuration(waitMs)})`, measured: `${result.fatal ? `${result.fatal.name}: ${notReadyReason(result.fatal)}` : shortfall(result, counts)}${cause ? ` — cause: ${cause}` : ''}`, pass: false, remedy: remedy ?? 'fix the release first (see the evidence), then run this drill again' });
  }
  ctx.check({ id, title, expected: 'every pod Ready', measured: Object.entries(counts).map(([c, n]) => `${c} ${n}/${n}`).join(', '), pass: true });
  return { counts, pods: result.pods.map((p) => p.state) };
}

/** Access can fail for a moment while Services catch up, or on a transient API error: a few tries. */
export async function connect(ctx: RunbookContext, driver: string): Promise<Access> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await establishAccess(ctx, driver);
    } catch (error) {
      lastError = error;
      ctx.note(`access attempt ${attempt} failed: ${error instanceof Error ? error.message : String(error)}`, 'warn');
      await ctx.clock.sleep(2000 * attempt);
    }
  }
  throw lastError;
}

export interface ReportOptions {
  result: WatchResult;
  /** The drill's start in this runbook's clock (a mutating command issued, or returned). */
  from: number;
  readyAfter?: number;
  targetMs: number;
  expected: Record<string, number>;
  /** Check id prefix; each pod's check is `<prefix>-<COMPONENT>`. */
  idPrefix: string;
  section: string;
  /** "after kubectl delete pod x", completing "pod y Ready …". */
  what: string;
  /** Report only these pods (e.g. the new replicas of a scale-out). */
  only?: (p: WatchedPod) => boolean;
}

/** One check and one timeline bar per pod: the time from the drill's start to its Ready. */
export function reportPods(ctx: RunbookContext, o: ReportOptions): void {
  const only = o.only ?? (() => true);
  const ready = Object.keys(o.expected).flatMap((c) => readyPods(o.result, c, o.readyAfter)).filter(only);
  for (const p of ready) {
    const t = timing(o.from, p.ready!);
    ctx.check({ id: `${o.idPrefix}-${p.state.component.toUpperCase()}`, title: `pod ${p.state.name} Ready ${o.what}`, expected: `≤ ${formatDuration(o.targetMs)}`, measured: `Ready in ${formatTiming(t)}`, pass: t.ms <= o.targetMs, remedy: 'see the evidence: slow start-up (resources, probes) or a pod waiting on a dependency', value: Math.round(t.ms), unit: 'ms' });
    if (p.ready!.skew) ctx.note(`pod ${p.state.name}: its Ready timestamp and this machine's clock disagree; the time rests on the timestamp alone`, 'warn');
    ctx.span(o.section, shortName(p.state), o.from, p.ready!.at);
  }
  const waiting = o.result.pods.filter((p) => !ready.includes(p) && only(p) && !(p.ready && counts(p, o)));
  for (const p of waiting) ctx.check({ id: `${o.idPrefix}-${p.state.component.toUpperCase()}`, title: `pod ${p.state.name} Ready ${o.what}`, expected: `≤ ${formatDuration(o.targetMs)}`, measured: `not Ready after ${formatDuration(o.result.finishedAt - o.from)}: ${notReadyReason(p.state, p.running)}`, pass: false, remedy: stuckRemedy(ctx, p.state.name) });
}

/** What to do about a pod that is not Ready in time and that no analyzer explains. */
function stuckRemedy(ctx: RunbookContext, pod: string): string {
  const ns = ctx.settings.namespace;
  return `it may only be slow to start: kubectl get pod ${pod} -n ${ns} -w; kubectl describe pod ${pod} -n ${ns} shows its probes and events (the report has the evidence)`;
}

/** The drill's verdict: the slowest pod against the target, or (not all Ready) a diagnosis and a stop. */
export async function requireAllReady(ctx: RunbookContext, o: Omit<ReportOptions, 'section' | 'what' | 'idPrefix'> & { id: string; title: string }): Promise<Timing> {
  const only = o.only ?? (() => true);
  const ready = Object.keys(o.expected).flatMap((c) => readyPods(o.result, c, o.readyAfter)).filter(only);
  if (o.result.done && ready.length) {
    const slowest = ready.reduce((a, b) => (b.ready!.at > a.ready!.at ? b : a));
    const t = timing(o.from, slowest.ready!);
    ctx.check({ id: o.id, title: o.title, expected: `all Ready ≤ ${formatDuration(o.targetMs)}`, measured: `${ready.length} pod(s) Ready in ${formatTiming(t)} (slowest: ${slowest.state.name})`, pass: t.ms <= o.targetMs, remedy: 'see the per-pod checks', value: Math.round(t.ms), unit: 'ms' });
    return t;
  }
  const { cause, remedy } = await diagnose(ctx, Object.keys(o.expected));
  const stuck = o.result.fatal ?? o.result.pods.find((p) => !counts(p, o) && only(p))?.state;
  const why = o.result.fatal ? `${o.result.fatal.name}: ${notReadyReason(o.result.fatal)}` : `not all Ready within ${formatDuration(o.result.finishedAt - o.from)}: ${shortfall(o.result, o.expected, o.readyAfter)}`;
  ctx.require({ id: o.id, title: o.title, expected: `all Ready ≤ ${formatDuration(o.targetMs)}`, measured: `${why}${cause ? ` — cause: ${cause}` : ''}`, pass: false, remedy: remedy ?? (stuck ? stuckRemedy(ctx, stuck.name) : 'see the diagnosis in the evidence') });
  throw new Error('unreachable');
}

/**
 * Deletes one pod (a Ready one, first by name) or every pod of a selector and times the
 * replacements from the deletion (changeInstant: when kubectl delete returned, or earlier when the
 * replacements' creationTimestamps prove it). Old pods never count.
 */
export async function replacementDrill(ctx: RunbookContext, o: { selector: string; targetMs: number; idPrefix: string; section: string; one?: boolean }): Promise<Timing> {
  const { kubectl } = ctx.tools;
  const ns = ctx.settings.namespace;
  const before = (await livePods(ctx, o.selector)).map(podState);
  if (!before.length) ctx.require({ id: o.idPrefix, title: 'pods to delete', expected: 'at least one running pod', measured: `none match ${o.selector}`, pass: false, remedy: `kubectl get pods -n ${ns} --show-labels` });
  const victims = o.one ? [[...before].sort((a, b) => Number(b.ready) - Number(a.ready) || a.name.localeCompare(b.name))[0]!] : before;
  const expected: Record<string, number> = {};
  for (const p of victims) expected[p.component] = (expected[p.component] ?? 0) + 1;
  const issuedAt = ctx.clock.now();
  if (o.one) await kubectl.deletePod(victims[0]!.name, ns);
  else await kubectl.deletePods(o.selector, ns);
  const returnedAt = ctx.clock.now();
  ctx.span(o.section, o.one ? 'kubectl delete pod' : `kubectl delete pods (${victims.length})`, issuedAt, returnedAt);
  // No replacement can have been Ready before the command was issued: that bounds the estimates.
  const result = await watch(ctx, { selector: o.selector, expected, exclude: new Set(before.map((p) => p.name)), readyAfter: issuedAt, deadlineAt: returnedAt + deadlineFor(o.targetMs), stopOnFatal: true });
  const start = changeInstant(issuedAt, returnedAt, result.pods.map((p) => p.state.createdAt));
  const startedAt = start.at;
  ctx.note(`deleted ${victims.map((p) => p.name).join(', ')} (kubectl delete took ${formatDuration(returnedAt - issuedAt)}); the drill clock starts at ${new Date(startedAt).toISOString()}: ${start.basis}`);
  for (const p of result.pods) {
    if (p.state.createdAt + SECOND < issuedAt || p.state.createdAt > returnedAt + SECOND) ctx.note(`replacement ${p.state.name} was created at ${new Date(p.state.createdAt).toISOString()}, outside the delete command's window: the cluster's clock and this machine's differ`, 'warn');
  }
  const what = o.one ? `after kubectl delete pod ${victims[0]!.name}` : `after kubectl delete pods -l ${o.selector}`;
  reportPods(ctx, { result, from: startedAt, readyAfter: issuedAt, targetMs: o.targetMs, expected, idPrefix: o.idPrefix, section: o.section, what });
  const t = await requireAllReady(ctx, { result, from: startedAt, readyAfter: issuedAt, targetMs: o.targetMs, expected, id: o.idPrefix, title: o.one ? `replacement of ${victims[0]!.name}` : `replacement of all ${victims.length} pods` });
  // Self-healing and statelessness: new pods (new names), as many as before.
  const after = (await livePods(ctx, o.selector)).map(podState);
  const tally = (list: PodState[]) => Object.entries(countByComponent(list)).sort().map(([c, n]) => `${c} ${n}`).join(', ');
  const fresh = newPods(before.map((p) => p.name), after).map((p) => p.name);
  const survivors = victims.filter((v) => after.some((p) => p.name === v.name)).map((p) => p.name);
  ctx.check({ id: `${o.idPrefix}-COUNT`, title: 'pod count restored by new pods', expected: `${tally(before)}; the deleted pod(s) gone`, measured: `${tally(after)}; new: ${fresh.join(', ') || 'none'}${survivors.length ? `; still there: ${survivors.join(', ')}` : ''}`, pass: tally(after) === tally(before) && survivors.length === 0 && fresh.length >= victims.length, remedy: `check the Deployments: kubectl get deploy,rs -n ${ns}` });
  return t;
}
