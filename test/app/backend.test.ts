// The demo backend as a real process against a real PostgreSQL (PGlite over the wire protocol).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { freePort, startEmbeddedPostgres, startService, waitForHttp, type EmbeddedPostgres, type ServiceProcess } from './harness.ts';

async function json(res: Response): Promise<any> {
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

function send(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(base + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('backend with a database', () => {
  let db: EmbeddedPostgres;
  let backend: ServiceProcess;

  before(async () => {
    db = await startEmbeddedPostgres();
    backend = await startService('backend', {
      DATABASE_URL: db.databaseUrl(),
      CORS_ORIGINS: 'http://localhost:30080, https://todo.example.com',
      MAX_CONVERSATION_HISTORY: '7',
    });
  });
  after(async () => {
    await backend?.stop();
    await db?.stop();
  });

  test('GET /health answers while the process is up', async () => {
    const res = await fetch(`${backend.url}/health`);
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.equal(body.status, 'ok');
    assert.equal(body.service, 'backend');
  });

  test('GET /ready makes a database round trip and answers 200', async () => {
    const res = await fetch(`${backend.url}/ready`);
    assert.equal(res.status, 200);
    assert.deepEqual((({ status, database }) => ({ status, database }))(await json(res)), { status: 'ready', database: 'ok' });
  });

  test('the todos table is created at start', async () => {
    const client = new pg.Client({ connectionString: db.databaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'todos' ORDER BY ordinal_position",
      );
      assert.deepEqual(
        rows.map((r) => r.column_name),
        ['id', 'title', 'completed', 'created_at', 'updated_at'],
      );
    } finally {
      await client.end();
    }
  });

  test('create, read, list, update and delete a todo', async () => {
    const created = await send(backend.url, 'POST', '/api/todos', { title: '  Write the runbook  ' });
    assert.equal(created.status, 201);
    const todo = await json(created);
    assert.equal(todo.title, 'Write the runbook', 'title is trimmed');
    assert.equal(todo.completed, false);
    assert.equal(created.headers.get('location'), `/api/todos/${todo.id}`);
    assert.ok(!Number.isNaN(Date.parse(todo.createdAt)));

    const fetched = await fetch(`${backend.url}/api/todos/${todo.id}`);
    assert.equal(fetched.status, 200);
    assert.deepEqual(await json(fetched), todo);

    const listed = await json(await fetch(`${backend.url}/api/todos`));
    assert.ok(Array.isArray(listed));
    assert.ok(listed.some((t: any) => t.id === todo.id));

    const patched = await send(backend.url, 'PATCH', `/api/todos/${todo.id}`, { completed: true, title: 'Ship the runbook' });
    assert.equal(patched.status, 200);
    const updated = await json(patched);
    assert.equal(updated.completed, true);
    assert.equal(updated.title, 'Ship the runbook');
    assert.ok(Date.parse(updated.updatedAt) >= Date.parse(todo.updatedAt));

    const onlyCompleted = await send(backend.url, 'PATCH', `/api/todos/${todo.id}`, { completed: false });
    assert.equal((await json(onlyCompleted)).title, 'Ship the runbook', 'a partial update keeps the other fields');

    const deleted = await send(backend.url, 'DELETE', `/api/todos/${todo.id}`);
    assert.equal(deleted.status, 204);
    assert.equal(await deleted.text(), '');
    assert.equal((await fetch(`${backend.url}/api/todos/${todo.id}`)).status, 404);
    assert.equal((await send(backend.url, 'DELETE', `/api/todos/${todo.id}`)).status, 404);
  });

  test('bad requests get a 4xx with a JSON error, never a 500', async () => {
    const cases: Array<[string, string, unknown, number]> = [
      ['POST', '/api/todos', {}, 400],
      ['POST', '/api/todos', { title: '   ' }, 400],
      ['POST', '/api/todos', { title: 42 }, 400],
      ['POST', '/api/todos', { title: 'x'.repeat(501) }, 400],
      ['POST', '/api/todos', '{not json', 400],
      ['POST', '/api/todos', '[1,2]', 400],
      ['POST', '/api/todos', JSON.stringify({ title: 'x'.repeat(70_000) }), 413],
      ['GET', '/api/todos/abc', undefined, 400],
      ['GET', '/api/todos/0', undefined, 400],
      ['GET', '/api/todos/99999999999', undefined, 400],
      ['GET', '/api/todos/424242', undefined, 404],
      ['PATCH', '/api/todos/424242', { completed: true }, 404],
      ['PATCH', '/api/todos/1', {}, 400],
      ['PATCH', '/api/todos/1', { completed: 'yes' }, 400],
      ['PUT', '/api/todos', { title: 'x' }, 405],
      ['POST', '/health', undefined, 405],
      ['GET', '/nope', undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await send(backend.url, method, path, body);
      assert.equal(res.status, status, `${method} ${path} ${String(body).slice(0, 30)}`);
      const parsed = await json(res);
      assert.equal(typeof parsed.error, 'string', `${method} ${path} explains the error`);
    }
    const put = await send(backend.url, 'PUT', '/api/todos', { title: 'x' });
    assert.equal(put.headers.get('allow'), 'GET, HEAD, POST');
  });

  test('CORS: listed origins get a preflight answer, others none', async () => {
    const preflight = await fetch(`${backend.url}/api/todos`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:30080', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:30080');
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PATCH/);

    const other = await fetch(`${backend.url}/api/todos`, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  test('GET /api/info shows the effective non-secret settings', async () => {
    const info = await json(await fetch(`${backend.url}/api/info`));
    assert.equal(info.maxConversationHistory, 7);
    assert.deepEqual(info.corsOrigins, ['http://localhost:30080', 'https://todo.example.com']);
    assert.equal(info.openaiApiKeyConfigured, false);
    assert.ok(!JSON.stringify(info).includes('embedded-pg-password'));
  });
});

describe('backend readiness follows the database', () => {
  test('/health stays 200 while /ready is 503 without a database, and ready once it appears', async () => {
    const port = await freePort();
    const backend = await startService('backend', { DATABASE_URL: `postgres://todo:pw-not-used@127.0.0.1:${port}/postgres` }, '/health');
    let db: EmbeddedPostgres | undefined;
    try {
      const ready = await fetch(`${backend.url}/ready`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { status: 'not-ready', database: 'unreachable' });
      assert.equal((await fetch(`${backend.url}/health`)).status, 200);
      const list = await fetch(`${backend.url}/api/todos`);
      assert.equal(list.status, 503);
      assert.deepEqual(await list.json(), { error: 'database unavailable' });

      // The database comes up later (normal in a cluster): the schema retry makes the service ready.
      db = await startEmbeddedPostgres({ port });
      await waitForHttp(`${backend.url}/ready`, backend, 25_000);
      assert.equal((await fetch(`${backend.url}/api/todos`)).status, 200);

      // And it goes away again: readiness reports it at once.
      await db.stop();
      const gone = await fetch(`${backend.url}/ready`);
      assert.equal(gone.status, 503);
      assert.equal((await fetch(`${backend.url}/health`)).status, 200);
    } finally {
      await backend.stop();
      await db?.stop();
    }
  });
});
