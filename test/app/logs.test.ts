// Logs are structured (one JSON object per line) and carry no secret, in the happy path and in
// the error paths where a careless service would print its connection string.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { freePort, startDemoStack, startService, type ServiceProcess } from './harness.ts';

const DB_PASSWORD = 'pg-Pa55:w0rd/with@specials';
const AUTH_SECRET = 'better-auth-secret-0123456789abcdef0123456789';
const OPENAI_KEY = 'sk-test-FAKE-openai-key-for-log-checks';
const forms = (s: string) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)];
const SECRETS = [...forms(DB_PASSWORD), AUTH_SECRET, OPENAI_KEY];

function assertCleanLogs(service: ServiceProcess): void {
  const out = service.stdout();
  const err = service.stderr();
  for (const secret of SECRETS) {
    assert.ok(!out.includes(secret), `${service.name} stdout contains a secret (${secret.slice(0, 6)}…)`);
    assert.ok(!err.includes(secret), `${service.name} stderr contains a secret (${secret.slice(0, 6)}…)`);
  }
  const lines = out.trim().split('\n');
  assert.ok(lines.length > 1, `${service.name} logged something`);
  for (const line of lines) {
    const entry = JSON.parse(line);
    assert.equal(typeof entry.time, 'string');
    assert.ok(['debug', 'info', 'warn', 'error'].includes(entry.level), line);
    assert.equal(entry.service, service.name);
    assert.equal(typeof entry.msg, 'string');
  }
  // Either scheme the services accept (postgres:// and postgresql://), in stdout and stderr.
  for (const text of [out, err]) assert.doesNotMatch(text, /postgres(?:ql)?:\/\//i, `${service.name} never logs a connection string`);
}

describe('logs', () => {
  test('the whole stack at debug level: JSON lines, no secret', async () => {
    const stack = await startDemoStack({
      databasePassword: DB_PASSWORD,
      env: {
        backend: { LOG_LEVEL: 'debug', BETTER_AUTH_SECRET: AUTH_SECRET, OPENAI_API_KEY: OPENAI_KEY },
        mcp: { LOG_LEVEL: 'debug' },
        frontend: { LOG_LEVEL: 'debug', BETTER_AUTH_SECRET: AUTH_SECRET },
      },
    });
    try {
      const api = `${stack.frontendUrl}/api/todos`;
      const todo = await (
        await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"log me"}' })
      ).json();
      await (
        await fetch(`${api}/${todo.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"completed":"nope"}' })
      ).text();
      await (await fetch(`${api}/424242`)).text();
      await (await fetch(`${stack.backendUrl}/api/info`)).text();
      await (await fetch(`${stack.backendUrl}/ready`)).text();
      const client = new Client({ name: 'log-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(stack.mcpUrl)));
      await client.callTool({ name: 'add_task', arguments: { title: 'from mcp' } });
      await client.callTool({ name: 'complete_task', arguments: { task_id: 999999 } });
      await client.close();
    } finally {
      await stack.stop();
    }
    for (const service of Object.values(stack.services)) assertCleanLogs(service);
    const backendLog = stack.services.backend.stdout();
    assert.match(backendLog, /"msg":"listening"/);
    assert.match(backendLog, /"openaiApiKeyConfigured":true/);
    assert.match(backendLog, /"path":"\/api\/todos\/424242","status":404/);
  });

  // The happy path above uses postgres://; the error paths use the other accepted scheme.
  test('database errors are logged without the connection string or password (postgresql://)', async () => {
    const port = await freePort();
    const url = `postgresql://todo:${encodeURIComponent(DB_PASSWORD)}@127.0.0.1:${port}/todo`;
    const backend = await startService('backend', { DATABASE_URL: url, OPENAI_API_KEY: OPENAI_KEY }, '/health');
    const mcp = await startService('mcp', { DATABASE_URL: url }, '/health');
    try {
      await (await fetch(`${backend.url}/ready`)).text();
      await (await fetch(`${backend.url}/api/todos`)).text();
      await (await fetch(`${mcp.url}/ready`)).text();
    } finally {
      await Promise.all([backend.stop(), mcp.stop()]);
    }
    for (const service of [backend, mcp]) {
      assertCleanLogs(service);
      assert.match(service.stdout(), /ECONNREFUSED/, `${service.name} says why the database is unreachable`);
    }
  });
});
