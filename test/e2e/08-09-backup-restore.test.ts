// Runbooks 08 (backup) and 09 (restore) end to end on the simulated toolchain: the round trip
// (write todos, back up, lose them with helm uninstall + the claim deleted, reinstall, restore,
// read them back), the refusals that change nothing (exit 2) and the faults (exit 1).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PtySession, plain } from './pty.ts';
import { ROOT, mutatingCalls, newStateDir, readCalls, runRunbook, type RunOutcome, simTool } from './harness.ts';
// @ts-expect-error the simulator is plain JavaScript
import { readClock } from '../../sim/lib/setup.mjs';
import { createTodo, listTodos } from '../../src/cluster/todo-api.ts';

const SECRETS = {
  POSTGRES_PASSWORD: 'e2e-pg-password-0808',
  BETTER_AUTH_SECRET: 'e2e-better-auth-secret-0808080808080808',
  OPENAI_API_KEY: 'sk-e2e-openai-key-0808',
};
const show = (r: RunOutcome) => `${r.stdout}\n${r.stderr}`;
const status = (r: RunOutcome, id: string): string | undefined => r.json?.checks.find((c: { id: string }) => c.id === id)?.status;
const TITLES = ['back me up: milk', 'back me up: bread', 'back me up: a line\nwith a newline'];

const sim = simTool;

let stateDir: string;
let backupDir: string;
let backend: string;
let archive: string;

const titlesNow = async () => {
  const r = await listTodos(backend, 10_000);
  assert.ok(r.ok, JSON.stringify(r));
  return r.todos.map((t) => t.title).sort();
};

before(async () => {
  stateDir = newStateDir();
  backupDir = mkdtempSync(join(tmpdir(), 'e2e-backups-'));
  for (const id of ['00-setup', '01-build', '02-load', '03-install']) {
    const r = await runRunbook(id, ['--yes'], { stateDir, env: SECRETS, timeoutMs: 600_000 });
    if (id === '03-install') assert.equal(r.exitCode, 0, `03-install failed:\n${show(r)}`);
  }
  backend = `http://${sim(stateDir, 'minikube', ['ip', '-p', 'minikube']).stdout.trim()}:30081`;
  for (const title of TITLES) assert.ok((await createTodo(backend, title)).ok, `could not write "${title}"`);
});

