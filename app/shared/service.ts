// How each demo service starts and stops, written once: settings or a one-line exit 2, the JSON
// logger, the crash handlers, then the HTTP server with graceful shutdown on SIGTERM/SIGINT.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createLogger,
  handleCrashes,
  handleShutdown,
  listen,
  loadConfigOrExit,
  packageVersion,
  type Fields,
  type LogLevel,
  type Logger,
} from './runtime.js';
import { Metrics } from './metrics.js';

export interface ServiceStart<C> {
  config: C;
  log: Logger;
  version: string;
  startedAt: number;
}

/**
 * Reads the settings (a ConfigError exits 2 with one line), then makes the logger that masks
 * the settings' secrets and installs the last-resort crash handlers.
 * `moduleUrl` is the entry's import.meta.url: the service's package.json gives the version.
 */
export function startService<C extends { logLevel: LogLevel; secrets: string[] }>(
  program: string,
  service: string,
  moduleUrl: string,
  load: () => C,
): ServiceStart<C> {
  const config = loadConfigOrExit(program, load);
  const log = createLogger(service, config.logLevel, config.secrets);
  handleCrashes(log);
  return { config, log, version: packageVersion(moduleUrl), startedAt: Date.now() };
}

export interface ServeOptions {
  program: string;
  log: Logger;
  port: number;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Called first on SIGTERM, e.g. to make /ready answer 503. */
  onStopping?: () => void;
  /** Called once the server has drained, e.g. to close the database pool. */
  onDrained?: () => Promise<void>;
  /** Non-secret settings for the 'listening' line. */
  listening: Fields;
}

/**
 * Listens on 0.0.0.0:port (a port in use is a one-line exit 1) and logs one 'listening' line.
 * GET /metrics answers Prometheus metrics of every other request (shared/metrics.ts).
 */
export async function serve({ program, log, port, handler, onStopping, onDrained, listening }: ServeOptions): Promise<void> {
  const metrics = new Metrics(program);
  const server = createServer((req, res) => {
    if (metrics.serve(req, res)) return;
    const started = performance.now();
    const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
    res.on('finish', () => metrics.observe(req.method ?? 'GET', path, res.statusCode, performance.now() - started));
    handler(req, res);
  });
  handleShutdown({ server, log, onStopping, onDrained });
  await listen(server, port, '0.0.0.0', program);
  log.info('listening', { port, ...listening });
}
