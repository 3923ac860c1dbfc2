// @ts-check
// Start/stop the NodePort daemon (lib/server.mjs) that answers HTTP for Services with Ready endpoints.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withState, readState } from './state.mjs';
import { desiredBindings, readBound } from './nodeports.mjs';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));

function alive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** @param {import('./cli.mjs').Ctx} ctx */
export async function startServer(ctx) {
  const s = readState(ctx.stateDir);
  if (s.server && alive(s.server.pid)) return s.server.pid;
  const log = openSync(join(ctx.stateDir, 'server.log'), 'a');
  const child = spawn(process.execPath, [SERVER, ctx.stateDir], { detached: true, stdio: ['ignore', log, log], env: { ...ctx.env } });
  closeSync(log);
  child.unref();
  await withState(ctx.stateDir, (st) => {
    st.server = { pid: child.pid, startedAt: ctx.clock.now() };
  });
  return child.pid;
}

/** @param {import('./cli.mjs').Ctx} ctx */
export async function stopServer(ctx) {
  const pid = await withState(ctx.stateDir, (st) => {
    const p = st.server?.pid;
    st.server = null;
    return p;
  });
  if (pid && alive(pid)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
}

/**
 * Restart the daemon if a profile is Running and the daemon is gone; then wait (a few real
 * seconds at most) until it has bound exactly the NodePorts the state wants, so that whoever
 * called this tool can reach them as soon as it returns.
 * @param {import('./cli.mjs').Ctx} ctx
 */
export async function ensureServer(ctx) {
  let s = readState(ctx.stateDir);
  if (!(s.server && alive(s.server.pid))) {
    if (!Object.values(s.minikube.profiles).some((p) => /** @type {any} */ (p).status === 'Running')) return;
    await startServer(ctx);
    s = readState(ctx.stateDir);
  }
  const want = [...desiredBindings(s).keys()].sort().join(',');
  const deadline = Date.now() + 5000;
  for (;;) {
    const bound = readBound(ctx.stateDir);
    // a copied state dir names the daemon of the one it was copied from, which serves that one
    if (bound && bound.dir !== resolve(ctx.stateDir)) return;
    if (bound && bound.pid === s.server?.pid && bound.keys.join(',') === want) return;
    if (Date.now() > deadline) return; // a port another process holds: the daemon logs it
    await new Promise((r) => setTimeout(r, 10));
  }
}
