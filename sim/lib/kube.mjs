// @ts-check
// Reaching "the cluster" from kubectl/helm: context resolution, reachability, api-flaky, reconcile.
import { Exit } from './cli.mjs';
import { reconcile } from './cluster/controllers.mjs';

const pad = (n, w = 2) => String(n).padStart(w, '0');
/** klog header like E1123 04:48:06.994143    4456 */
export function klogPrefix(ms, level = 'E') {
  const d = new Date(ms);
  return `${level}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${pad(Math.floor(Math.random() * 1000), 3)}    ${process.pid}`;
}

/** Parse kubectl --request-timeout into a display string ("32s" default). */
export function requestTimeoutText(v) {
  if (!v || v === '0') return '32s';
  if (/^\d+$/.test(v)) return `${v}s`;
  return v;
}

/**
 * @typedef {{ kind: 'ok', state: any, cluster: any, context: string, namespace: string, now: number } |
 *   { kind: 'unreachable', server: string, how: 'refused'|'timeout'|'tls' } |
 *   { kind: 'no-context', name: string } | { kind: 'flaky', variant: number, server: string }} Conn
 */

/**
 * Resolve the context and whether its API server answers (does not print).
 * @param {any} state @param {import('./cli.mjs').Ctx} ctx @param {string|undefined} ctxFlag
 * @param {{ countApi?: boolean }} [o]
 * @returns {Conn}
 */
export function connect(state, ctx, ctxFlag, o = {}) {
  const name = ctxFlag || state.kubeconfig.current;
  if (ctxFlag && !state.kubeconfig.contexts[ctxFlag]) return { kind: 'no-context', name: ctxFlag };
  if (!name) return { kind: 'unreachable', server: 'localhost:8080', how: 'refused' };
  const kc = state.kubeconfig.contexts[name];
  const server = kc.server.replace(/^https?:\/\//, '');
  const cluster = state.clusters[kc.cluster];
  if (!cluster) return { kind: 'unreachable', server, how: 'refused' };
  if (!cluster.foreign && (!cluster.up || ctx.faults.has('docker-down'))) return { kind: 'unreachable', server, how: 'refused' };
  if (o.countApi !== false && ctx.faults.has('api-flaky')) {
    state.seq.api = (state.seq.api ?? 0) + 1;
    if (state.seq.api % 3 === 0) return { kind: 'flaky', variant: Math.floor(state.seq.api / 3) % 2, server };
  }
  state.lastFaults = ctx.faults.raw;
  const now = ctx.clock.now();
  reconcile(state, cluster, now, ctx.faults);
  return { kind: 'ok', state, cluster, context: name, namespace: kc.namespace ?? 'default', now: cluster.lastReconcile };
}

/** kubectl's rendering of a failed connection; throws Exit(1). */
export function kubectlConnFail(ctx, conn, requestTimeout, { discovery = true } = {}) {
  if (conn.kind === 'no-context') {
    ctx.err(`error: context was not found for specified context: ${conn.name}\n`);
    throw new Exit(1);
  }
  if (conn.kind === 'flaky') {
    ctx.err(
      conn.variant === 0
        ? 'Error from server (ServiceUnavailable): the server is currently unable to handle the request\n'
        : 'Unable to connect to the server: net/http: TLS handshake timeout\n',
    );
    throw new Exit(1);
  }
  if (conn.kind === 'unreachable') {
    const now = ctx.clock.now();
    const scheme = conn.server.startsWith('localhost:8080') ? 'http' : 'https';
    const host = conn.server;
    const to = requestTimeoutText(requestTimeout);
    if (discovery) {
      for (let i = 0; i < 5; i++)
        ctx.err(
          `${klogPrefix(now + i * 2)} memcache.go:265] "Unhandled Error" err="couldn't get current server API group list: Get \\"${scheme}://${host}/api?timeout=${to}\\": dial tcp ${host.replace('localhost', '[::1]')}: connect: connection refused"\n`,
        );
    }
    ctx.err(`The connection to the server ${host} was refused - did you specify the right host or port?\n`);
    throw new Exit(1);
  }
}

/** helm's rendering of a failed connection; throws Exit(1). */
export function helmConnFail(ctx, conn) {
  if (conn.kind === 'no-context') {
    ctx.err(`Error: Kubernetes cluster unreachable: context "${conn.name}" does not exist\n`);
    throw new Exit(1);
  }
  if (conn.kind === 'flaky') {
    ctx.err(
      conn.variant === 0
        ? 'Error: Kubernetes cluster unreachable: the server is currently unable to handle the request\n'
        : `Error: Kubernetes cluster unreachable: Get "https://${conn.server}/version": net/http: TLS handshake timeout\n`,
    );
    throw new Exit(1);
  }
  if (conn.kind === 'unreachable') {
    const host = conn.server;
    const scheme = host.startsWith('localhost:8080') ? 'http' : 'https';
    ctx.err(
      `Error: Kubernetes cluster unreachable: Get "${scheme}://${host}/version": dial tcp ${host.replace('localhost', '[::1]')}: connect: connection refused\n`,
    );
    throw new Exit(1);
  }
}
