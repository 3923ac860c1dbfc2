// rotate-secrets end to end on the simulated toolchain, each test on its own clone of the
// prepared 00 → 03 cluster: all three keys rotated (two generated, one from the environment) with
// every proof passing and no old or new value on a command line or in the report; refusals that
// change nothing (exit 2); the ALTER ROLE refused (nothing changes); the upgrade failing after the
// ALTER (helm rolls the Secret back and the runbook puts the old password back in the database).
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { ROOT, mutatingCalls, readCalls, removedOnExit, runRunbook, type RunOutcome, simTool } from './harness.ts';
import { installedCluster, SECRETS } from './prepared.ts';
import { ROTATION_PROOF_CHECKS } from './rotation-checks.ts';
import { PtySession, plain } from './pty.ts';
import { createTodo, listTodos } from '../../src/cluster/todo-api.ts';
import { passwordCheckCommand } from '../../src/cluster/rotation-commands.ts';

const NS = 'todo-app';
const show = (r: RunOutcome) => `${r.stdout.slice(-6000)}\n${r.stderr.slice(-2000)}`;
const status = (r: RunOutcome, id: string): string | undefined => r.json?.checks.find((c: { id: string }) => c.id === id)?.status;
const measured = (r: RunOutcome, id: string): string => r.json?.checks.find((c: { id: string }) => c.id === id)?.measured ?? '(no check)';

/** A clone of the prepared cluster, its backend URL and a 0600 settings file holding the release's values. */
async function machine() {
  const stateDir = await installedCluster();
  const ip = simTool(stateDir, 'minikube', ['ip', '-p', 'minikube']).stdout.trim();
  const envFile = join(removedOnExit(mkdtempSync(join(tmpdir(), 'e2e-rotate-'))), '.env');
  writeFileSync(
    envFile,
    Object.entries(SECRETS)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    { mode: 0o600 },
  );
  return { stateDir, backend: `http://${ip}:30081`, envFile };
}

