// The report of a run, built from the event history at the end (so the screen and the report cannot
// disagree): steps, checks, evidence, notes, the command transcript and every setting with its source.
import { type Settings, SETTINGS } from '../config.ts';
import type { EventBus, CheckRecord } from '../events.ts';
import { formatDuration } from '../clock.ts';
import { redact } from '../redact.ts';
import { formatExtraSecretKeys, type ExtraSecretKey } from '../runbooks/steps/extra-secrets.ts';
import type { ReportData, RunResult } from '../report/model.ts';
import type { RunbookContext } from '../runbook.ts';

/** A setting's value as the report's settings table shows it: as the user would write it. */
export function displaySetting(key: keyof Settings, value: Settings[keyof Settings]): string {
  if (key === 'timeoutMs') return formatDuration(value as number);
  if (key === 'extraSecretKeys') return formatExtraSecretKeys(value as ExtraSecretKey[]);
  if (key === 'driver' && value === '') return 'auto';
  if (key === 'imageRegistry') return (value as Settings['imageRegistry'])?.prefix ?? '';
  if (value === undefined) return ''; // an optional setting left empty (the size budgets)
  // The data check's argument templates are JSON objects: show them as the user wrote them.
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

export function buildReport(
  ctx: RunbookContext,
  bus: EventBus,
  outcome: { result: RunResult; exitCode: number; reason?: string; remedy?: string },
): ReportData {
  const steps: ReportData['steps'] = [];
  const checks: CheckRecord[] = [];
  const evidence: ReportData['evidence'] = [];
  const notes: string[] = [];
  const transcript: ReportData['transcript'] = [];
  for (const event of bus.history) {
    if (event.kind === 'step-end')
      steps.push({ name: event.step, status: event.status, ms: event.ms, waitedMs: event.waitedMs, detail: event.detail });
    else if (event.kind === 'check') checks.push(event.check);
    else if (event.kind === 'evidence')
      evidence.push({ title: event.title, body: event.body, ...(event.lang ? { lang: event.lang } : {}) });
    else if (event.kind === 'note') notes.push(event.level === 'warn' ? `⚠️ ${event.text}` : event.text);
    else if (event.kind === 'command-end')
      transcript.push({
        argv: event.argv,
        exitCode: event.exitCode,
        ms: event.ms,
        timedOut: event.timedOut,
        stdoutTail: event.stdoutTail,
        stderrTail: event.stderrTail,
      });
  }
  const finished = ctx.clock.now();
  const settings: ReportData['settings'] = {};
  for (const s of SETTINGS)
    settings[s.env] = { value: redact(displaySetting(s.key, ctx.settings[s.key])), source: ctx.config.sources[s.key] };
  return {
    runbook: ctx.definition.id,
    title: ctx.definition.title,
    simulated: ctx.simulation !== undefined,
    ...outcome,
    startedAt: new Date(ctx.startedAt).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - ctx.startedAt,
    environment: ctx.environment,
    settings,
    steps,
    checks,
    timeline: ctx.timeline,
    evidence,
    notes,
    transcript,
  };
}
