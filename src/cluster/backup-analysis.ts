// The analyzers of scheduled backups (the chart's backup CronJob, or any CronJob of the namespace):
// the newest finished Job of each CronJob failed, or its last success (status.lastSuccessfulTime,
// set by the CronJob controller) is older than a threshold, or it never succeeded in that long.
// Pure: the snapshot and "now" in, findings out.
import type { Finding } from './analysis/finding.ts';
import type { Remedies } from './analysis/remedies.ts';
import { COMPONENT_LABEL } from './labels.ts';

export interface CronJob {
  metadata: { name: string; labels?: Record<string, string>; creationTimestamp?: string; uid?: string };
  spec?: { schedule?: string; suspend?: boolean };
  status?: { lastScheduleTime?: string; lastSuccessfulTime?: string; active?: unknown[] };
}

export interface Job {
  metadata: { name: string; creationTimestamp?: string; ownerReferences?: Array<{ kind: string; name: string }> };
  status?: {
    startTime?: string;
    completionTime?: string;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }>;
  };
}

/** A daily schedule plus two hours of slack. */
export const DEFAULT_BACKUP_MAX_AGE_MS = 26 * 3600_000;

const hours = (ms: number) => `${(ms / 3600_000).toFixed(1)} h`;
const condition = (job: Job, type: string) => job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
const time = (iso: string | undefined) => (iso ? Date.parse(iso) : Number.NaN);
const finishedAt = (job: Job) =>
  time(job.status?.completionTime ?? condition(job, 'Failed')?.lastTransitionTime ?? condition(job, 'Complete')?.lastTransitionTime);

export interface BackupScope {
  cronJobs: CronJob[];
  jobs: Job[];
  remedies: Remedies;
  /** The run's clock; without it the age of the last success is not judged. */
  now?: number;
  maxAgeMs: number;
}

/** At most one finding per CronJob: its last run failed, or else its last success is too old. */
export function backupFindings(s: BackupScope): Finding[] {
  const out: Finding[] = [];
  for (const cj of s.cronJobs) {
    if (cj.spec?.suspend) continue; // suspended on purpose
    const object = `cronjob/${cj.metadata.name}`;
    const component = cj.metadata.labels?.[COMPONENT_LABEL];
    const finished = s.jobs
      .filter((j) => j.metadata.ownerReferences?.some((o) => o.kind === 'CronJob' && o.name === cj.metadata.name))
      .filter((j) => condition(j, 'Failed') || condition(j, 'Complete'))
      .sort(
        (a, b) => time(a.status?.startTime ?? a.metadata.creationTimestamp) - time(b.status?.startTime ?? b.metadata.creationTimestamp),
      );
    const last = finished[finished.length - 1];
    const failed = last && condition(last, 'Failed');
    if (last && failed) {
      const at = finishedAt(last);
      out.push({
        severity: 'warning',
        object,
        component,
        reason: 'BackupFailed',
        evidence: `the last run, job ${last.metadata.name}${Number.isNaN(at) ? '' : ` (${new Date(at).toISOString()})`}, failed: ${failed.reason ?? 'Failed'}${failed.message ? ` — ${failed.message}` : ''}`,
        remedy: s.remedies.backupRunFailed(last.metadata.name),
      });
      continue;
    }
    if (s.now === undefined) continue;
    const success = time(cj.status?.lastSuccessfulTime);
    const created = time(cj.metadata.creationTimestamp);
    const age = s.now - (Number.isNaN(success) ? created : success);
    if (Number.isNaN(age) || age <= s.maxAgeMs) continue;
    out.push({
      severity: 'warning',
      object,
      component,
      reason: 'BackupStale',
      evidence: Number.isNaN(success)
        ? `no successful backup in the ${hours(age)} since the CronJob was created (schedule "${cj.spec?.schedule ?? '?'}", threshold ${hours(s.maxAgeMs)})`
        : `the last successful backup finished ${hours(age)} ago, at ${cj.status!.lastSuccessfulTime} (schedule "${cj.spec?.schedule ?? '?'}", threshold ${hours(s.maxAgeMs)})`,
      remedy: s.remedies.backupStale(cj.metadata.name),
    });
  }
  return out;
}
