// Markdown rendering of a runbook report (DESIGN §6). Every text in ReportData is already redacted.
import type { ReportData, TimelineEntry } from './model.ts';
import { formatDuration, formatStepTime } from '../clock.ts';

const RESULT_LABEL = {
  passed: 'PASSED',
  failed: 'FAILED',
  'usage-error': 'NOT RUN (usage or configuration error)',
  interrupted: 'INTERRUPTED',
} as const;
const STATUS_LABEL = { pass: '✅ pass', fail: '❌ fail', warn: '⚠️ warn', skip: '➖ skip' } as const;

export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function fence(body: string, lang = ''): string {
  // A fence longer than any backtick run inside, so captured output can never close it early.
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${body.replace(/\s+$/, '')}\n${ticks}`;
}

export function mermaidTimeline(title: string, entries: TimelineEntry[]): string {
  const lines = ['gantt', `    title ${title}`, '    dateFormat x', '    axisFormat %M:%S'];
  let section = '';
  for (const e of entries) {
    if (e.section !== section) {
      section = e.section;
      lines.push(`    section ${section.replace(/[:#]/g, ' ')}`);
    }
    const label = e.label.replace(/[:#,]/g, ' ');
    lines.push(
      `    ${label} (${formatDuration(e.endMs - e.startMs)}) :${Math.round(e.startMs)}, ${Math.max(Math.round(e.endMs), Math.round(e.startMs) + 1)}`,
    );
  }
  return fence(lines.join('\n'), 'mermaid');
}

export function renderMarkdown(r: ReportData): string {
  const out: string[] = [];
  out.push(`# ${r.title}${r.simulated ? ' — SIMULATED RUN' : ''}`);
  out.push('');
  if (r.simulated) {
    out.push(
      '> This run used the simulated toolchain (sim). It shows that the runbook works; it is **not** evidence of a real deployment.',
    );
    out.push("> Durations are in the simulator's virtual clock (see Environment → mode); HTTP response times are real.");
    out.push('');
  }
  out.push(
    `**Result: ${RESULT_LABEL[r.result]}** (exit code ${r.exitCode}) · runbook \`${r.runbook}\` · started ${r.startedAt} · took ${formatDuration(r.durationMs)}`,
  );
  out.push('');
  if (r.reason) {
    out.push(`**Why:** ${r.reason}`);
    out.push('');
    if (r.remedy) out.push(`**What to do:** ${r.remedy}`, '');
  }

  out.push('## Checks', '');
  if (r.checks.length === 0) out.push('No checks ran.', '');
  else {
    out.push('| id | check | expected | measured | result | remedy |', '|---|---|---|---|---|---|');
    for (const c of r.checks) {
      out.push(
        `| ${c.id} | ${cell(c.title)} | ${cell(c.expected)} | ${cell(c.measured)} | ${STATUS_LABEL[c.status]} | ${c.status === 'pass' ? '' : cell(c.remedy ?? '')} |`,
      );
    }
    out.push('');
  }

  out.push('## Environment', '', '| what | value |', '|---|---|');
  for (const [key, value] of Object.entries(r.environment)) out.push(`| ${cell(key)} | ${cell(value)} |`);
  out.push('');
  out.push('## Settings', '', '| setting | value | from |', '|---|---|---|');
  for (const [key, s] of Object.entries(r.settings)) out.push(`| ${key} | ${cell(s.value || '(empty)')} | ${s.source} |`);
  out.push('');

  out.push('## Steps and timings', '', '| step | result | time |', '|---|---|---|');
  for (const s of r.steps)
    out.push(`| ${cell(s.name)}${s.detail ? ` — ${cell(s.detail)}` : ''} | ${s.status} | ${formatStepTime(s.ms, s.waitedMs)} |`);
  out.push('');

  if (r.timeline.length) {
    out.push('## Timeline', '', mermaidTimeline(r.title, r.timeline), '');
  }
  if (r.notes.length) {
    out.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  }
  if (r.evidence.length) {
    out.push('## Evidence', '');
    for (const e of r.evidence) out.push(`### ${e.title}`, '', fence(e.body, e.lang), '');
  }

  out.push('## Command transcript', '', 'Every command the runbook ran, in order (secrets masked).', '');
  out.push('| # | command | exit | time |', '|---|---|---|---|');
  r.transcript.forEach((t, i) => {
    out.push(
      `| ${i + 1} | \`${cell(t.argv.join(' ')).replace(/`/g, "'")}\` | ${t.timedOut ? 'timed out' : t.exitCode} | ${formatDuration(t.ms)} |`,
    );
  });
  out.push('');
  const failedOutput = r.transcript.filter((t) => t.exitCode !== 0 && (t.stderrTail || t.stdoutTail));
  if (failedOutput.length) {
    out.push('### Output of the commands that failed', '');
    for (const t of failedOutput)
      out.push(`\`${t.argv.join(' ').replace(/`/g, "'")}\` (exit ${t.exitCode})`, '', fence(t.stderrTail || t.stdoutTail), '');
  }
  return out.join('\n');
}
