// @ts-check
// Pod lifecycles derived from timestamps. A pod record carries `_sim`:
//   { component, system, createdAt, scheduledAt, unsched: {since, message}|null,
//     runs: [{ start, createAt, stop, ip, block: {reason, message, since}|null, env, imageID, id }],
//     restartBase, deletionAt, finalizeAt, grace, revision }
// A "run" is one pod sandbox on the node (a node restart starts a new run). Within a run, times are
// derived deterministically from the pod name + run index: container creation, start, readiness,
// and for crashing containers the whole crash/back-off schedule.
import { spread, sha256 } from '../util.mjs';
import { acceptedSegments, volumeKey } from './db-password.mjs';

export const APP_COMPONENTS = ['frontend', 'backend', 'mcp', 'postgresql'];

/** @param {any} pod */
export const mainContainer = (pod) => pod.spec.containers[0];

/** @param {any} probe @returns {number} ms */
const probeInitial = (probe) => (probe?.initialDelaySeconds ?? 0) * 1000;
const probePeriod = (probe) => (probe?.periodSeconds ?? 10) * 1000;

/** Backoff between crash i and restart i+1 (kubelet: first restart immediate, then 10s doubling to 5m). */
export const backoffAfter = (i) => (i === 0 ? 1000 : Math.min(10000 * 2 ** (i - 1), 300000));

/** Go duration string for whole seconds/minutes (10s, 1m20s, 5m0s). */
export function goDur(ms) {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}

/**
 * Timeline of one run (null while the container could not be created).
 * @param {any} pod @param {number} idx @param {import('../faults.mjs').Faults} faults
 */
export function runTimes(pod, idx, faults) {
  const sim = pod._sim;
  const run = sim.runs[idx];
  if (!run || run.createAt === null || run.createAt === undefined) return null;
  const name = pod.metadata.name;
  const seed = `${name}#${idx}`;
  const comp = sim.component;
  const c = mainContainer(pod);
  const startedAt = run.createAt + spread(seed + ':create', 600, 1600);
  let boot;
  if (sim.system) boot = comp === 'metrics-server' ? spread(seed, 15000, 22000) : spread(seed, 1500, 4500);
  else if (comp === 'postgresql') boot = spread(seed + ':boot', 6000, 8500);
  // Process start to first successful probe answer. The demo services start in well under a
  // second on a laptop; these spreads allow for a slower node and a user's Next.js / uvicorn app.
  else if (comp === 'backend') boot = spread(seed + ':boot', 2000, 4500);
  else if (comp === 'frontend') boot = spread(seed + ':boot', 1500, 4000);
  else boot = spread(seed + ':boot', 1500, 3500);
  if (!sim.system) boot += faults.slowStartMs(comp);
  const rp = c.readinessProbe;
  let ownReadyAt;
  if (!rp) ownReadyAt = startedAt + Math.min(boot, 1000);
  else {
    const first = probeInitial(rp);
    const per = probePeriod(rp);
    const k = boot <= first ? 0 : Math.ceil((boot - first) / per);
    ownReadyAt = startedAt + first + k * per + spread(seed + ':probe', 50, 400);
  }
  /** @type {{ runFor: number, reason: string, exitCode: number }|null} */
  let crash = null;
  if (sim.oneShot) ownReadyAt = Infinity;
  else if (!sim.system) {
    if (faults.forComponent('crashloop', comp)) crash = { runFor: spread(seed + ':k', 1500, 3500), reason: 'Error', exitCode: 1 };
    else if (faults.forComponent('oom', comp)) crash = { runFor: spread(seed + ':k', 4000, 9000), reason: 'OOMKilled', exitCode: 137 };
    if (crash || faults.forComponent('probe-fail', comp) || faults.forComponent('never-ready', comp)) ownReadyAt = Infinity;
  }
  return { createAt: run.createAt, startedAt, ownReadyAt, crash, stop: run.stop ?? null, boot };
}

/**
 * Where a crashing container is at time t.
 * @returns {{ i: number, state: 'running'|'terminated'|'backoff', startedAt: number, finishedAt?: number, backoff?: number, prev: {startedAt:number, finishedAt:number}|null, nextStart?: number }}
 */
export function crashAt(times, t) {
  let s = times.startedAt;
  let i = 0;
  /** @type {{startedAt:number, finishedAt:number}|null} */
  let prev = null;
  for (; i < 100000; i++) {
    const e = s + times.crash.runFor;
    if (t < e) return { i, state: 'running', startedAt: s, prev };
    const bo = backoffAfter(i);
    const next = e + bo;
    if (t < next) return { i, state: i === 0 ? 'terminated' : 'backoff', startedAt: s, finishedAt: e, backoff: bo, prev, nextStart: next };
    prev = { startedAt: s, finishedAt: e };
    s = next + 300;
  }
  return { i, state: 'backoff', startedAt: s, prev };
}

/** Restarts that happened inside a run up to time t (crash restarts). */
export function crashRestarts(times, t) {
  if (!times || !times.crash || t < times.startedAt) return 0;
  return crashAt(times, t).i;
}

