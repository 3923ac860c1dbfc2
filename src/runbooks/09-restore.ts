// Runbook 09: restore a backup made by 08. Refuses, before anything changes, an archive whose size
// or SHA-256 differs from its manifest; says what the restore overwrites and asks; restores with
// pg_restore --clean --if-exists in one transaction (a failure leaves the database as it was);
// proves every table's row count equals the manifest's and that the app reads its data again.
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect } from './steps/drill.ts';
import { releaseDatabase, type DatabaseTarget } from '../cluster/backup-target.ts';
import { databaseRowCountsCommand, parseRowCounts, restoreCommand } from '../cluster/backup-commands.ts';
import { countDifferences, describeTables, readBackup, sha256File, type BackupManifest } from '../cluster/backup-manifest.ts';
import { appPodsSelector } from '../cluster/labels.ts';
import { dataCheckFor } from '../cluster/data-check.ts';
import { CommandFailed, Interrupted, UsageError, lastLine } from '../errors.ts';

const STREAM_TIMEOUT_MS = 15 * 60_000;
const HEALTHY_WAIT_MS = 180_000;

function fromFlag(ctx: RunbookContext): string {
  const from = ctx.flag('from');
  if (typeof from !== 'string' || !from)
    throw new UsageError(
      '--from is required: which backup to restore',
      'e.g. --from backups/todo-chatbot-20250101T120000Z.dump (08-backup prints the path)',
    );
  return resolve(from);
}

/** The archive is exactly what 08 wrote: same size and SHA-256 as its manifest. Else exit 2, nothing touched. */
async function verifyBackup(ctx: RunbookContext, archive: string): Promise<BackupManifest> {
  const { manifest, manifestPath } = readBackup(archive);
  const bytes = statSync(archive).size;
  const sha256 = await sha256File(archive);
  const same = bytes === manifest.bytes && sha256 === manifest.sha256;
  ctx.check({
    id: 'RESTORE-CHECKSUM',
    title: 'the archive matches its manifest',
    expected: `${manifest.bytes} bytes, sha256 ${manifest.sha256}`,
    measured: `${bytes} bytes, sha256 ${sha256}`,
    pass: same,
    remedy: 'the file changed after the backup (damaged, cut short or edited): restore another backup',
  });
  if (!same)
    throw new UsageError(
      `${archive} does not match its manifest ${manifestPath} (${bytes} bytes, sha256 ${sha256.slice(0, 12)}…; the manifest says ${manifest.bytes} bytes, ${manifest.sha256.slice(0, 12)}…); nothing was changed`,
      'the file changed after the backup (damaged, cut short or edited): restore another backup',
    );
  const simulated = ctx.simulation !== undefined;
  if (manifest.simulated !== simulated)
    throw new UsageError(
      `${archive} was made by a ${manifest.simulated ? 'simulated' : 'real'} run and this run is ${simulated ? 'simulated' : 'real'}; nothing was changed`,
      `restore it ${manifest.simulated ? 'with --simulate' : 'without --simulate'}, or pick a backup made the same way`,
    );
  ctx.fact('backup', `${archive} (${manifest.createdAt}, ${describeTables(manifest.tables)})`);
  return manifest;
}

async function databaseCounts(ctx: RunbookContext, db: DatabaseTarget, why: string): Promise<Record<string, number>> {
  const printed = await ctx.tools.kubectl.execIn(
    { pod: db.pod, container: db.container, namespace: db.namespace },
    databaseRowCountsCommand(db.source),
    {
      timeoutMs: 120_000,
      why,
      remedy: `psql could not count the rows: kubectl logs ${db.pod} -n ${db.namespace} --context ${ctx.tools.kubectl.context}`,
    },
  );
  return parseRowCounts(printed);
}

/** What the restore replaces, and whether the backup came from elsewhere. */
async function describeOverwrite(ctx: RunbookContext, db: DatabaseTarget, manifest: BackupManifest): Promise<string> {
  const now = await databaseCounts(ctx, db, 'the rows the database holds now, before anything is replaced');
  const from = manifest.source;
  const here = { context: ctx.tools.kubectl.context, namespace: ctx.settings.namespace, release: ctx.settings.release };
  if (from.context !== here.context || from.namespace !== here.namespace || from.release !== here.release)
    ctx.note(
      `the backup was made from release ${from.release} in ${from.namespace} (context ${from.context}); it is restored into ${here.release} in ${here.namespace} (context ${here.context})`,
      'warn',
    );
  const extra = Object.keys(now).filter((t) => !(t in manifest.tables));
  if (extra.length) ctx.note(`tables not in the backup are left as they are: ${extra.join(', ')}`);
  const text = `the database behind ${db.describe} now holds ${describeTables(now)}; each table of the backup is dropped and recreated with the backup's rows: ${describeTables(manifest.tables)}, from ${manifest.createdAt}`;
  ctx.evidence('what the restore overwrites', text);
  return text;
}

