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
