// @ts-check
// The NodePorts a state wants bound, and the handshake with the NodePort daemon (server.mjs): it
// writes <state>/server.bound once its listeners match the state, and a call that changed the
// state waits for that before it exits, so that a request right after it finds the port bound
// (the daemon follows the state on its own, in real time, which a fast caller could outrun).
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseFaults, nodeIpUnreachable } from './faults.mjs';
import { listObjects } from './model.mjs';

/** @param {any} state @returns {Map<string, any>} "ip:port" → what it serves */
export function desiredBindings(state) {
  /** @type {Map<string, any>} */
  const want = new Map();
  // Where minikube would need a port-forward (docker-desktop, docker-rootless) the node's IP is not
  // reachable from the host: nothing answers on it (connections are refused).
  if (nodeIpUnreachable(parseFaults(state.lastFaults ?? []))) return want;
  for (const c of Object.values(state.clusters)) {
    const cl = /** @type {any} */ (c);
    if (cl.foreign || !cl.up) continue;
    for (const svc of listObjects(cl, 'Service')) {
      if (svc.spec.type !== 'NodePort' && svc.spec.type !== 'LoadBalancer') continue;
      for (const p of svc.spec.ports ?? []) {
        if (!p.nodePort) continue;
        const component =
          svc.spec.selector?.['app.kubernetes.io/component'] ?? svc.metadata.labels?.['app.kubernetes.io/component'] ?? 'unknown';
        want.set(`${cl.node.ip}:${p.nodePort}`, {
          cluster: cl.name,
          ns: svc.metadata.namespace,
          svc: svc.metadata.name,
          component,
          ip: cl.node.ip,
          port: p.nodePort,
        });
      }
    }
  }
  return want;
}

/** @param {string} dir @param {string[]} keys */
export function writeBound(dir, keys) {
  const tmp = join(dir, `.server.bound.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify({ pid: process.pid, dir: resolve(dir), keys: [...keys].sort() }));
    renameSync(tmp, join(dir, 'server.bound'));
  } catch {
    /* state dir gone */
  }
}

/** @param {string} dir @returns {{ pid: number, dir: string, keys: string[] } | null} */
export function readBound(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'server.bound'), 'utf8'));
  } catch {
    return null;
  }
}
