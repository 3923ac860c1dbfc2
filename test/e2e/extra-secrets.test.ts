// Secret keys beyond the runbooks' four (EXTRA_SECRET_KEYS): Phase III apps also carry e.g.
// CHATKIT_WORKFLOW_ID or a JWT secret. Their values go from the environment / .env into the
// chart's Secret and, as secretKeyRef variables, into the containers named — never into argv,
// the transcript or a ConfigMap. Before this setting 03 sent only its own four keys.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { newStateDir, runRunbook, setUpThroughLoad } from './harness.ts';

const env = {
  POSTGRES_PASSWORD: 'pg-Pa55word-e2e-5521',
  BETTER_AUTH_SECRET: 'auth-secret-e2e-0123456789abcdefghijkl',
  OPENAI_API_KEY: 'sk-e2e-Qa7Ws2Ed4Rf6Tg8Yh0',
};
const CHATKIT = 'wf_e2e_chatkit_7f3a91c2d4';
const JWT = 'jwt-e2e-secret-Zx81Lp0Qm3Nv6';
let stateDir = '';

before(async () => {
  stateDir = newStateDir();
  await setUpThroughLoad(stateDir, env);
});

function kubectl(args: string[]): any {
  const r = spawnSync(join(stateDir, 'bin', 'kubectl'), [...args, '-n', 'todo-app', '-o', 'json', '--context', 'minikube'], {
    env: { ...process.env, SIM_STATE_DIR: stateDir },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const secretRefs = (component: string): string[] =>
  kubectl(['get', 'deployment', `todo-chatbot-${component}`])
    .spec.template.spec.containers[0].env.filter((e: any) => e.valueFrom?.secretKeyRef)
    .map((e: any) => e.name)
    .sort();

test('EXTRA_SECRET_KEYS: the values reach the Secret and the named containers, and nowhere in clear', async () => {
  const r = await runRunbook('03-install', ['--yes', '--no-screenshot'], {
    stateDir,
    env: { ...env, EXTRA_SECRET_KEYS: 'CHATKIT_WORKFLOW_ID,JWT_SECRET:backend+frontend', CHATKIT_WORKFLOW_ID: CHATKIT, JWT_SECRET: JWT },
  });
  assert.equal(r.exitCode, 0, r.stdout);
  const data = kubectl(['get', 'secret', 'todo-chatbot-secrets']).data;
  assert.equal(Buffer.from(data.CHATKIT_WORKFLOW_ID, 'base64').toString(), CHATKIT);
  assert.equal(Buffer.from(data.JWT_SECRET, 'base64').toString(), JWT);
  // Added to the chart's own lists, which stay whole.
  assert.deepEqual(secretRefs('backend'), ['BETTER_AUTH_SECRET', 'CHATKIT_WORKFLOW_ID', 'DATABASE_URL', 'JWT_SECRET', 'OPENAI_API_KEY']);
  assert.deepEqual(secretRefs('frontend'), ['BETTER_AUTH_SECRET', 'JWT_SECRET']);
  assert.deepEqual(secretRefs('mcp'), ['DATABASE_URL']);
  const everywhere = [
    r.stdout,
    r.stderr,
    r.markdown,
    JSON.stringify(r.json),
    readFileSync(join(stateDir, 'calls.jsonl'), 'utf8'),
    JSON.stringify(kubectl(['get', 'configmaps'])),
  ].join('\n');
  for (const value of [CHATKIT, JWT]) assert.ok(!everywhere.includes(value), `${value} leaked`);
  assert.match(r.markdown, /SECRETS-IN-SECRET[^\n]*pass|all present and identical/);
  // The report's settings table shows the setting as it was written (it showed "[object Object]").
  assert.equal(r.json.settings.EXTRA_SECRET_KEYS.value, 'CHATKIT_WORKFLOW_ID,JWT_SECRET:backend+frontend');
  assert.match(r.markdown, /\| EXTRA_SECRET_KEYS \| CHATKIT_WORKFLOW_ID,JWT_SECRET:backend\+frontend \| environment \|/);
});

test('an extra key with no value, or a malformed list, stops 03 with exit 2 before anything changes', async () => {
  for (const [extra, message] of [
    ['CHATKIT_WORKFLOW_ID', /CHATKIT_WORKFLOW_ID is listed in EXTRA_SECRET_KEYS but not set/],
    ['JWT_SECRET:worker', /unknown component "worker"/],
    ['OPENAI_API_KEY', /already one of the runbooks' own secrets/],
  ] as const) {
    const fresh = newStateDir();
    const r = await runRunbook('03-install', ['--yes'], { stateDir: fresh, env: { ...env, EXTRA_SECRET_KEYS: extra } });
    assert.equal(r.exitCode, 2, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, message);
    assert.deepEqual(r.calls, []);
  }
});