after(() => {
  sim(stateDir, 'minikube', ['delete', '-p', 'minikube']);
  rmSync(stateDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  rmSync(backupDir, { recursive: true, force: true });
});

test('08: a pg_dump archive (0600) and its manifest with size, sha256 and row counts; no password anywhere', async () => {
  const start = readCalls(stateDir).length;
  const r = await runRunbook('08-backup', ['--yes', '--backup-dir', backupDir], { stateDir });
  assert.equal(r.exitCode, 0, show(r));
  for (const id of ['DB-POD', 'BACKUP-DUMP', 'BACKUP-READABLE', 'BACKUP-FILE', 'BACKUP-SECRETS']) assert.equal(status(r, id), 'pass', id);
  const dumps = readdirSync(backupDir).filter((f) => f.endsWith('.dump'));
  assert.equal(dumps.length, 1, readdirSync(backupDir).join(', '));
  archive = join(backupDir, dumps[0]!);
  assert.equal(statSync(archive).mode & 0o777, 0o600);
  assert.equal(statSync(`${archive}.manifest.json`).mode & 0o777, 0o600);
  const bytes = readFileSync(archive);
  assert.equal(bytes.subarray(0, 5).toString(), 'PGDMP', 'a custom-format archive starts with PGDMP');
  const manifest = JSON.parse(readFileSync(`${archive}.manifest.json`, 'utf8'));
  assert.equal(manifest.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(manifest.bytes, bytes.length);
  assert.deepEqual(manifest.tables, { 'public.todos': TITLES.length });
  assert.equal(manifest.source.kind, 'in-chart');
  assert.match(r.markdown, /public\.todos 3/);
  // The dump ran inside the PostgreSQL pod, the password read there: never on an argv or in a file we wrote.
  const calls = r.calls.slice(start);
  assert.ok(calls.some((c) => c.argv.join(' ').includes('exec pg_dump --format=custom')));
  for (const c of calls) assert.ok(!c.argv.join(' ').includes(SECRETS.POSTGRES_PASSWORD), c.argv.join(' '));
  assert.ok(!readFileSync(`${archive}.manifest.json`, 'utf8').includes(SECRETS.POSTGRES_PASSWORD));
  assert.ok(!r.markdown.includes(SECRETS.POSTGRES_PASSWORD));
});

test('09 refuses, exit 2 and nothing changed: no --from, no manifest, an archive whose checksum does not match', async () => {
  assert.ok(archive, 'needs the backup of the previous test');
  const start = readCalls(stateDir).length;
  const none = await runRunbook('09-restore', ['--yes'], { stateDir });
  assert.equal(none.exitCode, 2, show(none));
  assert.match(show(none), /--from is required/);

  const tampered = mkdtempSync(join(tmpdir(), 'e2e-tampered-'));
  const copy = join(tampered, 'copy.dump');
  copyFileSync(archive, copy);
  const noManifest = await runRunbook('09-restore', ['--yes', '--from', copy], { stateDir });
  assert.equal(noManifest.exitCode, 2, show(noManifest));
  assert.match(show(noManifest), /manifest .* is missing/);

  copyFileSync(`${archive}.manifest.json`, `${copy}.manifest.json`);
  const bytes = readFileSync(copy);
  bytes[bytes.length - 1] ^= 0xff; // one flipped byte
  writeFileSync(copy, bytes);
  const r = await runRunbook('09-restore', ['--yes', '--from', copy], { stateDir });
  assert.equal(r.exitCode, 2, show(r));
  assert.match(show(r), /does not match its manifest/);
  assert.equal(status(r, 'RESTORE-CHECKSUM'), 'fail');
  assert.deepEqual(mutatingCalls(readCalls(stateDir).slice(start)), [], 'a refused restore must not change anything');
  assert.equal(readCalls(stateDir).length, start, 'refused before any call to the cluster');
  rmSync(tampered, { recursive: true, force: true });
});

test('09 fault: an archive pg_restore cannot read (manifest matches) fails with exit 1 and leaves the data as it was', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-broken-'));
  const broken = join(dir, 'broken.dump');
  const bytes = Buffer.from('not a pg_dump archive at all');
  writeFileSync(broken, bytes);
  const manifest = JSON.parse(readFileSync(`${archive}.manifest.json`, 'utf8'));
  writeFileSync(
    `${broken}.manifest.json`,
    JSON.stringify({ ...manifest, file: 'broken.dump', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }),
  );
  const before = await titlesNow();
  const r = await runRunbook('09-restore', ['--yes', '--from', broken], { stateDir });
  assert.equal(r.exitCode, 1, show(r));
  assert.equal(status(r, 'RESTORE-CHECKSUM'), 'pass');
  assert.equal(status(r, 'RESTORE-RUN'), 'fail');
  assert.match(r.markdown, /does not appear to be a valid archive/);
  assert.match(r.markdown, /one transaction, so the database is as it was/);
  assert.deepEqual(await titlesNow(), before);
  rmSync(dir, { recursive: true, force: true });
});

test('interactively 09 says what it overwrites and asks; Enter (no) leaves the data as it was', async () => {
  const start = readCalls(stateDir).length;
  const before = await titlesNow();
  const s = new PtySession('09-restore', ['--simulate', '--from', archive, '--report-dir', mkdtempSync(join(tmpdir(), 'pty-reports-'))], {
    SIM_STATE_DIR: stateDir,
    ENV_FILE: '',
  });
  try {
    // The question may wrap and carries colour codes: match its parts in order.
    await s.waitFor(
      /Restore [\s\S]*?now holds 1 table\(s\), 3 row\(s\)[\s\S]*?Rows written since the backup are lost\.[\s\S]*?\(y\/N\)/,
      120_000,
    );
    s.type('\r');
    assert.equal(await s.exited, 130, plain(s.output));
    assert.match(plain(s.output), /interrupted|chose not to restore/);
  } finally {
    s.kill();
  }
  // It read the database (psql in the pod) to say what is overwritten; it never ran pg_restore into it.
  const restores = readCalls(stateDir)
    .slice(start)
    .filter((c) => c.argv.join(' ').includes('pg_restore --clean'));
  assert.deepEqual(restores, [], 'no restore after a no');
  assert.deepEqual(await titlesNow(), before);
});

test('round trip: helm uninstall + the claim deleted loses the todos; 09 brings every one back', async () => {
  assert.deepEqual(await titlesNow(), [...TITLES].sort());
  assert.equal(sim(stateDir, 'helm', ['uninstall', 'todo-chatbot', '-n', 'todo-app', '--wait', '--kube-context', 'minikube']).code, 0);
  const del = sim(stateDir, 'kubectl', [
    'delete',
    'pvc',
    '-l',
    'app.kubernetes.io/instance=todo-chatbot',
    '-n',
    'todo-app',
    '--context',
    'minikube',
  ]);
  assert.equal(del.code, 0, del.stderr);
  const reinstall = await runRunbook('03-install', ['--yes'], { stateDir, env: SECRETS, timeoutMs: 600_000 });
  assert.equal(reinstall.exitCode, 0, show(reinstall));
  assert.deepEqual(await titlesNow(), [], 'a new claim starts empty: the todos are lost');

  const r = await runRunbook('09-restore', ['--yes', '--from', archive], { stateDir });
  assert.equal(r.exitCode, 0, show(r));
  for (const id of ['RESTORE-CHECKSUM', 'RESTORE-RUN', 'RESTORE-ROWS', 'RESTORE-APP']) assert.equal(status(r, id), 'pass', id);
  assert.match(r.markdown, /now holds 1 table\(s\), 0 row\(s\)/, 'it said what it overwrites');
  assert.deepEqual(await titlesNow(), [...TITLES].sort());
  // New todos get new ids after a restore (the identity sequence came back with the data).
  const added = await createTodo(backend, 'after the restore');
  assert.ok(added.ok && Number(added.todo.id) > TITLES.length, JSON.stringify(added));
});

test("scheduled backups: the chart's CronJob keeps its Jobs; 06 reports a failed last run, then a last success too old", async () => {
  const chart = join(ROOT, 'helm', 'todo-chatbot');
  const set = (schedule: string) =>
    sim(stateDir, 'helm', [
      'upgrade',
      'todo-chatbot',
      chart,
      '-n',
      'todo-app',
      '--reuse-values',
      '--set',
      'backup.enabled=true',
      '--set',
      `backup.schedule=${schedule}`,
      '--wait',
      '--timeout',
      '300s',
      '--kube-context',
      'minikube',
    ]);
  const up = set('*/10 * * * *');
  assert.equal(up.code, 0, up.stderr);
  await readClock(stateDir).sleep(21 * 60_000);
  const jobs = JSON.parse(sim(stateDir, 'kubectl', ['get', 'jobs', '-n', 'todo-app', '-o', 'json', '--context', 'minikube']).stdout).items;
  assert.ok(jobs.length >= 2, JSON.stringify(jobs.map((j: { metadata: { name: string } }) => j.metadata.name)));
  assert.ok(jobs.every((j: any) => j.status.conditions[0].type === 'Complete' && j.metadata.ownerReferences[0].kind === 'CronJob'));
  const quiet = await runRunbook('06-ai-diagnostics', ['--yes', '--skip-ai'], { stateDir });
  assert.ok(!quiet.json.checks.some((c: { id: string }) => c.id.startsWith('DIAG-BACKUP')), quiet.markdown);

  const failing = await runRunbook('06-ai-diagnostics', ['--yes', '--skip-ai'], { stateDir, faults: 'backup-job-fails' });
  const failed = failing.json.checks.find((c: { id: string }) => c.id === 'DIAG-BACKUPFAILED');
  assert.ok(failed, failing.markdown);
  assert.equal(failed.status, 'warn');
  assert.match(failed.measured, /BackoffLimitExceeded/);
  assert.match(failed.remedy, /kubectl logs job\/todo-chatbot-backup-\d+ -n todo-app/);

  // Once a year: after 27 hours without a run the last success is too old.
  assert.equal(set('0 0 1 1 *').code, 0);
  await readClock(stateDir).sleep(27 * 3600_000);
  const stale = await runRunbook('06-ai-diagnostics', ['--yes', '--skip-ai'], { stateDir });
  const old = stale.json.checks.find((c: { id: string }) => c.id === 'DIAG-BACKUPSTALE');
  assert.ok(old, stale.markdown);
  assert.match(old.measured, /threshold 26\.0 h/);
});

// The fault takes the database's readiness (and the backend's) away for a while: after the others.
test('08 fault: the PostgreSQL pod is not Ready → exit 1, no archive left behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-nobackup-'));
  const r = await runRunbook('08-backup', ['--yes', '--backup-dir', dir], { stateDir, faults: 'probe-fail=postgresql' });
  assert.equal(r.exitCode, 1, show(r));
  assert.equal(status(r, 'DB-POD'), 'fail');
  assert.deepEqual(readdirSync(dir), []);
  rmSync(dir, { recursive: true, force: true });
});

