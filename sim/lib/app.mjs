// @ts-check
// The demo app's HTTP behaviour (frontend, backend, MCP), answered from the simulated state:
// which pods are Ready, which environment they were started with, and the todos stored under
// the PostgreSQL PVC. This module routes a request to its service (app/frontend, app/backend,
// app/mcp), with the environment of a Ready pod it could have reached.
import { metricsText } from './app/metrics.mjs';
import { readState } from './state.mjs';
import { readClock } from './clock.mjs';
import { parseFaults } from './faults.mjs';
import { listObjects } from './model.mjs';
import { isReadyAt } from './cluster/lifecycle.mjs';
import { send, readBody } from './app/http.mjs';
import { frontend } from './app/frontend.mjs';
import { backend } from './app/backend.mjs';
import { mcp } from './app/mcp.mjs';

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
  if (path === '/metrics' && method === 'GET') {
    const text = metricsText(c, ns, target.component, target.pod, t, faults);
    if (text) {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
  }
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
      // its DATABASE_URL decides whether the database lets it in (cluster/db-password.mjs)
      const served = ready.find((p) => p.metadata.name === servedBy);
      const env = served?._sim.runs[served._sim.runs.length - 1]?.env?.[served.spec.containers[0].name] ?? {};
      return mcp(req, res, { stateDir, c, ns, t, faults, path, method, body, env });
    }
    default:
      return send(res, 404, { error: 'not found' });
  }
}
