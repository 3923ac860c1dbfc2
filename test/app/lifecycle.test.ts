// Start-up and shutdown of the three services as real processes: one-line configuration
// errors (exit 2, no stack, no secret), graceful SIGTERM (drain, exit 0), a busy port.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { freePort, spawnService, startEmbeddedPostgres, startService, type ServiceName } from './harness.ts';

const SECRET = 'Zq81-do-not-print';

interface BadStart {
  service: ServiceName;
  env: Record<string, string>;
  says: RegExp;
}

const badStarts: Record<string, BadStart> = {
  'backend without DATABASE_URL': {
    service: 'backend',
    env: {},
    says: /^todo-backend: configuration error: DATABASE_URL is required \(e\.g\. postgres:\/\/USER:PASSWORD@HOST:5432\/DATABASE\)$/,
  },
  'backend with DATABASE_URL that is not a URL': {
    service: 'backend',
    env: { DATABASE_URL: `not a url ${SECRET}` },
    says: /^todo-backend: configuration error: DATABASE_URL is not a valid URL .*value not shown\)$/,
  },
  'backend with an unencoded # in the password': {
    service: 'backend',
    env: { DATABASE_URL: `postgres://todo:pa#${SECRET}@db:5432/todo` },
    says: /percent-encode special characters in the password/,
  },
  'backend with a mysql:// DATABASE_URL': {
    service: 'backend',
    env: { DATABASE_URL: `mysql://todo:${SECRET}@db:3306/todo` },
    says: /DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//,
  },
  'backend with PORT=abc': {
    service: 'backend',
    env: { DATABASE_URL: 'postgres://todo:x@db:5432/todo', PORT: 'abc' },
    says: /PORT must be a TCP port between 1 and 65535 \(got "abc"\)/,
  },
  'backend with LOG_LEVEL=loud': {
    service: 'backend',
    env: { DATABASE_URL: 'postgres://todo:x@db:5432/todo', LOG_LEVEL: 'loud' },
    says: /LOG_LEVEL must be one of debug, info, warn, error/,
  },
  'backend with MAX_CONVERSATION_HISTORY=-3': {
    service: 'backend',
    env: { DATABASE_URL: 'postgres://todo:x@db:5432/todo', MAX_CONVERSATION_HISTORY: '-3' },
    says: /MAX_CONVERSATION_HISTORY must be a positive whole number/,
  },
  'mcp without DATABASE_URL': {
    service: 'mcp',
    env: {},
    says: /^todo-mcp: configuration error: DATABASE_URL is required/,
  },
  'mcp with a host-less DATABASE_URL': {
    service: 'mcp',
    env: { DATABASE_URL: `postgresql:///todo?application_name=${SECRET}` },
    says: /DATABASE_URL has no host/,
  },
  'mcp with PORT and MCP_SERVER_PORT disagreeing': {
    service: 'mcp',
    env: { DATABASE_URL: 'postgres://todo:x@db:5432/todo', PORT: '8001', MCP_SERVER_PORT: '9001' },
    says: /PORT \(8001\) and MCP_SERVER_PORT \(9001\) disagree/,
  },
  'frontend without BACKEND_URL': {
    service: 'frontend',
    env: {},
    says: /^todo-frontend: configuration error: BACKEND_URL is required \(e\.g\. http:\/\/todo-chatbot-backend:8000\)$/,
  },
  'frontend with an ftp:// BACKEND_URL': {
    service: 'frontend',
    env: { BACKEND_URL: 'ftp://backend:8000' },
    says: /BACKEND_URL must be an http:\/\/ or https:\/\/ URL/,
  },
  'frontend with credentials in BACKEND_URL': {
    service: 'frontend',
    env: { BACKEND_URL: `http://admin:${SECRET}@backend:8000` },
    says: /BACKEND_URL must not contain a user name or password/,
  },
};

