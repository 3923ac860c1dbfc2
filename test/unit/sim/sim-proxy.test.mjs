// The simulated `kubectl proxy`: the API server's Service proxy sends each request to a random Ready
// endpoint, answered like that pod's app (the MCP server names itself in X-Served-By), and fails
// with the API server's Status texts when the Service or its endpoints are missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { machine, installFixture } from './helpers.mjs';

async function proxyUrl(child) {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  for (let i = 0; i < 600 && !/Starting to serve on 127\.0\.0\.1:\d+/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  const addr = /Starting to serve on (127\.0\.0\.1:\d+)/.exec(out);
  assert.ok(addr, `kubectl proxy did not come up: ${out}`);
  return `http://${addr[1]}`;
}

const toolsCall = (url) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_tasks', arguments: {} } }),
  });

test('kubectl proxy: MCP tools/call through the Service reaches both replicas; missing Service and endpoints as the API server says', async () => {
  const m = await machine();
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let proxy;
  try {
    assert.equal(installFixture(m).code, 0);
    assert.equal(m.run('kubectl', ['scale', 'deployment/todo-chatbot-mcp', '--replicas=2', '-n', 'todo-app']).code, 0);
    const wait = m.run('kubectl', [
      'wait',
      '--for=condition=Ready',
      'pod',
      '-l',
      'app.kubernetes.io/component=mcp',
      '-n',
      'todo-app',
      '--timeout=120s',
    ]);
    assert.equal(wait.code, 0, wait.stderr);
    const pods = m
      .json('kubectl', ['get', 'pods', '-n', 'todo-app', '-o', 'json', '-l', 'app.kubernetes.io/component=mcp'])
      .items.map((p) => p.metadata.name)
      .sort();
    assert.equal(pods.length, 2);
    proxy = m.spawn('kubectl', ['proxy', '--port=0']);
    const base = await proxyUrl(proxy);
    const seen = new Set();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const res = await toolsCall(`${base}/api/v1/namespaces/todo-app/services/todo-chatbot-mcp:8001/proxy/mcp`);
      assert.equal(res.status, 200);
      assert.equal((await res.json()).result.structuredContent.count, 0);
      seen.add(res.headers.get('x-served-by'));
    }
    assert.deepEqual([...seen].sort(), pods, 'both replicas answered, each naming itself');

    const missing = await toolsCall(`${base}/api/v1/namespaces/todo-app/services/nope:8001/proxy/mcp`);
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).message, 'services "nope" not found');
    const wrongPort = await toolsCall(`${base}/api/v1/namespaces/todo-app/services/todo-chatbot-mcp:9999/proxy/mcp`);
    assert.equal(wrongPort.status, 503);
    assert.equal((await wrongPort.json()).message, 'no service port 9999 found for service "todo-chatbot-mcp"');
    assert.equal(m.run('kubectl', ['scale', 'deployment/todo-chatbot-mcp', '--replicas=0', '-n', 'todo-app']).code, 0);
    const none = await toolsCall(`${base}/api/v1/namespaces/todo-app/services/todo-chatbot-mcp:8001/proxy/mcp`);
    assert.equal(none.status, 503);
    assert.deepEqual(await none.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'no endpoints available for service "todo-chatbot-mcp"',
      reason: 'ServiceUnavailable',
      code: 503,
    });
    proxy.kill('SIGTERM');
    await once(proxy, 'exit');
  } finally {
    // a failed assertion must not leave the proxy running: the test process would never exit
    if (proxy && proxy.exitCode === null && proxy.signalCode === null) proxy.kill('SIGKILL');
    m.cleanup();
  }
});
