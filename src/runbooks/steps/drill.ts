// The steps the drills of runbooks 04 and 05 share, bound to a run's context: the watch with this
// run's tools, the healthy-release precondition, access with retries, one check per pod, the
// drill's verdict, and the delete-and-time-the-replacements drill.
import type { RunbookContext } from '../../runbook.ts';
import { formatDuration } from '../../clock.ts';
import { podState, type PodState } from '../../cluster/pods.ts';
import { establishAccess, type Access } from '../../cluster/access.ts';
import { APP_COMPONENTS, RUN_TO_COMPLETION, releaseSelector } from '../../cluster/labels.ts';
import { SECOND, changeInstant, deadlineFor, formatTiming, timing, type Timing } from '../../cluster/timing.ts';
import {
  countByComponent,
  countsAsReady,
  newPods,
  notReadyReason,
  readyPods,
  shortfall,
  watchReady,
  type WatchOptions,
  type WatchResult,
  type WatchedPod,
} from '../../cluster/watch.ts';
import { diagnose } from './diagnose.ts';
import { livePods, releaseNameValues } from './release.ts';

export function watch(ctx: RunbookContext, options: Omit<WatchOptions, 'namespace'>): Promise<WatchResult> {
  return watchReady({ kubectl: ctx.tools.kubectl, clock: ctx.clock }, { namespace: ctx.settings.namespace, ...options });
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
  const found = (await livePods(ctx, releaseSelector(release)))
    .map(podState)
    .filter((p) => p.component && !RUN_TO_COMPLETION.has(p.component));
  const counts: Record<string, number> = {};
  for (const p of found) counts[p.component] = (counts[p.component] ?? 0) + 1;
  const missing = APP_COMPONENTS.filter((c) => !counts[c]);
  const id = 'DRILL-PRECONDITION';
  const title = 'release healthy before the drill';
  if (missing.length)
    ctx.require({
      id,
      title,
      expected: 'frontend, backend and mcp pods running',
      measured: `no pod for ${missing.join(', ')}`,
      pass: false,
      remedy: 'run npx zx runbooks/03-install.mjs again',
    });
  // a precondition, not a timing: no fine poll window needed
  const result = await watch(ctx, {
    selector: releaseSelector(release),
    expected: counts,
    deadlineAt: started + waitMs,
    lateAt: started,
    stopOnFatal: true,
  });
  if (!result.done) {
    const { cause, remedy } = await diagnose(ctx);
    ctx.require({
      id,
      title,
      expected: `every pod Ready (waited up to ${formatDuration(waitMs)})`,
      measured: `${result.fatal ? `${result.fatal.name}: ${notReadyReason(result.fatal)}` : shortfall(result, counts)}${cause ? ` — cause: ${cause}` : ''}`,
      pass: false,
      remedy: remedy ?? 'fix the release first (see the evidence), then run this drill again',
    });
  }
  ctx.check({
    id,
    title,
    expected: 'every pod Ready',
    measured: Object.entries(counts)
      .map(([c, n]) => `${c} ${n}/${n}`)
      .join(', '),
    pass: true,
  });
  return { counts, pods: result.pods.map((p) => p.state) };
}

