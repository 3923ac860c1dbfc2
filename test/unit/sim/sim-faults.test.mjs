// The fault catalogue's cluster faults, each observed the way a user would see it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machine, installFixture, pods, comp, CHART } from './helpers.mjs';

const of = (m, c) => pods(m).find((p) => comp(p) === c);
const ready = (p) => p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';

test("crashloop=backend: CrashLoopBackOff with growing restarts, previous logs end in the error; --atomic --wait fails with helm's text", async () => {
  const m = await machine({ faults: 'crashloop=backend' });
  try {
    const r = installFixture(m, { extra: ['--timeout', '90s'] });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'Error: release todo-chatbot failed, and has been uninstalled due to atomic being set: context deadline exceeded\n',
    );
    assert.equal(m.run('helm', ['status', 'todo-chatbot', '-n', 'todo-app']).stderr, 'Error: release: not found\n');
    assert.equal(installFixture(m, { wait: false, build: false }).code, 0);
    await m.sleep(60000);
    const b = of(m, 'backend');
    const cs = b.status.containerStatuses[0];
    assert.equal(b.status.phase, 'Running');
    assert.ok(cs.restartCount >= 2, `restarts ${cs.restartCount}`);
    assert.equal(cs.lastState.terminated.reason, 'Error');
    assert.equal(cs.lastState.terminated.exitCode, 1);
    const r1 = cs.restartCount;
    await m.sleep(60000);
    assert.ok(of(m, 'backend').status.containerStatuses[0].restartCount > r1, 'restarts keep growing');
    const lg = m.run('kubectl', ['logs', b.metadata.name, '-c', 'backend', '-n', 'todo-app', '--previous', '--tail=20']);
    assert.equal(lg.code, 0, lg.stderr);
    assert.match(lg.stdout.trim().split('\n').pop(), /"level":"fatal"/);
    assert.ok(
      m
        .json('kubectl', ['get', 'events', '-n', 'todo-app', '-o', 'json'])
        .items.some((e) => e.reason === 'BackOff' && e.message.startsWith('Back-off restarting failed container backend in pod ')),
    );
    assert.match(
      m.run('kubectl', ['get', 'pods', '-n', 'todo-app']).stdout,
      /todo-chatbot-backend-\S+\s+0\/1\s+(CrashLoopBackOff|Error|Running)\s+\d+ \(\S+ ago\)/,
    );
  } finally {
    m.cleanup();
  }
});

test('oom=backend: OOMKilled, exit 137; top shows memory near the limit', async () => {
  const m = await machine({ faults: 'oom=backend' });
  try {
    m.run('minikube', ['start', '-p', 'minikube', '--addons=metrics-server']);
    assert.equal(installFixture(m, { wait: false }).code, 0);
    await m.sleep(45000);
    const cs = of(m, 'backend').status.containerStatuses[0];
    const term = cs.lastState.terminated ?? cs.state.terminated;
    assert.equal(term.reason, 'OOMKilled');
    assert.equal(term.exitCode, 137);
    const raw = JSON.parse(m.run('kubectl', ['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/todo-app/pods']).stdout);
    const be = raw.items.find((i) => i.metadata.labels['app.kubernetes.io/component'] === 'backend');
    if (be) assert.ok(parseInt(be.containers[0].usage.memory, 10) > 0.9 * 256 * 1024, 'memory near the 256Mi limit');
  } finally {
    m.cleanup();
  }
});

test('probe-fail=mcp: Running but never Ready, Unhealthy 503 events; the Endpoints list it as not ready', async () => {
  const m = await machine({ faults: 'probe-fail=mcp' });
  try {
    assert.equal(installFixture(m, { wait: false }).code, 0);
    await m.sleep(30000);
    const p = of(m, 'mcp');
    assert.equal(p.status.phase, 'Running');
    assert.ok(!ready(p));
    assert.ok(p.status.containerStatuses[0].state.running);
    const ev = m
      .json('kubectl', ['get', 'events', '-n', 'todo-app', '-o', 'json'])
      .items.filter((e) => e.involvedObject.name === p.metadata.name && e.reason === 'Unhealthy');
    assert.equal(ev[0].message, 'Readiness probe failed: HTTP probe failed with statuscode: 503');
    assert.ok(ev[0].count > 3);
    const eps = m.json('kubectl', ['get', 'endpoints', 'todo-chatbot-mcp', '-n', 'todo-app', '-o', 'json']);
    assert.equal(eps.subsets[0].addresses, undefined);
    assert.equal(eps.subsets[0].notReadyAddresses[0].targetRef.name, p.metadata.name);
    const w = m.run('kubectl', ['wait', '--for=condition=Ready', `pod/${p.metadata.name}`, '-n', 'todo-app', '--timeout=10s']);
    assert.equal(w.code, 1);
    assert.equal(w.stderr, `error: timed out waiting for the condition on pods/${p.metadata.name}\n`);
  } finally {
    m.cleanup();
  }
});

