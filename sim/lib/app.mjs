// @ts-check
// The demo app's HTTP behaviour (frontend, backend, MCP), answered from the simulated state:
// which pods are Ready, which environment they were started with, and the todos stored under
// the PostgreSQL PVC.
import { readState, withState } from './state.mjs';
import { readClock } from './clock.mjs';
import { parseFaults } from './faults.mjs';
import { listObjects, getObject } from './model.mjs';
import { endpointsFor } from './cluster/views.mjs';
import { isReadyAt } from './cluster/lifecycle.mjs';

const VERSION = '0.1.0';
export const PROTOCOLS = ['2025-06-18', '2025-03-26', '2024-11-05'];

/** Where the todos live: the PVC of a Ready postgresql pod, or the external database. */
export function dataKey(c, ns, t, faults) {
  const pg = listObjects(c, 'Pod', ns).filter((p) => p._sim.component === 'postgresql');
  const hasDb = listObjects(c, 'StatefulSet', ns).some((s) => s.metadata.labels?.['app.kubernetes.io/component'] === 'postgresql');
  if (!hasDb) return `external:${ns}`;
  const ready = pg.find((p) => p._sim.deletionAt == null && isReadyAt(c, p, t, faults));
  if (!ready) return null;
  const claim = (ready.spec.volumes ?? []).find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName;
  const pvc = claim && getObject(c, 'PersistentVolumeClaim', ns, claim);
  return pvc ? pvc.metadata.uid : `pod:${ready.metadata.uid}`;
}