/** Access can fail for a moment while Services catch up, or on a transient API error: a few tries. */
export async function connect(ctx: RunbookContext, driver: string): Promise<Access> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await establishAccess(ctx, driver, releaseNameValues(ctx));
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
  const ready = Object.keys(o.expected)
    .flatMap((c) => readyPods(o.result, c, o.readyAfter))
    .filter(only);
  for (const p of ready) {
    const t = timing(o.from, p.ready!);
    ctx.check({
      id: `${o.idPrefix}-${p.state.component.toUpperCase()}`,
      title: `pod ${p.state.name} Ready ${o.what}`,
      expected: `≤ ${formatDuration(o.targetMs)}`,
      measured: `Ready in ${formatTiming(t)}`,
      pass: t.ms <= o.targetMs,
      remedy: 'see the evidence: slow start-up (resources, probes) or a pod waiting on a dependency',
      value: Math.round(t.ms),
      unit: 'ms',
    });
    if (p.ready!.skew)
      ctx.note(`pod ${p.state.name}: its Ready timestamp and this machine's clock disagree; the time rests on the timestamp alone`, 'warn');
    ctx.span(o.section, shortName(p.state), o.from, p.ready!.at);
  }
  const waiting = o.result.pods.filter((p) => !ready.includes(p) && only(p) && !(p.ready && countsAsReady(p, o)));
  for (const p of waiting)
    ctx.check({
      id: `${o.idPrefix}-${p.state.component.toUpperCase()}`,
      title: `pod ${p.state.name} Ready ${o.what}`,
      expected: `≤ ${formatDuration(o.targetMs)}`,
      measured: `not Ready after ${formatDuration(o.result.finishedAt - o.from)}: ${notReadyReason(p.state, p.running)}`,
      pass: false,
      remedy: stuckRemedy(ctx, p.state.name),
    });
}

/** What to do about a pod that is not Ready in time and that no analyzer explains. */
function stuckRemedy(ctx: RunbookContext, pod: string): string {
  const ns = ctx.settings.namespace;
  return `it may only be slow to start: kubectl get pod ${pod} -n ${ns} -w; kubectl describe pod ${pod} -n ${ns} shows its probes and events (the report has the evidence)`;
}

/** The drill's verdict: the slowest pod against the target, or (not all Ready) a diagnosis and a stop. */
export async function requireAllReady(
  ctx: RunbookContext,
  o: Omit<ReportOptions, 'section' | 'what' | 'idPrefix'> & { id: string; title: string },
): Promise<Timing> {
  const only = o.only ?? (() => true);
  const ready = Object.keys(o.expected)
    .flatMap((c) => readyPods(o.result, c, o.readyAfter))
    .filter(only);
  if (o.result.done && ready.length) {
    const slowest = ready.reduce((a, b) => (b.ready!.at > a.ready!.at ? b : a));
    const t = timing(o.from, slowest.ready!);
    ctx.check({
      id: o.id,
      title: o.title,
      expected: `all Ready ≤ ${formatDuration(o.targetMs)}`,
      measured: `${ready.length} pod(s) Ready in ${formatTiming(t)} (slowest: ${slowest.state.name})`,
      pass: t.ms <= o.targetMs,
      remedy: 'see the per-pod checks',
      value: Math.round(t.ms),
      unit: 'ms',
    });
    return t;
  }
  const { cause, remedy } = await diagnose(ctx, Object.keys(o.expected));
  const stuck = o.result.fatal ?? o.result.pods.find((p) => !countsAsReady(p, o) && only(p))?.state;
  const why = o.result.fatal
    ? `${o.result.fatal.name}: ${notReadyReason(o.result.fatal)}`
    : `not all Ready within ${formatDuration(o.result.finishedAt - o.from)}: ${shortfall(o.result, o.expected, o.readyAfter)}`;
  ctx.require({
    id: o.id,
    title: o.title,
    expected: `all Ready ≤ ${formatDuration(o.targetMs)}`,
    measured: `${why}${cause ? ` — cause: ${cause}` : ''}`,
    pass: false,
    remedy: remedy ?? (stuck ? stuckRemedy(ctx, stuck.name) : 'see the diagnosis in the evidence'),
  });
  throw new Error('unreachable');
}

/**
 * Deletes one pod (a Ready one, first by name) or every pod of a selector and times the
 * replacements from the deletion (changeInstant: when kubectl delete returned, or earlier when the
 * replacements' creationTimestamps prove it). Old pods never count.
 */
