import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardedArgs, prerequisiteCommand } from '../../src/prereqs.ts';
import type { RunbookContext } from '../../src/runbook.ts';

function fakeCtx(flags: Record<string, string | boolean | undefined>, simulated: boolean): RunbookContext {
  return {
    simulation: simulated ? { stateDir: '/s', binDir: '/s/bin', env: {} } : undefined,
    flag: (name: string) => flags[name],
  } as unknown as RunbookContext;
}

test('a runbook started from another gets the same mode and settings, and nothing else', () => {
  assert.deepEqual(
    forwardedArgs(fakeCtx({ profile: 'dev', namespace: 'demo', 'report-dir': 'out', yes: true, rebuild: true, timeout: '90s' }, true)),
    ['--simulate', '--profile', 'dev', '--namespace', 'demo', '--report-dir', 'out', '--timeout', '90s'],
  );
  assert.deepEqual(forwardedArgs(fakeCtx({}, false)), []);
  // Under its new name: Node 20 would swallow --env-file before the nested runbook saw it.
  assert.deepEqual(forwardedArgs(fakeCtx({ 'env-file': 'a.env' }, false)), ['--settings-file', 'a.env']);
  assert.deepEqual(forwardedArgs(fakeCtx({ 'settings-file': 'b.env' }, false)), ['--settings-file', 'b.env']);
});

test('the command a missing prerequisite names points at the same cluster and settings (--profile dev, not the default cluster)', () => {
  const ctx = fakeCtx({ profile: 'dev', namespace: 'demo app', 'settings-file': 'my.env' }, false);
  assert.equal(
    prerequisiteCommand(ctx, '02-load'),
    "npx zx runbooks/02-load.mjs --settings-file my.env --profile dev --namespace 'demo app'",
  );
  assert.equal(prerequisiteCommand(fakeCtx({}, true), '01-build'), 'npx zx runbooks/01-build.mjs --simulate');
});
