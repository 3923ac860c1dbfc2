// @ts-check
// Where a machine's call server (sim/lib/simd.mjs) listens, and starting it. The fast client
// (sim/client) computes the same socket path from SIM_STATE_DIR; a call that finds no server runs
// as a Node process of its own and then starts one here, for the calls after it.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { daemonSocketPath } from './machine-daemon.mjs';
import { fileURLToPath } from 'node:url';

const SIMD = fileURLToPath(new URL('./simd.mjs', import.meta.url));

/** @param {string} dir */
export function callSocketPath(dir) {
  return daemonSocketPath(dir, 'call');
}

/** @param {string} path @returns {Promise<boolean>} */
export function answers(path) {
  return new Promise((done) => {
    const sock = connect(path);
    sock.once('connect', () => {
      sock.destroy();
      done(true);
    });
    sock.once('error', () => done(false));
  });
}

/**
 * Starts the machine's call server unless one answers. Its environment is the calling one (minus
 * the fallback marker) and its working folder the call's: it serves only calls made from there.
 * @param {string} stateDir @param {NodeJS.ProcessEnv} env @param {string} cwd
 */
export async function ensureCallServer(stateDir, env, cwd) {
  if (await answers(callSocketPath(stateDir))) return;
  const { SIM_CLIENT_FALLBACK: _marker, ...rest } = env;
  const child = spawn(process.execPath, [SIMD, resolve(stateDir)], { detached: true, stdio: 'ignore', cwd, env: rest });
  child.unref();
}
