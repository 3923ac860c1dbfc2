import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderMarkdown, fence, cell, mermaidTimeline } from '../../src/report/markdown.ts';
import { checkReportFolder, writeReport, reportStamp } from '../../src/report/write.ts';
import type { ReportData } from '../../src/report/model.ts';
import { clearSecrets, registerSecret } from '../../src/redact.ts';

function sample(over: Partial<ReportData> = {}): ReportData {
  return {
    runbook: '03-install',
    title: '03 · Install',
    simulated: true,
    result: 'failed',
    exitCode: 1,
    reason: 'pod x: CrashLoopBackOff',
    remedy: 'read the logs',
    startedAt: '2026-11-23T04:30:00.000Z',
    finishedAt: '2026-11-23T04:31:00.000Z',
    durationMs: 60_000,
    environment: { os: 'linux' },
    settings: { K8S_NAMESPACE: { value: 'todo-app', source: 'default' } },
    steps: [{ name: 'Install', status: 'failed', ms: 1200 }],
    checks: [
      {
        id: 'READY-BACKEND',
        title: 'pod Ready',
        expected: '≤ 60 s',
        measured: 'CrashLoopBackOff | exit 1',
        status: 'fail',
        remedy: 'kubectl logs',
      },
    ],
    timeline: [{ section: 'pods', label: 'backend', startMs: 0, endMs: 8000 }],
    evidence: [{ title: 'logs', body: 'line with ``` fence' }],
    notes: ['a note'],
    transcript: [
      {
        argv: ['helm', 'upgrade', '--install'],
        exitCode: 1,
        ms: 900,
        timedOut: false,
        stdoutTail: '',
        stderrTail: 'Error: context deadline exceeded',
      },
    ],
    ...over,
  };
}

test('markdown has the title (marked simulated), result, checks table, timeline, evidence and transcript', () => {
  const md = renderMarkdown(sample());
  assert.match(md, /^# 03 · Install — SIMULATED RUN/);
  assert.match(md, /not\*\* evidence of a real deployment/);
  assert.match(md, /\*\*Result: FAILED\*\* \(exit code 1\)/);
  assert.match(md, /\*\*Why:\*\* pod x: CrashLoopBackOff/);
  assert.match(md, /\| READY-BACKEND \| pod Ready \| ≤ 60 s \| CrashLoopBackOff \\\| exit 1 \| ❌ fail \| kubectl logs \|/);
  assert.match(md, /```mermaid\ngantt/);
  assert.match(md, /````\nline with ``` fence\n````/);
  assert.match(md, /\| 1 \| `helm upgrade --install` \| 1 \| 900 ms \|/);
  assert.match(md, /Error: context deadline exceeded/);
  assert.doesNotMatch(renderMarkdown(sample({ simulated: false })), /SIMULATED/);
});

test('helpers escape table cells and size fences', () => {
  assert.equal(cell('a|b\nc'), 'a\\|b<br>c');
  assert.equal(fence('x'), '```\nx\n```');
  assert.match(
    mermaidTimeline('t', [{ section: 'a:b', label: 'x,y', startMs: 0, endMs: 1500 }]),
    /section a b\n {4}x y \(1\.5 s\) :0, 1500/,
  );
});

test('writeReport writes .md and .json with the same data, redacted', () => {
  clearSecrets();
  registerSecret('hunter2-secret');
  const dir = mkdtempSync(join(tmpdir(), 'rep-'));
  const paths = writeReport(dir, sample({ notes: ['leaked hunter2-secret here'] }));
  assert.equal(paths.markdown, join(dir, `${reportStamp(new Date('2026-11-23T04:30:00.000Z'))}-03-install.md`));
  const json = JSON.parse(readFileSync(paths.json, 'utf8'));
  assert.equal(json.checks[0].id, 'READY-BACKEND');
  for (const p of [paths.markdown, paths.json]) {
    assert.ok(!readFileSync(p, 'utf8').includes('hunter2-secret'));
    assert.ok(statSync(p).size > 100);
  }
  clearSecrets();
});

test('a report folder that cannot hold files is refused at once, never a hang (Node 20 loops in a recursive mkdir under /proc)', () => {
  const parentIsFile = join(mkdtempSync(join(tmpdir(), 'report-file-')), 'file');
  writeFileSync(parentIsFile, '');
  const script = `
    import { checkReportFolder, writeReport } from ${JSON.stringify(new URL('../../src/report/write.ts', import.meta.url).href)};
    for (const dir of ['/proc/forbidden', '/proc/forbidden/deeper', ${JSON.stringify(join(parentIsFile, 'sub'))}]) {
      try { checkReportFolder(dir); console.log('accepted', dir); } catch (e) { console.log(e.name, e.message, '|', e.remedy); }
      try { writeReport(dir, { runbook: 'x', startedAt: new Date(0).toISOString() }); console.log('written', dir); } catch (e) { console.log('write failed', e.code); }
    }`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(run.signal, null, `the check hung and was killed: ${run.stdout}${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.filter((l) => l.startsWith('UsageError --report-dir')).length, 3, run.stdout + run.stderr);
  assert.ok(
    lines.every((l) => !l.startsWith('accepted') && !l.startsWith('written')),
    run.stdout,
  );
  assert.match(run.stdout, /reports cannot be written there \(ENOENT\) \| give a folder you can write to/);
});

test('a missing report folder is created, nested folders too', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'report-new-')), 'a', 'b');
  checkReportFolder(dir);
  assert.ok(statSync(dir).isDirectory());
  assert.deepEqual(readdirSync(dir), [], 'the write check leaves nothing behind');
});
