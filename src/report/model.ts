// The data of one runbook report; the markdown and the JSON are two renderings of it.
import type { CheckRecord } from '../events.ts';

export type RunResult = 'passed' | 'failed' | 'usage-error' | 'interrupted';

export interface TranscriptEntry {
  argv: string[];
  exitCode: number;
  ms: number;
  timedOut: boolean;
  stdoutTail: string;
  stderrTail: string;
}

export interface TimelineEntry {
  section: string;
  label: string;
  /** Offsets from the run's start, in ms. */
  startMs: number;
  endMs: number;
}

export interface ReportData {
  runbook: string;
  title: string;
  simulated: boolean;
  result: RunResult;
  exitCode: number;
  reason?: string;
  remedy?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  environment: Record<string, string>;
  settings: Record<string, { value: string; source: string }>;
  /** `ms` is the step's work; `waitedMs` the real time a person took to answer its questions. */
  steps: Array<{ name: string; status: 'ok' | 'failed' | 'skipped'; ms: number; waitedMs?: number; detail?: string }>;
  checks: CheckRecord[];
  timeline: TimelineEntry[];
  /** `lang` marks a body the markdown renders as that language (a mermaid diagram), else plain text. */
  evidence: Array<{ title: string; body: string; lang?: string }>;
  notes: string[];
  transcript: TranscriptEntry[];
}
