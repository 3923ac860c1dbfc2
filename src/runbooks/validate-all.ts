// validate-all: runs 00 → 06, 08 and access (--once) in order and writes one consolidated validation report with
// every success criterion (measured value, target, result) and a link to each runbook's own report.
// 00–03 are prerequisites: the first of them to fail stops the run. 04–06, 08 and access each run regardless.
import { join, relative, resolve } from 'node:path';
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { executeWithReport } from '../runbook.ts';
import { resolveSecrets } from '../secrets.ts';
import { forwardedArgs } from '../prereqs.ts';
import { secretSpecs } from './steps/app-secrets.ts';
import { runbookById, type RunbookId } from './index.ts';
import { Interrupted } from '../errors.ts';
import { formatDuration } from '../clock.ts';

interface Stage {
  id: RunbookId;
  prerequisite: boolean;
}

export const STAGES: Stage[] = [
  { id: '00-setup', prerequisite: true },
  { id: '01-build', prerequisite: true },
  { id: '02-load', prerequisite: true },
  { id: '03-install', prerequisite: true },
  { id: '04-restart-test', prerequisite: false },
  { id: '05-scaling', prerequisite: false },
  { id: '06-ai-diagnostics', prerequisite: false },
  { id: '08-backup', prerequisite: false },
  { id: 'access', prerequisite: false },
];

/** The arguments every child gets: non-interactive, same mode, same settings. */
function childArgs(ctx: RunbookContext, id: RunbookId): string[] {
  // The backup goes beside the reports, so one folder holds everything a validation run made.
  // access proves and ends (--once) on any free local ports, so a port in use cannot stop it.
  const own =
    id === '08-backup'
      ? ['--backup-dir', join(ctx.settings.reportDir, 'backups')]
      : id === 'access'
        ? ['--once', '--frontend-port', '0', '--backend-port', '0']
        : [];
  return ['--yes', ...forwardedArgs(ctx), ...own];
}

/** Interactive: ask for 03's secrets now, so the whole run can then go on unattended. */
async function secretsUpFront(ctx: RunbookContext): Promise<void> {
  if (!ctx.interactive) return;
  const external = Boolean(process.env.DATABASE_URL || ctx.config.fileEnv.DATABASE_URL);
  const resolved = await resolveSecrets(secretSpecs(external), {
    env: process.env,
    fileEnv: ctx.config.fileEnv,
    interactive: true,
    prompter: { password: (m, v) => ctx.secretPrompt(m, v) },
  });
  // Children read them from the environment of this process; they never reach an argv.
  for (const [key, s] of Object.entries(resolved)) if (s.value) process.env[key] = s.value;
}

export const validateAll: RunbookDefinition = {
  id: 'validate-all',
  title: 'Validate all · 00 → 06, 08 and access with one consolidated report',
  summary:
    'Runs every runbook from setup to AI diagnostics, then a backup and access (--once), in order; stops at the first failing prerequisite (00–03), and writes one report with every success criterion.',
  async run(ctx) {
    if (ctx.interactive) {
      const go = await ctx.confirm('Run 00-setup through 06-ai-diagnostics, 08-backup and access now, without further questions?', {
        default: true,
        whenNonInteractive: true,
      });
      if (!go) throw new Interrupted('you chose not to run');
      await secretsUpFront(ctx);
    }
    const reportDir = ctx.settings.reportDir;
    const failed: string[] = [];
    for (const stage of STAGES) {
      const definition = await runbookById(stage.id);
      const started = ctx.clock.now();
      const outcome = await ctx.step(`Run ${stage.id}`, definition.summary, () => executeWithReport(definition, childArgs(ctx, stage.id)));
      ctx.span('runbooks', stage.id, started, ctx.clock.now());
      if (outcome.exitCode === 130) throw new Interrupted();
      const report = outcome.report;
      const link = outcome.paths ? relative(reportDir, outcome.paths.markdown) : '(no report)';
      ctx.note(
        `${stage.id}: ${report?.result ?? `exit ${outcome.exitCode}`} in ${formatDuration(report?.durationMs ?? 0)} — [report](${link})`,
      );
      for (const check of report?.checks ?? []) {
        ctx.check({
          id: check.id,
          title: `${stage.id}: ${check.title}`,
          expected: check.expected,
          measured: check.measured,
          pass: check.status,
          remedy: check.remedy,
          value: check.value,
          unit: check.unit,
        });
      }
      if (outcome.exitCode !== 0) {
        failed.push(stage.id);
        if (report?.reason)
          ctx.evidence(`${stage.id} failed`, `${report.reason}\n→ ${report.remedy ?? ''}\nreport: ${outcome.paths?.markdown ?? ''}`);
        if (stage.prerequisite) {
          ctx.require({
            id: 'VALIDATE-PREREQ',
            title: `prerequisite ${stage.id}`,
            expected: 'exit 0',
            measured: `exit ${outcome.exitCode}: ${report?.reason ?? 'see its report'}`,
            pass: false,
            remedy: report?.remedy ?? `npx zx runbooks/${stage.id}.mjs`,
          });
        }
      }
    }
    ctx.fact('report folder', resolve(reportDir));
    ctx.check({
      id: 'VALIDATE-ALL',
      title: 'every runbook passed',
      expected: `${STAGES.length} of ${STAGES.length}`,
      measured: failed.length ? `failed: ${failed.join(', ')}` : `${STAGES.length} of ${STAGES.length}`,
      pass: failed.length === 0,
      remedy: 'open the linked report of each failed runbook',
    });
  },
};