test('unschedulable: every app pod Pending with PodScheduled=False and FailedScheduling', async () => {
  const m = await machine({ faults: 'unschedulable' });
  try {
    assert.equal(installFixture(m, { wait: false }).code, 0);
    await m.sleep(10000);
    for (const p of pods(m)) {
      assert.equal(p.status.phase, 'Pending');
      const c = p.status.conditions.find((x) => x.type === 'PodScheduled');
      assert.equal(c.status, 'False');
      assert.equal(c.reason, 'Unschedulable');
      assert.match(c.message, /^0\/1 nodes are available: 1 Insufficient cpu/);
    }
    assert.ok(
      m
        .json('kubectl', ['get', 'events', '-n', 'todo-app', '-o', 'json'])
        .items.some((e) => e.reason === 'FailedScheduling' && e.source.component === 'default-scheduler'),
    );
    assert.ok(
      m.json('kubectl', ['get', 'pods', '-n', 'kube-system', '-o', 'json']).items.every((p) => p.status.phase === 'Running'),
      'system pods are unaffected',
    );
  } finally {
    m.cleanup();
  }
});

test('a real resource shortage: requests that do not fit the node stay Pending', async () => {
  const m = await machine();
  try {
    const r = installFixture(m, { wait: false, values: ['--set', 'frontend.resources.requests.cpu=1500m'] });
    assert.equal(r.code, 0, r.stderr);
    await m.sleep(5000);
    const f = of(m, 'frontend');
    assert.equal(f.status.phase, 'Pending');
    assert.match(f.status.conditions[0].message, /Insufficient cpu/);
  } finally {
    m.cleanup();
  }
});

test("helm-timeout: an upgrade that never becomes ready is rolled back with helm's text", async () => {
  const m = await machine();
  try {
    assert.equal(installFixture(m).code, 0);
    const env = { SIM_FAULTS: 'helm-timeout' };
    const r = m.run(
      'helm',
      [
        'upgrade',
        'todo-chatbot',
        CHART,
        '-n',
        'todo-app',
        '--reuse-values',
        '--atomic',
        '--wait',
        '--timeout',
        '30s',
        '--set',
        'backend.replicaCount=2',
      ],
      { env },
    );
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'Error: UPGRADE FAILED: release todo-chatbot failed, and has been rolled back due to atomic being set: context deadline exceeded\n',
    );
    const hist = m.json('helm', ['history', 'todo-chatbot', '-n', 'todo-app', '-o', 'json']);
    assert.deepEqual(
      hist.map((h) => h.status),
      ['superseded', 'failed', 'deployed'],
    );
    assert.equal(hist[2].description, 'Rollback to 1');
    const r2 = m.run('helm', ['upgrade', 'todo-chatbot', CHART, '-n', 'todo-app', '--reuse-values', '--wait', '--timeout', '20s'], { env });
    assert.equal(r2.stderr, 'Error: UPGRADE FAILED: context deadline exceeded\n');
  } finally {
    m.cleanup();
  }
});

test('api-flaky: every third kubectl/helm API call fails with a transient error', async () => {
  const m = await machine({ faults: 'api-flaky' });
  try {
    m.run('minikube', ['start', '-p', 'minikube']);
    const codes = [];
    const errs = [];
    for (let i = 0; i < 6; i++) {
      const r = m.run('kubectl', ['get', 'nodes', '-o', 'json']);
      codes.push(r.code);
      if (r.code) errs.push(r.stderr);
    }
    assert.deepEqual(codes, [0, 0, 1, 0, 0, 1]);
    assert.ok(
      errs.every((e) =>
        /^(Error from server \(ServiceUnavailable\): the server is currently unable to handle the request|Unable to connect to the server: net\/http: TLS handshake timeout)\n$/.test(
          e,
        ),
      ),
    );
    assert.equal(m.run('kubectl', ['version', '--client', '-o', 'json']).code, 0, 'client-only calls are not affected');
    const h = [0, 1, 2].map(() => m.run('helm', ['list', '-A', '-o', 'json']).code);
    assert.equal(h.filter((c) => c === 1).length, 1);
  } finally {
    m.cleanup();
  }
});

