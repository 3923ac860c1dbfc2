// Runbook 04 end to end on the simulated toolchain: one cluster prepared with 00→03, then the
// drill clean (its times compared with the simulator's ground truth), and with each fault.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runRunbook, type RunOutcome } from './harness.ts';
import {
  DRILL_TIMEOUT_MS,
  SECRETS,
  assertNoSecrets,
  compareWithTruth,
  preparedCluster,
  readTruth,
  showFailure,
  stopSimulatedCluster,
  spans,
  type Truth,
} from './04-05-drills.ts';

/**
 * The chart's readiness probe runs every 5 s, so a replaced pod of the simulator is Ready 6–12 s
 * after its deletion (and a real one much the same): the 10 s default is missed by about one pod
 * in three. The clean runs below pass 15 s; the target itself is asserted from the report.
 */
const CLEAN_ARGS = ['--yes', '--replacement-target', '15s'];

const check = (r: RunOutcome, id: string) => r.json.checks.filter((c: { id: string }) => c.id === id);
const lastLine = (r: RunOutcome) =>
  r.stdout
    .split('\n')
    .filter((l) => l.startsWith('✖ '))
    .pop() ?? '';

let stateDir: string;

before(async () => {
  stateDir = await preparedCluster();
});

after(() => stopSimulatedCluster(stateDir));

