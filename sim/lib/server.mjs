// @ts-check
// The NodePort daemon: binds every NodePort of every Running simulated cluster on the node IP and
// answers like the demo app while the Service has Ready endpoints; otherwise the connection is
// reset (a NodePort without endpoints). Started by `minikube start`, stopped by stop/delete; exits
// by itself when its state dir disappears, when another daemon replaced it, or after 10 idle minutes.
import { createServer as createNet } from 'node:net';
import { createServer as createHttp } from 'node:http';
import { existsSync, statSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { readState } from './state.mjs';
import { readClock } from './clock.mjs';
import { parseFaults } from './faults.mjs';
import { listObjects } from './model.mjs';
import { desiredBindings, writeBound } from './nodeports.mjs';
import { endpointsFor } from './cluster/views.mjs';
import { handle } from './app.mjs';

const dir = process.argv[2];
const log = (s) => {
  try {
    appendFileSync(join(dir, 'server.log'), `${new Date().toISOString()} ${s}\n`);
  } catch {
    /* gone */
  }
};
/** @type {Map<string, { server: import('node:net').Server, target: any }>} */
const listeners = new Map();
let lastActivity = Date.now();
let lastMtime = 0;

const http = createHttp((req, res) => {
  lastActivity = Date.now();
  const key = `${req.socket.localAddress}:${req.socket.localPort}`;
  const l = listeners.get(key);
  if (!l) {
    res.destroy();
    return;
  }
  handle(req, res, { stateDir: dir, ...l.target }).catch((e) => {
    log(`error ${e.stack}`);
    if (!res.headersSent) {
      res.writeHead(500);
      res.end();
    } else res.destroy();
  });
});
http.keepAliveTimeout = 2000;

function sync() {
  if (!existsSync(join(dir, 'state.json'))) {
    log('state dir gone; exiting');
    process.exit(0);
  }
  const m = statSync(join(dir, 'state.json')).mtimeMs;
  if (m === lastMtime) return;
  lastMtime = m;
  lastActivity = Date.now();
  let state;
  try {
    state = readState(dir);
  } catch {
    return;
  }
  if (state.server && state.server.pid !== process.pid) {
    log('replaced by another daemon; exiting');
    process.exit(0);
  }
  const want = desiredBindings(state);
  let pending = 0;
  // Tell the calls waiting in ensureServer what is bound once every listen has settled.
  const settled = () => {
    if (pending === 0) writeBound(dir, [...listeners.keys()]);
  };
  for (const [key, l] of listeners)
    if (!want.has(key)) {
      l.server.close();
      listeners.delete(key);
      log(`unbound ${key}`);
    }
  for (const [key, target] of want) {
    if (listeners.has(key)) {
      /** @type {any} */ (listeners.get(key)).target = target;
      continue;
    }
    const server = createNet((sock) => {
      lastActivity = Date.now();
      const l = listeners.get(key);
      let ok = false;
      try {
        const st = readState(dir);
        const c = st.clusters[l?.target.cluster];
        const svc = c && listObjects(c, 'Service', l.target.ns).find((s) => s.metadata.name === l.target.svc);
        ok = !!(svc && c.up && endpointsFor(c, svc, readClock(dir).now(), parseFaults(st.lastFaults ?? [])).ready.length);
      } catch (e) {
        log(`check failed ${/** @type {Error} */ (e).message}`);
      }
      if (!ok) {
        sock.resetAndDestroy();
        return;
      }
      http.emit('connection', sock);
    });
    pending++;
    server.on('error', (e) => {
      log(`bind ${key} failed: ${e.message}`);
      listeners.delete(key);
      pending--;
      settled();
    });
    server.listen(target.port, target.ip, () => {
      log(`bound ${key} -> ${target.ns}/${target.svc}`);
      pending--;
      settled();
    });
    listeners.set(key, { server, target });
  }
  settled();
}

setInterval(() => {
  try {
    sync();
  } catch (e) {
    log(`sync error ${/** @type {Error} */ (e).stack}`);
  }
  if (Date.now() - lastActivity > 600_000) {
    log('idle; exiting');
    process.exit(0);
  }
}, 150);
sync();
process.on('SIGTERM', () => {
  log('SIGTERM');
  process.exit(0);
});
log(`started pid ${process.pid}`);
