// The access runbook on the real node: real kubectl port-forwards to the real pods on any free
// local ports, localhost compared with the real NodePorts, the backend pod deleted once
// (--replace-pod) and the real kubectl's "lost connection to pod" followed by a new forward on
// the same URL to the replacement the real ReplicaSet controller made; the ports closed at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NAMESPACE, check, kubectlJson, missingPrerequisite, recordFigure, runRunbook, tail } from './harness.ts';

const why = missingPrerequisite();

test('access --once --replace-pod: localhost answers as the NodePorts do; the backend forward comes back after its pod is replaced', {
  skip: why,
  timeout: 900_000,
}, async () => {
  const r = await runRunbook('access', ['--once', '--replace-pod', '--frontend-port', '0', '--backend-port', '0'], { timeoutMs: 900_000 });
  assert.equal(r.exitCode, 0, tail(r));
  assert.equal(r.json.simulated, false);
  for (const id of [
    'ACCESS-FORWARD-FRONTEND',
    'ACCESS-FORWARD-BACKEND',
    'ACCESS-SAME-FRONTEND',
    'ACCESS-SAME-BACKEND',
    'ACCESS-RECONNECT-BACKEND',
    'ACCESS-SAME-BACKEND-AFTER',
    'ACCESS-END',
  ])
    assert.equal(check(r, id)?.status, 'pass', `${id}: ${check(r, id)?.measured}`);
  // the real kubectl said why its forward ended
  assert.match(check(r, 'ACCESS-RECONNECT-BACKEND').measured, /lost connection to pod/);
  recordFigure('access reconnect', check(r, 'ACCESS-RECONNECT-BACKEND').measured);
  const [, replacement] = /→ (\S+) in/.exec(check(r, 'ACCESS-RECONNECT-BACKEND').measured) ?? [];
  const backends = kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', 'app.kubernetes.io/component=backend']).items.map(
    (p: { metadata: { name: string } }) => p.metadata.name,
  );
  assert.ok(backends.includes(replacement), `${replacement} is a backend pod now: ${backends.join(', ')}`);
});
