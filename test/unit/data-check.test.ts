// The MCP form of 04's data check (src/cluster/data-check.ts) against a small Streamable HTTP
// server whose tools answer the way a Phase III app's do: user-scoped, with the task under
// task_id, as structuredContent or as JSON text only (an SDK without output schemas).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { argsTemplate, dataCheckFor, fillTemplate, mcpDataCheck, type DataCheckSettings } from '../../src/cluster/data-check.ts';
import { findTodo } from '../../src/cluster/todo-api.ts';
import { loadConfig } from '../../src/config.ts';
import { UsageError } from '../../src/errors.ts';
import type { Clock } from '../../src/clock.ts';

/** A clock that moves only when someone sleeps. */
class FakeClock implements Clock {
  constructor(public t: number) {}
  readonly speed = 1;
  now = () => this.t;
  sleep = async (ms: number) => {
    this.t += ms;
  };
}

interface Task {
  task_id: number;
  user_id: string;
  title: string;
}

/** A user-scoped task server: tools add_todo / show_todos / remove_todo, JSON text or structured answers. */
async function phase3Server(o: { textOnly?: boolean } = {}) {
  const tasks: Task[] = [];
  const calls: Array<{ name: string; arguments: Record<string, unknown> }> = [];
  const state = { failing: 0, toolError: false, nextId: 41 };
  const answer = (value: unknown) =>
    o.textOnly
      ? { content: [{ type: 'text', text: JSON.stringify(value) }] }
      : { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (state.failing > 0) {
      state.failing--;
      return void res.writeHead(503).end('starting');
    }
    const m = JSON.parse(body);
    if (m.id === undefined) return void res.writeHead(202).end();
    let result: unknown = {};
    if (m.method === 'initialize')
      result = { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'phase3', version: '1' } };
    if (m.method === 'tools/call') {
      const { name, arguments: a } = m.params;
      calls.push({ name, arguments: a });
      if (state.toolError) result = { content: [{ type: 'text', text: 'database unavailable' }], isError: true };
      else if (name === 'add_todo') {
        const task = { task_id: state.nextId++, user_id: a.user_id, title: a.title };
        tasks.push(task);
        result = answer({ status: 'created', ...task });
      } else if (name === 'show_todos') result = answer({ tasks: tasks.filter((t) => t.user_id === a.user_id) });
      else if (name === 'remove_todo') {
        const i = tasks.findIndex((t) => t.task_id === a.task_id && t.user_id === a.user_id);
        result =
          i < 0
            ? { content: [{ type: 'text', text: 'not found' }], isError: true }
            : answer({ status: 'deleted', ...tasks.splice(i, 1)[0] });
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: m.id, result }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, server, tasks, calls, state };
}

const settings = (over: Partial<DataCheckSettings> = {}): DataCheckSettings => ({
  dataCheck: 'mcp',
  dataCheckRestPath: '/api/todos',
  dataCheckAddTool: 'add_todo',
  dataCheckAddArgs: { user_id: 'ops', title: '{title}' },
  dataCheckListTool: 'show_todos',
  dataCheckListArgs: { user_id: 'ops' },
  dataCheckDeleteTool: 'remove_todo',
  dataCheckDeleteArgs: { user_id: 'ops', task_id: '{id}' },
  ...over,
});

for (const textOnly of [false, true]) {
  test(`mcp data check (${textOnly ? 'JSON text only' : 'structuredContent'}): the configured tools write, find and remove the drill task; data loss is told from a server that does not answer`, async () => {
    const s = await phase3Server({ textOnly });
    const clock = new FakeClock(0);
    try {
      const check = mcpDataCheck(s.url, settings());
      const written = await check.write('04 drill x');
      assert.deepEqual(written, { ok: true, todo: { id: 41, title: '04 drill x' } });
      assert.deepEqual(s.calls[0], { name: 'add_todo', arguments: { user_id: 'ops', title: '04 drill x' } });
      const todo = { id: 41, title: '04 drill x' };
      assert.deepEqual(await findTodo(clock, check, todo, 10_000), {
        found: true,
        attempts: 1,
        detail: 'task 41 "04 drill x" among 1 task(s) listed by show_todos',
      });
      assert.deepEqual(s.calls[1], { name: 'show_todos', arguments: { user_id: 'ops' } });

      s.state.failing = 2; // two HTTP 503s, then the answer
      const afterRefusals = await findTodo(clock, check, todo, 10_000);
      assert.equal(afterRefusals.found, true);
      assert.ok(afterRefusals.attempts >= 2);
      s.state.toolError = true; // a tool error is the app not ready, not data loss
      const down = await findTodo(clock, check, todo, 3_000);
      assert.equal(down.found, false);
      assert.match(down.detail, /^the API did not answer: show_todos answered with an error: database unavailable/);
      s.state.toolError = false;

      assert.equal(await check.remove(todo), true);
      assert.deepEqual(
        s.calls.at(-1),
        { name: 'remove_todo', arguments: { user_id: 'ops', task_id: 41 } },
        '"{id}" became the number the tool returned',
      );
      assert.deepEqual(await findTodo(clock, check, todo, 10_000), {
        found: false,
        attempts: 1,
        detail: 'task 41 "04 drill x" missing from 0 task(s) listed by show_todos',
      });
    } finally {
      s.server.close();
    }
  });
}