test("04 --simulate --yes: restart and replacement drills pass; every time within 0.5 s of the simulator's truth", async (t) => {
  const r = await runRunbook('04-restart-test', CLEAN_ARGS, { stateDir, env: SECRETS, timeoutMs: DRILL_TIMEOUT_MS });
  assert.equal(r.exitCode, 0, r.stdout.slice(-4000));
  assert.equal(r.json.result, 'passed');
  assertNoSecrets(r);
  for (const id of [
    'DRILL-PRECONDITION',
    'DATA-WRITE',
    'RESTART-STOP',
    'RESTART-START',
    'RESTART-FRONTEND',
    'RESTART-BACKEND',
    'RESTART-MCP',
    'RESTART-POSTGRESQL',
    'RESTART-ALL',
    'DATA-RESTART',
    'REPLACE-ONE-BACKEND',
    'REPLACE-ONE',
    'REPLACE-ONE-COUNT',
    'REPLACE-ALL-FRONTEND',
    'REPLACE-ALL-BACKEND',
    'REPLACE-ALL-MCP',
    'REPLACE-ALL',
    'REPLACE-ALL-COUNT',
    'DATA-REPLACE',
  ]) {
    assert.ok(check(r, id).length > 0, `missing check ${id}`);
  }
  assert.equal(check(r, 'REPLACE-ALL-POSTGRESQL').length, 0, 'PostgreSQL is never deleted');
  assert.match(check(r, 'RESTART-ALL')[0].expected, /≤ 2 min 0 s/);
  assert.match(check(r, 'REPLACE-ONE')[0].expected, /≤ 15\.0 s/);
  assert.match(check(r, 'RESTART-BACKEND')[0].measured, /^Ready in \d+\.\d s \(± 0\.\d s\)$/);
  // The data check went through the MCP tools (DATA_CHECK=mcp, the default), not the backend's REST API.
  assert.match(
    check(r, 'DATA-WRITE')[0].expected,
    /^MCP tools\/call add_task \{"user_id":"runbook-drill","title":"\{title\}"\} at http:\/\/127\.0\.0\.1:\d+\/mcp$/,
  );
  for (const id of ['DATA-RESTART', 'DATA-REPLACE']) {
    assert.equal(check(r, id)[0].status, 'pass');
    assert.match(check(r, id)[0].measured, /^found: task \d+ "04-restart-test drill .+" among \d+ task\(s\) listed by list_tasks/);
  }

  // An MCP pod deleted mid-call: the simulated demo server drains the request it had already
  // received (SIGTERM: finish in-flight, refuse new), so the call answers from the deleted pod; the
  // replacement answers the next call and lists the drill's todo and the interrupted call's task.
  const interrupted = check(r, 'MCP-INTERRUPTED-CALL')[0];
  assert.equal(interrupted.status, 'pass', interrupted.measured);
  assert.match(interrupted.title, /^the tool call in flight when todo-chatbot-mcp-\S+ was deleted$/);
  const victim = / when (\S+) was deleted/.exec(interrupted.title)![1]!;
  assert.match(
    interrupted.measured,
    new RegExp(`^HTTP 200 from ${victim} after \\d+ ms: add_task answered "Task \\d+ created: 04-interrupted-call drill `),
  );
  const after = check(r, 'MCP-AFTER-INTERRUPT')[0];
  assert.equal(after.status, 'pass', after.measured);
  const fresh = /on the replacement (\S+)$/.exec(after.title)![1]!;
  assert.notEqual(fresh, victim);
  assert.match(
    after.measured,
    new RegExp(
      `^answered from ${fresh}; task \\d+ "04-restart-test drill .+" among \\d+ task\\(s\\) listed by list_tasks; interrupted call's task listed \\(the call said created\\)$`,
    ),
  );
  assert.ok(r.calls.some((c) => c.argv.join(' ').startsWith(`kubectl delete pod ${victim} -n todo-app --wait=false`)));
  assert.ok(r.calls.some((c) => c.argv.join(' ').startsWith(`kubectl port-forward pod/${fresh} :8001`)));

  // The timeline: the restart, each pod, both replacement drills.
  assert.match(r.markdown, /## Timeline\n\n```mermaid\ngantt/);
  for (const section of ['restart', 'replace one backend pod', 'replace all app pods'])
    assert.match(r.markdown, new RegExp(`section ${section}`));

  // What ran: the same cluster settings on restart, both deletions, access re-established.
  const argvs = r.calls.map((c) => c.argv.join(' '));
  const run = argvs.slice(argvs.findIndex((a) => a.startsWith('minikube stop')));
  assert.ok(
    run.some((a) => a === 'minikube start -p minikube --cpus=2 --memory=4096 --driver=docker'),
    'restarted with the same settings',
  );
  assert.ok(run.some((a) => /^kubectl delete pod todo-chatbot-backend-\S+ -n todo-app --wait=false/.test(a)));
  assert.ok(
    run.some((a) =>
      a.startsWith(
        'kubectl delete pods -l app.kubernetes.io/instance=todo-chatbot,app.kubernetes.io/component in (frontend,backend,mcp) -n todo-app',
      ),
    ),
  );
  assert.ok(run.filter((a) => a.startsWith('minikube docker-env')).length >= 1, 'docker-env read again after the restart');
  assert.ok(run.filter((a) => a.startsWith('kubectl port-forward')).length >= 2, 'access re-established');
  assert.match(r.markdown, /DOCKER_HOST tcp:\/\/127\.0\.0\.1:\d+ → tcp:\/\/127\.0\.0\.1:\d+/);

  // Precision against the ground truth.
  const truth: Truth = readTruth(stateDir);
  const bars = spans(r);
  const cmd = (section: string, prefix: string) => bars.find((b) => b.section === section && b.label.startsWith(prefix))!;
  const podBars = (section: string) => bars.filter((b) => b.section === section && !/^(minikube|kubectl) /.test(b.label));

  // Restart: measured from the moment `minikube start` was issued; the simulator started it within that call.
  const start = cmd('restart', 'minikube start');
  const simStart = truth.minikube.filter((m) => m.action === 'start' && m.ok).pop()!;
  assert.ok(simStart.startedAt >= start.start && simStart.completedAt <= start.end, 'the simulated start happened inside the command');
  const restartBars = podBars('restart');
  assert.equal(restartBars.length, 4, 'frontend, backend, mcp, postgresql');
  for (const b of restartBars) assert.equal(b.start, start.start);
  const errors = compareWithTruth(truth, restartBars, t);

  // Replacements: the clock starts no earlier than the deletion the simulator recorded, at most ~1 s after it.
  for (const section of ['replace one backend pod', 'replace all app pods']) {
    const del = cmd(section, 'kubectl delete');
    const deleted = truth.pods.filter(
      (p) =>
        p.namespace === 'todo-app' &&
        p.deletionRequestedAt !== null &&
        p.deletionRequestedAt >= del.start &&
        p.deletionRequestedAt <= del.end,
    );
    assert.equal(deleted.length, section === 'replace one backend pod' ? 1 : 3, `${section}: the deletion happened inside the command`);
    const replaced = podBars(section);
    assert.equal(replaced.length, deleted.length);
    for (const b of replaced) {
      const lag = b.start - deleted[0]!.deletionRequestedAt!;
      t.diagnostic(`${section}: clock started ${(lag / 1000).toFixed(3)} s after the simulator's deletion`);
      // ≤ 1 s by construction; the simulator stamps replacements up to ~1 s before the deletion itself.
      assert.ok(lag >= -1000 && lag <= 1000, `start ${lag} ms from the deletion`);
    }
    errors.push(...compareWithTruth(truth, replaced, t));
  }
  t.diagnostic(`largest error ${(Math.max(...errors.map(Math.abs)) / 1000).toFixed(3)} s over ${errors.length} pods`);

  // The check values are the bars' lengths.
  const restartValues = ['FRONTEND', 'BACKEND', 'MCP', 'POSTGRESQL'].map((c) => check(r, `RESTART-${c}`)[0].value);
  for (const v of restartValues) assert.ok(restartBars.some((b) => Math.abs(b.end - b.start - v) <= 1));
});

test('04 with api-flaky: transient API errors are retried and the drill completes', async (t) => {
  const r = await runRunbook('04-restart-test', CLEAN_ARGS, { stateDir, env: SECRETS, faults: 'api-flaky', timeoutMs: DRILL_TIMEOUT_MS });
  const failed = r.calls.filter((c) => c.argv[0] === 'kubectl' && c.exit !== 0).length;
  t.diagnostic(`${failed} kubectl calls failed and were retried`);
  assert.ok(failed > 0, 'the fault was active');
  assert.equal(r.exitCode, 0, r.stdout.slice(-4000));
  const truth: Truth = readTruth(stateDir);
  const bars = spans(r).filter((b) => !/^(minikube|kubectl) /.test(b.label));
  compareWithTruth(truth, bars, t, 1000);
});

test('04 with never-ready=backend: exit 1 naming the backend and why, with evidence, within a bounded time', async (t) => {
  const r = await runRunbook('04-restart-test', CLEAN_ARGS, {
    stateDir,
    env: SECRETS,
    faults: 'never-ready=backend',
    timeoutMs: DRILL_TIMEOUT_MS,
  });
  showFailure(r, t);
  assert.equal(r.exitCode, 1, r.stdout.slice(-3000));
  assert.equal(r.json.result, 'failed');
  assert.match(r.json.reason, /backend/);
  assert.match(r.json.reason, /not (all )?Ready|readiness|ReadinessProbe/i);
  assert.ok(r.json.remedy.length > 10);
  assert.ok(r.json.evidence.length > 0, 'evidence collected');
  assert.match(lastLine(r), /backend/);
  // in the simulator's virtual time: the 180 s wait for a healthy release, then the diagnosis
  assert.ok(r.json.durationMs < 240_000, `bounded by the deadlines (took ${r.json.durationMs} virtual ms)`);
});

test('04 with slow-start=mcp:150s: exit 1, the slow pod named with what it was doing', async (t) => {
  const r = await runRunbook('04-restart-test', CLEAN_ARGS, {
    stateDir,
    env: SECRETS,
    faults: 'slow-start=mcp:150s',
    timeoutMs: DRILL_TIMEOUT_MS,
  });
  showFailure(r, t);
  assert.equal(r.exitCode, 1, r.stdout.slice(-3000));
  // The slow pod itself, with what it was doing ("mcp 0/1 Ready (todo-chatbot-mcp-… running, …)"):
  // a bare /mcp/ was also satisfied by an unrelated error naming svc/todo-chatbot-mcp.
  const slowPod = /mcp \d+\/\d+ Ready \(todo-chatbot-mcp-\S+ [a-z][^)]*\)/;
  assert.match(r.json.reason, slowPod);
  const failed: Array<{ id: string; measured: string }> = r.json.checks.filter((c: { status: string }) => c.status === 'fail');
  assert.ok(
    failed.some((c) => /^(RESTART|REPLACE-ONE|REPLACE-ALL)(-MCP)?$/.test(c.id) && slowPod.test(c.measured)),
    JSON.stringify(failed, null, 1),
  );
  assert.ok(r.json.evidence.length > 0);
});

