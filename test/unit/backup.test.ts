// Backup and restore building blocks: the exec layer streaming bytes from and to files, the
// kubectl argv of exec -i / apply, the in-pod commands (credentials stay as variable names), the
// row-count parser and the manifest's refusals (a UsageError: exit 2, nothing changed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZxExec } from '../../src/exec.ts';
import { EventBus } from '../../src/events.ts';
import { wallClock } from '../../src/clock.ts';
import { Kubectl } from '../../src/tools/kubectl.ts';
import { CommandFailed, UsageError } from '../../src/errors.ts';
import { RecordingExec, instantClock } from './helpers/fake-exec.ts';
import {
  databaseRowCountsCommand,
  dumpCommand,
  dumpRowCountsCommand,
  parseRowCounts,
  restoreCommand,
  TABLE_ROWS_SQL,
} from '../../src/cluster/backup-commands.ts';
import {
  backupFileName,
  countDifferences,
  describeTables,
  readBackup,
  sha256File,
  writeManifest,
} from '../../src/cluster/backup-manifest.ts';
import { clientPodManifest } from '../../src/cluster/backup-target.ts';

const K = ['--context', 'minikube', '--request-timeout=20s'];

test('exec: stdinFile and stdoutFile stream bytes unchanged, and the output file is 0600', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exec-stream-'));
  writeFileSync(join(dir, 'kubectl'), `#!/bin/sh\nexec cat\n`);
  chmodSync(join(dir, 'kubectl'), 0o755);
  const exec = new ZxExec({ bus: new EventBus(), searchPath: [dir], baseEnv: process.env, clock: wallClock });
  const bytes = Buffer.from([0x50, 0x47, 0x44, 0x4d, 0x50, 0, 1, 255, 254, 10, 13, 0]);
  writeFileSync(join(dir, 'in.bin'), bytes);
  const r = await exec.run({
    tool: 'kubectl',
    args: [],
    timeoutMs: 10_000,
    stdinFile: join(dir, 'in.bin'),
    stdoutFile: join(dir, 'out.bin'),
  });
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdout, '', 'the bytes go to the file, not into memory or the report');
  assert.deepEqual(readFileSync(join(dir, 'out.bin')), bytes);
  assert.equal(statSync(join(dir, 'out.bin')).mode & 0o777, 0o600);
});

test('kubectl execIn: -i only with a file on stdin, the command after --, failures throw with the remedy', async () => {
  const exec = new RecordingExec()
    .on(['kubectl', 'exec', 'pg-0'], { stdout: 'public.todos\t3\n' })
    .on(['kubectl', 'exec', '-i'], { stdout: '' })
    .on(['kubectl', 'apply'], { stdout: 'pod/x created\n' })
    .on(['kubectl', 'exec', 'gone'], { exitCode: 1, stderr: 'pg_dump: error: connection refused\ncommand terminated with exit code 1\n' });
  const k = new Kubectl(exec, { context: 'minikube', requestTimeoutS: 20, clock: instantClock });
  const target = { pod: 'pg-0', container: 'postgresql', namespace: 'todo-app' };
  await k.execIn(target, ['pg_dump', '--version'], { timeoutMs: 1000, why: 'w', remedy: 'r' });
  await k.execIn(target, ['sh', '-c', 'x'], { timeoutMs: 1000, why: 'w', remedy: 'r', stdinFile: '/tmp/a.dump' });
  await k.apply('{"kind":"Pod"}', 'todo-app', 'w');
  assert.deepEqual(exec.argvs, [
    ['kubectl', 'exec', 'pg-0', '-c', 'postgresql', '-n', 'todo-app', ...K, '--', 'pg_dump', '--version'],
    ['kubectl', 'exec', '-i', 'pg-0', '-c', 'postgresql', '-n', 'todo-app', ...K, '--', 'sh', '-c', 'x'],
    ['kubectl', 'apply', '-f', '-', '-n', 'todo-app', ...K],
  ]);
  const e = await k.execIn({ ...target, pod: 'gone' }, ['x'], { timeoutMs: 1000, why: 'w', remedy: 'the remedy' }).catch((x) => x);
  assert.ok(e instanceof CommandFailed);
  assert.equal(e.remedy, 'the remedy');
  assert.match(e.stderr, /connection refused/);
});

