// 08 and 09 on the real node, with PostgreSQL 15's own pg_dump and pg_restore in the database pod:
// todos written through the real backend, 08 → a real custom-format archive (PGDMP, readable by
// this machine's pg_restore when it has one), the todos deleted, a tampered copy refused (exit 2,
// nothing changed), 09 → every todo back with the manifest's row count, the app healthy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  LANE_DIR,
  NAMESPACE,
  NODE_PORTS,
  RELEASE,
  SECRETS,
  check,
  kubectl,
  kubectlJson,
  laneEnv,
  missingPrerequisite,
  recordFigure,
  runRunbook,
  tail,
} from './harness.ts';
import { createTodo, deleteTodo, listTodos } from '../../src/cluster/todo-api.ts';

const why = missingPrerequisite();
const BACKEND = `http://127.0.0.1:${NODE_PORTS.backend}`;
const TITLES = ['lane backup: one', 'lane backup: two'];

async function todos() {
  const r = await listTodos(BACKEND, 10_000);
  assert.ok(r.ok, JSON.stringify(r));
  return r.todos;
}

test('08 → 09 on the real node: a real pg_dump archive, a tampered copy refused, every todo restored', {
  skip: why,
  timeout: 900_000,
}, async () => {
  const dir = join(LANE_DIR, 'backups');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Right after an install the NodePort may refuse for a moment (kube-proxy catching up): retry.
  for (const title of TITLES) {
    let created = await createTodo(BACKEND, title);
    for (let i = 0; !created.ok && i < 30; i++) {
      await new Promise((r) => setTimeout(r, 2000));
      created = await createTodo(BACKEND, title);
    }
    assert.ok(created.ok, `${title}: ${JSON.stringify(created)}`);
  }
  const before = (await todos()).map((t) => `${t.id} ${t.title}`).sort();

  const backup = await runRunbook('08-backup', ['--backup-dir', dir], { timeoutMs: 600_000 });
  assert.equal(backup.exitCode, 0, tail(backup));
  for (const id of ['DB-POD', 'BACKUP-DUMP', 'BACKUP-READABLE', 'BACKUP-FILE', 'BACKUP-SECRETS'])
    assert.equal(check(backup, id)?.status, 'pass', `${id}: ${check(backup, id)?.measured}`);
  const name = readdirSync(dir).find((f) => f.endsWith('.dump'))!;
  const archive = join(dir, name);
  const bytes = readFileSync(archive);
  const manifest = JSON.parse(readFileSync(`${archive}.manifest.json`, 'utf8'));
  assert.equal(bytes.subarray(0, 5).toString(), 'PGDMP');
  assert.equal(manifest.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(manifest.tables['public.todos'], before.length);
  assert.match(manifest.pgDump, /^pg_dump \(PostgreSQL\) 15\./);
  assert.equal(statSync(archive).mode & 0o777, 0o600);
  for (const text of [readFileSync(`${archive}.manifest.json`, 'utf8'), backup.markdown, JSON.stringify(backup.json)])
    assert.ok(!text.includes(SECRETS.POSTGRES_PASSWORD), 'the password is nowhere');
  // This machine's own pg_restore, when installed, reads the archive too.
  const local = spawnSync('pg_restore', ['--list', archive], { encoding: 'utf8' });
  if (!local.error) assert.equal(local.status, 0, local.stderr);
  recordFigure('08 backup', { seconds: Math.round(backup.ms / 1000), bytes: manifest.bytes, rows: manifest.tables });

  // The data lost: every todo deleted through the API.
  for (const t of await todos()) assert.ok(await deleteTodo(BACKEND, t.id!), `delete ${t.id}`);
  assert.deepEqual(await todos(), []);

  const tampered = join(dir, 'tampered.dump');
  copyFileSync(archive, tampered);
  copyFileSync(`${archive}.manifest.json`, `${tampered}.manifest.json`);
  writeFileSync(tampered, Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from([bytes[bytes.length - 1]! ^ 0xff])]));
  const refused = await runRunbook('09-restore', ['--from', tampered], { timeoutMs: 300_000 });
  assert.equal(refused.exitCode, 2, tail(refused));
  assert.deepEqual(await todos(), [], 'a refused restore changed nothing');

  const restore = await runRunbook('09-restore', ['--from', archive], { timeoutMs: 600_000 });
  assert.equal(restore.exitCode, 0, tail(restore));
  for (const id of ['RESTORE-CHECKSUM', 'RESTORE-RUN', 'RESTORE-ROWS', 'RESTORE-APP'])
    assert.equal(check(restore, id)?.status, 'pass', `${id}: ${check(restore, id)?.measured}`);
  assert.deepEqual((await todos()).map((t) => `${t.id} ${t.title}`).sort(), before);
  recordFigure('09 restore', { seconds: Math.round(restore.ms / 1000) });
});

function helm(args: string[]) {
  const env = laneEnv();
  return spawnSync('helm', [...args, '-n', NAMESPACE, '--kube-context', 'minikube'], { env, encoding: 'utf8' });
}

test("the chart's scheduled backup runs PostgreSQL 15's pg_dump into its claim; 06 has nothing to say about it", {
  skip: why,
  timeout: 900_000,
}, async () => {
  const chart = laneEnv().HELM_CHART_DIR!;
  const on = helm([
    'upgrade',
    RELEASE,
    chart,
    '--reuse-values',
    '--set',
    'backup.enabled=true',
    '--set',
    'backup.schedule=* * * * *',
    '--wait',
    '--timeout',
    '180s',
  ]);
  assert.equal(on.status, 0, on.stderr);
  try {
    const started = Date.now();
    let done: any;
    while (!done && Date.now() - started < 240_000) {
      await new Promise((r) => setTimeout(r, 5000));
      done = kubectlJson(['get', 'jobs', '-n', NAMESPACE]).items.find((j: any) =>
        (j.status?.conditions ?? []).some((c: any) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed')),
      );
    }
    assert.ok(done, 'no backup Job finished within 4 minutes');
    const logs = kubectl(['logs', `job/${done.metadata.name}`, '-n', NAMESPACE]);
    assert.ok(
      done.status.conditions.some((c: any) => c.type === 'Complete' && c.status === 'True'),
      `the backup Job failed: ${logs.stdout}${logs.stderr}`,
    );
    assert.match(logs.stdout, /backup todo-chatbot-\d{8}T\d{6}Z\.dump: \d+ bytes, 1 archive\(s\) kept/);
    recordFigure('backup CronJob', {
      job: done.metadata.name,
      log: logs.stdout.trim(),
      secondsToFirstRun: Math.round((Date.now() - started) / 1000),
    });
    const cronJob = kubectlJson(['get', 'cronjob', `${RELEASE}-backup`, '-n', NAMESPACE]);
    assert.ok(cronJob.status.lastSuccessfulTime, JSON.stringify(cronJob.status));
    const diag = await runRunbook('06-ai-diagnostics', ['--skip-ai'], { timeoutMs: 600_000 });
    assert.ok(!(diag.json?.checks ?? []).some((c: { id: string }) => c.id.startsWith('DIAG-BACKUP')), tail(diag));
  } finally {
    const off = helm(['upgrade', RELEASE, chart, '--reuse-values', '--set', 'backup.enabled=false', '--wait', '--timeout', '180s']);
    assert.equal(off.status, 0, off.stderr);
  }
});
