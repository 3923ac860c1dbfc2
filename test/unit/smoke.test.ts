// The smoke probes against a local HTTP server that answers like the demo app (JSON and SSE MCP).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeHttp, probeMcp } from '../../src/cluster/smoke.ts';

const server = createServer((req, res) => {
  if (req.url === '/health') return void res.end('{"status":"ok"}');
  if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
  if (req.url === '/mcp' || req.url === '/sse') {
    let body = '';
    req
      .on('data', (d) => (body += d))
      .on('end', () => {
        const msg = JSON.parse(body);
        if (!('id' in msg)) return void res.writeHead(202).end();
        const result =
          msg.method === 'initialize'
            ? { protocolVersion: '2025-06-18', serverInfo: { name: 'todo-mcp' }, capabilities: {} }
            : { tools: [{ name: 'add_task' }, { name: 'list_tasks' }] };
        const payload = JSON.stringify({ jsonrpc: '2.0', id: msg.id, result });
        if (req.url === '/sse')
          res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 's1' }).end(`event: message\ndata: ${payload}\n\n`);
        else res.writeHead(200, { 'content-type': 'application/json' }).end(payload);
      });
    return;
  }
  res.writeHead(404).end('no');
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => server.close());

test('probeHttp measures success, HTTP errors, timeouts and refused connections', async () => {
  const ok = await probeHttp(`${base}/health`, 2000);
  assert.deepEqual([ok.ok, ok.status], [true, 200]);
  assert.ok(ok.ms > 0 && ok.ms < 2000);
  assert.equal((await probeHttp(`${base}/nope`, 2000)).status, 404);
  assert.match((await probeHttp(`${base}/slow`, 200)).error!, /no answer within 200 ms/);
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  assert.equal((await probeHttp(`http://127.0.0.1:${closedPort}/`, 2000)).error, 'ECONNREFUSED');
});

test('probeMcp completes the handshake over JSON and over an event stream', async () => {
  for (const path of ['/mcp', '/sse']) {
    const r = await probeMcp(`${base}${path}`, 2000);
    assert.equal(r.ok, true, r.error);
    assert.deepEqual(r.tools, ['add_task', 'list_tasks']);
    assert.equal(r.serverName, 'todo-mcp');
  }
  const bad = await probeMcp(`${base}/nope`, 2000);
  assert.equal(bad.ok, false);
  assert.match(bad.error!, /HTTP 404/);
});

test('latency: median, min and max of the samples', async () => {
  const { latency, describeLatency } = await import('../../src/cluster/smoke.ts');
  assert.deepEqual(latency([30, 10, 500, 20, 40]), { median: 30, min: 10, max: 500, samples: 5 });
  assert.equal(latency([10, 20]).median, 15);
  assert.equal(describeLatency(latency([12.4])), '12 ms');
  assert.equal(describeLatency(latency([30, 10, 500])), 'median 30 ms of 3 (10–500 ms)');
});

test('repeated probes: several samples on success, the failure as soon as one fails', async () => {
  const { probeHttpRepeated } = await import('../../src/cluster/smoke.ts');
  const ok = await probeHttpRepeated(`${base}/health`, 2000, 4);
  assert.equal(ok.latency.samples, 4);
  const bad = await probeHttpRepeated(`${base}/nope`, 2000, 4);
  assert.equal(bad.ok, false);
  assert.equal(bad.status, 404);
  const mcp = await probeMcp(`${base}/mcp`, 2000, 3);
  assert.equal(mcp.toolsList.samples, 3);
  assert.equal(mcp.toolsListMs, mcp.toolsList.median);
});
