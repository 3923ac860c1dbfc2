// The simulated port-forward to a pod being deleted: the request the app had already received is
// answered (the app drains on SIGTERM), a later one is refused, and the forward ends with "lost
// connection to pod" once the pod's containers have stopped (its sandbox is gone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { machine, installFixture } from './helpers.mjs';

const BODY = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_tasks', arguments: {} } }));
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': BODY.length };

function post(port) {
  const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: HEADERS, agent: false });
  const answer = new Promise((resolve) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, servedBy: res.headers['x-served-by'], text }));
    });
    req.on('error', (e) => resolve({ error: e.message }));
  });
  return { req, answer };
}

test('port-forward to a deleted pod: the in-flight request is answered, a new one refused, then "lost connection to pod"', async () => {
  const m = await machine();
  try {
    assert.equal(installFixture(m).code, 0);
    const pod = m.json('kubectl', ['get', 'pods', '-n', 'todo-app', '-o', 'json', '-l', 'app.kubernetes.io/component=mcp']).items[0]
      .metadata.name;
    const pf = m.spawn('kubectl', ['port-forward', `pod/${pod}`, ':8001', '-n', 'todo-app']);
    const exited = once(pf, 'exit');
    let out = '';
    let err = '';
    pf.stdout.on('data', (d) => (out += d));
    pf.stderr.on('data', (d) => (err += d));
    for (let i = 0; i < 200 && !/Forwarding from 127\.0\.0\.1:\d+/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const port = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(out)[1]);

    const inFlight = post(port);
    await new Promise((resolve) => inFlight.req.write(BODY.subarray(0, 20), resolve));
    await new Promise((r) => setTimeout(r, 200)); // the headers have reached the app
    assert.equal(m.run('kubectl', ['delete', 'pod', pod, '-n', 'todo-app', '--wait=false']).code, 0);
    inFlight.req.end(BODY.subarray(20));
    const answered = await inFlight.answer;
    assert.equal(answered.status, 200, JSON.stringify(answered));
    assert.equal(answered.servedBy, pod);

    const late = post(port);
    late.req.end(BODY);
    assert.match((await late.answer).error ?? '', /socket hang up|ECONNRESET/);
    // The forward's stderr is a separate pipe from the socket it reset: the line can reach us after
    // the client saw the reset (CI on a loaded machine did), so wait for it within a bound.
    const refused = /failed to connect to localhost:8001 inside namespace.*connection refused/;
    for (let i = 0; i < 100 && !refused.test(err); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(err, refused);

    await m.sleep(10_000); // past the pod's graceful termination: its sandbox is gone
    const [code] = await exited;
    assert.equal(code, 1);
    assert.match(err, /error: lost connection to pod\n$/);
  } finally {
    m.cleanup();
  }
});
