// The scheduled-backup analyzers: a failed last run, a last success older than the threshold, a
// CronJob that never succeeded, and the quiet cases (fresh success, suspended, no clock given).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/cluster/analyzers.ts';
import { emptySnapshot } from '../../src/cluster/snapshot.ts';
import type { CronJob, Job } from '../../src/cluster/backup-analysis.ts';

const NOW = Date.parse('2026-06-10T12:00:00Z');
const H = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

function cronJob(status: CronJob['status'], extra: Partial<CronJob['spec']> = {}): CronJob {
  return {
    metadata: { name: 'todo-chatbot-backup', labels: { 'app.kubernetes.io/component': 'backup' }, creationTimestamp: iso(NOW - 100 * H) },
    spec: { schedule: '0 3 * * *', ...extra },
    status,
  };
}
function job(name: string, startedHoursAgo: number, outcome: 'Complete' | 'Failed'): Job {
  const at = iso(NOW - startedHoursAgo * H);
  return {
    metadata: { name, creationTimestamp: at, ownerReferences: [{ kind: 'CronJob', name: 'todo-chatbot-backup' }] },
    status: {
      startTime: at,
      conditions: [
        outcome === 'Failed'
          ? {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
              lastTransitionTime: at,
            }
          : { type: 'Complete', status: 'True', lastTransitionTime: at },
      ],
    },
  };
}
function findings(cronjobs: CronJob[], jobs: Job[], clock: { now?: number } = { now: NOW }) {
  const s = emptySnapshot('todo-app');
  s.cronjobs = cronjobs;
  s.jobs = jobs;
  return analyze(s, { now: clock.now }).filter((f) => f.object.startsWith('cronjob/'));
}

test('the last run failed: BackupFailed naming the job, its reason, and the logs to read', () => {
  const [f, ...rest] = findings(
    [cronJob({ lastSuccessfulTime: iso(NOW - 33 * H) })],
    [job('b-1', 33, 'Complete'), job('b-2', 9, 'Failed')],
  );
  assert.equal(rest.length, 0);
  assert.equal(f!.reason, 'BackupFailed');
  assert.equal(f!.severity, 'warning');
  assert.match(f!.evidence, /job b-2 .* failed: BackoffLimitExceeded — Job has reached the specified backoff limit/);
  assert.match(f!.remedy, /kubectl logs job\/b-2 -n todo-app/);
  assert.match(f!.remedy, /npx zx runbooks\/08-backup\.mjs/);
});

test('a failed run followed by a success is not reported', () => {
  assert.deepEqual(
    findings([cronJob({ lastSuccessfulTime: iso(NOW - 9 * H) })], [job('b-1', 33, 'Failed'), job('b-2', 9, 'Complete')]),
    [],
  );
});

test('the last success is older than the threshold: BackupStale with the age and the threshold', () => {
  const [f] = findings([cronJob({ lastSuccessfulTime: iso(NOW - 50 * H) })], [job('b-1', 50, 'Complete')]);
  assert.equal(f!.reason, 'BackupStale');
  assert.match(f!.evidence, /finished 50\.0 h ago/);
  assert.match(f!.evidence, /threshold 26\.0 h/);
  assert.match(f!.evidence, /threshold/);
  assert.match(f!.remedy, /kubectl describe cronjob todo-chatbot-backup -n todo-app/);
  // a custom threshold
  assert.deepEqual(
    analyze(Object.assign(emptySnapshot('todo-app'), { cronjobs: [cronJob({ lastSuccessfulTime: iso(NOW - 50 * H) })] }), {
      now: NOW,
      backupMaxAgeMs: 72 * H,
    }).filter((x) => x.object.startsWith('cronjob/')),
    [],
  );
});

test('never succeeded since it was created (100 h ago): BackupStale; quiet when suspended or without a clock', () => {
  const [f] = findings([cronJob({})], []);
  assert.equal(f!.reason, 'BackupStale');
  assert.match(f!.evidence, /no successful backup in the .* since the CronJob was created/);
  assert.deepEqual(findings([cronJob({}, { suspend: true })], []), []);
  assert.deepEqual(findings([cronJob({})], [], {}), []);
});
