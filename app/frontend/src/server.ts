// Entry point of the demo frontend: the todo page (static files), /api/* proxied to the
// backend Service, and GET /healthz. node:http only, no runtime dependencies.
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFrontendConfig } from './config.js';
import { sendJson } from '../../shared/runtime.js';
import { serve, startService } from '../../shared/service.js';

const { config, log, version } = startService('todo-frontend', 'frontend', import.meta.url, () => loadFrontendConfig(process.env));
const PROXY_TIMEOUT_MS = 15_000;

// ------------------------------------------------------------------------------ static files

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The page's few files, read once at start. Serving from this map (rather than joining the
 *  request path onto a folder) leaves no path to traverse. */
function loadStatic(): Map<string, { body: Buffer; type: string }> {
  const dir = fileURLToPath(new URL('../public/', import.meta.url));
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) files.set(`/${name}`, { body: readFileSync(dir + name), type });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}
const staticFiles = loadStatic();

function serveStatic(req: IncomingMessage, res: ServerResponse, path: string): void {
  const file = staticFiles.get(path);
  if (!file) {
    sendJson(res, 404, { error: 'not found' });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(res, 405, { error: 'method not allowed; use GET' }, { allow: 'GET, HEAD' });
    return;
  }
  res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
  res.end(file.body);
}

// ------------------------------------------------------------------------------------ proxy

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Headers minus hop-by-hop ones, including any the Connection header names. */
function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .toLowerCase()
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(key) && !named.has(key)) out[key] = value;
  }
  return out;
}

const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 64 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }) };

function proxy(req: IncomingMessage, res: ServerResponse, path: string): void {
  const backend = config.backendUrl;
  const target = new URL(backend.pathname.replace(/\/$/, '') + (req.url ?? '/'), backend.origin);
  const headers = endToEnd(req.headers);
  headers.host = target.host;
  const forwardedFor = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = [forwardedFor, req.socket.remoteAddress].filter(Boolean).join(', ');
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  headers['x-forwarded-proto'] = 'http';

  const secure = target.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const upstream = send(
    target,
    { method: req.method, headers, agent: secure ? agents.https : agents.http, timeout: PROXY_TIMEOUT_MS },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(res);
    },
  );
  upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('backend did not answer in time'), { code: 'ETIMEDOUT' })));
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    log.warn('backend request failed', { path, err, backend: backend.origin });
    if (res.headersSent) return void res.destroy();
    const timedOut = err.code === 'ETIMEDOUT';
    sendJson(res, timedOut ? 504 : 502, { error: timedOut ? 'backend timed out' : 'backend unavailable' });
  });
  // The browser went away: stop the backend request too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

// ----------------------------------------------------------------------------------- server

function handle(req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
  res.on('finish', () => {
    const fields = { method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) };
    if (path === '/healthz') log.debug('request', fields);
    else log.info('request', fields);
  });
  if (path === '/healthz') sendJson(res, 200, { status: 'ok', service: 'frontend', version });
  else if (path === '/api' || path.startsWith('/api/')) proxy(req, res, path);
  else serveStatic(req, res, path);
}

await serve({
  program: 'todo-frontend',
  log,
  port: config.port,
  handler: handle,
  onDrained: async () => {
    agents.http.destroy();
    agents.https.destroy();
  },
  listening: {
    version,
    backendUrl: config.backendUrl.origin + config.backendUrl.pathname.replace(/\/$/, ''),
    publicApiUrl: config.publicApiUrl?.href,
    publicAppUrl: config.publicAppUrl?.href,
    betterAuthUrl: config.betterAuthUrl?.href,
    betterAuthSecretConfigured: Boolean(config.betterAuthSecret),
    logLevel: config.logLevel,
  },
});