// Last: it turns the release to an external database.
test('an external DATABASE_URL: pg_dump and pg_restore run in a short-lived client pod that is gone afterwards', async () => {
  const url = 'postgresql://ext_user:ext-Pa55-0808@db.example.com/todo?sslmode=require';
  const chart = join(ROOT, 'helm', 'todo-chatbot');
  const args = ['upgrade', 'todo-chatbot', chart, '-n', 'todo-app', '--reuse-values', '--set', 'postgresql.enabled=false'];
  const up = sim(stateDir, 'helm', [
    ...args,
    '--set',
    `secrets.DATABASE_URL=${url}`,
    '--wait',
    '--timeout',
    '300s',
    '--kube-context',
    'minikube',
  ]);
  assert.equal(up.code, 0, up.stderr);
  assert.ok((await createTodo(backend, 'kept outside the cluster')).ok);
  const dir = mkdtempSync(join(tmpdir(), 'e2e-external-'));
  const env = { DATABASE_URL: url };
  const r = await runRunbook('08-backup', ['--yes', '--backup-dir', dir], { stateDir, env });
  assert.equal(r.exitCode, 0, show(r));
  assert.match(r.markdown, /the external DATABASE_URL, through the client pod todo-chatbot-backup-client-\d+/);
  assert.ok(!r.markdown.includes('ext-Pa55-0808'), 'the URL with its password is not in the report');
  const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.dump'))!);
  assert.equal(JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8')).source.kind, 'external');
  const restored = await runRunbook('09-restore', ['--yes', '--from', file], { stateDir, env });
  assert.equal(restored.exitCode, 0, show(restored));
  assert.equal(status(restored, 'RESTORE-ROWS'), 'pass');
  const pods = JSON.parse(sim(stateDir, 'kubectl', ['get', 'pods', '-n', 'todo-app', '-o', 'json', '--context', 'minikube']).stdout).items;
  assert.ok(
    pods.every(
      (p: { metadata: { name: string; deletionTimestamp?: string } }) =>
        !p.metadata.name.includes('backup-client') || p.metadata.deletionTimestamp,
    ),
    'the client pods are deleted',
  );
  rmSync(dir, { recursive: true, force: true });
});