test('no-metrics: the Metrics API is absent even with the addon', async () => {
  const m = await machine({ faults: 'no-metrics' });
  try {
    m.run('minikube', ['start', '-p', 'minikube', '--addons=metrics-server']);
    await m.sleep(60000);
    assert.equal(m.run('kubectl', ['top', 'pods', '-n', 'kube-system']).stderr, 'error: Metrics API not available\n');
  } finally {
    m.cleanup();
  }
});

test('slow-start and never-ready', async () => {
  const m = await machine({ faults: 'slow-start=frontend:40s,never-ready=mcp' });
  try {
    assert.equal(installFixture(m, { wait: false }).code, 0);
    const rs = m.run('kubectl', ['rollout', 'status', 'deployment/todo-chatbot-mcp', '-n', 'todo-app', '--timeout=20s']);
    assert.equal(rs.code, 1);
    assert.equal(rs.stderr, 'error: timed out waiting for the condition\n');
    assert.match(rs.stdout, /^Waiting for deployment "todo-chatbot-mcp" rollout to finish: 0 of 1 updated replicas are available\.\.\.\n/);
    assert.equal(
      m.run('kubectl', [
        'wait',
        '--for=condition=Ready',
        'pod',
        '-l',
        'app.kubernetes.io/component=frontend',
        '-n',
        'todo-app',
        '--timeout=120s',
      ]).code,
      0,
    );
    const t = m.truth().pods.find((p) => p.component === 'frontend');
    assert.ok(t.readyAt - t.startedAt >= 40000, `slow start honoured (${t.readyAt - t.startedAt})`);
    assert.equal(m.truth().pods.find((p) => p.component === 'mcp').readyAt, null);
    const ev = m
      .json('kubectl', ['get', 'events', '-n', 'todo-app', '-o', 'json'])
      .items.find((e) => e.reason === 'Unhealthy' && e.involvedObject.name.includes('-mcp-'));
    assert.match(ev.message, /context deadline exceeded/);
  } finally {
    m.cleanup();
  }
});

test('image-missing=<image>: never on the node, even after build or load', async () => {
  const m = await machine({ faults: 'image-missing=todo-frontend' });
  try {
    assert.equal(installFixture(m, { wait: false }).code, 0);
    await m.sleep(8000);
    assert.equal(of(m, 'frontend').status.containerStatuses[0].state.waiting.reason, 'ErrImageNeverPull');
    assert.doesNotMatch(m.run('minikube', ['image', 'ls', '-p', 'minikube']).stdout, /todo-frontend/);
    assert.match(m.run('minikube', ['image', 'ls', '-p', 'minikube']).stdout, /todo-backend:dev/);
  } finally {
    m.cleanup();
  }
});

test('a missing Secret key: CreateContainerConfigError with the kubelet message', async () => {
  const m = await machine();
  try {
    m.run('minikube', ['start', '-p', 'minikube']);
    m.run('kubectl', ['create', 'namespace', 'todo-app']);
    assert.equal(
      m.run('kubectl', ['create', 'secret', 'generic', 'ext', '-n', 'todo-app', '--from-literal=DATABASE_URL=postgresql://a:b@db/x'])
        .stdout,
      'secret/ext created\n',
    );
    const r = installFixture(m, { wait: false, values: ['--set', 'existingSecret=ext', '--set', 'postgresql.enabled=false'] });
    assert.equal(r.code, 0, r.stderr);
    await m.sleep(8000);
    const w = of(m, 'backend').status.containerStatuses[0].state.waiting;
    assert.deepEqual(w, { message: "couldn't find key OPENAI_API_KEY in Secret todo-app/ext", reason: 'CreateContainerConfigError' });
    assert.ok(ready(of(m, 'mcp')), 'the MCP server only needs DATABASE_URL');
  } finally {
    m.cleanup();
  }
});
