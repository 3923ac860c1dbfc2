// validate-all on a fresh simulated machine: 00 → 06 in order, one consolidated report with every
// criterion, a link to each runbook's report and the total time; then 07 leaves nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { newStateDir, runRunbook } from './harness.ts';

const env = {
  POSTGRES_PASSWORD: 'pg-Pa55word-va-1234',
  BETTER_AUTH_SECRET: 'auth-secret-va-0123456789abcdefghijklmn',
  OPENAI_API_KEY: 'sk-va-Tk9Xq2Lm5Vb8Nc1Zr4Wy7',
};
const RUNBOOKS = [
  '00-setup',
  '01-build',
  '02-load',
  '03-install',
  '04-restart-test',
  '05-scaling',
  '06-ai-diagnostics',
  '08-backup',
  'access',
];

test('validate-all --simulate --yes: exit 0, every criterion with its figure, links to every report; 07 then leaves nothing', async () => {
  const stateDir = newStateDir();
  // the entry point itself (through tsx), which loads every runbook's source as a user's run does
  const r = await runRunbook('validate-all', ['--yes'], { stateDir, env, timeoutMs: 480_000, entry: 'source' });
  assert.equal(r.exitCode, 0, r.stdout.slice(-4000));
  const checks: Array<{ id: string; title: string; expected: string; measured: string; status: string }> = r.json.checks;
  for (const id of RUNBOOKS) {
    assert.ok(
      checks.some((c) => c.title.startsWith(`${id}: `)),
      `no criterion from ${id}`,
    );
    const link = new RegExp(`${id}: passed in .* — \\[report\\]\\(([^)]+)\\)`);
    const match = link.exec(r.markdown);
    assert.ok(match, `no link to the ${id} report`);
    assert.ok(existsSync(join(r.reportDir, match![1]!)), `${match![1]} exists`);
  }
  for (const c of checks) {
    assert.ok(c.measured.trim().length > 0, `${c.id} has a measured value`);
    assert.ok(c.expected.trim().length > 0, `${c.id} has a target`);
  }
  for (const id of ['SETUP-CLUSTER', 'SMOKE-MCP', 'SECRETS-IN-SECRET', 'ACCESS-SAME-BACKEND', 'ACCESS-END', 'VALIDATE-ALL'])
    assert.ok(
      checks.some((c) => c.id === id),
      `criterion ${id}`,
    );
  assert.ok(checks.filter((c) => c.id.startsWith('READY-')).length >= 4);
  assert.equal(checks.filter((c) => c.status === 'fail').length, 0);
  assert.match(r.markdown, /took \d/);
  // 08's archive and manifest go beside the reports, not into the working folder.
  assert.equal(readdirSync(join(r.reportDir, 'backups')).filter((f) => /\.dump(\.manifest\.json)?$/.test(f)).length, 2);

  const teardown = await runRunbook('07-teardown', ['--yes'], { stateDir, env });
  assert.equal(teardown.exitCode, 0, teardown.stdout);
  const sim = (tool: string, args: string[]) =>
    spawnSync(join(stateDir, 'bin', tool), args, { env: { ...process.env, SIM_STATE_DIR: stateDir }, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(sim('helm', ['list', '-A', '-o', 'json', '--kube-context', 'minikube']).stdout), []);
  assert.match(sim('kubectl', ['get', 'namespace', 'todo-app', '-o', 'json', '--context', 'minikube']).stderr, /NotFound/);
  assert.equal(
    JSON.parse(sim('kubectl', ['get', 'pvc', '-A', '-o', 'json', '--context', 'minikube']).stdout).items.filter(
      (p: { metadata: { namespace: string } }) => p.metadata.namespace === 'todo-app',
    ).length,
    0,
  );
});
