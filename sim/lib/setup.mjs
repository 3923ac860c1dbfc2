// @ts-check
// Programmatic control of the simulated toolchain (used by the product in --simulate mode and by tests).
import { mkdirSync, writeFileSync, chmodSync, rmSync, existsSync, readdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { homedir, tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseFaults, TOOLS } from './faults.mjs';
import { ensureState, readState } from './state.mjs';
import { readClock as readClockImpl, joinAsDriver } from './clock.mjs';
import { truthOf } from './truth.mjs';
import { shq } from './util.mjs';

const SIM_BIN = fileURLToPath(new URL('../bin/', import.meta.url));
const SIM_CLIENT_SRC = fileURLToPath(new URL('../client/', import.meta.url));

/**
 * Create (or reuse) a simulated machine. `client`: the fast client's binary for its wrappers, or
 * `false` for none; by default the one findSimClient finds.
 * @param {{ stateDir?: string, faults?: string|string[], speed?: number, client?: string|false }} [opts]
 * @returns {Promise<{ stateDir: string, binDir: string, env: { SIM_STATE_DIR: string, SIM_SPEED: string, SIM_FAULTS: string } }>}
 */
export async function prepareSimulation(opts = {}) {
  const stateDir = resolve(opts.stateDir ?? process.env.SIM_STATE_DIR ?? mkdtempSync(join(tmpdir(), 'todo-chatbot-sim-')));
  const faultList = Array.isArray(opts.faults) ? opts.faults : String(opts.faults ?? '').split(',');
  const faults = parseFaults(faultList); // throws on an unknown fault
  mkdirSync(stateDir, { recursive: true });
  ensureState(stateDir, { faults, speed: opts.speed });
  const clock = readClockImpl(stateDir);
  const binDir = join(stateDir, 'bin');
  mkdirSync(binDir, { recursive: true });
  const missing = new Set(faults.values('missing'));
  const client = opts.client === undefined ? findSimClient() : opts.client;
  for (const tool of TOOLS) {
    const path = join(binDir, tool);
    if (missing.has(tool)) {
      rmSync(path, { force: true });
      continue;
    }
    // With the fast client (sim/client), the call goes to the machine's call server, and runs as
    // the same Node process as without it whenever there is none.
    const run = client
      ? `exec ${shq(client)} ${tool} ${shq(process.execPath)} ${shq(join(SIM_BIN, tool))} "$@"`
      : `exec ${shq(process.execPath)} ${shq(join(SIM_BIN, tool))} "$@"`;
    writeFileSync(path, `#!/bin/sh\n# simulated ${tool} (sim); state: ${stateDir}\n${run}\n`);
    chmodSync(path, 0o755);
  }
  return {
    stateDir,
    binDir,
    env: { SIM_STATE_DIR: stateDir, SIM_SPEED: String(clock.speed), SIM_FAULTS: faults.raw.join(',') },
  };
}

/**
 * The virtual clock of a state dir, to read (and to move with `sleep`, as a test does).
 * @param {string} stateDir
 */
export function readClock(stateDir) {
  const c = readClockImpl(stateDir);
  return { now: c.now, sleep: c.sleep, speed: c.speed };
}

/**
 * The clock of a program that drives the simulated machine (a runbook in --simulate mode): it
 * takes part in the clock until its process exits. `child()` must be called right before each
 * child process is spawned, with the returned env given to it and `done()` called once its exit
 * has been handled; see clockd.mjs.
 * @param {string} stateDir
 */
export async function drivingClock(stateDir) {
  return joinAsDriver(stateDir);
}

/**
 * Ground truth recorded by the simulator (virtual ms).
 * @param {string} stateDir
 */
export function readTruth(stateDir) {
  return truthOf(readState(stateDir), readClockImpl(stateDir).now());
}

/**
 * The fast client's binary (sim/client/build.sh builds it into the cache) when it is there: by
 * SIM_CLIENT (a path; `0` turns it off), else the cache entry for the client's current source.
 * @returns {string | null}
 */
export function findSimClient(env = process.env) {
  if (env.SIM_CLIENT === '0') return null;
  if (env.SIM_CLIENT) return existsSync(env.SIM_CLIENT) ? env.SIM_CLIENT : null;
  try {
    const hash = createHash('sha256');
    for (const f of ['go.mod', 'main.go']) hash.update(readFileSync(join(SIM_CLIENT_SRC, f)));
    const cache = env.TODO_CACHE_DIR || join(env.HOME || homedir(), '.cache', 'todo-chatbot-k8s');
    const bin = join(cache, 'sim-client', hash.digest('hex').slice(0, 16), 'simc');
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

export { SIM_BIN };
export { cloneMachine } from './clone.mjs';
