// Shared by the e2e tests of runbooks 04 and 05: a cluster prepared with 00→03 (prepared.ts), the report's
// timeline in absolute clock time, and the comparison of measured times with the simulator's truth.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { RunOutcome } from './harness.ts';
import { SECRETS, installedCluster } from './prepared.ts';
// @ts-expect-error the simulator is plain JavaScript
import { readTruth as simTruth } from '../../sim/lib/setup.mjs';

export interface Truth {
  pods: Array<{
    name: string;
    namespace: string;
    component: string;
    createdAt: number;
    readyAt: number | null;
    deletionRequestedAt: number | null;
  }>;
  minikube: Array<{ action: string; startedAt: number; completedAt: number; ok: boolean }>;
}

export const readTruth = (stateDir: string): Truth => simTruth(stateDir);

/** A drill takes 15–40 s of real time on a busy two-CPU machine; the harness kills it after this. */
export const DRILL_TIMEOUT_MS = 300_000;

export { SECRETS };

/** A simulated machine with the release deployed by 00 → 03 (a clone of the suite's prepared one). */
export const preparedCluster = installedCluster;

export interface Span {
  section: string;
  label: string;
  start: number;
  end: number;
}

/** The report's timeline in absolute clock ms. */
export function spans(r: RunOutcome): Span[] {
  const t0 = Date.parse(r.json.startedAt);
  return r.json.timeline.map((e: { section: string; label: string; startMs: number; endMs: number }) => ({
    section: e.section,
    label: e.label,
    start: t0 + e.startMs,
    end: t0 + e.endMs,
  }));
}

/** Pod bars are labelled "<component> <pod-name-suffix>". */
export function podOf(truth: Truth, label: string) {
  const [component, suffix] = label.split(' ');
  const pod = truth.pods.find((p) => p.namespace === 'todo-app' && p.component === component && p.name.endsWith(`-${suffix}`));
  assert.ok(pod, `no pod in the ground truth for the timeline bar "${label}"`);
  return pod!;
}

/**
 * |reported − true| for every pod bar of a section: the reported end is the Ready estimate. The
 * watcher narrows a Ready time between two polls; where polls fail (api-flaky) the window can be as
 * wide as the API's one-second timestamps, so such a run passes a wider tolerance.
 */
export function compareWithTruth(truth: Truth, bars: Span[], t: { diagnostic(m: string): void }, toleranceMs = 500): number[] {
  const errors: number[] = [];
  for (const bar of bars) {
    const pod = podOf(truth, bar.label);
    assert.ok(pod.readyAt !== null, `${pod.name} never became Ready in the ground truth`);
    const measured = bar.end - bar.start;
    const real = pod.readyAt! - bar.start;
    errors.push(measured - real);
    t.diagnostic(
      `${bar.section} | ${pod.name}: measured ${(measured / 1000).toFixed(2)} s, true ${(real / 1000).toFixed(2)} s, off by ${((measured - real) / 1000).toFixed(3)} s`,
    );
    assert.ok(Math.abs(measured - real) <= toleranceMs, `${pod.name}: measured ${measured} ms, true ${real} ms`);
  }
  return errors;
}

/** What a failed run printed: its one-line reason and remedy. */
export function showFailure(r: RunOutcome, t: { diagnostic(m: string): void }): void {
  t.diagnostic(`exit ${r.exitCode}: ${r.json.reason}`);
  t.diagnostic(`remedy: ${r.json.remedy}`);
}

/** Runs one simulated tool against a state dir (for independent checks of what a runbook left behind). */
export function simTool(stateDir: string, tool: 'helm' | 'kubectl', args: string[]): string {
  const r = spawnSync(join(stateDir, 'bin', tool), args, { env: { ...process.env, SIM_STATE_DIR: stateDir }, encoding: 'utf8' });
  assert.equal(r.status, 0, `${tool} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Stops a prepared cluster when its tests are done: the simulator then stops its NodePort daemon too. */
export function stopSimulatedCluster(stateDir: string | undefined): void {
  if (!stateDir) return;
  spawnSync(join(stateDir, 'bin', 'minikube'), ['stop', '-p', 'minikube'], {
    env: { ...process.env, SIM_STATE_DIR: stateDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** The release's secrets appear nowhere a run leaves behind: screen, report, JSON (transcript tails included). */
export function assertNoSecrets(r: RunOutcome): void {
  const everything = `${r.stdout}\n${r.stderr}\n${r.markdown}\n${JSON.stringify(r.json)}`;
  for (const [key, value] of Object.entries(SECRETS)) assert.ok(!everything.includes(value), `${key} leaked into the output or the report`);
}
