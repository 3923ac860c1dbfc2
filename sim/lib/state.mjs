// @ts-check
// The shared machine state: <stateDir>/state.json, guarded by an O_EXCL lockfile
// (<stateDir>/state.lock, lock.mjs) and written by atomic rename.
import { readFileSync, writeFileSync, renameSync, mkdirSync, existsSync } from 'node:fs';
import { acquireLock } from './lock.mjs';
import { writeClockFile } from './clock.mjs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { reserveBlock } from './addresses.mjs';
import { newState } from './model.mjs';

export const STATE_VERSION = 1;
/** How fast virtual time flows while nobody takes part in the clock (see clockd.mjs). */
export const DEFAULT_SPEED = 20;

/** @param {NodeJS.ProcessEnv} [env] */
export function stateDirFromEnv(env = process.env) {
  return env.SIM_STATE_DIR || join(tmpdir(), 'todo-chatbot-sim');
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
  const exists = () => existsSync(join(stateDir, 'state.json')) && existsSync(join(stateDir, 'clock.json'));
  if (exists()) return false;
  mkdirSync(stateDir, { recursive: true });
  const release = acquireLock(stateDir);
  try {
    if (exists()) return false;
    const speed = opts.speed !== undefined && opts.speed >= 0 ? opts.speed : DEFAULT_SPEED;
    const now = Date.now();
    writeClockFile(stateDir, { v: now, r: now, rate: speed, speed });
    const block = reserveBlock(stateDir);
    const state = newState({ now, nodeIP: block ? `${block}.1` : '127.0.0.1', faults: opts.faults });
    writeState(stateDir, state);
    return true;
  } finally {
    release();
  }
}

/**
 * Run fn on the locked state; writes it back if it changed.
 * @template T
 * @param {string} stateDir
 * @param {(state: any) => T | Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withState(stateDir, fn) {
  // Calls served by one process (sim/lib/simd.mjs) queue here first: the file lock below waits
  // synchronously, which would stall the holder itself if it were another call of this process.
  const previous = inProcess.get(stateDir) ?? Promise.resolve();
  /** @type {() => void} */
  let done = () => {};
  const mine = new Promise((/** @type {(v?: unknown) => void} */ r) => (done = r));
  const tail = previous.then(() => mine);
  inProcess.set(stateDir, tail);
  await previous;
  let release = () => {};
  try {
    release = acquireLock(stateDir);
    const before = readFileSync(join(stateDir, 'state.json'), 'utf8');
    const state = JSON.parse(before);
    const result = await fn(state);
    const after = JSON.stringify(state);
    if (after !== before) writeState(stateDir, state);
    return result;
  } finally {
    release();
    if (inProcess.get(stateDir) === tail) inProcess.delete(stateDir);
    done();
  }
}

/** The tail of each state dir's queue of withState sections in this process. @type {Map<string, Promise<unknown>>} */
const inProcess = new Map();