test('mcp data check: a wrong tool name is a failed write naming the tool and what the server said', async () => {
  const s = await phase3Server();
  try {
    const r = await mcpDataCheck(s.url, settings({ dataCheckAddTool: 'add_task' })).write('x');
    assert.equal(r.ok, false);
    assert.match((r as { error: string }).error, /^add_task's answer does not echo the title/);
    const refused = await mcpDataCheck('http://127.0.0.1:9/mcp', settings()).write('x');
    assert.equal(refused.ok, false);
  } finally {
    s.server.close();
  }
});

test('fillTemplate: "{id}" keeps the id\'s type, {title} is replaced inside strings, other values stay', () => {
  assert.deepEqual(fillTemplate({ task_id: '{id}', note: 'id {id}: {title}', n: 3, tags: ['{title}'] }, { title: 'T', id: 7 }), {
    task_id: 7,
    note: 'id 7: T',
    n: 3,
    tags: ['T'],
  });
});

test('DATA_CHECK settings: the defaults are the Phase III tools; bad values are usage errors with a remedy', () => {
  const { settings: d } = loadConfig([], [], {}, '/nonexistent');
  assert.equal(d.dataCheck, 'mcp');
  assert.equal(d.dataCheckAddTool, 'add_task');
  assert.deepEqual(d.dataCheckAddArgs, { user_id: 'runbook-drill', title: '{title}' });
  assert.deepEqual(d.dataCheckListArgs, { user_id: 'runbook-drill' });
  assert.equal(d.dataCheckDeleteTool, 'delete_task');
  const custom = loadConfig(
    [],
    [],
    { DATA_CHECK: 'rest', DATA_CHECK_REST_PATH: '/v1/tasks', DATA_CHECK_MCP_DELETE_TOOL: 'none' },
    '/nonexistent',
  ).settings;
  assert.equal(custom.dataCheck, 'rest');
  assert.equal(custom.dataCheckDeleteTool, '');
  assert.match(dataCheckFor(custom, { backend: 'http://b', mcp: 'http://m/mcp' }).writes, /^POST http:\/\/b\/v1\/tasks → 201$/);
  for (const [env, value, message] of [
    ['DATA_CHECK', 'soap', /DATA_CHECK "soap" is not allowed/],
    ['DATA_CHECK_MCP_ADD_ARGS', '{"title":"x"}', /does not contain \{title\}/],
    ['DATA_CHECK_MCP_ADD_ARGS', "{'title':'{title}'}", /is not JSON/],
    ['DATA_CHECK_MCP_LIST_ARGS', '["ops"]', /is not a JSON object/],
    ['DATA_CHECK_MCP_DELETE_ARGS', '{"task_id":1}', /does not contain \{id\}/],
    ['DATA_CHECK_MCP_LIST_TOOL', 'list tasks', /is not an MCP tool name/],
    ['DATA_CHECK_REST_PATH', 'api/todos', /is not a URL path/],
  ] as const) {
    assert.throws(
      () => loadConfig([], [], { [env]: value }, '/nonexistent'),
      (e: unknown) => e instanceof UsageError && message.test(e.message) && Boolean(e.remedy),
      `${env}=${value}`,
    );
  }
  assert.throws(() => argsTemplate('{title}')('{}', 'X'), UsageError);
});