test('04 --replacement-target abc: usage error, exit 2, nothing changed', async () => {
  const before = (await import('./harness.ts')).readCalls(stateDir).length;
  const r = await runRunbook('04-restart-test', ['--yes', '--replacement-target', 'abc'], {
    stateDir,
    env: SECRETS,
    timeoutMs: DRILL_TIMEOUT_MS,
  });
  assert.equal(r.exitCode, 2);
  assert.match(r.stdout, /--replacement-target "abc" is not a duration/);
  const { mutatingCalls } = await import('./harness.ts');
  assert.deepEqual(mutatingCalls(r.calls.slice(before)), []);
});

test("04 with the data check's settings for another app: a tool the MCP server lacks, or a REST path the backend lacks, fails DATA-WRITE naming it, before the cluster is touched", async () => {
  const { mutatingCalls, readCalls } = await import('./harness.ts');
  for (const [env, expected, measured] of [
    [
      { DATA_CHECK_MCP_ADD_TOOL: 'create_todo' },
      /^MCP tools\/call create_todo /,
      /^create_todo answered with an error: MCP error -32602: Tool create_todo not found/,
    ],
    // The simulator's NodePort daemon was seen between restarts in one run in three on a loaded
    // machine (connection refused); the expected column proves the path was used either way.
    [{ DATA_CHECK: 'rest', DATA_CHECK_REST_PATH: '/v1/tasks' }, /^POST http:\/\/\S+\/v1\/tasks → 201$/, /^(HTTP 404|ECONNREFUSED)/],
  ] as const) {
    const before = readCalls(stateDir).length;
    const r = await runRunbook('04-restart-test', CLEAN_ARGS, { stateDir, env: { ...SECRETS, ...env }, timeoutMs: DRILL_TIMEOUT_MS });
    assert.equal(r.exitCode, 1, r.stdout.slice(-3000));
    const write = check(r, 'DATA-WRITE')[0];
    assert.equal(write.status, 'fail');
    assert.match(write.expected, expected);
    assert.match(write.measured, measured);
    assert.ok(
      !mutatingCalls(r.calls.slice(before)).some((c) => /minikube stop|kubectl delete/.test(c.argv.join(' '))),
      'no drill after a failed write',
    );
  }
});

test("04 with minikube-start-fails: exit 1 with minikube's reason; the stopped cluster is named with the command to start it", async (t) => {
  const r = await runRunbook('04-restart-test', CLEAN_ARGS, {
    stateDir,
    env: SECRETS,
    faults: 'minikube-start-fails',
    timeoutMs: DRILL_TIMEOUT_MS,
  });
  showFailure(r, t);
  assert.equal(r.exitCode, 1, r.stdout.slice(-3000));
  assert.match(r.json.reason, /minikube start/);
  assert.match(r.json.reason, /GUEST_PROVISION|Exiting due to/);
  assert.match(r.json.remedy, /minikube start -p minikube/);
  assert.ok(r.json.evidence.some((e: { title: string }) => /minikube start output/.test(e.title)));
  assert.ok(!r.json.checks.some((c: { id: string }) => c.id.startsWith('REPLACE')), 'no drill after a failed start');
  // Left stopped, as the report says; 00-setup brings it back.
  const again = await runRunbook('00-setup', ['--yes'], { stateDir, env: SECRETS, timeoutMs: DRILL_TIMEOUT_MS });
  assert.equal(again.exitCode, 0);
});
