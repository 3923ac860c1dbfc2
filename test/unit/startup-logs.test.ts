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
