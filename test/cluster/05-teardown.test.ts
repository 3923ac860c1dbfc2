// 07 on the real node: no release, no namespace, no claim left (and the claim's volume removed by
// the provisioner); a second run is a no-op.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NAMESPACE, RELEASE, check, kubectl, laneEnv, missingPrerequisite, recordFigure, runRunbook, tail } from './harness.ts';
import { spawnSync } from 'node:child_process';

const why = missingPrerequisite();

test('07-teardown leaves no release, namespace or claim; a second run changes nothing', { skip: why, timeout: 900_000 }, async () => {
  const r = await runRunbook('07-teardown');
  assert.equal(r.exitCode, 0, tail(r));
  recordFigure('07-teardown s', Math.round(r.ms / 1000));
  for (const id of ['TEARDOWN-RELEASE', 'TEARDOWN-NAMESPACE', 'TEARDOWN-PVC'])
    assert.equal(check(r, id)?.status, 'pass', `${id}: ${check(r, id)?.measured}`);
  const helm = spawnSync('helm', ['list', '-A', '-o', 'json'], { encoding: 'utf8', env: laneEnv() });
  assert.equal(helm.status, 0, helm.stderr);
  assert.deepEqual(
    JSON.parse(helm.stdout).filter((x: { name: string }) => x.name === RELEASE),
    [],
  );
  assert.notEqual(kubectl(['get', 'namespace', NAMESPACE]).status, 0, 'the namespace is gone');
  assert.equal(kubectl(['get', 'pvc', '-A', '-o', 'name']).stdout.trim(), '', 'no claim left');
  const again = await runRunbook('07-teardown');
  assert.equal(again.exitCode, 0, tail(again));
});