function send(res, status, body, headers = {}) {
  if (status === 204) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' && text.startsWith('<') ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
async function readBody(req) {
  const chunks = [];
  for await (const ch of req) chunks.push(ch);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Handle one HTTP request for a component.
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {{ stateDir: string, cluster: string, ns: string, component: string, pod?: string }} target
 */
export async function handle(req, res, target) {
  const { stateDir } = target;
  const clock = readClock(stateDir);
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const method = req.method ?? 'GET';
  const body = method === 'POST' || method === 'PATCH' || method === 'PUT' ? await readBody(req) : '';
  const state = readState(stateDir);
  const faults = parseFaults(state.lastFaults ?? []);
  const c = state.clusters[target.cluster];
  if (!c) {
    res.destroy();
    return;
  }
  const t = clock.now();
  const ns = target.ns;
  const podEnv = () => {
    const pods = listObjects(c, 'Pod', ns).filter(
      (p) => p._sim.component === target.component && (!target.pod || p.metadata.name === target.pod) && isReadyAt(c, p, t, faults),
    );
    const p = pods[Math.floor(Math.random() * pods.length)];
    if (!p) return {};
    const run = p._sim.runs[p._sim.runs.length - 1];
    return run.env?.[p.spec.containers[0].name] ?? {};
  };
  switch (target.component) {
    case 'frontend':
      return frontend(req, res, { stateDir, c, ns, t, faults, path, method, body });
    case 'backend':
      return backend(req, res, { stateDir, c, ns, t, faults, path, method, body, env: podEnv() });
    case 'mcp': {
      // The demo MCP server names the pod that answered in every response (its hostname, which
      // Kubernetes sets to the pod's name): app/mcp/src/server.ts, SERVED_BY_HEADER.
      const ready = listObjects(c, 'Pod', ns).filter((p) => p._sim.component === 'mcp' && isReadyAt(c, p, t, faults));
      const servedBy = target.pod ?? ready[Math.floor(Math.random() * ready.length)]?.metadata.name;
      if (servedBy) res.setHeader('x-served-by', servedBy);
      return mcp(req, res, { stateDir, c, ns, t, faults, path, method, body });
    }
    default:
      return send(res, 404, { error: 'not found' });
  }
}

function backendService(c, ns) {
  return listObjects(c, 'Service', ns).find((s) => s.spec.selector?.['app.kubernetes.io/component'] === 'backend');
}

async function todoOp(stateDir, clusterName, key, fn) {
  return withState(stateDir, (s) => {
    const c = s.clusters[clusterName];
    if (!c) return { status: 503, body: { error: 'database unavailable' } };
    const db = (c.data[key] ??= { todos: [], nextId: 1 });
    return fn(db, readClock(stateDir).now());
  });
}

async function todosApi(x, clusterName) {
  const { stateDir, c, ns, t, faults, path, method, body } = x;
  const key = dataKey(c, ns, t, faults);
  if (!key) return { status: 500, body: { error: 'database unavailable' } };
  const parse = () => {
    try {
      return JSON.parse(body || '{}');
    } catch {
      return null;
    }
  };
  const checkTitle = (v) =>
    typeof v !== 'string'
      ? 'title must be a string'
      : !v.trim()
        ? 'title must not be empty'
        : v.trim().length > 500
          ? 'title must be at most 500 characters'
          : null;
  if (path === '/api/todos') {
    if (method === 'GET' || method === 'HEAD') return { status: 200, body: (c.data[key]?.todos ?? []).slice().sort((a, b) => a.id - b.id) };
    if (method === 'POST') {
      const b = parse();
      if (!b || typeof b !== 'object') return { status: 400, body: { error: 'request body must be JSON' } };
      const err = checkTitle(b.title);
      if (err) return { status: 400, body: { error: err } };
      return todoOp(stateDir, clusterName, key, (db, now) => {
        const todo = {
          id: db.nextId++,
          title: b.title.trim(),
          completed: false,
          createdAt: new Date(now).toISOString(),
          updatedAt: new Date(now).toISOString(),
        };
        db.todos.push(todo);
        return { status: 201, body: todo, headers: { location: `/api/todos/${todo.id}` } };
      });
    }
    return { status: 405, body: { error: 'method not allowed' }, headers: { allow: 'GET, HEAD, POST' } };
  }
  const m = /^\/api\/todos\/([^/]+)$/.exec(path);
  if (!m) return { status: 404, body: { error: 'not found' } };
  if (!/^[1-9]\d*$/.test(m[1])) return { status: 400, body: { error: 'id must be a positive integer' } };
  const id = Number(m[1]);
  if (method === 'GET' || method === 'HEAD') {
    const td = c.data[key]?.todos.find((x2) => x2.id === id);
    return td ? { status: 200, body: td } : { status: 404, body: { error: `todo ${id} not found` } };
  }
  if (method === 'PATCH') {
    const b = parse();
    if (!b || typeof b !== 'object') return { status: 400, body: { error: 'request body must be JSON' } };
    if (b.title !== undefined) {
      const err = checkTitle(b.title);
      if (err) return { status: 400, body: { error: err } };
    }
    if (b.completed !== undefined && typeof b.completed !== 'boolean')
      return { status: 400, body: { error: 'completed must be true or false' } };
    if (b.title === undefined && b.completed === undefined)
      return { status: 400, body: { error: 'nothing to change: send title and/or completed' } };
    return todoOp(stateDir, clusterName, key, (db, now) => {
      const td = db.todos.find((x2) => x2.id === id);
      if (!td) return { status: 404, body: { error: `todo ${id} not found` } };
      if (b.title !== undefined) td.title = b.title.trim();
      if (b.completed !== undefined) td.completed = b.completed;
      td.updatedAt = new Date(now).toISOString();
      return { status: 200, body: td };
    });
  }
  if (method === 'DELETE') {
    return todoOp(stateDir, clusterName, key, (db) => {
      const i = db.todos.findIndex((x2) => x2.id === id);
      if (i < 0) return { status: 404, body: { error: `todo ${id} not found` } };
      db.todos.splice(i, 1);
      return { status: 204, body: null };
    });
  }
  return { status: 405, body: { error: 'method not allowed' }, headers: { allow: 'GET, HEAD, PATCH, DELETE' } };
}

async function backend(req, res, x) {
  const { c, ns, t, faults, path, method, env } = x;
  const read = method === 'GET' || method === 'HEAD';
  if (path === '/health')
    return read
      ? send(res, 200, { status: 'ok', service: 'backend', version: VERSION, uptimeSeconds: 42 })
      : send(res, 405, { error: 'method not allowed' });
  if (path === '/ready') {
    const key = dataKey(c, ns, t, faults);
    return key
      ? send(res, 200, { status: 'ready', database: 'ok', latencyMs: 1.2 })
      : send(res, 503, { status: 'not-ready', database: 'unreachable' });
  }
  if (path === '/api/info') {
    return send(res, 200, {
      service: 'backend',
      version: VERSION,
      logLevel: env.LOG_LEVEL ?? 'info',
      maxConversationHistory: Number(env.MAX_CONVERSATION_HISTORY ?? 20),
      corsOrigins: (env.CORS_ORIGINS ?? '').split(',').filter(Boolean),
      mcpServerUrl: env.MCP_SERVER_URL ?? 'http://todo-chatbot-mcp:8001/mcp',
      openaiApiKeyConfigured: Boolean(env.OPENAI_API_KEY),
      betterAuthSecretConfigured: Boolean(env.BETTER_AUTH_SECRET),
      database: {
        host: /@([^:/?]+)/.exec(env.DATABASE_URL ?? '')?.[1] ?? null,
        port: Number(/:(\d+)\//.exec(env.DATABASE_URL ?? '')?.[1] ?? 5432),
        name: /\/([^/?]+)(\?|$)/.exec(env.DATABASE_URL ?? '')?.[1] ?? null,
      },
    });
  }
  if (path.startsWith('/api/todos')) {
    const r = await todosApi(x, c.name);
    return send(res, r.status, r.body, r.headers);
  }
  return send(res, 404, { error: 'not found' });
}

async function frontend(req, res, x) {
  const { c, ns, t, faults, path } = x;
  if (path === '/healthz') return send(res, 200, { status: 'ok', service: 'frontend', version: VERSION });
  const svc = backendService(c, ns);
  const backendUp = svc && endpointsFor(c, svc, t, faults).ready.length > 0;
  if (path === '/api' || path.startsWith('/api/')) {
    if (!backendUp) return send(res, 502, { error: 'backend unavailable' });
    if (path.startsWith('/api/todos')) {
      const r = await todosApi(x, c.name);
      return send(res, r.status, r.body, r.headers);
    }
    return send(res, 404, { error: 'not found' });
  }
  if (path === '/' || path === '/index.html') {
    const key = backendUp ? dataKey(c, ns, t, faults) : null;
    const todos = key ? (c.data[key]?.todos ?? []) : [];
    const items = todos
      .map(
        (td) =>
          `      <li data-id="${td.id}" class="${td.completed ? 'done' : ''}">${td.title.replace(/[<&>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)}</li>`,
      )
      .join('\n');
    return send(
      res,
      200,
      `<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8">\n    <title>Todo Chatbot</title>\n  </head>\n  <body>\n    <main>\n      <h1>Todo Chatbot</h1>\n      <form id="add"><input name="title" placeholder="What needs doing?"><button>Add</button></form>\n      <ul id="todos">\n${items}\n      </ul>\n    </main>\n  </body>\n</html>\n`,
    );
  }
  return send(res, 404, '<!doctype html><title>404</title><h1>Not found</h1>');
}

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

async function mcp(req, res, x) {
  const { c, ns, t, faults, path, method, body, stateDir } = x;
  if (path === '/health') return send(res, 200, { status: 'ok', service: 'mcp', version: VERSION, uptimeSeconds: 42 });
  if (path === '/ready')
    return dataKey(c, ns, t, faults)
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
    else if (m.method === 'tools/call') ok(await callTool(m.params ?? {}, { stateDir, c, ns, t, faults }));
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
  const { stateDir, c, ns, t, faults } = x;
  const name = params.name;
  const a = params.arguments ?? {};
  const tool = TOOLS.find((tl) => tl.name === name);
  if (!tool) return { content: [{ type: 'text', text: `MCP error -32602: Tool ${name} not found` }], isError: true };
  const key = dataKey(c, ns, t, faults);
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
