// The user's own values files (HELM_VALUES_FILES / --values) reach helm in every runbook that
// upgrades the release: 03's install (before its secrets file, so the runbook's secrets and image
// tags still win) and 05's --reuse-values upgrade. Seed task lists ask for `helm ... --values`;
// before this setting 03 passed only its secrets file, so a user's probe paths, limits and extra
// settings could not be given at all.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { newStateDir, runRunbook } from './harness.ts';

const env = {
  POSTGRES_PASSWORD: 'pg-Pa55word-e2e-4410',
  BETTER_AUTH_SECRET: 'auth-secret-e2e-0123456789abcdefghijkl',
  OPENAI_API_KEY: 'sk-e2e-Vf3Lq8Rt1Yw6Zp0Hn2',
};
let stateDir = '';
let userValues = '';

before(async () => {
  stateDir = newStateDir();
  userValues = join(mkdtempSync(join(tmpdir(), 'e2e-values-')), 'my-values.yaml');
  writeFileSync(userValues, 'backend:\n  env:\n    FEATURE_FROM_USER_VALUES: "on"\n');
  for (const id of ['00-setup', '01-build', '02-load']) {
    const r = await runRunbook(id, ['--yes'], { stateDir, env });
    assert.equal(r.exitCode, 0, `${id}: ${r.stdout}`);
  }
});

function configMap(): Record<string, string> {
  const r = spawnSync(
    join(stateDir, 'bin', 'kubectl'),
    ['get', 'configmap', 'todo-chatbot-config', '-n', 'todo-app', '-o', 'json', '--context', 'minikube'],
    { env: { ...process.env, SIM_STATE_DIR: stateDir }, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).data;
}

test('03 --values: the file goes to helm before the secrets file, and its settings reach the release', async () => {
  const r = await runRunbook('03-install', ['--yes', '--no-screenshot', '--values', userValues], { stateDir, env });
  // What this test is about ends with the install; the later access and smoke steps are 01-03's
  // subject (and their port-forward deadline can run out on a machine loaded far beyond its cores).
  const installCheck = r.json?.checks.find((c: { id: string }) => c.id === 'INSTALL-HELM');
  assert.equal(installCheck?.status, 'pass', r.stdout);
  const install = r.calls.find((c) => c.argv[0] === 'helm' && c.argv[1] === 'upgrade' && c.argv.includes('--install'));
  assert.ok(install, 'helm upgrade --install was called');
  const files = install.argv.flatMap((a, i) => (install.argv[i - 1] === '-f' ? [a] : []));
  assert.equal(files.length, 2, install.argv.join(' '));
  assert.equal(files[0], userValues, 'the user file first');
  assert.match(files[1]!, /secrets\.yaml$/, "then the runbook's secrets file");
  assert.equal(configMap()['backend.FEATURE_FROM_USER_VALUES'], 'on');
  assert.match(r.markdown, /your values files/);
});

test('05 applies HELM_VALUES_FILES with its --reuse-values upgrade too', async () => {
  const r = await runRunbook('05-scaling', ['--yes'], { stateDir, env: { ...env, HELM_VALUES_FILES: userValues }, timeoutMs: 300_000 });
  assert.equal(r.exitCode, 0, r.stdout);
  const reuse = r.calls.find((c) => c.argv[0] === 'helm' && c.argv[1] === 'upgrade' && c.argv.includes('--reuse-values'));
  assert.ok(reuse, 'helm upgrade --reuse-values was called');
  assert.equal(reuse.argv[reuse.argv.indexOf('-f') + 1], userValues, reuse.argv.join(' '));
});

test('a values file that does not exist stops 03 with exit 2 before anything runs', async () => {
  const r = await runRunbook('03-install', ['--yes', '--values', join(tmpdir(), 'no-such-values-file.yaml')], {
    stateDir: newStateDir(),
    env,
  });
  assert.equal(r.exitCode, 2, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /values file .*no-such-values-file\.yaml does not exist/);
  assert.deepEqual(r.calls, []);
});