export async function replacementDrill(
  ctx: RunbookContext,
  o: { selector: string; targetMs: number; idPrefix: string; section: string; one?: boolean },
): Promise<Timing> {
  const { kubectl } = ctx.tools;
  const ns = ctx.settings.namespace;
  const before = (await livePods(ctx, o.selector)).map(podState);
  if (!before.length)
    ctx.require({
      id: o.idPrefix,
      title: 'pods to delete',
      expected: 'at least one running pod',
      measured: `none match ${o.selector}`,
      pass: false,
      remedy: `kubectl get pods -n ${ns} --show-labels`,
    });
  const victims = o.one ? [[...before].sort((a, b) => Number(b.ready) - Number(a.ready) || a.name.localeCompare(b.name))[0]!] : before;
  const expected: Record<string, number> = {};
  for (const p of victims) expected[p.component] = (expected[p.component] ?? 0) + 1;
  const issuedAt = ctx.clock.now();
  if (o.one) await kubectl.deletePod(victims[0]!.name, ns);
  else await kubectl.deletePods(o.selector, ns);
  const returnedAt = ctx.clock.now();
  ctx.span(o.section, o.one ? 'kubectl delete pod' : `kubectl delete pods (${victims.length})`, issuedAt, returnedAt);
  // No replacement can have been Ready before the command was issued: that bounds the estimates.
  const result = await watch(ctx, {
    selector: o.selector,
    expected,
    exclude: new Set(before.map((p) => p.name)),
    readyAfter: issuedAt,
    deadlineAt: returnedAt + deadlineFor(o.targetMs),
    lateAt: returnedAt + o.targetMs,
    stopOnFatal: true,
  });
  const start = changeInstant(
    issuedAt,
    returnedAt,
    result.pods.map((p) => p.state.createdAt),
  );
  const startedAt = start.at;
  ctx.note(
    `deleted ${victims.map((p) => p.name).join(', ')} (kubectl delete took ${formatDuration(returnedAt - issuedAt)}); the drill clock starts at ${new Date(startedAt).toISOString()}: ${start.basis}`,
  );
  for (const p of result.pods) {
    if (p.state.createdAt + SECOND < issuedAt || p.state.createdAt > returnedAt + SECOND)
      ctx.note(
        `replacement ${p.state.name} was created at ${new Date(p.state.createdAt).toISOString()}, outside the delete command's window: the cluster's clock and this machine's differ`,
        'warn',
      );
  }
  const what = o.one ? `after kubectl delete pod ${victims[0]!.name}` : `after kubectl delete pods -l ${o.selector}`;
  reportPods(ctx, {
    result,
    from: startedAt,
    readyAfter: issuedAt,
    targetMs: o.targetMs,
    expected,
    idPrefix: o.idPrefix,
    section: o.section,
    what,
  });
  const t = await requireAllReady(ctx, {
    result,
    from: startedAt,
    readyAfter: issuedAt,
    targetMs: o.targetMs,
    expected,
    id: o.idPrefix,
    title: o.one ? `replacement of ${victims[0]!.name}` : `replacement of all ${victims.length} pods`,
  });
  // Self-healing and statelessness: new pods (new names), as many as before.
  const after = (await livePods(ctx, o.selector)).map(podState);
  const tally = (list: PodState[]) =>
    Object.entries(countByComponent(list))
      .sort()
      .map(([c, n]) => `${c} ${n}`)
      .join(', ');
  const fresh = newPods(
    before.map((p) => p.name),
    after,
  ).map((p) => p.name);
  const survivors = victims.filter((v) => after.some((p) => p.name === v.name)).map((p) => p.name);
  ctx.check({
    id: `${o.idPrefix}-COUNT`,
    title: 'pod count restored by new pods',
    expected: `${tally(before)}; the deleted pod(s) gone`,
    measured: `${tally(after)}; new: ${fresh.join(', ') || 'none'}${survivors.length ? `; still there: ${survivors.join(', ')}` : ''}`,
    pass: tally(after) === tally(before) && survivors.length === 0 && fresh.length >= victims.length,
    remedy: `check the Deployments: kubectl get deploy,rs -n ${ns}`,
  });
  return t;
}
