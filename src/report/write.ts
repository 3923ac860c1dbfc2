// Writes reports/<timestamp>-<runbook>.md and .json side by side.
import { existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ReportData } from './model.ts';
import { renderMarkdown } from './markdown.ts';
import { redact } from '../redact.ts';
import { UsageError } from '../errors.ts';

export function reportStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Creates a folder one level at a time. Node 20's `mkdirSync(dir, { recursive: true })` never returns
 * when a parent exists but cannot hold folders (seen here with /proc/forbidden on v20.20.2: the
 * native walk steps back on ENOENT and forward on EEXIST for ever); plain mkdir fails at once.
 */
export function makeFolder(dir: string): string {
  const folder = resolve(dir);
  const missing: string[] = [];
  for (let at = folder; !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return folder;
}

/** Checked before anything runs: a report that cannot be written would be found missing only at the end. */
export function checkReportFolder(dir: string, name = '--report-dir'): void {
  const folder = resolve(dir);
  try {
    makeFolder(folder);
    if (!statSync(folder).isDirectory()) throw new Error('it is not a folder');
    const probe = join(folder, `.write-check-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new UsageError(
      `${name} ${dir}: reports cannot be written there (${why})`,
      'give a folder you can write to, e.g. --report-dir reports',
    );
  }
}

export function writeReport(dir: string, data: ReportData): { markdown: string; json: string } {
  const folder = makeFolder(dir);
  const base = join(folder, `${reportStamp(new Date(data.startedAt))}-${data.runbook}`);
  // A last pass of redaction over the whole document: nothing recorded may carry a secret.
  writeFileSync(`${base}.md`, redact(renderMarkdown(data)));
  writeFileSync(`${base}.json`, redact(JSON.stringify(data, null, 2)) + '\n');
  return { markdown: `${base}.md`, json: `${base}.json` };
}
