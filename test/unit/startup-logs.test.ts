// What counts as an error line in a container's start-up log: each logging style the app images use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorLines, isErrorLine } from '../../src/cluster/startup-logs.ts';

test('error lines in every style the images log in are found', () => {
  for (const line of [
    '{"time":"2026-01-01T00:00:00.000Z","level":"error","msg":"database call failed"}',
    '{"level":"fatal","msg":"cannot start"}',
    '{"level":50,"msg":"pino error"}',
    '{"severity":"CRITICAL","message":"gcp style"}',
    'ERROR:    Exception in ASGI application',
    'CRITICAL: key rejected',
    '2026-01-01 00:00:00.000 UTC [1] FATAL:  password authentication failed for user "todo"',
    '2026-01-01 00:00:00.000 UTC [27] ERROR:  relation "todos" does not exist',
    'time=2026-01-01T00:00:00Z level=error msg="boom"',
    'Traceback (most recent call last):',
    'panic: runtime error: invalid memory address',
    "Error: Cannot find module '/app/server.js'",
    'TypeError: x is not a function',
  ])
    assert.ok(isErrorLine(line), line);
});

test('healthy start-up lines, warnings and the word "error" inside a message are not errors', () => {
  for (const line of [
    '{"level":"info","msg":"starting todo backend"}',
    '{"level":"warn","msg":"readiness: database not reachable yet","retryInMs":5000}',
    '{"level":"info","msg":"request","path":"/ready","status":200,"errors":0}',
    '2026-01-01 00:00:00.000 UTC [1] LOG:  database system is ready to accept connections',
    'initdb: warning: enabling "trust" authentication for local connections',
    'INFO:     Uvicorn running on http://0.0.0.0:8000',
    'WARNING:  no error handler registered',
    'level=info msg="no errors"',
    '2026-01-01 00:00:01.000 UTC [40] FATAL:  the database system is starting up',
    '',
  ])
    assert.ok(!isErrorLine(line), line);
  assert.deepEqual(errorLines('{"level":"info","msg":"a"}\n{"level":"error","msg":"b"}\n'), ['{"level":"error","msg":"b"}']);
});

test("03 reads the start-up logs of the pods it started, not of pods an earlier run left (a rotation's auth failures)", async () => {
  const { checkStartupLogs } = await import('../../src/cluster/install-criteria.ts');
  const installStart = Date.parse('2026-12-02T22:23:30Z');
  const pod = (name: string, component: string, createdAt: number) =>
    ({ name, component, createdAt, ready: true, readyAt: createdAt + 3000 }) as unknown as import('../../src/cluster/pods.ts').PodState;
  const logs: Record<string, string> = {
    // Started long before this run; since then clients with the old password were refused.
    'db-0': '2026-12-02 22:22:59.839 UTC [27] FATAL:  password authentication failed for user "todo"\n',
    // Made in the same second helm was called (creationTimestamp has whole seconds): this run's.
    'backend-new': '{"level":"error","msg":"OPENAI_API_KEY rejected"}\n',
    'frontend-new': '{"level":"info","msg":"ready"}\n',
  };
  const checks: Array<{ id: string; pass: unknown; measured: string }> = [];
  const read: string[] = [];
  const ctx = {
    settings: { namespace: 'todo-app' },
    tools: {
      kubectl: {
        context: 'minikube',
        logs: async (name: string) => {
          read.push(name);
          return logs[name] ?? '';
        },
      },
    },
    check: (c: { id: string; pass: unknown; measured: string }) => checks.push(c),
    evidence: () => {},
  } as unknown as import('../../src/runbook.ts').RunbookContext;
  await checkStartupLogs(
    ctx,
    [
      pod('db-0', 'postgresql', installStart - 600_000),
      pod('backend-new', 'backend', installStart - 500),
      pod('frontend-new', 'frontend', installStart + 2000),
    ],
    installStart,
  );
  const by = Object.fromEntries(checks.map((c) => [c.id, c]));
  assert.deepEqual(read.sort(), ['backend-new', 'frontend-new'], 'the pod from before is not read');
  assert.equal(by['STARTUP-LOGS-POSTGRESQL']?.pass, 'skip');
  assert.match(by['STARTUP-LOGS-POSTGRESQL']!.measured, /no postgresql pod started by this run; 1 pod\(s\) from before/);
  assert.equal(by['STARTUP-LOGS-BACKEND']?.pass, false, 'an error in a pod this run started still fails');
  assert.equal(by['STARTUP-LOGS-FRONTEND']?.pass, true);
});
