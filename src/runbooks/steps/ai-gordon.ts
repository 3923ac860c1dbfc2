// 06's Gordon step: Docker's assistant reviews the Dockerfiles of the images being deployed.
import { basename, dirname, relative } from 'node:path';
import { loadPrompt } from '../../ai-prompts.ts';
import { PROJECT_ROOT, type RunbookContext } from '../../runbook.ts';
import { gordonCommand } from '../../tools/gordon.ts';
import { imageSpecs } from '../../images.ts';
import { installHint } from '../../platform.ts';
import { attempt } from '../../errors.ts';
import { redact } from '../../redact.ts';
import { notAvailable } from './ai-common.ts';

export async function askGordon(ctx: RunbookContext): Promise<void> {
  const id = 'DIAG-AI-GORDON';
  if (!ctx.tools.docker.installed()) return notAvailable(ctx, id, 'Gordon (docker ai)', 'docker is not installed', installHint('gordon'));
  // `docker ai --help` exits 0 even without the plugin; `docker ai version` does not.
  const version = await ctx.tools.gordon.version();
  ctx.fact('gordon (docker ai)', version ?? 'not available');
  if (!version)
    return notAvailable(
      ctx,
      id,
      'Gordon (docker ai)',
      '`docker ai version` failed: the Docker Desktop AI plugin is not available',
      installHint('gordon'),
    );
  let dockerfiles: Array<{ component: string; path: string }>;
  try {
    dockerfiles = imageSpecs(ctx.settings, PROJECT_ROOT).map((s) => ({ component: s.component, path: s.dockerfile }));
  } catch (error) {
    return notAvailable(
      ctx,
      id,
      'Gordon (docker ai)',
      `no Dockerfiles to review: ${(error as Error).message}`,
      'see docs/bring-your-own-app.md',
    );
  }
  // Gordon is a terminal UI: it gets this terminal when there is one and a person at it, else the
  // user gets the exact command to run (docs.docker.com/ai/gordon/how-to/cli).
  const terminal = ctx.interactive && Boolean(process.stdout.isTTY);
  ctx.fact(
    'gordon mode',
    terminal ? 'opened in this terminal, one Dockerfile at a time' : 'not started (no terminal): the commands to run are in the report',
  );
  for (const { component, path } of dockerfiles) {
    const title = `Gordon: review of ${relative(PROJECT_ROOT, path)}`;
    let question: string;
    try {
      question = redact(loadPrompt('review-dockerfile', { dockerfile: basename(path), component }));
    } catch (error) {
      ctx.check({
        id,
        title,
        expected: 'an advisory review',
        measured: `not asked: ${(error as Error).message}`,
        pass: 'warn',
        remedy: 'fix docs/ai-prompts.md (see its header)',
      });
      continue;
    }
    const command = gordonCommand(dirname(path), question);
    if (!terminal) {
      ctx.check({
        id,
        title,
        expected: 'an advisory review',
        measured: `not started: Gordon is an interactive terminal UI and this run has no terminal; run it yourself (command in the evidence)`,
        pass: 'skip',
        remedy: `run in a terminal: ${command.length > 160 ? `docker ai -C ${dirname(path)} "<the question in the report>"` : command}`,
      });
      ctx.evidence(`${title}: the command to run in a terminal`, command);
      continue;
    }
    if (
      !(await ctx.confirm(
        `Open Gordon in this terminal to review ${relative(PROJECT_ROOT, path)}? (leave it with /exit or Ctrl+C to go on)`,
        { default: true, whenNonInteractive: false },
      ))
    ) {
      ctx.check({
        id,
        title,
        expected: 'an advisory review',
        measured: 'not opened: you chose not to',
        pass: 'skip',
        remedy: `run it yourself: ${command}`,
      });
      ctx.evidence(`${title}: the command to run in a terminal`, command);
      continue;
    }
    const result = await attempt(ctx.handTerminal(() => ctx.tools.gordon.openInTerminal(dirname(path), question)));
    const closed = result.ok
      ? `closed by you (exit ${result.value.exitCode})`
      : result.error.timedOut
        ? 'closed after an hour'
        : `closed by you (exit ${result.error.exitCode})`;
    ctx.check({
      id,
      title,
      expected: 'an advisory review',
      measured: `opened in this terminal, ${closed}; its answers were on screen, not in this report`,
      pass: result.ok ? 'pass' : 'warn',
      remedy: result.ok ? undefined : result.error.remedy,
    });
  }
}
