// The demo MCP server as a real process, driven by the official MCP client over Streamable HTTP,
// on the same PostgreSQL table as a real backend.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startEmbeddedPostgres, startService, type EmbeddedPostgres, type ServiceProcess } from './harness.ts';

type ToolResult = { content: Array<{ type: string; text?: string }>; structuredContent?: any; isError?: boolean };

describe('MCP server with the official client', () => {
  let db: EmbeddedPostgres;
  let mcp: ServiceProcess;
  let backend: ServiceProcess;
  let client: Client;

  const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as ToolResult;

  before(async () => {
    db = await startEmbeddedPostgres();
    [mcp, backend] = await Promise.all([
      startService('mcp', { DATABASE_URL: db.databaseUrl() }),
      startService('backend', { DATABASE_URL: db.databaseUrl() }),
    ]);
    client = new Client({ name: 'todo-app-tests', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${mcp.url}/mcp`)));
  });
  after(async () => {
    await client?.close();
    await Promise.all([mcp?.stop(), backend?.stop()]);
    await db?.stop();
  });

  test('initialize: the server names itself and offers tools', () => {
    assert.equal(client.getServerVersion()?.name, 'todo-mcp');
    assert.ok(client.getServerCapabilities()?.tools, 'tools capability');
  });

  test('tools/list: the four task tools with input schemas', async () => {
    const started = performance.now();
    const { tools } = await client.listTools();
    const ms = performance.now() - started;
    assert.deepEqual(tools.map((t) => t.name).sort(), ['add_task', 'complete_task', 'delete_task', 'list_tasks']);
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    assert.deepEqual(byName.add_task!.inputSchema.required, ['title']);
    assert.deepEqual(byName.complete_task!.inputSchema.required, ['task_id']);
    assert.equal(byName.list_tasks!.annotations?.readOnlyHint, true);
    assert.equal(byName.delete_task!.annotations?.destructiveHint, true);
    for (const tool of tools) assert.ok(tool.description, `${tool.name} has a description`);
    assert.ok(ms < 5_000, `tools/list took ${ms} ms`);
  });

  test('tools/call: add, list, complete, delete, end to end on the shared table', async () => {
    const added = await call('add_task', { title: 'Renew the TLS certificate' });
    assert.ok(!added.isError, JSON.stringify(added));
    assert.equal(added.structuredContent.status, 'created');
    const id = added.structuredContent.task_id as number;
    assert.match(added.content[0]!.text!, new RegExp(`Task ${id} created`));

    // The backend reads the same table: the task is on the todo page too.
    const fromApi = await (await fetch(`${backend.url}/api/todos/${id}`)).json();
    assert.equal(fromApi.title, 'Renew the TLS certificate');

    const pending = await call('list_tasks', { status: 'pending' });
    assert.ok(pending.structuredContent.tasks.some((t: any) => t.id === id));
    assert.match(pending.content[0]!.text!, /\[ \] \d+\. Renew the TLS certificate/);

    const completed = await call('complete_task', { task_id: id });
    assert.deepEqual(completed.structuredContent, { task_id: id, status: 'completed', title: 'Renew the TLS certificate' });
    const done = await call('list_tasks', { status: 'completed' });
    assert.ok(done.structuredContent.tasks.some((t: any) => t.id === id && t.completed));
    assert.ok(!(await call('list_tasks', { status: 'pending' })).structuredContent.tasks.some((t: any) => t.id === id));

    // A todo created through the REST API is visible to the assistant.
    const viaApi = await (
      await fetch(`${backend.url}/api/todos`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"title":"From the page"}',
      })
    ).json();
    const all = await call('list_tasks');
    assert.ok(all.structuredContent.tasks.some((t: any) => t.id === viaApi.id));

    const deleted = await call('delete_task', { task_id: id });
    assert.deepEqual(deleted.structuredContent, { task_id: id, status: 'deleted', title: 'Renew the TLS certificate' });
    assert.equal((await fetch(`${backend.url}/api/todos/${id}`)).status, 404);
  });

  test('tool errors come back as isError results the model can read', async () => {
    const missing = await call('complete_task', { task_id: 987654 });
    assert.equal(missing.isError, true);
    assert.match(missing.content[0]!.text!, /Task 987654 not found/);
    assert.equal((await call('delete_task', { task_id: 987654 })).isError, true);
    const empty = await call('add_task', { title: '   ' });
    assert.equal(empty.isError, true);
    const wrongType = await call('complete_task', { task_id: 'seven' });
    assert.equal(wrongType.isError, true);
  });

  test('plain JSON-RPC over HTTP, as a curl smoke check sends it', async () => {
    const res = await fetch(`${mcp.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'curl', version: '0' } },
      }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const body = await res.json();
    assert.equal(body.result.serverInfo.name, 'todo-mcp');

    const list = await fetch(`${mcp.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-03-26' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    assert.equal(list.status, 200);
    assert.equal((await list.json()).result.tools.length, 4);
  });

  test('every response names the replica that answered: its hostname (the pod name in Kubernetes)', async () => {
    const res = await fetch(`${mcp.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'list_tasks', arguments: {} } }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-served-by'), hostname());
    await res.body?.cancel();
    const health = await fetch(`${mcp.url}/health`);
    assert.equal(health.headers.get('x-served-by'), hostname());
    await health.body?.cancel();
  });

  test('GET /mcp is 405 (stateless: no server-initiated stream); /health and /ready answer', async () => {
    const get = await fetch(`${mcp.url}/mcp`, { headers: { accept: 'text/event-stream' } });
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    await get.body?.cancel();
    const health = await fetch(`${mcp.url}/health`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).service, 'mcp');
    assert.equal((await fetch(`${mcp.url}/ready`)).status, 200);
  });
});
