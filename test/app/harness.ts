// Starts the real demo services (app/backend, app/mcp, app/frontend) as processes, against an
// embedded PostgreSQL (PGlite behind @electric-sql/pglite-socket), on free ports. Used by the
// app lane, by the docker lane (for its database) and by the runbooks' smoke checks:
//
//   const stack = await startDemoStack();
//   await fetch(`${stack.frontendUrl}/api/todos`);
//   await stack.stop();
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export type ServiceName = 'backend' | 'mcp' | 'frontend';

/** A port nothing listens on right now (the OS picks it; a tiny race is accepted). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface EmbeddedPostgres {
  host: string;
  port: number;
  /** A postgres:// URL for the services. PGlite accepts any user and password; tests use a
   *  distinctive password so they can prove it never reaches a log line. */
  databaseUrl(password?: string): string;
  stop(): Promise<void>;
}

/** The installed PGlite's version (its package.json is not in its exports map). */
function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === '@electric-sql/pglite') return pkg.version ?? 'unknown';
  }
  return 'unknown';
}

/**
 * A fresh PGlite database. initdb is most of PGlite's start-up time (seconds), so the first
 * call in a machine's temp folder dumps a just-initialised data directory there, and later
 * calls (other test files are other processes) start from a copy of that dump. Each call still
 * gets its own empty database.
 */
async function freshPglite(): Promise<PGlite> {
  const template = join(tmpdir(), `todo-pglite-initdb-${pgliteVersion()}.tar`);
  if (existsSync(template)) {
    try {
      return await PGlite.create({ loadDataDir: new Blob([readFileSync(template)]) });
    } catch {
      rmSync(template, { force: true }); // unreadable: fall back to initdb and rewrite it
    }
  }
  const db = await PGlite.create();
  try {
    const dump = await db.dumpDataDir('none');
    const partial = `${template}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, template); // atomic: concurrent test processes never read half a file
  } catch {
    // Only a cache: without it every start runs initdb.
  }
  return db;
}

/** PGlite (PostgreSQL compiled to WebAssembly) served over the PostgreSQL wire protocol. */
export async function startEmbeddedPostgres(options: { host?: string; port?: number } = {}): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  const db = await freshPglite();
  // PGlite is one connection; the socket server multiplexes client connections onto it query by query.
  const server = new PGLiteSocketServer({ db, host, port: options.port ?? 0, maxConnections: 64 });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  let stopped = false;
  return {
    host,
    port,
    databaseUrl: (password = 'embedded-pg-password') => `postgres://todo:${encodeURIComponent(password)}@${host}:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}

export interface ServiceProcess {
  name: ServiceName;
  url: string;
  child: ChildProcess;
  /** Everything the process wrote so far: stdout (JSON log lines) and stderr. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal (default SIGTERM) and waits for the exit; SIGKILL after timeoutMs. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The environment a service gets: only what is given, plus what node itself needs. */
function serviceEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT']) if (process.env[key]) base[key] = process.env[key];
  return { ...base, ...env };
}

/** Spawns `node --import tsx app/<name>/src/server.ts` without waiting for it. */
export function spawnService(name: ServiceName, env: Record<string, string>, port = Number(env.PORT)): ServiceProcess {
  const entry = fileURLToPath(new URL(`../../app/${name}/src/server.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: repoRoot,
    env: serviceEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  return { name, url: `http://127.0.0.1:${port}`, child, stdout: () => out, stderr: () => err, exited, stop };
}

/** Polls url until it answers 200; fails early if the process exits, or at the deadline. */
export async function waitForHttp(url: string, service?: ServiceProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void service?.exited.then(() => (exited = true));
  let last = '';
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`${service!.name} exited before ${url} answered:\n${service!.stderr()}${service!.stdout()}`.trim());
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        await res.body?.cancel();
        return;
      }
      last = `HTTP ${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/** Spawns a service on a free port and waits until `readyPath` answers 200. */
export async function startService(
  name: ServiceName,
  env: Record<string, string>,
  readyPath = name === 'frontend' ? '/healthz' : '/ready',
): Promise<ServiceProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const service = spawnService(name, { ...env, PORT: String(port) }, port);
  try {
    await waitForHttp(`${service.url}${readyPath}`, service);
  } catch (err) {
    await service.stop('SIGKILL');
    throw err;
  }
  return service;
}

export interface DemoStack {
  frontendUrl: string;
  backendUrl: string;
  /** The MCP endpoint itself (…/mcp), ready for StreamableHTTPClientTransport. */
  mcpUrl: string;
  databaseUrl: string;
  services: Record<ServiceName, ServiceProcess>;
  stop(): Promise<void>;
}

export interface DemoStackOptions {
  /** Extra settings per service, e.g. { backend: { LOG_LEVEL: 'debug' } }. */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** The database password in DATABASE_URL (PGlite ignores it). */
  databasePassword?: string;
}

/**
 * The three real services against PGlite on free ports, each answering its readiness check.
 * stop() sends SIGTERM to each (SIGKILL after 10 s), then stops the database; it is safe to
 * call twice.
 */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const pg = await startEmbeddedPostgres();
  const databaseUrl = pg.databaseUrl(options.databasePassword);
  const started: ServiceProcess[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((s) => s.stop()));
    await pg.stop();
  };
  try {
    const results = await Promise.allSettled([
      startService('backend', { DATABASE_URL: databaseUrl, ...options.env?.backend }),
      startService('mcp', { DATABASE_URL: databaseUrl, ...options.env?.mcp }),
    ]);
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [backend, mcp] = started as [ServiceProcess, ServiceProcess];
    const frontend = await startService('frontend', { BACKEND_URL: backend.url, ...options.env?.frontend });
    started.push(frontend);
    let stopped: Promise<void> | undefined;
    return {
      frontendUrl: frontend.url,
      backendUrl: backend.url,
      mcpUrl: `${mcp.url}/mcp`,
      databaseUrl,
      services: { backend, mcp, frontend },
      stop: () => (stopped ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
