// @ts-check
// The shared machine state: <stateDir>/state.json, guarded by an O_EXCL lockfile
// (<stateDir>/state.lock, stale-lock recovery) and written by atomic rename.
import { openSync, writeSync, closeSync, readFileSync, writeFileSync, renameSync, unlinkSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, platform } from 'node:os';
import { randomInt } from 'node:crypto';
import { newState } from './model.mjs';

export const STATE_VERSION = 1;

/** @param {NodeJS.ProcessEnv} [env] */
export function stateDirFromEnv(env = process.env) {
  return env.SIM_STATE_DIR || join(tmpdir(), 'todo-chatbot-sim');
}

const sab = new Int32Array(new SharedArrayBuffer(4));
const sleepSync = (ms) => Atomics.wait(sab, 0, 0, ms);

function alive(pid) {
  if (!pid) return false;
  try { process.kill(pid, 0); return true; } catch (e) { return /** @type {any} */ (e).code === 'EPERM'; }
}

/** @param {string} stateDir */
export function acquireLock(stateDir) {
  const lock = join(stateDir, 'state.lock');
  const deadline = Date.now() + 20000;
  for (let n = 0; ; n++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, `${process.pid} ${Date.now()}`);
      closeSync(fd);
      return () => { try { unlinkSync(lock); } catch { /* already gone */ } };
    } catch (e) {
      if (/** @type {any} */ (e).code === 'ENOENT') { mkdirSync(stateDir, { recursive: true }); continue; }
      if (/** @type {any} */ (e).code !== 'EEXIST') throw e;
    }
    try {
      const [pid, t] = readFileSync(lock, 'utf8').split(' ').map(Number);
      if ((!alive(pid) && Date.now() - t > 200) || Date.now() - t > 15000) {
        try { renameSync(lock, `${lock}.stale.${process.pid}.${n}`); unlinkSync(`${lock}.stale.${process.pid}.${n}`); } catch { /* raced */ }
        continue;
      }
    } catch { /* lock vanished or half-written: retry */ }
    if (Date.now() > deadline) throw new Error(`sim: could not lock ${lock} within 20 s`);
    sleepSync(2 + (n % 5));
  }
}

/** Read state without locking (safe: writers rename atomically). @param {string} stateDir */
export function readState(stateDir) {
  return JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
}

/** @param {string} stateDir @param {any} state */
function writeState(stateDir, state) {
  const tmp = join(stateDir, `.state.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, join(stateDir, 'state.json'));
}

/**
 * Create the state dir, clock and initial machine if absent (idempotent).
 * @param {string} stateDir
 * @param {{ faults: import('./faults.mjs').Faults, speed?: number }} opts
 */
export function ensureState(stateDir, opts) {
  if (existsSync(join(stateDir, 'state.json')) && existsSync(join(stateDir, 'clock.json'))) return false;
  mkdirSync(stateDir, { recursive: true });
  const release = acquireLock(stateDir);
  try {
    if (existsSync(join(stateDir, 'state.json')) && existsSync(join(stateDir, 'clock.json'))) return false;
    const speed = opts.speed && opts.speed > 0 ? opts.speed : 20;
    const now = Date.now();
    const clock = { v0: now, r0: now, speed };
    writeFileSync(join(stateDir, 'clock.json'), JSON.stringify(clock) + '\n');
    const nodeIP = platform() === 'darwin' ? '127.0.0.1' : `127.${randomInt(1, 251)}.${randomInt(1, 251)}.${randomInt(1, 251)}`;
    const state = newState({ now, nodeIP, faults: opts.faults });
    writeState(stateDir, state);
    return true;
  } finally { release(); }
}

/**
 * Run fn on the locked state; writes it back if it changed.
 * @template T
 * @param {string} stateDir
 * @param {(state: any) => T | Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withState(stateDir, fn) {
  const release = acquireLock(stateDir);
  try {
    const before = readFileSync(join(stateDir, 'state.json'), 'utf8');
    const state = JSON.parse(before);
    const result = await fn(state);
    const after = JSON.stringify(state);
    if (after !== before) writeState(stateDir, state);
    return result;
  } finally { release(); }
}
