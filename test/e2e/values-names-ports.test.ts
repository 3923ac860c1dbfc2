// A user's values file that renames the release's objects (fullnameOverride) and moves its
// NodePorts: the runbooks read both from HELM_VALUES_FILES before the release exists. 01 builds
// the frontend for the NodePorts the Services will open (Next.js inlines the backend's public URL),
// 03 finds the Secret and the Services under their overridden names, and its smoke checks reach
// the app on the moved NodePorts. Before, 03 looked for todo-chatbot-secrets (not found) and the
// frontend was built for 30081 whatever the values said.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newStateDir, runRunbook } from './harness.ts';

const valuesFile = join(mkdtempSync(join(tmpdir(), 'e2e-names-ports-')), 'byo.yaml');
const env = {
  POSTGRES_PASSWORD: 'pg-Pa55word-e2e-7102',
  BETTER_AUTH_SECRET: 'auth-secret-e2e-names-0123456789abcdef',
  OPENAI_API_KEY: 'sk-e2e-Np4Ks7Lm2Qw9Er1Ty5',
  HELM_VALUES_FILES: valuesFile,
};
let stateDir = '';

before(async () => {
  writeFileSync(
    valuesFile,
    'fullnameOverride: byo-todo\nfrontend:\n  service:\n    nodePort: 31580\nbackend:\n  service:\n    nodePort: 31581\n',
  );
  stateDir = newStateDir();
  const r = await runRunbook('00-setup', ['--yes'], { stateDir, env });
  assert.equal(r.exitCode, 0, r.stdout);
});

test('01 builds the frontend for the NodePorts the values file gives, and 02 loads that tag', async () => {
  const r = await runRunbook('01-build', ['--yes'], { stateDir, env });
  assert.equal(r.exitCode, 0, r.stdout);
  const build = r.calls.find((c) => c.argv[0] === 'docker' && c.argv.includes('build') && c.argv.join(' ').includes('NEXT_PUBLIC_API_URL'));
  assert.ok(build, 'the frontend build');
  assert.match(build.argv.join(' '), /NEXT_PUBLIC_API_URL=http:\/\/127\.\d+\.\d+\.\d+:31581/);
  assert.match(build.argv.join(' '), /NEXT_PUBLIC_APP_URL=http:\/\/127\.\d+\.\d+\.\d+:31580/);
  const load = await runRunbook('02-load', ['--yes'], { stateDir, env });
  assert.equal(load.exitCode, 0, load.stdout);
});

test("03 finds the Secret and the Services under the values file's fullnameOverride and reaches the moved NodePorts", async () => {
  const r = await runRunbook('03-install', ['--yes', '--no-screenshot'], { stateDir, env });
  assert.equal(r.exitCode, 0, r.stdout);
  const check = (id: string) => r.json.checks.find((c: { id: string }) => c.id === id);
  assert.equal(check('SECRETS-IN-SECRET')?.status, 'pass', check('SECRETS-IN-SECRET')?.measured);
  assert.equal(check('SECRETS-IN-SECRET').measured, 'all present and identical');
  for (const id of ['SMOKE-BACKEND-HEALTH', 'SMOKE-FRONTEND', 'SMOKE-MCP']) assert.equal(check(id)?.status, 'pass', id);
  assert.match(r.markdown, /Frontend: http:\/\/127\.\d+\.\d+\.\d+:31580 {3}Backend: http:\/\/127\.\d+\.\d+\.\d+:31581/);
  assert.match(r.markdown, /minikube service byo-todo-frontend /);
});
