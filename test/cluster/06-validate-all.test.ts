// validate-all on the real node: 00 → 06 in one run with one consolidated report, then 07 to
// leave the node as the lane found it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, checks, missingPrerequisite, recordFigure, runRunbook, tail } from './harness.ts';

const why = missingPrerequisite();

test('validate-all: 00 → 06 pass on the real node, one consolidated report', { skip: why, timeout: 3_600_000 }, async () => {
  const r = await runRunbook('validate-all', [], { timeoutMs: 3_600_000 });
  assert.equal(r.exitCode, 0, tail(r));
  recordFigure('validate-all s', Math.round(r.ms / 1000));
  assert.equal(r.json.simulated, false);
  assert.equal(check(r, 'SETUP-CLUSTER')?.status, 'pass');
  for (const c of checks(r, 'READY-')) assert.equal(c.status, 'pass', `${c.id}: ${c.measured}`);
  assert.equal(check(r, 'SMOKE-MCP')?.status, 'pass');
  const teardown = await runRunbook('07-teardown');
  assert.equal(teardown.exitCode, 0, tail(teardown));
});
