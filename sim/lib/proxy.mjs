// @ts-check
// kubectl proxy: serves the API server on 127.0.0.1:<port> until killed. Modelled: the API server's
// proxy to a Service, /api/v1/namespaces/<ns>/services/[<scheme>:]<name>[:<port>]/proxy/<path>,
// which sends each request to a RANDOM Ready address of the Service's endpoints
// (REST.ResourceLocation in kubernetes pkg/registry/core/service/storage/storage.go: a numeric port
// becomes the service port's name; "no service port %d found for service %q" and "no endpoints
// available for service %q" are 503 ServiceUnavailable). kubectl's own side is
// k8s.io/kubectl pkg/cmd/proxy/proxy.go: --port=0 picks a free port, and it prints
// "Starting to serve on <addr>". Any other API path answers 501: not modelled.
import { createServer } from 'node:http';
import { readState } from './state.mjs';
import { readClock } from './clock.mjs';
import { parseFaults } from './faults.mjs';
import { getObject } from './model.mjs';
import { endpointsFor } from './cluster/views.mjs';
import { handle } from './app.mjs';
import { withCluster } from './tools/kubectl/with-cluster.mjs';

const SERVICE_PROXY = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/;

/** A metav1.Status, as the API server answers a failed request. */
function status(res, code, reason, message) {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Which pod of the Service answers this request, or why none can. */
function pickEndpoint(c, ns, id, t, faults) {
  const parts = id.split(':');
  // [scheme:]name[:port] (utilnet.SplitSchemeNamePort): a first part of http/https is the scheme
  if (parts.length > 1 && (parts[0] === 'http' || parts[0] === 'https')) parts.shift();
  const [name, portStr = ''] = parts;
  const svc = getObject(c, 'Service', ns, name);
  if (!svc) return { code: 404, reason: 'NotFound', message: `services "${name}" not found` };
  const ports = svc.spec.ports ?? [];
  if (/^\d+$/.test(portStr) && !ports.some((p) => p.port === Number(portStr)))
    return { code: 503, reason: 'ServiceUnavailable', message: `no service port ${portStr} found for service "${name}"` };
  const ready = endpointsFor(c, svc, t, faults).ready;
  if (!ready.length) return { code: 503, reason: 'ServiceUnavailable', message: `no endpoints available for service "${name}"` };
  return { pod: ready[Math.floor(Math.random() * ready.length)] };
}

export async function kubectlProxy(K) {
  const { ctx, p } = K;
  // Real kubectl proxy sends no request before "Starting to serve" (RunProxy only builds its REST
  // config and listens), so an API server that fails some requests (api-flaky) cannot stop it
  // starting: the cluster is resolved here without counting an API round trip.
  const target = await withCluster(K, (c, _state, ns) => ({ cluster: c.name, ns }), { countApi: false });
  const address = p.flags.address || '127.0.0.1';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = SERVICE_PROXY.exec(url.pathname);
    const state = readState(ctx.stateDir);
    const c = state.clusters[target.cluster];
    if (!c || !c.up) {
      res.writeHead(502).end(`Error while proxying request: dial tcp: connect: connection refused\n`);
      return;
    }
    if (!m) return status(res, 501, 'NotImplemented', `sim: kubectl proxy of ${url.pathname} is not implemented by the simulated kubectl`);
    const faults = parseFaults(state.lastFaults ?? []);
    const picked = pickEndpoint(c, m[1], decodeURIComponent(m[2]), readClock(ctx.stateDir).now(), faults);
    if (!picked.pod) return status(res, picked.code, picked.reason, picked.message);
    req.url = `${m[3] ?? '/'}${url.search}`;
    handle(req, res, {
      stateDir: ctx.stateDir,
      cluster: target.cluster,
      ns: m[1],
      component: picked.pod._sim.component,
      pod: picked.pod.metadata.name,
    }).catch(() => res.destroy());
  });
  const port = await new Promise((resolve) => {
    server.once('error', () => resolve(-1));
    server.listen(p.flags.port, address, () => resolve(/** @type {any} */ (server.address()).port));
  });
  if (port < 0) {
    ctx.err(`error: listen tcp ${address}:${p.flags.port}: bind: address already in use\n`);
    return 1;
  }
  ctx.out(`Starting to serve on ${address}:${port}\n`);
  // serve until killed; a server does not hold the clock still
  ctx.clock.passive();
  return await new Promise((resolve) => {
    const onSig = (sig) => {
      const code = sig === 'SIGINT' ? 130 : 143;
      ctx.record(code);
      server.close();
      server.closeAllConnections(); // as the process's exit would (a call server outlives the call)
      resolve(code);
      ctx.exitNow(code);
    };
    ctx.onSignal(onSig);
  });
}
