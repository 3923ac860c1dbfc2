// 04 on the real node: a todo written through the real backend, `minikube stop` (the kubelet,
// the control plane and every container really stopped), `minikube start`, every pod back to
// Ready within the target, the todo read back from the real PostgreSQL volume; then one pod and
// all app pods deleted and replaced by the real controllers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NAMESPACE, type RunOutcome, check, checks, kubectlJson, missingPrerequisite, recordFigure, runRunbook, tail } from './harness.ts';

const why = missingPrerequisite();

test('04-restart-test: real stop/start, every pod Ready again within the target, the todo survives; replacements within the target', {
  skip: why,
  timeout: 1_200_000,
}, async () => {
  const podsBefore = kubectlJson(['get', 'pods', '-n', NAMESPACE]).items.map((p: { metadata: { uid: string } }) => p.metadata.uid);
  const r = await runRunbook('04-restart-test', ['--replacement-target', '30s'], { timeoutMs: 1_200_000 });
  assert.equal(r.exitCode, 0, tail(r));
  recordFigure('04-restart-test s', Math.round(r.ms / 1000));
  for (const id of [
    'DATA-WRITE',
    'RESTART-STOP',
    'RESTART-START',
    'RESTART-ALL',
    'DATA-RESTART',
    'REPLACE-ONE',
    'REPLACE-ALL',
    'DATA-REPLACE',
  ]) {
    assert.equal(check(r, id)?.status, 'pass', `${id}: ${check(r, id)?.measured}`);
  }
  assert.match(check(r, 'RESTART-ALL').expected, /≤ 2 min 0 s/);
  const restartTimes = Object.fromEntries(checks(r, 'RESTART-').map((c: { id: string; measured: string }) => [c.id, c.measured]));
  const replaceTimes = Object.fromEntries(checks(r, 'REPLACE-').map((c: { id: string; measured: string }) => [c.id, c.measured]));
  recordFigure('04 restart', restartTimes);
  recordFigure('04 replacement', replaceTimes);
  // A real restart: the app pods are new (deleted by the drill), and every pod is Ready now.
  const pods = kubectlJson(['get', 'pods', '-n', NAMESPACE]).items;
  for (const p of pods)
    assert.equal(p.status.conditions.find((c: { type: string }) => c.type === 'Ready')?.status, 'True', p.metadata.name);
  const apps = pods.filter(
    (p: { metadata: { labels: Record<string, string> } }) => p.metadata.labels['app.kubernetes.io/component'] !== 'postgresql',
  );
  assert.ok(
    apps.every((p: { metadata: { uid: string } }) => !podsBefore.includes(p.metadata.uid)),
    'every app pod was replaced',
  );
  // The restart really restarted the containers: the PostgreSQL pod (never deleted) counts a restart.
  const pg = pods.find(
    (p: { metadata: { labels: Record<string, string> } }) => p.metadata.labels['app.kubernetes.io/component'] === 'postgresql',
  );
  assert.ok(pg.status.containerStatuses[0].restartCount >= 1, 'the database container was restarted by the node restart');
  assertMcpInterrupt(r, pods);
});

/**
 * 04's MCP pod deleted in the middle of a tool call, on the real node: the victim was a real MCP pod
 * that the kubelet really killed (its Killing event), what the call returned is reported, and the
 * next call was answered by the real replacement, which lists the drill's todo.
 */
function assertMcpInterrupt(r: RunOutcome, pods: any[]): void {
  const interrupted = check(r, 'MCP-INTERRUPTED-CALL');
  assert.equal(interrupted?.status, 'pass', `MCP-INTERRUPTED-CALL: ${interrupted?.measured}`);
  const victim = / when (todo-chatbot-mcp-\S+) was deleted$/.exec(interrupted.title)?.[1];
  assert.ok(victim, interrupted.title);
  // What the call came back with: an answer (from the victim, which drains on SIGTERM) or the error the client saw.
  assert.match(interrupted.measured, new RegExp(`^(HTTP \\d+ from ${victim} after \\d+ ms: |failed after \\d+ ms: )`));
  assert.ok(!pods.some((p) => p.metadata.name === victim), `${victim} is gone`);
  const killed = kubectlJson(['get', 'events', '-n', NAMESPACE, '--field-selector', `involvedObject.name=${victim}`]).items;
  assert.ok(
    killed.some((e: { reason: string }) => e.reason === 'Killing'),
    `the kubelet killed ${victim}: ${killed.map((e: { reason: string }) => e.reason).join(', ')}`,
  );
  const after = check(r, 'MCP-AFTER-INTERRUPT');
  assert.equal(after?.status, 'pass', `MCP-AFTER-INTERRUPT: ${after?.measured}`);
  const fresh = /on the replacement (todo-chatbot-mcp-\S+)$/.exec(after.title)?.[1];
  assert.ok(fresh && fresh !== victim, after.title);
  assert.ok(
    pods.some((p) => p.metadata.name === fresh),
    `${fresh} is a pod now: ${pods.map((p) => p.metadata.name).join(', ')}`,
  );
  assert.match(
    after.measured,
    new RegExp(
      `^answered from ${fresh}; task \\d+ "04-restart-test drill .+" among \\d+ task\\(s\\) listed by list_tasks; interrupted call's task `,
    ),
  );
  recordFigure('04 MCP pod deleted mid-call', { victim, interrupted: interrupted.measured, replacement: fresh, after: after.measured });
}
