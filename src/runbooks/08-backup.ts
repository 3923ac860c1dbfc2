// Runbook 08: backup. Dumps the release's database with pg_dump (custom format) inside the pod
// that can reach it, streams the archive into a local 0600 file under backups/, reads it back with
// pg_restore to count the rows of every table in it, and writes a manifest (size, SHA-256, row
// counts) beside it. No password is on any command line or in any file: the pod reads its own.
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { releaseDatabase, type DatabaseTarget } from '../cluster/backup-target.ts';
import { dumpCommand, dumpRowCountsCommand, dumpVersionCommand, parseRowCounts } from '../cluster/backup-commands.ts';
import {
  backupFileName,
  describeTables,
  MANIFEST_VERSION,
  sha256File,
  writeManifest,
  type BackupManifest,
} from '../cluster/backup-manifest.ts';
import { containsSecret } from '../redact.ts';
import { CommandFailed, UsageError } from '../errors.ts';

export const DEFAULT_BACKUP_DIR = 'backups';
/** A dump and its read-back are streams of the whole database: give them more than a request. */
const STREAM_TIMEOUT_MS = 15 * 60_000;

function backupDir(ctx: RunbookContext): string {
  const flag = ctx.flag('backup-dir');
  if (flag === true || flag === '') throw new UsageError('--backup-dir needs a folder', 'e.g. --backup-dir backups');
  return resolve(typeof flag === 'string' ? flag : DEFAULT_BACKUP_DIR);
}

/** The folder exists (0700) and is writable; found out before anything runs. */
function prepareFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    statSync(dir);
  } catch (error) {
    throw new UsageError(
      `the backup folder ${dir} cannot be created: ${error instanceof Error ? error.message : String(error)}`,
      'give a folder you can write with --backup-dir',
    );
  }
}

async function dump(ctx: RunbookContext, db: DatabaseTarget, partial: string): Promise<number> {
  const target = { pod: db.pod, container: db.container, namespace: db.namespace };
  const started = ctx.clock.now();
  try {
    await ctx.tools.kubectl.execIn(target, dumpCommand(db.source), {
      timeoutMs: STREAM_TIMEOUT_MS,
      why: `pg_dump --format=custom inside ${db.pod}, streamed into ${partial}`,
      remedy: `see the error above; the database must accept the pod's own credentials: kubectl logs ${db.pod} -n ${db.namespace} --context ${ctx.tools.kubectl.context}`,
      stdoutFile: partial,
    });
  } catch (error) {
    rmSync(partial, { force: true }); // never leave half a dump that looks like a backup
    if (error instanceof CommandFailed) {
      ctx.evidence('pg_dump error output', error.stderr);
      ctx.require({
        id: 'BACKUP-DUMP',
        title: 'pg_dump (custom format) streamed to a local file',
        expected: 'exit 0, a non-empty archive',
        measured: error.message,
        pass: false,
        remedy: error.remedy,
      });
    }
    throw error;
  }
  chmodSync(partial, 0o600);
  const bytes = statSync(partial).size;
  ctx.span('backup', 'pg_dump', started, ctx.clock.now());
  ctx.require({
    id: 'BACKUP-DUMP',
    title: 'pg_dump (custom format) streamed to a local file',
    expected: 'exit 0, a non-empty archive',
    measured: `exit 0, ${bytes} bytes`,
    pass: bytes > 0,
    remedy: 'an empty archive means pg_dump wrote nothing: run it by hand in the pod and read its error',
  });
  return bytes;
}

/** pg_restore reads the archive back (in the pod, from stdin) and the rows of each table are counted. */
async function readBack(ctx: RunbookContext, db: DatabaseTarget, partial: string): Promise<Record<string, number>> {
  const target = { pod: db.pod, container: db.container, namespace: db.namespace };
  let tables: Record<string, number>;
  try {
    const printed = await ctx.tools.kubectl.execIn(target, dumpRowCountsCommand(), {
      timeoutMs: STREAM_TIMEOUT_MS,
      why: 'pg_restore reads the archive back and the rows of each table in it are counted',
      remedy: 'the archive is unreadable: run the backup again',
      stdinFile: partial,
    });
    tables = parseRowCounts(printed);
  } catch (error) {
    rmSync(partial, { force: true });
    const measured = error instanceof CommandFailed ? `${error.message}` : String(error);
    ctx.require({
      id: 'BACKUP-READABLE',
      title: 'pg_restore reads the archive back',
      expected: 'every table of the archive listed with its rows',
      measured,
      pass: false,
      remedy: 'the archive is unreadable: run the backup again (the half-made file was removed)',
    });
    throw error;
  }
  ctx.check({
    id: 'BACKUP-READABLE',
    title: 'pg_restore reads the archive back',
    expected: 'every table of the archive listed with its rows',
    measured: describeTables(tables),
    pass: Object.keys(tables).length ? 'pass' : 'warn',
    remedy: 'no table in the database: has the app ever started against it? (it creates its tables at start)',
  });
  return tables;
}

