// 03's diagnosis of a failed install speaks in this run's settings: with --profile dev and a chart
// in another folder, every remedy names `-p dev` and that folder. (03 once had its own copy of
// the diagnosis that left both out, so its remedies said `-p minikube` and helm/todo-chatbot.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, newStateDir, runRunbook } from './harness.ts';

const env = {
  POSTGRES_PASSWORD: 'pg-Pa55word-e2e-7781',
  BETTER_AUTH_SECRET: 'auth-secret-e2e-0123456789abcdefghijkl',
  OPENAI_API_KEY: 'sk-e2e-Tk9Xq2Lm5Vb8Nc1Zr4Wy7',
};
let stateDir = '';

before(async () => {
  stateDir = newStateDir();
  for (const id of ['00-setup', '01-build', '02-load']) {
    const r = await runRunbook(id, ['--yes', '--profile', 'dev'], { stateDir, env });
    assert.equal(r.exitCode, 0, `${id}: ${r.stdout}`);
  }
});

test("03 --profile dev with its chart elsewhere: the failed install's remedy names profile dev and that chart", async () => {
  const chart = join(mkdtempSync(join(tmpdir(), 'e2e-chart-')), 'todo-chatbot');
  cpSync(join(ROOT, 'helm', 'todo-chatbot'), chart, { recursive: true });
  const r = await runRunbook('03-install', ['--yes', '--profile', 'dev', '--timeout', '120s', '--no-screenshot'], {
    stateDir,
    env: { ...env, HELM_CHART_DIR: chart },
    faults: 'unschedulable',
  });
  assert.equal(r.exitCode, 1, r.stdout);
  assert.match(r.json.reason, /Unschedulable/);
  assert.match(r.json.remedy, /minikube delete -p dev\b/);
  assert.ok(r.json.remedy.includes(`helm upgrade todo-chatbot ${chart} `), r.json.remedy);
  const remedies = [r.json.remedy, r.markdown].join('\n');
  assert.doesNotMatch(remedies, /-p minikube\b/);
  assert.doesNotMatch(remedies, /helm upgrade todo-chatbot helm\/todo-chatbot /);
});
