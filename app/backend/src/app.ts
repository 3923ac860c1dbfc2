// The backend's HTTP API: health, readiness, and CRUD on /api/todos.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BackendConfig } from './config.js';
import { HttpError, readJsonBody, sendJson, type Logger } from '../../shared/runtime.js';
import { checkTitle, type TodoStore } from '../../shared/todos.js';

export interface BackendState {
  /** The schema exists (the start-up check reached the database at least once). */
  schemaReady: boolean;
  /** SIGTERM received: report not ready so Kubernetes stops routing here. */
  stopping: boolean;
}

export interface BackendDeps {
  config: BackendConfig;
  log: Logger;
  store: TodoStore;
  state: BackendState;
  version: string;
  startedAt: number;
}

const READY_TIMEOUT_MS = 2_000;

/** Runs a store call; a failure there is the database's, so it becomes a 503, logged once. */
async function db<T>(log: Logger, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code?.startsWith('23')) throw new HttpError(400, 'the change violates a database constraint');
    log.error('database call failed', { op: what, err });
    throw new HttpError(503, 'database unavailable');
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function parseId(raw: string): number {
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > 2_147_483_647) {
    throw new HttpError(400, 'todo id must be a positive integer');
  }
  return Number(raw);
}

function methodNotAllowed(res: ServerResponse, allow: string[]): void {
  sendJson(res, 405, { error: `method not allowed; use ${allow.join(', ')}` }, { allow: allow.join(', ') });
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function title(value: unknown): string {
  const checked = checkTitle(value);
  if (typeof checked !== 'string') throw new HttpError(400, checked.error);
  return checked;
}

/** Sets CORS headers for allowed origins; returns true when the request was a preflight. */
function cors(req: IncomingMessage, res: ServerResponse, allowed: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin || allowed.length === 0) return false;
  if (!allowed.includes('*') && !allowed.includes(origin)) return false;
  res.setHeader('access-control-allow-origin', allowed.includes('*') ? '*' : origin);
  res.setHeader('vary', 'Origin');
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, PATCH, DELETE, OPTIONS',
    'access-control-allow-headers': 'content-type, authorization',
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}

export function createBackendHandler(deps: BackendDeps) {
  const { config, log, store, state } = deps;

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    const read = method === 'GET' || method === 'HEAD';

    if (path === '/health') {
      if (!read) return methodNotAllowed(res, ['GET', 'HEAD']);
      return sendJson(res, 200, {
        status: 'ok',
        service: 'backend',
        version: deps.version,
        uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
      });
    }

    if (path === '/ready') {
      if (!read) return methodNotAllowed(res, ['GET', 'HEAD']);
      if (state.stopping) return sendJson(res, 503, { status: 'stopping', database: 'unknown' });
      const started = performance.now();
      try {
        await withTimeout(store.ping(), READY_TIMEOUT_MS);
      } catch (err) {
        log.warn('readiness check: database unreachable', { err });
        return sendJson(res, 503, { status: 'not-ready', database: 'unreachable' });
      }
      const latencyMs = Math.round((performance.now() - started) * 10) / 10;
      if (!state.schemaReady) return sendJson(res, 503, { status: 'not-ready', database: 'reachable', schema: 'pending' });
      return sendJson(res, 200, { status: 'ready', database: 'ok', latencyMs });
    }

    if (path === '/api/info') {
      if (!read) return methodNotAllowed(res, ['GET', 'HEAD']);
      // Non-secret settings only, so an operator (or runbook 05) can see which values a pod runs with.
      return sendJson(res, 200, {
        service: 'backend',
        version: deps.version,
        logLevel: config.logLevel,
        maxConversationHistory: config.maxConversationHistory,
        corsOrigins: config.corsOrigins,
        mcpServerUrl: config.mcpServerUrl?.href ?? null,
        openaiApiKeyConfigured: Boolean(config.openaiApiKey),
        betterAuthSecretConfigured: Boolean(config.betterAuthSecret),
        database: { host: config.database.target.host, port: config.database.target.port, name: config.database.target.database },
      });
    }

    if (path === '/api/todos') {
      if (read) return sendJson(res, 200, await db(log, 'list', () => store.list()));
      if (method === 'POST') {
        const newTitle = title(asObject(await readJsonBody(req)).title);
        const created = await db(log, 'create', () => store.create(newTitle));
        return sendJson(res, 201, created, { location: `/api/todos/${created.id}` });
      }
      return methodNotAllowed(res, ['GET', 'HEAD', 'POST']);
    }

    const match = /^\/api\/todos\/([^/]+)$/.exec(path);
    if (match) {
      const id = parseId(match[1]!);
      if (read) {
        const todo = await db(log, 'get', () => store.get(id));
        return todo ? sendJson(res, 200, todo) : sendJson(res, 404, { error: `todo ${id} not found` });
      }
      if (method === 'PATCH') {
        const body = asObject(await readJsonBody(req));
        const patch: { title?: string; completed?: boolean } = {};
        if (body.title !== undefined) patch.title = title(body.title);
        if (body.completed !== undefined) {
          if (typeof body.completed !== 'boolean') throw new HttpError(400, 'completed must be true or false');
          patch.completed = body.completed;
        }
        if (patch.title === undefined && patch.completed === undefined) {
          throw new HttpError(400, 'nothing to change: send title and/or completed');
        }
        const todo = await db(log, 'update', () => store.update(id, patch));
        return todo ? sendJson(res, 200, todo) : sendJson(res, 404, { error: `todo ${id} not found` });
      }
      if (method === 'DELETE') {
        const todo = await db(log, 'delete', () => store.remove(id));
        return todo ? sendJson(res, 204, null) : sendJson(res, 404, { error: `todo ${id} not found` });
      }
      return methodNotAllowed(res, ['GET', 'HEAD', 'PATCH', 'DELETE']);
    }

    return sendJson(res, 404, { error: 'not found' });
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    // The query string is neither routed on nor logged: it is where tokens tend to end up.
    const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
    res.on('finish', () => {
      const fields = { method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) };
      if (path === '/health' || path === '/ready') log.debug('request', fields);
      else log.info('request', fields);
    });
    try {
      if (cors(req, res, config.corsOrigins)) return;
      await route(req, res, path);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
      } else if (err instanceof HttpError) {
        sendJson(res, err.status, { error: err.message });
      } else {
        log.error('unexpected error', { err, path });
        sendJson(res, 500, { error: 'internal error' });
      }
    }
  };
}
