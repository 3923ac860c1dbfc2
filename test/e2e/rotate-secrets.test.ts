// rotate-secrets end to end on the simulated toolchain, each test on its own clone of the
// prepared 00 → 03 cluster: all three keys rotated (two generated, one from the environment) with
// every proof passing and no old or new value on a command line or in the report; refusals that
// change nothing (exit 2); the ALTER ROLE refused (nothing changes); the upgrade failing after the
// ALTER (helm rolls the Secret back and the runbook puts the old password back in the database).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { readCalls, removedOnExit, runRunbook, type RunOutcome, simTool } from './harness.ts';
import { installedCluster, SECRETS } from './prepared.ts';
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

import { spawnSync } from 'node:child_process';
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
  for (const id of [
    'ROTATE-DB-BEFORE',
    'ROTATE-DB-ALTER',
    'ROTATE-UPGRADE',
    'ROTATE-ROLLED-FRONTEND',
    'ROTATE-ROLLED-BACKEND',
    'ROTATE-ROLLED-MCP',
    'ROTATE-ROLLED-POSTGRESQL',
    'ROTATE-DATABASE-URL',
    'ROTATE-POD-VALUES',
    'ROTATE-DB-PASSWORD',
    'ROTATE-APP-HEALTH',
    'ROTATE-APP-READY',
    'ROTATE-TODO-AFTER',
    'ROTATE-HISTORY',
    'ROTATE-OLD-GONE',
  ])
    assert.equal(status(r, id), 'pass', `${id}: ${measured(r, id)}`);
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
  for (const c of readCalls(stateDir).slice(start)) for (const v of values) assert.ok(!c.argv.join(' ').includes(v), c.argv.join(' '));
  for (const text of [r.markdown, JSON.stringify(r.json), r.stdout, r.stderr]) for (const v of values) assert.ok(!text.includes(v));
  const history = JSON.parse(
    simTool(stateDir, 'helm', ['history', 'todo-chatbot', '-n', NS, '-o', 'json', '--kube-context', 'minikube']).stdout,
  );
  assert.equal(history.length, 1, 'only the rotation revision is kept');
});