test('the in-pod commands name the credentials, never hold them; SQL is a positional parameter', () => {
  for (const source of ['in-chart', 'external'] as const) {
    for (const argv of [dumpCommand(source), restoreCommand(source), databaseRowCountsCommand(source)]) {
      assert.equal(argv[0], 'sh');
      assert.equal(argv[1], '-c');
      const script = argv[2]!;
      assert.match(script, source === 'in-chart' ? /PGPASSWORD="\$POSTGRES_PASSWORD" exec / : /--dbname="\$DATABASE_URL"/);
      assert.ok(!/password=|:\/\//i.test(script.replace(/PGPASSWORD="\$POSTGRES_PASSWORD"/, '')), script);
    }
  }
  assert.match(dumpCommand('in-chart')[2]!, /pg_dump --format=custom --host=127\.0\.0\.1/);
  assert.match(restoreCommand('in-chart')[2]!, /pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction/);
  assert.deepEqual(databaseRowCountsCommand('in-chart').slice(3), ['sh', TABLE_ROWS_SQL]);
  assert.match(dumpRowCountsCommand()[2]!, /^\{ pg_restore --data-only --file=- \|\| echo "PG_RESTORE_FAILED \$\?"; \} \| awk '/);
});

test('row counts: "<table>\\t<rows>" lines, quoted names kept; anything else is refused', () => {
  assert.deepEqual(parseRowCounts('public.todos\t3\npublic."Odd Name"\t1\n\n'), { 'public.todos': 3, 'public."Odd Name"': 1 });
  assert.deepEqual(parseRowCounts(''), {});
  assert.throws(() => parseRowCounts('psql: error: something\n'), /unexpected row-count line/);
  assert.deepEqual(countDifferences({ a: 1, b: 2 }, { a: 1, b: 3, c: 0 }), ['b: 2 in the backup, 3 now', 'c: absent in the backup, 0 now']);
  assert.equal(describeTables({ 'public.todos': 3 }), '1 table(s), 3 row(s) (public.todos 3)');
  assert.equal(backupFileName('todo-chatbot', Date.UTC(2026, 0, 2, 3, 4, 5, 678)), 'todo-chatbot-20260102T030405Z.dump');
});

test('readBackup: no file, no manifest, a manifest that is not one: each a UsageError naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  const archive = join(dir, 'a.dump');
  assert.throws(
    () => readBackup(archive),
    (e: unknown) => e instanceof UsageError && /no such file/.test(e.message),
  );
  writeFileSync(archive, 'PGDMP…');
  assert.throws(
    () => readBackup(archive),
    (e: unknown) => e instanceof UsageError && /manifest a\.dump\.manifest\.json is missing/.test(e.message),
  );
  writeFileSync(`${archive}.manifest.json`, '{"version":1,"sha256":"nope","bytes":1,"tables":{}}');
  assert.throws(
    () => readBackup(archive),
    (e: unknown) => e instanceof UsageError && /is not a backup manifest/.test(e.message),
  );
  const sha256 = await sha256File(archive);
  writeManifest(archive, {
    version: 1,
    file: 'a.dump',
    format: 'pg_dump custom',
    bytes: 8,
    sha256,
    createdAt: 'x',
    simulated: true,
    source: { kind: 'in-chart', context: 'minikube', namespace: 'todo-app', release: 'todo-chatbot' },
    pgDump: 'pg_dump (PostgreSQL) 16.4',
    tables: { 'public.todos': 2 },
  });
  assert.equal(readBackup(archive).manifest.sha256, sha256);
  assert.equal(statSync(`${archive}.manifest.json`).mode & 0o777, 0o600);
});

test('the external database client pod reads DATABASE_URL from the Secret, runs as non-root and ends by itself', () => {
  const pod = clientPodManifest({
    name: 'c',
    namespace: 'ns',
    image: 'postgres:16-alpine',
    pullPolicy: 'IfNotPresent',
    secret: 's',
  }) as any;
  const container = pod.spec.containers[0];
  assert.deepEqual(container.env, [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 's', key: 'DATABASE_URL' } } }]);
  assert.equal(pod.spec.restartPolicy, 'Never');
  assert.ok(pod.spec.activeDeadlineSeconds > 0);
  assert.equal(pod.spec.securityContext.runAsNonRoot, true);
  assert.equal(pod.metadata.labels['app.kubernetes.io/instance'], undefined, 'not counted as one of the release pods');
});