/** Ready intervals [from, to, data volume] of the postgresql pods of a namespace (for the /ready dependency). */
export function dbReadyIntervals(cluster, ns, faults) {
  const out = [];
  const pods = [...cluster.graveyard, ...Object.values(cluster.objects).filter((o) => o.kind === 'Pod')].filter(
    (p) => p.metadata.namespace === ns && p._sim?.component === 'postgresql',
  );
  for (const p of pods) {
    p._sim.runs.forEach((run, idx) => {
      const tm = runTimes(p, idx, faults);
      if (!tm || tm.ownReadyAt === Infinity) return;
      const end = Math.min(run.stop ?? Infinity, p._sim.deletionAt ?? Infinity, p._sim.finalizeAt ?? Infinity);
      if (end > tm.ownReadyAt) out.push([tm.ownReadyAt, end, volumeKey(cluster, p)]);
    });
  }
  return out;
}

/**
 * Does the pod's readiness depend on the database: an app service (backend, MCP) whose readiness
 * probe is /ready (the demo app's /ready runs a query through its pool) with the in-chart
 * PostgreSQL. The chart probes the MCP server on /health, so by default only the backend does.
 */
function dependsOnDb(cluster, pod) {
  if (pod._sim.component !== 'backend' && pod._sim.component !== 'mcp') return false;
  const path = mainContainer(pod).readinessProbe?.httpGet?.path;
  if (path !== '/ready') return false;
  return Object.values(cluster.objects).some(
    (o) =>
      o.kind === 'StatefulSet' &&
      o.metadata.namespace === pod.metadata.namespace &&
      o.metadata.labels?.['app.kubernetes.io/component'] === 'postgresql',
  );
}

/**
 * Ready intervals of a pod's run, accounting for the DB dependency. [from, to)
 * @returns {[number, number][]}
 */
export function readyIntervals(cluster, pod, idx, faults) {
  const tm = runTimes(pod, idx, faults);
  if (!tm || tm.ownReadyAt === Infinity) return [];
  const run = pod._sim.runs[idx];
  const end = Math.min(run.stop ?? Infinity, pod._sim.finalizeAt ?? Infinity);
  if (end <= tm.ownReadyAt) return [];
  if (!dependsOnDb(cluster, pod)) return [[tm.ownReadyAt, end]];
  const per = probePeriod(mainContainer(pod).readinessProbe);
  const lag = spread(pod.metadata.name + ':dblag' + idx, 300, Math.min(per, 3000));
  // With the database Ready, /ready also needs the password of its DATABASE_URL to be the role's (db-password.mjs).
  const env = run.env?.[mainContainer(pod).name];
  /** @type {[number, number][]} */
  const out = [];
  for (const [da, db, key] of dbReadyIntervals(cluster, pod.metadata.namespace, faults)) {
    for (const [a, b] of acceptedSegments(cluster, key, env, da, db)) {
      const from = Math.max(a + lag, tm.ownReadyAt);
      const to = Math.min(b + lag, end);
      if (to > from) out.push([from, to]);
    }
  }
  return out.sort((x, y) => x[0] - y[0]);
}

/** Is the pod's container Ready at t (ignores deletion; callers decide about terminating pods). */
export function isReadyAt(cluster, pod, t, faults) {
  const idx = pod._sim.runs.length - 1;
  if (idx < 0) return false;
  return readyIntervals(cluster, pod, idx, faults).some(([a, b]) => a <= t && t < b);
}

/** First Ready time of the current run that is <= t (or the first one at all if t omitted). */
export function readySince(cluster, pod, t, faults) {
  const idx = pod._sim.runs.length - 1;
  if (idx < 0) return null;
  const iv = readyIntervals(cluster, pod, idx, faults).find(([a, b]) => a <= t && t < b);
  return iv ? iv[0] : null;
}

/** Future event times of a pod (for stepping the controllers). */
export function podEventTimes(cluster, pod, faults) {
  const out = [];
  const sim = pod._sim;
  if (sim.finalizeAt) out.push(sim.finalizeAt);
  const idx = sim.runs.length - 1;
  if (idx >= 0) {
    const run = sim.runs[idx];
    out.push(run.start);
    for (const [a, b] of readyIntervals(cluster, pod, idx, faults)) {
      out.push(a);
      if (b !== Infinity) out.push(b);
    }
  }
  return out;
}

/** Deterministic container id. */
export const containerId = (pod, idx, restart) => sha256(`${pod.metadata.uid}:${idx}:${restart}`);

/**
 * Ground truth of one pod.
 * @param {any} cluster @param {any} pod @param {number} now @param {import('../faults.mjs').Faults} f
 */
export function podTruth(cluster, pod, now, f) {
  const sim = pod._sim;
  const runs = sim.runs.map((run, idx) => {
    const tm = runTimes(pod, idx, f);
    const iv = readyIntervals(cluster, pod, idx, f).filter(([a]) => a <= now);
    return {
      start: run.start,
      containerStartedAt: tm && tm.startedAt <= now && tm.startedAt < (run.stop ?? Infinity) ? tm.startedAt : null,
      readyAt: iv.length ? iv[0][0] : null,
      readyTransitions: iv.map(([a, b]) => ({ ready: a, unready: b === Infinity || b > now ? null : b })),
      stoppedAt: run.stop ?? null,
      blocked: run.block ? { reason: run.block.reason, since: run.block.since } : null,
    };
  });
  const last = runs[runs.length - 1];
  return {
    name: pod.metadata.name,
    namespace: pod.metadata.namespace,
    component: sim.component,
    system: !!sim.system,
    createdAt: sim.createdAt,
    scheduledAt: sim.scheduledAt ?? null,
    startedAt: last?.containerStartedAt ?? null,
    readyAt: last?.readyAt ?? null,
    deletionRequestedAt: sim.deletionAt ?? null,
    deletedAt: sim.deletedAt ?? null,
    runs,
  };
}
