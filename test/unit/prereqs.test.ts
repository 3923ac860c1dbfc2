import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardedArgs } from '../../src/prereqs.ts';
import type { RunbookContext } from '../../src/runbook.ts';

function fakeCtx(flags: Record<string, string | boolean | undefined>, simulated: boolean): RunbookContext {
  return { simulation: simulated ? { stateDir: '/s', binDir: '/s/bin', env: {} } : undefined, flag: (name: string) => flags[name] } as unknown as RunbookContext;
}

test('a runbook started from another gets the same mode and settings, and nothing else', () => {
  assert.deepEqual(forwardedArgs(fakeCtx({ profile: 'dev', namespace: 'demo', 'report-dir': 'out', yes: true, rebuild: true, timeout: '90s' }, true)), ['--simulate', '--profile', 'dev', '--namespace', 'demo', '--report-dir', 'out', '--timeout', '90s']);
  assert.deepEqual(forwardedArgs(fakeCtx({}, false)), []);
  // Under its new name: Node 20 would swallow --env-file before the nested runbook saw it.
  assert.deepEqual(forwardedArgs(fakeCtx({ 'env-file': 'a.env' }, false)), ['--settings-file', 'a.env']);
  assert.deepEqual(forwardedArgs(fakeCtx({ 'settings-file': 'b.env' }, false)), ['--settings-file', 'b.env']);
});
