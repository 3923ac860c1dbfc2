// Answers through a forward and on the NodePort are compared without what differs between two
// answers of one healthy app (uptime) and without key order; anything else that differs counts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { comparable, compareAnswers } from '../../src/cluster/same-answers.ts';

test('uptime and key order do not count; a different value does', () => {
  assert.equal(
    comparable('{"status":"ok","uptimeSeconds":3,"service":"backend"}'),
    comparable('{"service":"backend","status":"ok","uptimeSeconds":90}'),
  );
  assert.notEqual(comparable('{"status":"ok","version":"1"}'), comparable('{"status":"ok","version":"2"}'));
  assert.equal(comparable('<html>x</html>'), '<html>x</html>');
  assert.deepEqual(JSON.parse(comparable('[{"b":1,"a":{"time":"x","c":2}}]')), [{ a: { c: 2 }, b: 1 }]);
});

let servers: Server[] = [];
const base: string[] = [];
before(async () => {
  for (const version of ['1', '1', '2']) {
    const s = createServer((req, res) => {
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ version, uptimeSeconds: Math.random() }));
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    servers.push(s);
    base.push(`http://127.0.0.1:${(s.address() as { port: number }).port}`);
  }
});
after(() => {
  for (const s of servers) s.close();
  servers = [];
});

test('the same app answers the same through both; another version or a dead end does not', async () => {
  assert.equal((await compareAnswers(base[0]!, base[1]!, '/health', 5000)).same, true);
  const other = await compareAnswers(base[0]!, base[2]!, '/health', 5000);
  assert.equal(other.same, false);
  assert.match(other.detail, /localhost 200 .*"version":"1".* ≠ NodePort 200 .*"version":"2"/);
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const port = (closed.address() as { port: number }).port;
  await new Promise((r) => closed.close(r));
  const refused = await compareAnswers(base[0]!, `http://127.0.0.1:${port}`, '/health', 5000);
  assert.equal(refused.same, false);
  assert.match(refused.detail, /NodePort ECONNREFUSED/);
});