function secretData(stateDir: string): Record<string, string> {
  const r = simTool(stateDir, 'kubectl', ['get', 'secret', 'todo-chatbot-secrets', '-n', NS, '-o', 'json', '--context', 'minikube']);
  assert.equal(r.code, 0, r.stderr);
  const data = JSON.parse(r.stdout).data as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

/** Does the database take this password over TCP (the runbook's own check, run by hand)? */
function dbTakes(stateDir: string, password: string): boolean {
  const pod = JSON.parse(
    simTool(stateDir, 'kubectl', ['get', 'pod', 'todo-chatbot-postgresql-0', '-n', NS, '-o', 'json', '--context', 'minikube']).stdout,
  );
  const r = spawnSim(
    stateDir,
    [
      'exec',
      '-i',
      'todo-chatbot-postgresql-0',
      '-c',
      'postgresql',
      '-n',
      NS,
      '--context',
      'minikube',
      '--',
      ...passwordCheckCommand(pod.status.podIP),
    ],
    `${password}\n`,
  );
  return r.status === 0 && r.stdout.trim() === '1';
}

function spawnSim(stateDir: string, args: string[], input: string) {
  return spawnSync(join(stateDir, 'bin', 'kubectl'), args, {
    env: { ...process.env, SIM_STATE_DIR: stateDir, SIM_FAULTS: '' },
    input,
    encoding: 'utf8',
  });
}

test('all three keys rotate: pods rolled with the new values, the database takes only the new password, old values nowhere', async () => {
  const { stateDir, backend, envFile } = await machine();
  assert.ok((await createTodo(backend, 'written before the rotation')).ok);
  const start = readCalls(stateDir).length;
  const newKey = 'sk-e2e-rotated-openai-key-2';
  const r = await runRunbook('rotate-secrets', ['--yes', '--generate', '--settings-file', envFile], {
    stateDir,
    env: { OPENAI_API_KEY: newKey, POSTGRES_PASSWORD: '', BETTER_AUTH_SECRET: '' },
  });
  assert.equal(r.exitCode, 0, show(r));
  for (const id of ROTATION_PROOF_CHECKS) assert.equal(status(r, id), 'pass', `${id}: ${measured(r, id)}`);
  // The env file now holds the generated values (0600), and the Secret has exactly them.
  const saved = parse(readFileSync(envFile, 'utf8'));
  assert.equal(statSync(envFile).mode & 0o777, 0o600);
  assert.notEqual(saved.POSTGRES_PASSWORD, SECRETS.POSTGRES_PASSWORD);
  assert.notEqual(saved.BETTER_AUTH_SECRET, SECRETS.BETTER_AUTH_SECRET);
  assert.equal(saved.OPENAI_API_KEY, newKey);
  const data = secretData(stateDir);
  assert.equal(data.POSTGRES_PASSWORD, saved.POSTGRES_PASSWORD);
  assert.equal(data.BETTER_AUTH_SECRET, saved.BETTER_AUTH_SECRET);
  assert.equal(data.OPENAI_API_KEY, newKey);
  assert.equal(decodeURIComponent(new URL(data.DATABASE_URL!).password), saved.POSTGRES_PASSWORD);
  // The database itself: the new password in, the old one out.
  assert.ok(dbTakes(stateDir, saved.POSTGRES_PASSWORD!), 'the new password is accepted');
  assert.ok(!dbTakes(stateDir, SECRETS.POSTGRES_PASSWORD), 'the old password is refused');
  // The todo from before, through the rolled backend.
  const todos = await listTodos(backend, 10_000);
  assert.ok(todos.ok && todos.todos.some((t) => t.title === 'written before the rotation'), JSON.stringify(todos));
  // No value, old or new, on any command line, in the report or on the screen.
  const values = [...Object.values(SECRETS), saved.POSTGRES_PASSWORD!, saved.BETTER_AUTH_SECRET!, newKey];
  const calls = readCalls(stateDir).slice(start);
  for (const c of calls) for (const v of values) assert.ok(!c.argv.join(' ').includes(v), c.argv.join(' '));
  // Not --reuse-values: real helm would store the old values as the new revision's chart defaults (found on the real node).
  const upgrades = calls.filter((c) => c.argv[0] === 'helm' && c.argv[1] === 'upgrade');
  assert.equal(upgrades.length, 1);
  assert.ok(!upgrades[0]!.argv.includes('--reuse-values'), upgrades[0]!.argv.join(' '));
  for (const text of [r.markdown, JSON.stringify(r.json), r.stdout, r.stderr]) for (const v of values) assert.ok(!text.includes(v));
  const history = JSON.parse(
    simTool(stateDir, 'helm', ['history', 'todo-chatbot', '-n', NS, '-o', 'json', '--kube-context', 'minikube']).stdout,
  );
  assert.equal(history.length, 1, 'only the rotation revision is kept');
});

test('refusals change nothing (exit 2): an unknown key, a "new" value the release already has, a value too short', async () => {
  const { stateDir, envFile } = await machine();
  const before = { data: secretData(stateDir), file: readFileSync(envFile, 'utf8') };
  const cases: Array<{ args: string[]; env: Record<string, string>; says: RegExp }> = [
    { args: ['--keys', 'POSTGRES_PASSWORD,NOPE'], env: {}, says: /--keys names a key this runbook does not rotate: NOPE/ },
    {
      args: ['--keys', 'POSTGRES_PASSWORD'],
      env: {},
      says: /POSTGRES_PASSWORD: the value from the env file is the one the release already has/,
    },
    { args: ['--keys', 'BETTER_AUTH_SECRET'], env: { BETTER_AUTH_SECRET: 'too-short' }, says: /BETTER_AUTH_SECRET is too short/ },
  ];
  for (const c of cases) {
    const start = readCalls(stateDir).length;
    const r = await runRunbook('rotate-secrets', ['--yes', '--settings-file', envFile, ...c.args], { stateDir, env: c.env });
    assert.equal(r.exitCode, 2, show(r));
    assert.match(`${r.stdout}${r.stderr}`, c.says);
    assert.doesNotMatch(`${r.stdout}${r.stderr}`, /at .*\.ts:\d+/, 'no stack trace');
    assert.deepEqual(mutatingCalls(readCalls(stateDir).slice(start)), [], 'nothing changed');
  }
  assert.deepEqual(secretData(stateDir), before.data);
  assert.equal(readFileSync(envFile, 'utf8'), before.file);
  assert.ok(dbTakes(stateDir, SECRETS.POSTGRES_PASSWORD));
});

test('the database refuses ALTER ROLE (read-only): nothing changes, exit 1, the env file keeps its values', async () => {
  const { stateDir, envFile } = await machine();
  const before = { data: secretData(stateDir), file: readFileSync(envFile, 'utf8') };
  const start = readCalls(stateDir).length;
  const r = await runRunbook('rotate-secrets', ['--yes', '--generate', '--keys', 'POSTGRES_PASSWORD', '--settings-file', envFile], {
    stateDir,
    faults: 'db-read-only',
  });
  assert.equal(r.exitCode, 1, show(r));
  assert.equal(status(r, 'ROTATE-DB-ALTER'), 'fail');
  assert.match(measured(r, 'ROTATE-DB-ALTER'), /exit 3: .*cannot execute ALTER ROLE in a read-only transaction/);
  assert.ok(
    !readCalls(stateDir)
      .slice(start)
      .some((c) => c.argv[0] === 'helm' && c.argv[1] === 'upgrade'),
    'no upgrade after a refused ALTER',
  );
  assert.deepEqual(secretData(stateDir), before.data);
  assert.equal(readFileSync(envFile, 'utf8'), before.file, 'the generated value was taken back out of the env file');
  assert.ok(dbTakes(stateDir, SECRETS.POSTGRES_PASSWORD));
});

test('the upgrade fails after the ALTER: helm rolls the Secret back, the runbook puts the old password back in the database', async () => {
  const { stateDir, backend, envFile } = await machine();
  const before = secretData(stateDir);
  const r = await runRunbook('rotate-secrets', ['--yes', '--generate', '--timeout', '60s', '--settings-file', envFile], {
    stateDir,
    faults: 'helm-timeout',
    env: { OPENAI_API_KEY: 'sk-e2e-never-used-key' },
  });
  assert.equal(r.exitCode, 1, show(r));
  assert.equal(status(r, 'ROTATE-DB-ALTER'), 'pass');
  assert.equal(status(r, 'ROTATE-UPGRADE'), 'fail');
  assert.match(measured(r, 'ROTATE-UPGRADE'), /context deadline exceeded/);
  assert.equal(status(r, 'ROTATE-DB-REVERTED'), 'pass', measured(r, 'ROTATE-DB-REVERTED'));
  assert.deepEqual(secretData(stateDir), before, 'helm rolled the Secret back');
  assert.ok(dbTakes(stateDir, SECRETS.POSTGRES_PASSWORD), 'the database takes the old password again');
  assert.deepEqual(parse(readFileSync(envFile, 'utf8')), SECRETS, 'the env file has the old values again');
  let ready = 0;
  for (let i = 0; i < 30 && ready !== 200; i++) {
    ready = (await fetch(`${backend}/ready`).catch(() => undefined))?.status ?? 0;
    if (ready !== 200) await new Promise((res) => setTimeout(res, 1000));
  }
  assert.equal(ready, 200, 'the app works on the old values');
});

test('the database keeps its first password: a new POSTGRES_PASSWORD in the Secret alone (helm upgrade) locks the backend out', async () => {
  const { stateDir } = await machine();
  const file = join(removedOnExit(mkdtempSync(join(tmpdir(), 'e2e-rotate-values-'))), 'secrets.yaml');
  writeFileSync(file, 'secrets:\n  POSTGRES_PASSWORD: e2e-a-new-password-not-in-the-database\n', { mode: 0o600 });
  const chart = join(ROOT, 'helm', 'todo-chatbot');
  const args = [
    'upgrade',
    'todo-chatbot',
    chart,
    '-n',
    NS,
    '--reuse-values',
    '-f',
    file,
    '--wait',
    '--timeout',
    '90s',
    '--kube-context',
    'minikube',
  ];
  const upgrade = simTool(stateDir, 'helm', args);
  assert.equal(upgrade.code, 1, 'the new backend pod never becomes Ready');
  assert.match(upgrade.stderr, /context deadline exceeded/);
  const pods = JSON.parse(
    simTool(stateDir, 'kubectl', [
      'get',
      'pods',
      '-n',
      NS,
      '-l',
      'app.kubernetes.io/component=backend',
      '-o',
      'json',
      '--context',
      'minikube',
    ]).stdout,
  ).items;
  const ready = (p: any) => p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
  // the rolling update keeps the old pod (old password, still accepted); the new one never gets Ready
  const checksum = (p: any) => p.metadata.annotations?.['checksum/secret'];
  const newest = [...pods].sort((a: any, b: any) => b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp))[0];
  assert.ok(pods.length === 2 && checksum(pods[0]) !== checksum(pods[1]), JSON.stringify(pods.map((p: any) => p.metadata.name)));
  assert.ok(!ready(newest), `${newest.metadata.name} (the new Secret's password) is not Ready: /ready fails`);
  assert.ok(dbTakes(stateDir, SECRETS.POSTGRES_PASSWORD), "the role still has the password of the volume's first start");
  assert.ok(!dbTakes(stateDir, 'e2e-a-new-password-not-in-the-database'));
});

