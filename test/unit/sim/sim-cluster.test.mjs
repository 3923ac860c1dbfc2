// The cluster model end to end on the fixture chart: lifecycles, NodePorts, restarts, self-healing,
// scaling, rolling updates, values, rollback, uninstall, port-forward, logs/describe/top.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { machine, installFixture, pods, comp, CHART } from './helpers.mjs';

const byComp = (list) => Object.fromEntries(list.map((p) => [comp(p), p]));
const ready = (p) => p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';

test('install without --wait: pods start not Ready and reach Ready in plausible virtual time; ground truth agrees', async () => {
  const m = await machine();
  try {
    const r = installFixture(m, { wait: false });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Release "todo-chatbot" does not exist\. Installing it now\.\nNAME: todo-chatbot\nLAST DEPLOYED: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\nNAMESPACE: todo-app\nSTATUS: deployed\nREVISION: 1\nTEST SUITE: None\nNOTES:\nFixture release todo-chatbot in todo-app\./,
    );
    const early = byComp(pods(m));
    assert.equal(Object.keys(early).length, 4);
    assert.ok(
      !ready(early.postgresql) && !ready(early.backend),
      'the database (image pull) and the backend (waits for it) are not Ready right after the install',
    );
    const w = m.run('kubectl', [
      'wait',
      '--for=condition=Ready',
      'pod',
      '-l',
      'app.kubernetes.io/instance=todo-chatbot',
      '-n',
      'todo-app',
      '--timeout=120s',
    ]);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stdout.trim().split('\n').length, 4);
    assert.match(w.stdout, /^pod\/todo-chatbot-\S+ condition met$/m);
    const truth = m.truth().pods.filter((p) => p.namespace === 'todo-app');
    for (const p of truth) {
      const dt = p.readyAt - p.createdAt;
      if (p.component === 'postgresql') assert.ok(dt > 8000 && dt < 30000, `postgresql ready after ${dt}`);
      else if (p.component === 'backend') assert.ok(dt > 4000 && dt < 35000, `backend waits for the database (${dt})`);
      else assert.ok(dt > 2500 && dt < 15000, `${p.component} ready after ${dt}`);
      assert.ok(p.startedAt > p.createdAt && p.readyAt > p.startedAt);
    }
    const b = truth.find((p) => p.component === 'backend');
    const pg = truth.find((p) => p.component === 'postgresql');
    assert.ok(b.readyAt > pg.readyAt, 'the backend readiness (/ready) follows the database');
    const ev = m.json('kubectl', ['get', 'events', '-n', 'todo-app', '-o', 'json']).items;
    const reasons = new Set(ev.map((e) => e.reason));
    for (const x of ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started', 'ScalingReplicaSet', 'SuccessfulCreate'])
      assert.ok(reasons.has(x), `event ${x}`);
    assert.ok(ev.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(e.lastTimestamp) && e.count >= 1));
  } finally {
    m.cleanup();
  }
});

test('ErrImageNeverPull until the image is on the node, then the pod starts by itself', async () => {
  const m = await machine();
  try {
    m.run('minikube', ['start', '-p', 'minikube']);
    const r = installFixture(m, { wait: false, build: false });
    assert.equal(r.code, 0, r.stderr);
    await m.sleep(5000);
    const p = byComp(pods(m)).backend;
    assert.equal(p.status.phase, 'Pending');
    assert.deepEqual(p.status.containerStatuses[0].state, {
      waiting: { message: 'Container image "todo-backend:dev" is not present with pull policy of Never', reason: 'ErrImageNeverPull' },
    });
    assert.match(m.run('kubectl', ['get', 'pods', '-n', 'todo-app']).stdout, /todo-chatbot-backend-\S+\s+0\/1\s+ErrImageNeverPull\s+0\s+/);
    assert.ok(
      m
        .json('kubectl', ['get', 'events', '-n', 'todo-app', '-o', 'json'])
        .items.some((e) => e.reason === 'ErrImageNeverPull' && e.type === 'Warning'),
    );
    // built on the host daemon: still not on the node
    const hostBuild = m.run('docker', [
      'build',
      '-t',
      'todo-backend:dev',
      '-f',
      join(CHART, '../app/Dockerfile'),
      join(CHART, '../app/backend'),
    ]);
    assert.equal(hostBuild.code, 0, hostBuild.stderr);
    await m.sleep(3000);
    assert.equal(byComp(pods(m)).backend.status.containerStatuses[0].state.waiting.reason, 'ErrImageNeverPull');
    const load = m.run('minikube', ['image', 'load', 'todo-backend:dev', '-p', 'minikube']);
    assert.equal(load.code, 0, load.stderr);
    assert.equal(load.stdout, '');
    assert.match(m.run('minikube', ['image', 'ls', '-p', 'minikube']).stdout, /^docker\.io\/library\/todo-backend:dev$/m);
    await m.sleep(6000);
    const after = byComp(pods(m)).backend;
    assert.ok(after.status.containerStatuses[0].state.running, JSON.stringify(after.status.containerStatuses[0].state));
  } finally {
    m.cleanup();
  }
});

