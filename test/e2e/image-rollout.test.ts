// A changed image rolls out (000 US4): after a source change 01 → 02 → 03 give the component a new
// content tag, and 03 proves from each pod's status.containerStatuses[].imageID that every running
// pod of it runs the newly built image, while the unchanged components keep theirs. The app is a
// copy of examples/todo-chatbot (APP_SOURCE=custom) so the test can change a source file. The
// images' total is judged too: against a budget they do not fit (a failed criterion, exit 1, the
// images still built), then against the default for a stack with Python images, 800 MB.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newStateDir, ROOT, runRunbook, type RunOutcome } from './harness.ts';

const appDir = mkdtempSync(join(tmpdir(), 'e2e-rollout-app-'));
const env = {
  POSTGRES_PASSWORD: 'pg-Pa55word-rollout-5',
  BETTER_AUTH_SECRET: 'auth-secret-rollout-0123456789abcdefgh',
  OPENAI_API_KEY: 'sk-rollout-Zx8Cv6Bn4Mq2',
  APP_SOURCE: 'custom',
  APP_FRONTEND_DIR: join(appDir, 'frontend'),
  APP_BACKEND_DIR: join(appDir, 'backend'),
  APP_MCP_DIR: join(appDir, 'mcp'),
};
const show = (r: RunOutcome) => `${r.stdout}\n${r.stderr}`.slice(-4000);
const check = (r: RunOutcome, id: string) => r.json?.checks.find((c: { id: string }) => c.id === id);
let stateDir = '';

function deployedImage(component: string): string {
  const r = spawnSync(
    join(stateDir, 'bin', 'kubectl'),
    ['get', 'deployment', `todo-chatbot-${component}`, '-n', 'todo-app', '-o', 'json', '--context', 'minikube'],
    { env: { ...process.env, SIM_STATE_DIR: stateDir }, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).spec.template.spec.containers[0].image;
}

before(() => {
  cpSync(join(ROOT, 'examples', 'todo-chatbot'), appDir, { recursive: true });
  stateDir = newStateDir();
});

after(() => {
  spawnSync(join(stateDir, 'bin', 'minikube'), ['delete', '-p', 'minikube'], { env: { ...process.env, SIM_STATE_DIR: stateDir } });
  rmSync(stateDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  rmSync(appDir, { recursive: true, force: true });
});

test('a source change reaches every pod of its component, proven by image id; the images together are judged against their default budget', async () => {
  assert.equal((await runRunbook('00-setup', ['--yes'], { stateDir, env })).exitCode, 0);
  const overBudget = await runRunbook('01-build', ['--yes'], { stateDir, env: { ...env, SIZE_BUDGET_TOTAL: '300' } });
  assert.equal(overBudget.exitCode, 1, show(overBudget));
  assert.equal(check(overBudget, 'SIZE-TOTAL')?.status, 'fail');
  const [, total, ...parts] =
    /^(\d+\.\d) MB \(frontend ([\d.]+) \+ backend ([\d.]+) \+ mcp ([\d.]+)\)$/.exec(check(overBudget, 'SIZE-TOTAL').measured) ?? [];
  assert.ok(Number(total) > 300, check(overBudget, 'SIZE-TOTAL').measured);
  assert.ok(Math.abs(parts.reduce((a, b) => a + Number(b), 0) - Number(total)) < 0.2, 'the total is the sum of the three');
  assert.match(check(overBudget, 'SIZE-TOTAL').expected, /≤ 300 MB \(SIZE_BUDGET_TOTAL=300\)/);
  const roomy = env;
  const built = await runRunbook('01-build', ['--yes'], { stateDir, env: roomy });
  assert.equal(built.exitCode, 0, show(built));
  assert.equal(check(built, 'SIZE-TOTAL')?.status, 'pass');
  assert.match(check(built, 'SIZE-TOTAL').expected, /≤ 800 MB \(python default/);
  assert.equal((await runRunbook('02-load', ['--yes'], { stateDir, env: roomy })).exitCode, 0);
  const first = await runRunbook('03-install', ['--yes', '--no-screenshot'], { stateDir, env: roomy });
  assert.equal(first.exitCode, 0, show(first));
  const before = { frontend: deployedImage('frontend'), backend: deployedImage('backend') };
  const firstId = /run image ([0-9a-f]{12})/.exec(check(first, 'IMAGE-BACKEND')?.measured ?? '')?.[1];
  assert.ok(firstId, check(first, 'IMAGE-BACKEND')?.measured);

  appendFileSync(join(appDir, 'backend', 'main.py'), '\n# a change that must reach the running pods\n');
  for (const id of ['01-build', '02-load']) assert.equal((await runRunbook(id, ['--yes'], { stateDir, env: roomy })).exitCode, 0, id);
  const second = await runRunbook('03-install', ['--yes', '--no-screenshot'], { stateDir, env: roomy });
  assert.equal(second.exitCode, 0, show(second));
  assert.notEqual(deployedImage('backend'), before.backend, 'a new content tag for the changed backend');
  assert.equal(deployedImage('frontend'), before.frontend, 'the unchanged frontend keeps its tag');
  const proof = check(second, 'IMAGE-BACKEND');
  assert.equal(proof?.status, 'pass', proof?.measured);
  const secondId = /run image ([0-9a-f]{12})/.exec(proof.measured)?.[1];
  assert.ok(secondId && secondId !== firstId, `the pods run the new image: ${firstId} → ${secondId}`);
  assert.match(proof.expected, new RegExp(`image id ${secondId} \\(docker image inspect in minikube's Docker`));
  assert.match(proof.title, new RegExp(`built as ${deployedImage('backend').replace(/[.:]/g, '\\$&')}`));
  for (const id of ['IMAGE-FRONTEND', 'IMAGE-MCP', 'INSTALL-TIME', 'STARTUP-LOGS-BACKEND'])
    assert.equal(check(second, id)?.status, 'pass', `${id}: ${check(second, id)?.measured}`);
});
