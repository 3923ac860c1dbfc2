// Entry point of the demo MCP server: Streamable HTTP at /mcp (official SDK, on node:http),
// plus GET /health and GET /ready.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import pg from 'pg';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { loadMcpConfig } from './config.js';
import { sendJson } from '../../shared/runtime.js';
import { serve, startService } from '../../shared/service.js';
import { startDatabase } from '../../shared/todos.js';
import { buildMcpServer } from './tools.js';

const { config, log, version, startedAt } = startService('todo-mcp', 'mcp', import.meta.url, () => loadMcpConfig(process.env));
const { store, state, onStopping, onDrained } = startDatabase(pg.Pool, config.database, 'todo-mcp', log);

/**
 * Every response names the replica that answered: its hostname, which Kubernetes sets to the pod's
 * name. With the Deployment scaled out, a client (runbook 05) tells the replicas apart by it.
 */
export const SERVED_BY_HEADER = 'x-served-by';
const servedBy = hostname();

function jsonRpcError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code: -32000, message }, id: null }, headers);
}

/**
 * Stateless Streamable HTTP: every POST gets its own server and transport, so any replica can
 * answer any request (the chart scales this Deployment; no sticky sessions needed) and there is
 * no per-session memory to leak. JSON responses rather than SSE streams keep each exchange a
 * plain request/response, which is also what the smoke checks send with curl-like clients.
 */
async function handleMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    // GET would open a server-to-client SSE stream and DELETE end a session; a stateless
    // server has neither.
    return jsonRpcError(res, 405, 'Method not allowed: this stateless server accepts POST only', { allow: 'POST' });
  }
  const server = buildMcpServer(store, log, version);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
  res.setHeader(SERVED_BY_HEADER, servedBy);
  res.on('finish', () => {
    const fields = { method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) };
    if (path === '/health' || path === '/ready') log.debug('request', fields);
    else log.info('request', fields);
  });
  try {
    if (path === '/mcp') return await handleMcp(req, res);
    if (path === '/health') {
      return sendJson(res, 200, {
        status: 'ok',
        service: 'mcp',
        version,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      });
    }
    if (path === '/ready') {
      if (state.stopping) return sendJson(res, 503, { status: 'stopping' });
      try {
        await store.ping();
      } catch (err) {
        log.warn('readiness check: database unreachable', { err });
        return sendJson(res, 503, { status: 'not-ready', database: 'unreachable' });
      }
      if (!state.schemaReady) return sendJson(res, 503, { status: 'not-ready', database: 'reachable', schema: 'pending' });
      return sendJson(res, 200, { status: 'ready', database: 'ok' });
    }
    return sendJson(res, 404, { error: 'not found; the MCP endpoint is POST /mcp' });
  } catch (err) {
    log.error('unexpected error', { err, path });
    if (!res.headersSent) jsonRpcError(res, 500, 'Internal server error');
    else res.destroy();
  }
}

await serve({
  program: 'todo-mcp',
  log,
  port: config.port,
  handler: (req, res) => void handle(req, res),
  onStopping,
  onDrained,
  listening: { version, endpoint: '/mcp', database: config.database.target, logLevel: config.logLevel },
});