test('NodePorts answer like the demo app while endpoints are Ready; reset without endpoints', async () => {
  const m = await machine();
  try {
    assert.equal(installFixture(m).code, 0);
    const ip = m.run('minikube', ['ip', '-p', 'minikube']).stdout.trim();
    assert.equal(
      m.run('minikube', ['service', 'todo-chatbot-backend', '-n', 'todo-app', '-p', 'minikube', '--url']).stdout,
      `http://${ip}:30081\n`,
    );
    const base = `http://${ip}:30081`;
    let res = await fetch(`${base}/health`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).status, 'ok');
    assert.equal((await fetch(`${base}/ready`)).status, 200);
    res = await fetch(`${base}/api/todos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'buy milk' }),
    });
    assert.equal(res.status, 201);
    const todo = await res.json();
    assert.equal(todo.title, 'buy milk');
    assert.equal(
      (
        await fetch(`${base}/api/todos/${todo.id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: '{"completed":true}',
        })
      ).status,
      200,
    );
    assert.deepEqual(
      (await (await fetch(`${base}/api/todos`)).json()).map((t) => [t.title, t.completed]),
      [['buy milk', true]],
    );
    const page = await (await fetch(`http://${ip}:30080/`)).text();
    assert.match(page, /<title>Todo Chatbot<\/title>/);
    assert.match(page, /buy milk/);
    assert.equal((await fetch(`http://${ip}:30080/healthz`)).status, 200);
    assert.equal(
      m.run('kubectl', ['scale', 'deployment/todo-chatbot-backend', '--replicas=0', '-n', 'todo-app']).stdout,
      'deployment.apps/todo-chatbot-backend scaled\n',
    );
    await m.sleep(4000);
    await assert.rejects(fetch(`${base}/health`), 'no endpoint: the connection is reset');
    const eps = m.json('kubectl', ['get', 'endpoints', 'todo-chatbot-backend', '-n', 'todo-app', '-o', 'json']);
    assert.equal(eps.subsets, undefined);
    const sv = m.run('minikube', ['service', 'todo-chatbot-backend', '-n', 'todo-app', '-p', 'minikube', '--url']);
    assert.equal(sv.code, 115);
    assert.match(sv.stderr, /SVC_UNREACHABLE: service not available: no running pod for service todo-chatbot-backend found/);
  } finally {
    m.cleanup();
  }
});