export const backup: RunbookDefinition = {
  id: '08-backup',
  title: '08 · Backup: pg_dump to a local file with a checksummed manifest',
  summary:
    "Dumps the release's PostgreSQL database with pg_dump (custom format) inside the pod that reaches it, streams it to a 0600 file under backups/, reads it back to count every table's rows, and writes a manifest with its size, SHA-256 and row counts.",
  flags: [{ name: 'backup-dir', type: 'string', description: `folder for the archive and its manifest (default ${DEFAULT_BACKUP_DIR}/)` }],
  async run(ctx) {
    const dir = backupDir(ctx);
    prepareFolder(dir);
    const db = await releaseDatabase(ctx, 'pg_dump');
    const name = backupFileName(ctx.settings.release, ctx.clock.now());
    const archive = join(dir, name);
    const partial = `${archive}.partial`;
    ctx.onCleanup('remove an unfinished archive', async () => rmSync(partial, { force: true }));
    const bytes = await ctx.step('Dump the database', 'pg_dump --format=custom, streamed byte for byte into a 0600 file', () =>
      dump(ctx, db, partial),
    );
    const tables = await ctx.step('Read the archive back', 'proves pg_restore can read it, and counts the rows of every table in it', () =>
      readBack(ctx, db, partial),
    );
    await ctx.step('Write the manifest', 'size, SHA-256 and row counts: 09-restore checks the archive against them', async () => {
      const target = { pod: db.pod, container: db.container, namespace: db.namespace };
      const version = await ctx.tools.kubectl
        .execIn(target, dumpVersionCommand(), { timeoutMs: 60_000, why: 'the pg_dump version, for the manifest', remedy: '' })
        .then((out) => out.trim())
        // only a failed command is survivable here (the archive is already proven); Ctrl-C and bugs go on
        .catch((e: unknown) => {
          if (e instanceof CommandFailed) return 'unknown';
          throw e;
        });
      const sha256 = await sha256File(partial);
      renameSync(partial, archive);
      const manifest: BackupManifest = {
        version: MANIFEST_VERSION,
        file: name,
        format: 'pg_dump custom',
        bytes,
        sha256,
        createdAt: new Date(ctx.clock.now()).toISOString(),
        simulated: ctx.simulation !== undefined,
        source: {
          kind: db.source,
          context: ctx.tools.kubectl.context,
          namespace: db.namespace,
          release: ctx.settings.release,
          pod: db.pod,
        },
        pgDump: version,
        tables,
      };
      const manifestPath = writeManifest(archive, manifest);
      const mode = statSync(archive).mode & 0o777;
      ctx.check({
        id: 'BACKUP-FILE',
        title: 'archive and manifest written, private to you',
        expected: 'mode 0600, size and SHA-256 in the manifest',
        measured: `${archive} (mode 0${mode.toString(8)}, ${bytes} bytes, sha256 ${sha256})`,
        pass: mode === 0o600,
        remedy: `chmod 600 ${archive}`,
      });
      const text = readFileSync(manifestPath, 'utf8');
      ctx.check({
        id: 'BACKUP-SECRETS',
        title: 'no password on a command line or in the manifest',
        expected: '0 commands with a secret in argv; none in the manifest',
        measured: `${ctx.exec.secretsInArgv} command(s) with a secret in argv; manifest ${containsSecret(text) ? 'HOLDS a secret' : 'clean'}`,
        pass: ctx.exec.secretsInArgv === 0 && !containsSecret(text),
        remedy: 'report this: the credentials must stay inside the pod',
      });
      ctx.evidence('backup manifest', text);
      ctx.fact('backup', archive);
      ctx.fact('backup manifest', manifestPath);
      ctx.note(`Backup: ${archive} (${bytes} bytes, sha256 ${sha256}); ${describeTables(tables)}.`);
      ctx.note(`Restore it with: npx zx runbooks/09-restore.mjs --from ${archive}`);
    });
  },
};
