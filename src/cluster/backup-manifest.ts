// A backup is two files side by side under backups/: the pg_dump archive (<name>.dump) and its
// manifest (<name>.dump.manifest.json) with the archive's size, SHA-256 and the rows of every table
// in it. 09-restore refuses an archive whose bytes no longer match its manifest, and proves a
// restore by comparing the database's row counts with the manifest's. Both files are 0600: the
// archive holds the app's data. Neither holds a password.
import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../errors.ts';
import type { DatabaseSource } from './backup-commands.ts';

export const MANIFEST_SUFFIX = '.manifest.json';
export const MANIFEST_VERSION = 1;

export interface BackupManifest {
  version: typeof MANIFEST_VERSION;
  /** The archive's file name (same folder as the manifest). */
  file: string;
  format: 'pg_dump custom';
  bytes: number;
  sha256: string;
  /** ISO time the dump finished (the run's clock: virtual when simulated). */
  createdAt: string;
  simulated: boolean;
  source: { kind: DatabaseSource; context: string; namespace: string; release: string; pod?: string };
  /** pg_dump --version inside the pod that made it. */
  pgDump: string;
  /** "<schema>.<table>" → rows in the archive. */
  tables: Record<string, number>;
}

/** "<release>-<UTC time>.dump": sorts by time, never collides within a second of one release. */
export function backupFileName(release: string, at: number): string {
  const stamp = new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${release}-${stamp}.dump`;
}

export const manifestPathFor = (archive: string) => `${archive}${MANIFEST_SUFFIX}`;

/** SHA-256 of a file, streamed (an archive may be larger than memory). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function writeManifest(archive: string, manifest: BackupManifest): string {
  const path = manifestPathFor(archive);
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // the mode above applies only to a new file
  return path;
}

export const totalRows = (tables: Record<string, number>) => Object.values(tables).reduce((a, b) => a + b, 0);

/** "3 tables, 12 rows (public.todos 12, …)" */
export function describeTables(tables: Record<string, number>): string {
  const entries = Object.entries(tables);
  const list = entries.map(([t, n]) => `${t} ${n}`).join(', ');
  return `${entries.length} table(s), ${totalRows(tables)} row(s)${entries.length ? ` (${list})` : ''}`;
}

/** Tables whose counts differ, as "public.todos: 3 in the backup, 2 now". */
export function countDifferences(expected: Record<string, number>, actual: Record<string, number>): string[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return names
    .filter((t) => expected[t] !== actual[t])
    .map((t) => `${t}: ${expected[t] ?? 'absent'} in the backup, ${actual[t] ?? 'absent'} now`);
}

const usage = (message: string, remedy: string) => new UsageError(message, remedy);
const LIST_HINT = 'pick one of the backups under backups/ (08-backup writes them), with its .manifest.json next to it';

/** The archive and its manifest, both checked for shape; any problem is a usage error (nothing changed). */
export function readBackup(archive: string): { manifest: BackupManifest; manifestPath: string } {
  if (!existsSync(archive) || !statSync(archive).isFile()) throw usage(`--from ${archive}: no such file`, LIST_HINT);
  const manifestPath = manifestPathFor(archive);
  if (!existsSync(manifestPath))
    throw usage(
      `--from ${archive}: its manifest ${basename(manifestPath)} is missing, so its checksum cannot be verified`,
      `restore only a backup made by 08-backup (it writes the manifest); ${LIST_HINT}`,
    );
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BackupManifest;
  } catch {
    throw usage(`${manifestPath} is not JSON`, `it was damaged; ${LIST_HINT}`);
  }
  const counts = manifest?.tables;
  const shapeOk =
    manifest?.version === MANIFEST_VERSION &&
    typeof manifest.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(manifest.sha256) &&
    Number.isInteger(manifest.bytes) &&
    counts !== null &&
    typeof counts === 'object' &&
    Object.values(counts).every((n) => Number.isInteger(n) && n >= 0);
  if (!shapeOk)
    throw usage(`${manifestPath} is not a backup manifest of version ${MANIFEST_VERSION}`, `it was damaged or edited; ${LIST_HINT}`);
  return { manifest, manifestPath };
}
