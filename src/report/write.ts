// Writes reports/<timestamp>-<runbook>.md and .json side by side.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ReportData } from './model.ts';
import { renderMarkdown } from './markdown.ts';
import { redact } from '../redact.ts';

export function reportStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function writeReport(dir: string, data: ReportData): { markdown: string; json: string } {
  const folder = resolve(dir);
  mkdirSync(folder, { recursive: true });
  const base = join(folder, `${reportStamp(new Date(data.startedAt))}-${data.runbook}`);
  // A last pass of redaction over the whole document: nothing recorded may carry a secret.
  writeFileSync(`${base}.md`, redact(renderMarkdown(data)));
  writeFileSync(`${base}.json`, redact(JSON.stringify(data, null, 2)) + '\n');
  return { markdown: `${base}.md`, json: `${base}.json` };
}