test('minikube stop/start: same pod names, restartCount+1, todos survive; minikube delete loses them', async () => {
  const m = await machine();
  try {
    assert.equal(installFixture(m).code, 0);
    const ip = m.run('minikube', ['ip', '-p', 'minikube']).stdout.trim();
    await fetch(`http://${ip}:30081/api/todos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"survive"}',
    });
    const before = pods(m)
      .map((p) => p.metadata.name)
      .sort();
    assert.equal(m.run('minikube', ['stop', '-p', 'minikube']).code, 0);
    await assert.rejects(fetch(`http://${ip}:30081/health`));
    const stopAt = m.clock().now();
    assert.equal(m.run('minikube', ['start', '-p', 'minikube']).code, 0);
    assert.equal(m.run('kubectl', ['wait', '--for=condition=Ready', 'pod', '--all', '-n', 'todo-app', '--timeout=120s']).code, 0);
    const after = pods(m);
    assert.deepEqual(after.map((p) => p.metadata.name).sort(), before);
    for (const p of after) {
      assert.equal(p.status.containerStatuses[0].restartCount, 1);
      assert.equal(p.status.containerStatuses[0].lastState.terminated.reason, 'Unknown');
    }
    const t = m.truth().pods.filter((p) => p.namespace === 'todo-app');
    for (const p of t) {
      assert.equal(p.runs.length, 2);
      assert.ok(p.runs[0].stoppedAt <= stopAt + 1000);
      assert.ok(p.readyAt > p.runs[1].start);
    }
    const mk = m.truth().minikube;
    assert.deepEqual(
      mk.map((x) => x.action),
      ['start', 'stop', 'start'],
    );
    const todos = await (await fetch(`http://${ip}:30081/api/todos`)).json();
    assert.deepEqual(
      todos.map((x) => x.title),
      ['survive'],
    );
    assert.equal(m.run('minikube', ['delete', '-p', 'minikube']).code, 0);
    assert.equal(installFixture(m).code, 0);
    assert.deepEqual(await (await fetch(`http://${ip}:30081/api/todos`)).json(), []);
  } finally {
    m.cleanup();
  }
});

test('pod deletion: replaced at once under a new name; scaling; rollout status', async () => {
  const m = await machine();
  try {
    assert.equal(installFixture(m).code, 0);
    const old = byComp(pods(m)).frontend.metadata.name;
    const d = m.run('kubectl', ['delete', 'pod', old, '-n', 'todo-app', '--wait=false']);
    assert.equal(d.stdout, `pod "${old}" deleted\n`);
    const now = pods(m).filter((p) => comp(p) === 'frontend');
    assert.ok(
      now.some((p) => p.metadata.name !== old),
      'the replacement exists at once',
    );
    await m.sleep(15000);
    const fr = pods(m).filter((p) => comp(p) === 'frontend');
    assert.equal(fr.length, 1);
    assert.notEqual(fr[0].metadata.name, old);
    assert.ok(ready(fr[0]));
    const t = m.truth().pods.find((p) => p.name === old);
    assert.ok(t.deletedAt > t.deletionRequestedAt);
    const repl = m.truth().pods.find((p) => p.name === fr[0].metadata.name);
    assert.ok(Math.abs(repl.createdAt - t.deletionRequestedAt) < 1000, 'the ReplicaSet creates the replacement immediately');
    assert.ok(repl.createdAt < t.deletedAt, 'while the old pod is still terminating');
    // sts pod keeps its name
    m.run('kubectl', ['delete', 'pod', 'todo-chatbot-postgresql-0', '-n', 'todo-app', '--wait=true', '--timeout=60s']);
    await m.sleep(2000);
    assert.ok(pods(m).some((p) => p.metadata.name === 'todo-chatbot-postgresql-0'));
    // scale
    assert.equal(m.run('kubectl', ['scale', 'deployment/todo-chatbot-frontend', '--replicas=3', '-n', 'todo-app']).code, 0);
    const rs = m.run('kubectl', ['rollout', 'status', 'deployment/todo-chatbot-frontend', '-n', 'todo-app', '--timeout=90s']);
    assert.equal(rs.code, 0, rs.stderr);
    assert.match(rs.stdout, /deployment "todo-chatbot-frontend" successfully rolled out\n$/);
    assert.equal(pods(m).filter((p) => comp(p) === 'frontend' && ready(p)).length, 3);
    const dep = m.json('kubectl', ['get', 'deployment', 'todo-chatbot-frontend', '-n', 'todo-app', '-o', 'json']);
    assert.equal(dep.status.readyReplicas, 3);
    assert.equal(dep.status.availableReplicas, 3);
    m.run('kubectl', ['scale', 'deployment/todo-chatbot-frontend', '--replicas=1', '-n', 'todo-app']);
    await m.sleep(10000);
    assert.equal(pods(m).filter((p) => comp(p) === 'frontend').length, 1);
    assert.equal(
      m.run('kubectl', ['scale', 'deployment/nope', '--replicas=1', '-n', 'todo-app']).stderr,
      'Error from server (NotFound): deployments.apps "nope" not found\n',
    );
  } finally {
    m.cleanup();
  }
});

test('helm upgrade --reuse-values rolls out a new ReplicaSet (maxSurge 1, maxUnavailable 0); env reaches the pods; rollback', async () => {
  // The surge pod is observed between two calls, 200 virtual ms apart whatever the load (a quick
  // pod starts in 2.6 virtual s at the earliest).
  const m = await machine();
  try {
    assert.equal(installFixture(m).code, 0);
    const oldPod = byComp(pods(m)).backend.metadata.name;
    const up = m.run('helm', [
      'upgrade',
      'todo-chatbot',
      CHART,
      '-n',
      'todo-app',
      '--reuse-values',
      '--set',
      'backend.env.MAX_CONVERSATION_HISTORY=50',
    ]);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /^Release "todo-chatbot" has been upgraded\. Happy Helming!\nNAME: todo-chatbot\n/);
    assert.match(up.stdout, /REVISION: 2\n/);
    const mid = pods(m).filter((p) => comp(p) === 'backend');
    assert.equal(mid.length, 2, 'surge pod next to the old one');
    assert.ok(
      mid.find((p) => p.metadata.name === oldPod && ready(p)),
      'the old pod stays Ready until the new one is',
    );
    const st = m.run('kubectl', ['rollout', 'status', 'deployment/todo-chatbot-backend', '-n', 'todo-app', '--timeout=120s']);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /deployment "todo-chatbot-backend" successfully rolled out\n$/);
    await m.sleep(5000);
    const tOld = m.truth().pods.find((p) => p.name === oldPod);
    const tNew = m.truth().pods.find((p) => p.component === 'backend' && p.name !== oldPod && p.deletedAt === null);
    assert.ok(tOld.deletionRequestedAt >= tNew.readyAt, 'maxUnavailable 0: the old pod goes only once the new one is Ready');
    const nb = pods(m).filter((p) => comp(p) === 'backend');
    assert.equal(nb.length, 1);
    assert.notEqual(nb[0].metadata.name, oldPod);
    const ex = m.run('kubectl', [
      'exec',
      nb[0].metadata.name,
      '-c',
      'backend',
      '-n',
      'todo-app',
      '--',
      'printenv',
      'MAX_CONVERSATION_HISTORY',
    ]);
    assert.equal(ex.stdout, '50\n');
    const miss = m.run('kubectl', ['exec', nb[0].metadata.name, '-c', 'backend', '-n', 'todo-app', '--', 'printenv', 'NOPE']);
    assert.equal(miss.code, 1);
    assert.equal(miss.stderr, 'command terminated with exit code 1\n');
    const vals = m.json('helm', ['get', 'values', 'todo-chatbot', '-n', 'todo-app', '-o', 'json']);
    assert.equal(vals.backend.env.MAX_CONVERSATION_HISTORY, 50);
    assert.equal(vals.secrets.POSTGRES_PASSWORD, 'pw-123456', 'reused from revision 1');
    const all = m.json('helm', ['get', 'values', 'todo-chatbot', '-n', 'todo-app', '-o', 'json', '--all']);
    assert.equal(all.frontend.service.nodePort, 30080);
    const rss = m.json('kubectl', [
      'get',
      'replicasets',
      '-n',
      'todo-app',
      '-o',
      'json',
      '-l',
      'app.kubernetes.io/component=backend',
    ]).items;
    assert.equal(rss.length, 2);
    // a ConfigMap change without a rollout is not seen by running containers
    const cm = m.json('kubectl', ['get', 'configmap', 'todo-chatbot-config', '-n', 'todo-app', '-o', 'json']);
    cm.data['backend.MAX_CONVERSATION_HISTORY'] = '99';
    writeFileSync(join(m.dir, 'cm.json'), JSON.stringify(cm));
    assert.equal(m.run('kubectl', ['apply', '-f', join(m.dir, 'cm.json')]).stdout, 'configmap/todo-chatbot-config configured\n');
    assert.equal(
      m.run('kubectl', ['exec', nb[0].metadata.name, '-n', 'todo-app', '--', 'printenv', 'MAX_CONVERSATION_HISTORY']).stdout,
      '50\n',
    );
    // rollback
    const rb = m.run('helm', ['rollback', 'todo-chatbot', '1', '-n', 'todo-app', '--wait', '--timeout', '300s']);
    assert.equal(rb.stdout, 'Rollback was a success! Happy Helming!\n');
    const hist = m.json('helm', ['history', 'todo-chatbot', '-n', 'todo-app', '-o', 'json']);
    assert.deepEqual(
      hist.map((h) => [h.revision, h.status, h.description]),
      [
        [1, 'superseded', 'Install complete'],
        [2, 'superseded', 'Upgrade complete'],
        [3, 'deployed', 'Rollback to 1'],
      ],
    );
    assert.equal(m.run('kubectl', ['rollout', 'status', 'deployment/todo-chatbot-backend', '-n', 'todo-app', '--timeout=120s']).code, 0);
    await m.sleep(5000);
    const back = pods(m).filter((p) => comp(p) === 'backend');
    assert.equal(
      m.run('kubectl', ['exec', back[0].metadata.name, '-n', 'todo-app', '--', 'printenv', 'MAX_CONVERSATION_HISTORY']).stdout,
      '20\n',
    );
    const list = m.json('helm', ['list', '-n', 'todo-app', '-o', 'json']);
    assert.deepEqual(Object.keys(list[0]), ['name', 'namespace', 'revision', 'updated', 'status', 'chart', 'app_version']);
    assert.equal(list[0].revision, '3');
    assert.match(list[0].updated, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/);
    const status = m.run('helm', ['status', 'todo-chatbot', '-n', 'todo-app', '-o', 'json']);
    assert.ok(status.stdout.endsWith('}\n'));
    const sj = JSON.parse(status.stdout);
    assert.equal(sj.info.deleted, '');
    assert.equal(sj.version, 3);
    assert.equal(sj.chart, undefined);
    assert.match(sj.manifest, /^---\n# Source: todo-chatbot\/templates\//);
  } finally {
    m.cleanup();
  }
});

