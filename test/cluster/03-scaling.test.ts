// 05 on the real node: scale out and back with the Endpoints listing every replica, self-healing
// by the real ReplicaSet controller, `helm upgrade --reuse-values` overrides seen inside the
// running pods (kubectl exec), `helm rollback`, and the release left as found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, checks, missingPrerequisite, recordFigure, runRunbook, tail } from './harness.ts';

const why = missingPrerequisite();

test('05-scaling: scale-out and back, Endpoints, self-healing, overrides inside the pods, rollback', {
  skip: why,
  timeout: 1_500_000,
}, async () => {
  const r = await runRunbook('05-scaling', ['--replacement-target', '30s'], { timeoutMs: 1_500_000 });
  assert.equal(r.exitCode, 0, tail(r));
  recordFigure('05-scaling s', Math.round(r.ms / 1000));
  for (const id of [
    'SCALE-FRONTEND',
    'SCALE-BACKEND',
    'SCALE-MCP',
    'ENDPOINTS-FRONTEND',
    'SCALE-BACK',
    'SELFHEAL',
    'OVERRIDE-HELM',
    'OVERRIDE-REPLICAS',
    'OVERRIDE-ENV',
    'OVERRIDE-LIMITS',
    'ROLLBACK-HELM',
    'ROLLBACK-REPLICAS',
    'ROLLBACK-ENV',
    'ROLLBACK-LIMITS',
    'RELEASE-AS-FOUND',
  ]) {
    assert.equal(check(r, id)?.status, 'pass', `${id}: ${check(r, id)?.measured}`);
  }
  recordFigure(
    '05 scaling',
    Object.fromEntries([...checks(r, 'SCALE-'), ...checks(r, 'SELFHEAL')].map((c: { id: string; measured: string }) => [c.id, c.measured])),
  );
  // The overrides were read inside the running containers (kubectl exec … printenv) and the cgroup limit.
  assert.match(check(r, 'OVERRIDE-ENV').measured, /printenv: todo-chatbot-backend-\S+=100; ConfigMap 100; rollout complete/);
  assert.match(check(r, 'OVERRIDE-LIMITS').measured, /: 1Gi$/);
});