test('interactively: the new API key is typed masked, never echoed, asked about before anything changes', async () => {
  const { stateDir, envFile } = await machine();
  const reports = removedOnExit(mkdtempSync(join(tmpdir(), 'pty-reports-')));
  const key = 'sk-typed-R0tat3dK3yK3yK3y';
  const s = new PtySession(
    'rotate-secrets',
    ['--simulate', '--report-dir', reports, '--keys', 'OPENAI_API_KEY', '--settings-file', envFile],
    {
      SIM_STATE_DIR: stateDir,
      SIM_FAULTS: '',
      ENV_FILE: '',
      OPENAI_API_KEY: '',
    },
  );
  try {
    let at = await s.waitFor(/new OPENAI_API_KEY[^\n]*Enter keeps the value from the env file[^\n]*:/);
    s.type(`${key}\r`);
    at = await s.waitFor(/Rotate OPENAI_API_KEY of todo-chatbot now\? backend restart/, 60_000, at);
    s.type('y\r');
    at = await s.waitFor(/Write the new OPENAI_API_KEY to .* before the cluster changes\?/, 60_000, at);
    s.type('y\r');
    assert.equal(await s.exited, 0, plain(s.output).slice(-4000));
    assert.match(plain(s.output), /\*{8,}/, 'typed characters show as *');
    assert.ok(!s.output.includes(key), 'the key appeared on screen');
    assert.equal(parse(readFileSync(envFile, 'utf8')).OPENAI_API_KEY, key);
    assert.equal(secretData(stateDir).OPENAI_API_KEY, key);
  } finally {
    s.kill();
  }
});