test('helm uninstall keeps the PostgreSQL PVC (data survive a reinstall) until it is deleted', async () => {
  const m = await machine();
  try {
    assert.equal(installFixture(m).code, 0);
    const ip = m.run('minikube', ['ip', '-p', 'minikube']).stdout.trim();
    await fetch(`http://${ip}:30081/api/todos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"keep me"}',
    });
    const u = m.run('helm', ['uninstall', 'todo-chatbot', '-n', 'todo-app', '--wait', '--timeout', '120s', '--ignore-not-found']);
    assert.equal(u.stdout, 'release "todo-chatbot" uninstalled\n');
    assert.equal(pods(m).length, 0);
    assert.equal(m.json('kubectl', ['get', 'pvc', '-n', 'todo-app', '-o', 'json']).items.length, 1);
    assert.equal(m.run('helm', ['status', 'todo-chatbot', '-n', 'todo-app']).stderr, 'Error: release: not found\n');
    let r = m.run('helm', ['uninstall', 'todo-chatbot', '-n', 'todo-app']);
    assert.equal(r.stderr, 'Error: uninstall: Release not loaded: todo-chatbot: release: not found\n');
    assert.equal(m.run('helm', ['uninstall', 'todo-chatbot', '-n', 'todo-app', '--ignore-not-found']).code, 0);
    assert.equal(installFixture(m, { build: false }).code, 0);
    assert.deepEqual(
      (await (await fetch(`http://${ip}:30081/api/todos`)).json()).map((t) => t.title),
      ['keep me'],
    );
    m.run('helm', ['uninstall', 'todo-chatbot', '-n', 'todo-app', '--wait']);
    r = m.run('kubectl', ['delete', 'pvc', '-l', 'app.kubernetes.io/instance=todo-chatbot', '-n', 'todo-app', '--ignore-not-found']);
    assert.equal(r.stdout, 'persistentvolumeclaim "data-todo-chatbot-postgresql-0" deleted\n');
    assert.equal(installFixture(m, { build: false }).code, 0);
    assert.deepEqual(await (await fetch(`http://${ip}:30081/api/todos`)).json(), []);
    r = m.run('kubectl', ['delete', 'namespace', 'todo-app', '--wait=true', '--timeout=120s']);
    assert.equal(r.stdout, 'namespace "todo-app" deleted\n');
    assert.equal(m.run('kubectl', ['get', 'namespace', 'todo-app']).code, 1);
    assert.equal(m.json('helm', ['list', '-A', '-o', 'json']).length, 0, 'release records lived in the namespace');
  } finally {
    m.cleanup();
  }
});

