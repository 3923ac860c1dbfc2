// 05 on the real node: scale out and back with the Endpoints listing every replica, self-healing
// by the real ReplicaSet controller, `helm upgrade --reuse-values` overrides seen inside the
// running pods (kubectl exec), `helm rollback`, and the release left as found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NAMESPACE, PROFILE, check, checks, kubectlJson, missingPrerequisite, recordFigure, runRunbook, tail } from './harness.ts';

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

  // MCP at 2 replicas: tools/call through the Service (the API server's Service proxy) until both
  // pods answered, each named by its X-Served-By header (its hostname, the pod's name). Both are
  // real pods: the scheduler placed each on the node (its Scheduled event in the namespace).
  const spread = check(r, 'MCP-REPLICAS');
  assert.equal(spread?.status, 'pass', `MCP-REPLICAS: ${spread?.measured}`);
  const replicas = [...new Set([...spread.expected.matchAll(/todo-chatbot-mcp-[a-z0-9]+-[a-z0-9]+/g)].map((m: RegExpMatchArray) => m[0]))];
  assert.equal(replicas.length, 2, spread.expected);
  const answered = Object.fromEntries([...spread.measured.matchAll(/(todo-chatbot-mcp-\S+) ×(\d+)/g)].map((m) => [m[1], Number(m[2])]));
  assert.deepEqual(Object.keys(answered).sort(), [...replicas].sort(), spread.measured);
  for (const pod of replicas) {
    const events = kubectlJson(['get', 'events', '-n', NAMESPACE, '--field-selector', `involvedObject.name=${pod}`]).items;
    const scheduled = events.find((e: { reason: string }) => e.reason === 'Scheduled');
    assert.ok(scheduled, `${pod} was scheduled: ${events.map((e: { reason: string }) => e.reason).join(', ')}`);
    assert.match(scheduled.message, new RegExp(`Successfully assigned ${NAMESPACE}/${pod} to ${PROFILE}`));
  }
  recordFigure('05 MCP replicas', spread.measured);
});