async function runRestore(ctx: RunbookContext, db: DatabaseTarget, archive: string): Promise<void> {
  const started = ctx.clock.now();
  try {
    await ctx.tools.kubectl.execIn({ pod: db.pod, container: db.container, namespace: db.namespace }, restoreCommand(db.source), {
      timeoutMs: STREAM_TIMEOUT_MS,
      why: 'pg_restore --clean --if-exists --single-transaction, the archive streamed in on stdin',
      remedy: 'pg_restore ran in one transaction, so the database is as it was before; see the error, then restore another backup',
      stdinFile: archive,
    });
  } catch (error) {
    if (!(error instanceof CommandFailed)) throw error;
    ctx.evidence('pg_restore error output', error.stderr);
    ctx.require({
      id: 'RESTORE-RUN',
      title: 'pg_restore into the database',
      expected: 'exit 0',
      measured: `exit ${error.exitCode}: ${lastLine(error.stderr)}`,
      pass: false,
      remedy: error.remedy,
    });
  }
  ctx.span('restore', 'pg_restore', started, ctx.clock.now());
  ctx.check({ id: 'RESTORE-RUN', title: 'pg_restore into the database', expected: 'exit 0', measured: 'exit 0', pass: true });
}

async function proveCounts(ctx: RunbookContext, db: DatabaseTarget, manifest: BackupManifest): Promise<void> {
  const now = await databaseCounts(ctx, db, 'the rows of every table after the restore');
  const restored = Object.fromEntries(Object.keys(manifest.tables).map((t) => [t, now[t] ?? -1]));
  const differences = countDifferences(manifest.tables, Object.fromEntries(Object.entries(restored).filter(([, n]) => n >= 0)));
  ctx.check({
    id: 'RESTORE-ROWS',
    title: 'every table has the rows of the backup',
    expected: describeTables(manifest.tables),
    measured: differences.length ? differences.join('; ') : describeTables(restored),
    pass: differences.length === 0,
    remedy: 'something wrote to the database during the restore, or the restore was partial: run 09 again',
  });
}

async function proveHealthy(ctx: RunbookContext): Promise<void> {
  const { namespace, release } = ctx.settings;
  await ctx.tools.kubectl.waitPodsReady(namespace, appPodsSelector(release), HEALTHY_WAIT_MS);
  const profile = (await ctx.tools.minikube.profiles()).find((p) => p.name === ctx.settings.profile);
  const access = await connect(ctx, profile?.driver ?? ctx.settings.driver);
  try {
    const check = dataCheckFor(ctx.settings, access);
    // A title nobody has: the answer proves the app reads its data, whatever it holds.
    const r = await check.find({ title: `09-restore probe ${ctx.clock.now()}` });
    ctx.check({
      id: 'RESTORE-APP',
      title: 'the app is Ready and reads its data',
      expected: `frontend, backend and mcp Ready; ${ctx.settings.dataCheck === 'mcp' ? 'the MCP list tool' : 'the todo API'} answers`,
      measured: r.ok
        ? `every app pod Ready; the app answers: ${r.detail.replace(/^.*(missing from|among) /, '')}`
        : `the app did not answer: ${r.error}`,
      pass: r.ok,
      remedy: `kubectl get pods -n ${namespace} --context ${ctx.tools.kubectl.context}; kubectl logs deploy/${release}-backend -n ${namespace}`,
    });
  } finally {
    await access.close();
  }
}

export const restore: RunbookDefinition = {
  id: '09-restore',
  title: '09 · Restore a backup and prove it',
  summary:
    "Restores a backup made by 08-backup into the release's database: refuses an archive that does not match its manifest, says what is overwritten and asks, restores in one transaction, then proves every table's rows equal the manifest's and that the app reads its data.",
  flags: [
    {
      name: 'from',
      type: 'string',
      description: 'the archive to restore (backups/<release>-<time>.dump; its .manifest.json must be beside it)',
    },
  ],
  async run(ctx) {
    const archive = fromFlag(ctx);
    const manifest = await ctx.step(
      'Check the backup file',
      'an archive that is not exactly what 08-backup wrote is refused before anything changes',
      () => verifyBackup(ctx, archive),
    );
    const db = await releaseDatabase(ctx, 'pg_restore');
    const overwrite = await ctx.step('Say what the restore overwrites', 'you decide with the numbers in front of you', () =>
      describeOverwrite(ctx, db, manifest),
    );
    ctx.note(overwrite);
    const go = await ctx.confirm(`Restore ${archive} now? ${overwrite}. Rows written since the backup are lost.`, {
      default: false,
      whenNonInteractive: true,
    });
    if (!go) throw new Interrupted('you chose not to restore; nothing was changed');
    await ctx.step('Restore the backup', 'pg_restore --clean --if-exists in one transaction: all of it or nothing', () =>
      runRestore(ctx, db, archive),
    );
    await ctx.step('Prove the row counts', "every table of the backup holds the manifest's rows", () => proveCounts(ctx, db, manifest));
    await ctx.step('Check the app is healthy', 'the app pods are Ready and read the restored data', () => proveHealthy(ctx));
  },
};