test('port-forward to the MCP service: Streamable HTTP JSON-RPC with the four tools; helm test', async () => {
  const m = await machine();
  try {
    assert.equal(installFixture(m).code, 0);
    const pf = m.spawn('kubectl', ['port-forward', 'svc/todo-chatbot-mcp', ':8001', '-n', 'todo-app']);
    let out = '';
    pf.stdout.on('data', (d) => {
      out += d;
    });
    for (let i = 0; i < 100 && !/Forwarding from 127\.0\.0\.1:(\d+) -> 8001/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const port = /Forwarding from 127\.0\.0\.1:(\d+) -> 8001/.exec(out)[1];
    const rpc = async (body) => {
      const res = await fetch(`http://127.0.0.1:${port}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: res.status === 202 ? null : await res.json() };
    };
    const init = await rpc({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    assert.equal(init.body.result.serverInfo.name, 'todo-mcp');
    assert.equal(init.body.result.protocolVersion, '2025-06-18');
    assert.equal((await rpc({ jsonrpc: '2.0', method: 'notifications/initialized' })).status, 202);
    const tl = await rpc({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    assert.deepEqual(
      tl.body.result.tools.map((t) => t.name),
      ['add_task', 'list_tasks', 'complete_task', 'delete_task'],
    );
    const add = await rpc({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'add_task', arguments: { title: 'from mcp' } } });
    assert.equal(add.body.result.structuredContent.status, 'created');
    const lst = await rpc({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'list_tasks', arguments: {} } });
    assert.equal(lst.body.result.structuredContent.count, 1);
    const noAccept = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(noAccept.status, 406);
    assert.match(out, /Handling connection for \d+/);
    pf.kill('SIGTERM');
    await once(pf, 'exit');
    const ht = m.run('helm', ['test', 'todo-chatbot', '-n', 'todo-app', '--timeout', '120s']);
    assert.equal(ht.code, 0, ht.stderr);
    assert.match(ht.stdout, /TEST SUITE: {5}todo-chatbot-test\nLast Started: {3}.+\nLast Completed: .+\nPhase: {10}Succeeded\n/);
  } finally {
    m.cleanup();
  }
});

test('logs, describe, top and the raw metrics API', async () => {
  const m = await machine();
  try {
    m.run('minikube', ['start', '-p', 'minikube']);
    let r = m.run('kubectl', ['top', 'pods', '-n', 'todo-app']);
    assert.equal(r.stderr, 'error: Metrics API not available\n');
    r = m.run('kubectl', ['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/todo-app/pods']);
    assert.equal(r.stderr, 'Error from server (NotFound): the server could not find the requested resource\n');
    assert.match(
      m.run('minikube', ['addons', 'enable', 'metrics-server', '-p', 'minikube']).stdout,
      /The 'metrics-server' addon is enabled/,
    );
    assert.equal(m.json('minikube', ['addons', 'list', '-p', 'minikube', '-o', 'json'])['metrics-server'].Status, 'enabled');
    assert.equal(installFixture(m).code, 0);
    await m.sleep(40000);
    r = m.run('kubectl', ['top', 'pods', '-n', 'todo-app']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^NAME\s+CPU\(cores\) {3}MEMORY\(bytes\) {3}$/);
    assert.ok(lines.slice(1, -1).every((l) => /^\S+\s+\d+m\s+\d+Mi\s+$/.test(l)));
    const raw = JSON.parse(m.run('kubectl', ['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/todo-app/pods']).stdout);
    assert.equal(raw.kind, 'PodMetricsList');
    assert.equal(raw.items.length, 4);
    assert.match(raw.items[0].containers[0].usage.cpu, /^\d+n$/);
    const p = byComp(pods(m)).backend.metadata.name;
    r = m.run('kubectl', ['logs', p, '-c', 'backend', '-n', 'todo-app', '--tail=5']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim().split('\n').length, 5);
    r = m.run('kubectl', ['logs', p, '-c', 'backend', '-n', 'todo-app', '--previous']);
    assert.equal(r.stderr, `Error from server (BadRequest): previous terminated container "backend" in pod "${p}" not found\n`);
    r = m.run('kubectl', ['describe', 'pod', p, '-n', 'todo-app']);
    assert.match(r.stdout, new RegExp(`^Name:\\s+${p}\\nNamespace:\\s+todo-app\\n`));
    assert.match(r.stdout, /Events:\n {2}Type\s+Reason\s+Age\s+From\s+Message\n/);
    assert.match(r.stdout, /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned todo-app\//);
    assert.match(r.stdout, /DATABASE_URL:\s+<set to the key 'DATABASE_URL' in secret 'todo-chatbot-secrets'>/);
    const sec = m.json('kubectl', ['get', 'secret', 'todo-chatbot-secrets', '-n', 'todo-app', '-o', 'json']);
    assert.equal(Buffer.from(sec.data.POSTGRES_PASSWORD, 'base64').toString(), 'pw-123456');
  } finally {
    m.cleanup();
  }
});
