// The small runtime the three demo services share: settings from the environment, JSON logs
// that never carry a secret, JSON over node:http, and graceful shutdown.
//
// One copy for the three services (app/shared): each image's build context is app/ and each
// Dockerfile copies its own service folder and this one (docs/demo-app.md, "One shared copy").
// It imports node: modules only, so it compiles and runs from any folder without node_modules.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';

export type Env = Record<string, string | undefined>;

/** A missing or malformed setting. The message is shown to the operator as one line, so it
 *  names the setting and the expected form, and never repeats the value (it may be a secret). */
export class ConfigError extends Error {}

// ---------------------------------------------------------------------------------- settings

/** The trimmed value, or undefined when unset or blank (Helm renders unset values as ""). */
export function optionalSetting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function requiredSetting(env: Env, name: string, example: string): string {
  const value = optionalSetting(env, name);
  if (value === undefined) throw new ConfigError(`${name} is required (e.g. ${example})`);
  return value;
}

export function parsePort(raw: string, name: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw new ConfigError(`${name} must be a TCP port between 1 and 65535 (got "${raw}")`);
  }
  return Number(raw);
}

export function portSetting(env: Env, name: string, fallback: number): number {
  const raw = optionalSetting(env, name);
  return raw === undefined ? fallback : parsePort(raw, name);
}

export function positiveIntSetting(env: Env, name: string, fallback: number): number {
  const raw = optionalSetting(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new ConfigError(`${name} must be a positive whole number (got "${raw}")`);
  }
  return Number(raw);
}

/** An http(s) URL setting such as BACKEND_URL. URLs of this kind are public, so they may be
 *  logged; credentials inside them are refused rather than risked in a log line. */
export function httpUrlSetting(env: Env, name: string, example: string, required: true): URL;
export function httpUrlSetting(env: Env, name: string, example: string, required?: false): URL | undefined;
export function httpUrlSetting(env: Env, name: string, example: string, required = false): URL | undefined {
  const raw = required ? requiredSetting(env, name, example) : optionalSetting(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL (expected e.g. ${example})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http:// or https:// URL (e.g. ${example})`);
  }
  if (url.username || url.password) {
    throw new ConfigError(`${name} must not contain a user name or password`);
  }
  return url;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** LOG_LEVEL, case-insensitive; Python's spellings (WARNING, CRITICAL) are accepted too, since
 *  one chart may configure this demo and a user's FastAPI backend alike. */
export function logLevelSetting(env: Env): LogLevel {
  const raw = optionalSetting(env, 'LOG_LEVEL');
  if (raw === undefined) return 'info';
  const aliases: Record<string, LogLevel> = {
    debug: 'debug',
    info: 'info',
    warn: 'warn',
    warning: 'warn',
    error: 'error',
    critical: 'error',
    fatal: 'error',
  };
  const level = aliases[raw.toLowerCase()];
  if (!level) throw new ConfigError(`LOG_LEVEL must be one of debug, info, warn, error (got "${raw}")`);
  return level;
}

// ----------------------------------------------------------------------------------- logging

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

/** Errors become {name, message, code}: enough to act on, no stack in the log stream. */
function plain(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  return value;
}

/**
 * One JSON object per line: {time, level, service, msg, ...fields}.
 *
 * The services never pass a secret to the logger; `secrets` is the second line of defence:
 * any registered value (and its JSON-escaped form) that still shows up in a line is replaced by
 * "***". Values shorter than 6 characters are not registered, so that a password like "todo"
 * does not blank out every mention of the word.
 */
export function createLogger(
  service: string,
  level: LogLevel,
  secrets: Array<string | undefined> = [],
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 6) continue;
    needles.add(secret);
    needles.add(JSON.stringify(secret).slice(1, -1));
  }
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  const emit = (at: LogLevel, msg: string, fields: Fields = {}) => {
    if (LEVELS[at] < LEVELS[level]) return;
    const entry: Fields = { time: new Date().toISOString(), level: at, service, msg };
    for (const [key, value] of Object.entries(fields)) entry[key] = plain(value);
    let line = JSON.stringify(entry);
    for (const needle of sorted) line = line.split(needle).join('***');
    write(line + '\n');
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

/** Reads settings; on a ConfigError prints one line to stderr and exits 2 (no stack trace). */
export function loadConfigOrExit<T>(program: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${program}: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/**
 * The version in the service's package.json: the first package.json with a name above the
 * module, so it is found from src/ (tsx) and from dist/ (the image) alike. app/shared has a
 * nameless package.json of its own (it only marks its files as ES modules).
 */
export function packageVersion(moduleUrl: string): string {
  for (let dir = new URL('./', moduleUrl); ; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name) return pkg.version ?? '0.0.0';
    } catch {
      // no package.json here: look one folder up
    }
    if (dir.pathname === '/') return '0.0.0';
  }
}

// -------------------------------------------------------------------------------------- HTTP

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = status === 204 ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(status === 204 ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

/** Reads and parses a JSON request body of at most `limit` bytes. */
export async function readJsonBody(req: IncomingMessage, limit = 64 * 1024): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `request body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'request body must be a JSON object');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

/** Starts listening; a port already in use is a one-line fatal error, not a stack trace. */
export function listen(server: Server, port: number, host: string, program: string): Promise<void> {
  return new Promise((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      process.stderr.write(`${program}: cannot listen on ${host}:${port}: ${err.code ?? err.message}\n`);
      process.exit(1);
    });
    server.listen(port, host, () => resolve());
  });
}

// --------------------------------------------------------------------------------- lifecycle

export interface ShutdownOptions {
  server: Server;
  log: Logger;
  /** Called first, e.g. to make /ready answer 503 so no new traffic is routed here. */
  onStopping?: () => void;
  /** Called once the server has drained, e.g. to close the database pool. */
  onDrained?: () => Promise<void>;
  /** In-flight requests get this long before their connections are closed. */
  timeoutMs?: number;
}

/**
 * SIGTERM (Kubernetes, `docker stop`) or SIGINT: stop accepting connections, let in-flight
 * requests finish (up to timeoutMs, well inside Kubernetes' default 30 s grace period), release
 * resources, exit 0. Node does not install default signal handlers for PID 1, so these
 * handlers are also what makes the process stoppable inside a container.
 */
export function handleShutdown({ server, log, onStopping, onDrained, timeoutMs = 10_000 }: ShutdownOptions): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    onStopping?.();
    const deadline = setTimeout(() => {
      log.warn('shutdown deadline reached; closing open connections', { timeoutMs });
      server.closeAllConnections();
    }, timeoutMs);
    deadline.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive connections with no request in flight would otherwise hold close() open.
      server.closeIdleConnections();
    });
    clearTimeout(deadline);
    try {
      await onDrained?.();
    } catch (err) {
      log.warn('error while releasing resources', { err });
    }
    log.info('stopped');
    // Let stdout drain instead of process.exit(), which can drop the last lines on a pipe;
    // the unref'd timer only fires if something unexpected keeps the event loop alive.
    process.exitCode = 0;
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/** Last-resort handlers: log one structured line and exit 1 rather than dump a stack. */
export function handleCrashes(log: Logger): void {
  process.on('uncaughtException', (err) => {
    log.error('uncaught exception', { err });
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    log.error('unhandled promise rejection', { err: reason });
    process.exit(1);
  });
}