describe('a missing or malformed setting stops the service with one clear line', { concurrency: 4 }, () => {
  for (const [name, bad] of Object.entries(badStarts)) {
    test(name, async () => {
      // PORT is given so no test depends on 8000/8001/3000 being free; the process must not get that far.
      const env = { PORT: String(await freePort()), ...bad.env };
      const proc = spawnService(bad.service, env);
      const { code } = await proc.exited;
      const stderr = proc.stderr();
      assert.equal(code, 2, `exit code 2 for a configuration error (stderr: ${stderr})`);
      const lines = stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${stderr}`);
      assert.match(lines[0]!, bad.says);
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
      assert.ok(!stderr.includes(SECRET) && !proc.stdout().includes(SECRET), 'the value is never echoed');
      assert.equal(proc.stdout(), '', 'nothing on stdout');
    });
  }
});

describe('SIGTERM', () => {
  test('each service drains, logs "stopped" and exits 0', async () => {
    const db = await startEmbeddedPostgres();
    try {
      const backend = await startService('backend', { DATABASE_URL: db.databaseUrl() });
      const mcp = await startService('mcp', { DATABASE_URL: db.databaseUrl() });
      const frontend = await startService('frontend', { BACKEND_URL: backend.url });
      for (const service of [frontend, mcp, backend]) {
        const started = Date.now();
        const { code, signal } = await service.stop('SIGTERM', 8_000);
        assert.equal(signal, null, `${service.name} was not killed`);
        assert.equal(code, 0, `${service.name} exit code`);
        assert.ok(Date.now() - started < 5_000, `${service.name} stopped promptly`);
        const lines = service
          .stdout()
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        assert.equal(lines.at(-1).msg, 'stopped');
        assert.ok(lines.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM'));
      }
    } finally {
      await db.stop();
    }
  });

  test('a request in flight when SIGTERM arrives still completes; new connections are refused', async () => {
    // A backend that holds its answer until the test releases it, so the order of events is
    // fixed: request in flight, SIGTERM, listener closed, answer, exit.
    let arrived!: () => void;
    const requestArrived = new Promise<void>((r) => (arrived = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const backendPort = await freePort();
    const slow: Server = createServer((req, res) => {
      arrived();
      void released.then(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify([{ id: 1, title: 'slow answer', completed: false }]));
      });
    });
    await new Promise<void>((r) => slow.listen(backendPort, '127.0.0.1', () => r()));
    try {
      const frontend = await startService('frontend', { BACKEND_URL: `http://127.0.0.1:${backendPort}` });
      const inFlight = fetch(`${frontend.url}/api/todos`);
      await requestArrived;
      frontend.child.kill('SIGTERM');
      const deadline = Date.now() + 5_000;
      let refused = false;
      while (!refused && Date.now() < deadline) {
        refused = await fetch(`${frontend.url}/healthz`).then(
          async (res) => (await res.body?.cancel(), false),
          () => true,
        );
        if (!refused) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(refused, 'the listener closed after SIGTERM');
      assert.equal(frontend.child.exitCode, null, 'still running while a request is in flight');
      release();
      const res = await inFlight;
      assert.equal(res.status, 200);
      assert.equal((await res.json())[0].title, 'slow answer');
      const { code } = await frontend.exited;
      assert.equal(code, 0);
    } finally {
      release();
      await new Promise((r) => slow.close(r));
    }
  });
});

describe('a port already in use', () => {
  test('is one line on stderr and exit 1', async () => {
    const blocker = createTcpServer();
    const port = await freePort('0.0.0.0');
    await new Promise<void>((r) => blocker.listen(port, '0.0.0.0', () => r()));
    try {
      const proc = spawnService('frontend', { BACKEND_URL: 'http://127.0.0.1:9', PORT: String(port) });
      const { code } = await proc.exited;
      assert.equal(code, 1);
      assert.equal(proc.stderr().trim(), `todo-frontend: cannot listen on 0.0.0.0:${port}: EADDRINUSE`);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
