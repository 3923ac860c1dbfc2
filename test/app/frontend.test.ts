// The demo frontend as a real process: the page, /healthz, and /api/* proxied to a real backend
// (the whole stack from startDemoStack, which the runbooks' smoke checks reuse).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort, startDemoStack, startService, type DemoStack } from './harness.ts';

const publicDir = new URL('../../app/frontend/public/', import.meta.url);

describe('frontend in the demo stack', () => {
  let stack: DemoStack;
  before(async () => {
    stack = await startDemoStack();
  });
  after(async () => {
    await stack?.stop();
  });

  test('GET / serves the todo page with security headers', async () => {
    const res = await fetch(`${stack.frontendUrl}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const html = await res.text();
    assert.match(html, /<title>Todo<\/title>/);
    assert.match(html, /id="add-form"/);
    for (const asset of ['/app.js', '/styles.css', '/favicon.svg']) {
      const a = await fetch(stack.frontendUrl + asset);
      assert.equal(a.status, 200, asset);
      await a.body?.cancel();
    }
  });

  test('GET /healthz answers', async () => {
    const res = await fetch(`${stack.frontendUrl}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual((({ status, service }) => ({ status, service }))(await res.json()), { status: 'ok', service: 'frontend' });
  });

  test('/api/* is proxied to the backend: full CRUD through the frontend', async () => {
    const api = `${stack.frontendUrl}/api/todos`;
    const created = await fetch(api, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"Via the proxy"}',
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location')?.startsWith('/api/todos/'), true);
    const todo = await created.json();

    const direct = await (await fetch(`${stack.backendUrl}/api/todos/${todo.id}`)).json();
    assert.deepEqual(direct, todo, 'the backend stored what the frontend sent');

    const patched = await fetch(`${api}/${todo.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: '{"completed":true}',
    });
    assert.equal((await patched.json()).completed, true);
    const list = await (await fetch(api)).json();
    assert.ok(list.some((t: any) => t.id === todo.id && t.completed));

    assert.equal((await fetch(`${api}/${todo.id}`, { method: 'DELETE' })).status, 204);
    const gone = await fetch(`${api}/${todo.id}`);
    assert.equal(gone.status, 404, 'backend status codes pass through');
    assert.match((await gone.json()).error, /not found/);
    const bad = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  });

  test('unknown paths are 404 and the page is read-only', async () => {
    const missing = await fetch(`${stack.frontendUrl}/../../etc/passwd`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    const post = await fetch(`${stack.frontendUrl}/`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    await post.body?.cancel();
  });
});

describe('frontend without a backend', () => {
  test('/api/* answers 502 with a JSON error; the page and /healthz still work', async () => {
    const deadPort = await freePort();
    const frontend = await startService('frontend', { BACKEND_URL: `http://127.0.0.1:${deadPort}` });
    try {
      const res = await fetch(`${frontend.url}/api/todos`);
      assert.equal(res.status, 502);
      assert.deepEqual(await res.json(), { error: 'backend unavailable' });
      assert.equal((await fetch(`${frontend.url}/healthz`)).status, 200);
      const page = await fetch(`${frontend.url}/`);
      assert.equal(page.status, 200);
      await page.body?.cancel();
    } finally {
      await frontend.stop();
    }
  });
});

describe('the page script', () => {
  test('parses, and every element it looks up exists in index.html', () => {
    const check = spawnSync(process.execPath, ['--check', new URL('app.js', publicDir).pathname], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    const script = readFileSync(new URL('app.js', publicDir), 'utf8');
    const html = readFileSync(new URL('index.html', publicDir), 'utf8');
    const ids = [...script.matchAll(/getElementById\('([^']+)'\)/g)].map((m) => m[1]);
    assert.ok(ids.length >= 5);
    for (const id of ids) assert.match(html, new RegExp(`id="${id}"`), `#${id} is in the page`);
    assert.ok(!/innerHTML/.test(script), 'server text is never parsed as HTML');
  });
});
