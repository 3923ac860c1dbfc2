// The runbooks' smoke-check code (src/cluster/smoke.ts) against the real demo app, so the
// simulated node is not the only thing it has ever been proven against.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoStack, type DemoStack } from './harness.ts';
import { probeHttp, probeMcp } from '../../src/cluster/smoke.ts';

let stack: DemoStack;
before(async () => {
  stack = await startDemoStack();
});
after(async () => {
  await stack?.stop();
});

test('backend /health and /ready answer 200 through probeHttp', async () => {
  const health = await probeHttp(`${stack.backendUrl}/health`, 5000);
  assert.equal(health.status, 200, health.error);
  const ready = await probeHttp(`${stack.backendUrl}/ready`, 5000);
  assert.equal(ready.status, 200, ready.body);
});

test('the frontend page is HTML, as the SMOKE-FRONTEND check expects', async () => {
  const page = await probeHttp(`${stack.frontendUrl}/`, 5000);
  assert.equal(page.status, 200);
  assert.match(page.body, /<html|<!doctype html/i);
});

test('probeMcp completes initialize + tools/list against the real MCP server', async () => {
  const mcp = await probeMcp(stack.mcpUrl, 5000);
  assert.equal(mcp.ok, true, mcp.error);
  assert.deepEqual([...mcp.tools].sort(), ['add_task', 'complete_task', 'delete_task', 'list_tasks']);
});

test("04's data check with its default settings (MCP add_task / list_tasks / delete_task) against the real MCP server, and its REST form against the real backend", async () => {
  const { loadConfig } = await import('../../src/config.ts');
  const { dataCheckFor } = await import('../../src/cluster/data-check.ts');
  const { settings } = loadConfig([], [], {}, '/nonexistent');
  const urls = { backend: stack.backendUrl, mcp: stack.mcpUrl };
  for (const form of ['mcp', 'rest'] as const) {
    const check = dataCheckFor({ ...settings, dataCheck: form }, urls);
    const title = `04-restart-test drill ${form} ${Date.now()}`;
    const written = await check.write(title);
    assert.ok(written.ok, JSON.stringify(written));
    const todo = written.ok ? written.todo : undefined!;
    assert.equal(typeof todo.id, 'number', 'the id the tool or API returned');
    const found = await check.find(todo);
    assert.deepEqual(found.ok && found.found, true, JSON.stringify(found));
    // Written one way, visible the other: both forms act on the same table.
    const other = await dataCheckFor({ ...settings, dataCheck: form === 'mcp' ? 'rest' : 'mcp' }, urls).find(todo);
    assert.deepEqual(other.ok && other.found, true, JSON.stringify(other));
    assert.equal(await check.remove(todo), true);
    const gone = await check.find(todo);
    assert.deepEqual(gone.ok && gone.found, false, JSON.stringify(gone));
  }
});
