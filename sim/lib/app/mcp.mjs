// @ts-check
// The demo MCP server over Streamable HTTP: JSON-RPC initialize, tools/list with the four todo tools
// and tools/call, as the demo server answers them.
import { withState } from '../state.mjs';
import { readClock } from '../clock.mjs';
import { VERSION, send } from './http.mjs';
import { dataKey } from './todos.mjs';

export const PROTOCOLS = ['2025-06-18', '2025-03-26', '2024-11-05'];

/** The input of complete_task and delete_task, as the demo MCP server's tools/list gives it. */
const TASK_ID_INPUT = {
  type: 'object',
  properties: {
    task_id: {
      type: 'integer',
      exclusiveMinimum: 0,
      maximum: 2147483647,
      description: 'The id of the task, as returned by add_task or list_tasks',
    },
  },
  required: ['task_id'],
  additionalProperties: false,
  $schema: 'http://json-schema.org/draft-07/schema#',
};

const TOOLS = [
  {
    name: 'add_task',
    title: 'Add a task',
    description: 'Create a new task on the todo list.',
    inputSchema: {
      type: 'object',
      properties: { title: { type: 'string', minLength: 1, maxLength: 500, description: 'What needs doing' } },
      required: ['title'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  },
  {
    name: 'list_tasks',
    title: 'List tasks',
    description: 'List the tasks on the todo list, optionally only pending or only completed ones.',
    inputSchema: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['all', 'pending', 'completed'], default: 'all', description: 'Which tasks to list (default all)' },
      },
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'complete_task',
    title: 'Complete a task',
    description: 'Mark a task as completed.',
    inputSchema: TASK_ID_INPUT,
    annotations: { idempotentHint: true },
  },
  {
    name: 'delete_task',
    title: 'Delete a task',
    description: 'Remove a task from the todo list for good.',
    inputSchema: TASK_ID_INPUT,
    annotations: { destructiveHint: true },
  },
];

export async function mcp(req, res, x) {
  const { c, ns, t, faults, path, method, body, stateDir, env } = x;
  if (path === '/health') return send(res, 200, { status: 'ok', service: 'mcp', version: VERSION, uptimeSeconds: 42 });
  if (path === '/ready')
    return dataKey(c, ns, t, faults, env)
      ? send(res, 200, { status: 'ready', database: 'ok' })
      : send(res, 503, { status: 'not-ready', database: 'unreachable' });
  if (path !== '/mcp') return send(res, 404, { error: 'not found; the MCP endpoint is POST /mcp' });
  const rpcErr = (status, code, message, id = null, headers = {}) =>
    send(res, status, { jsonrpc: '2.0', error: { code, message }, id }, headers);
  if (method !== 'POST') return rpcErr(405, -32000, 'Method not allowed: this stateless server accepts POST only', null, { allow: 'POST' });
  const accept = String(req.headers.accept ?? '');
  if (!accept.includes('application/json') || !accept.includes('text/event-stream'))
    return rpcErr(406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
  if (!String(req.headers['content-type'] ?? '').includes('application/json'))
    return rpcErr(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
  let msg;
  try {
    msg = JSON.parse(body);
  } catch {
    return rpcErr(400, -32700, 'Parse error: Invalid JSON');
  }
  const msgs = Array.isArray(msg) ? msg : [msg];
  const out = [];
  for (const m of msgs) {
    if (!m || m.jsonrpc !== '2.0' || typeof m.method !== 'string') {
      out.push({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: m?.id ?? null });
      continue;
    }
    if (m.id === undefined) continue; // notification
    const ok = (result) => out.push({ result, jsonrpc: '2.0', id: m.id });
    const fail = (code, message) => out.push({ jsonrpc: '2.0', id: m.id, error: { code, message } });
    if (m.method === 'initialize') {
      const want = m.params?.protocolVersion;
      ok({
        protocolVersion: PROTOCOLS.includes(want) ? want : PROTOCOLS[0],
        capabilities: { tools: { listChanged: true } },
        serverInfo: { name: 'todo-mcp', version: VERSION },
      });
    } else if (m.method === 'ping') ok({});
    else if (m.method === 'tools/list') ok({ tools: TOOLS });
    else if (m.method === 'tools/call') ok(await callTool(m.params ?? {}, { stateDir, c, ns, t, faults, env }));
    else fail(-32601, 'Method not found');
  }
  if (!out.length) {
    res.writeHead(202);
    res.end();
    return;
  }
  return send(res, 200, Array.isArray(msg) ? out : out[0]);
}

async function callTool(params, x) {
  const { stateDir, c, ns, t, faults, env } = x;
  const name = params.name;
  const a = params.arguments ?? {};
  const tool = TOOLS.find((tl) => tl.name === name);
  if (!tool) return { content: [{ type: 'text', text: `MCP error -32602: Tool ${name} not found` }], isError: true };
  const key = dataKey(c, ns, t, faults, env);
  const unavailable = {
    content: [{ type: 'text', text: 'The todo database is unavailable right now; try again shortly.' }],
    isError: true,
  };
  if (!key) return unavailable;
  const bad = (msg) => ({
    content: [{ type: 'text', text: `MCP error -32602: Invalid arguments for tool ${name}: ${msg}` }],
    isError: true,
  });
  const change = (todo, status) => ({
    content: [{ type: 'text', text: `Task ${todo.id} ${status}: ${todo.title}` }],
    structuredContent: { task_id: todo.id, status, title: todo.title },
  });
  if (name === 'list_tasks') {
    const status = a.status ?? 'all';
    if (!['all', 'pending', 'completed'].includes(status)) return bad('status must be all, pending or completed');
    const tasks = (c.data[key]?.todos ?? [])
      .filter((td) => status === 'all' || (status === 'completed') === td.completed)
      .sort((p, q) => p.id - q.id);
    const text = tasks.length
      ? tasks.map((td) => `${td.completed ? '[x]' : '[ ]'} ${td.id}. ${td.title}`).join('\n')
      : `No ${status === 'all' ? '' : status + ' '}tasks.`;
    return { content: [{ type: 'text', text }], structuredContent: { tasks, count: tasks.length } };
  }
  if (name === 'add_task') {
    if (typeof a.title !== 'string' || !a.title.trim() || a.title.trim().length > 500)
      return bad('title must be a non-empty string of at most 500 characters');
    return withState(stateDir, (s) => {
      const db = (s.clusters[c.name].data[key] ??= { todos: [], nextId: 1 });
      const now = new Date(readClock(stateDir).now()).toISOString();
      const todo = { id: db.nextId++, title: a.title.trim(), completed: false, createdAt: now, updatedAt: now };
      db.todos.push(todo);
      return change(todo, 'created');
    });
  }
  if (!Number.isInteger(a.task_id) || a.task_id <= 0) return bad('task_id must be a positive integer');
  return withState(stateDir, (s) => {
    const db = (s.clusters[c.name].data[key] ??= { todos: [], nextId: 1 });
    const i = db.todos.findIndex((td) => td.id === a.task_id);
    if (i < 0) return { content: [{ type: 'text', text: `Task ${a.task_id} not found.` }], isError: true };
    const todo = db.todos[i];
    if (name === 'complete_task') {
      todo.completed = true;
      todo.updatedAt = new Date(readClock(stateDir).now()).toISOString();
      return change(todo, 'completed');
    }
    db.todos.splice(i, 1);
    return change(todo, 'deleted');
  });
}
