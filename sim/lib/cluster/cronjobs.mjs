// @ts-check
// CronJobs and the Jobs they start, derived from the schedule and the virtual clock at read time
// (like Endpoints and Events): every instant the schedule fired since the CronJob was created is
// a run; the newest `successfulJobsHistoryLimit` / `failedJobsHistoryLimit` runs are listed as
// Jobs, each Complete or Failed, and the CronJob's status has lastScheduleTime and
// lastSuccessfulTime. Modelled on the CronJob controller (kubernetes pkg/controller/cronjob:
// getJobName names a Job "<cronjob>-<scheduled time in minutes since the epoch>"; the Job carries
// an ownerReference to its CronJob) and the Job controller's terminal conditions (Complete;
// Failed with reason BackoffLimitExceeded, "Job has reached the specified backoff limit").
// What a run does is not executed: a backup run (the chart's pg-dump CronJob) fails when the
// fault backup-job-fails is set or the database is not Ready at that instant, else succeeds.
// Not modelled: timeZone (schedules are read in UTC), Job pods, suspend, concurrency.
import { listObjects } from '../model.mjs';
import { dataKey } from '../app/todos.mjs';
import { rfc3339 } from '../util.mjs';

const MACROS = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const RANGES = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];
const MINUTE = 60_000;
/** How far back runs are looked for: enough for any history limit of a daily or weekly schedule. */
const LOOKBACK_MS = 35 * 24 * 60 * MINUTE;

/** The set of allowed values of each of the five fields; null when the expression is not cron. */
export function parseCron(/** @type {string} */ expr) {
  const fields = (MACROS[expr.trim()] ?? expr).trim().split(/\s+/);
  if (fields.length !== 5) return null;
  const sets = [];
  for (let i = 0; i < 5; i++) {
    const [lo, hi] = RANGES[i];
    const set = new Set();
    for (const part of fields[i].split(',')) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!m) return null;
      const from = m[1] === '*' ? lo : Number(m[2]);
      const to = m[1] === '*' ? hi : m[3] !== undefined ? Number(m[3]) : m[4] ? hi : from;
      const step = m[4] ? Number(m[4]) : 1;
      if (from < lo || to > hi || from > to || step < 1) return null;
      for (let v = from; v <= to; v += step) set.add(i === 4 && v === 7 ? 0 : v);
    }
    sets.push(set);
  }
  return sets;
}

function fires(sets, /** @type {number} */ t) {
  const d = new Date(t);
  return (
    sets[0].has(d.getUTCMinutes()) &&
    sets[1].has(d.getUTCHours()) &&
    sets[2].has(d.getUTCDate()) &&
    sets[3].has(d.getUTCMonth() + 1) &&
    sets[4].has(d.getUTCDay())
  );
}

/** The instants the schedule fired after `from` up to `now`, newest first, at most `max`. */
export function firings(/** @type {string} */ schedule, /** @type {number} */ from, /** @type {number} */ now, max = 10) {
  const sets = parseCron(schedule);
  if (!sets) return [];
  const out = [];
  const start = Math.max(from, now - LOOKBACK_MS);
  for (let t = Math.floor(now / MINUTE) * MINUTE; t > start && out.length < max; t -= MINUTE) if (fires(sets, t)) out.push(t);
  return out;
}

/** Runs of one CronJob, newest first: { scheduledAt, ok, doneAt }. */
function runs(c, cj, now, faults) {
  const created = Number(cj.metadata.creationTimestamp ?? now);
  const limit = (cj.spec.successfulJobsHistoryLimit ?? 3) + (cj.spec.failedJobsHistoryLimit ?? 1) + 1;
  return firings(cj.spec.schedule, created, now, limit).map((scheduledAt) => {
    // the dump takes a few seconds once the pod runs; a database that is not Ready fails it
    const doneAt = Math.min(now, scheduledAt + 9_000);
    const ok = !faults.has('backup-job-fails') && dataKey(c, cj.metadata.namespace, scheduledAt, faults) !== null;
    return { scheduledAt, ok, doneAt: ok ? doneAt : Math.min(now, scheduledAt + 21_000) };
  });
}

function jobJSON(cj, run) {
  const name = `${cj.metadata.name}-${Math.floor(run.scheduledAt / MINUTE)}`;
  const labels = cj.spec.jobTemplate?.metadata?.labels ?? {};
  const done = rfc3339(run.doneAt);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cj.metadata.namespace,
      labels,
      creationTimestamp: rfc3339(run.scheduledAt),
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name, uid: cj.metadata.uid, controller: true }],
    },
    spec: cj.spec.jobTemplate?.spec ?? {},
    status: run.ok
      ? {
          startTime: rfc3339(run.scheduledAt),
          completionTime: done,
          succeeded: 1,
          conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: done }],
        }
      : {
          startTime: rfc3339(run.scheduledAt),
          failed: (cj.spec.jobTemplate?.spec?.backoffLimit ?? 6) + 1,
          conditions: [
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
              lastTransitionTime: done,
            },
          ],
        },
  };
}

/** The CronJob as `kubectl get -o json` shows it, with its status. */
export function cronJobStatus(c, cj, now, faults) {
  const all = runs(c, cj, now, faults);
  const success = all.find((r) => r.ok);
  return {
    ...(all[0] ? { lastScheduleTime: rfc3339(all[0].scheduledAt) } : {}),
    ...(success ? { lastSuccessfulTime: rfc3339(success.doneAt) } : {}),
  };
}

/** Every Job the CronJobs of a namespace keep (history limits applied), as JSON. */
export function derivedJobs(c, ns, now, faults) {
  return listObjects(c, 'CronJob', ns).flatMap((cj) => {
    const all = runs(c, cj, now, faults);
    const kept = [
      ...all.filter((r) => r.ok).slice(0, cj.spec.successfulJobsHistoryLimit ?? 3),
      ...all.filter((r) => !r.ok).slice(0, cj.spec.failedJobsHistoryLimit ?? 1),
    ];
    return kept.sort((a, b) => a.scheduledAt - b.scheduledAt).map((r) => jobJSON(cj, r));
  });
}
