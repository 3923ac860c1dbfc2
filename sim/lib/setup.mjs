// @ts-check
// Programmatic control of the simulated toolchain (used by the product in --simulate mode and by tests).
import { mkdirSync, writeFileSync, chmodSync, rmSync, existsSync, readdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseFaults, TOOLS } from './faults.mjs';
import { ensureState, readState } from './state.mjs';
import { readClock as readClockImpl, joinAsDriver } from './clock.mjs';
import { truthOf } from './truth.mjs';
import { shq } from './util.mjs';

const SIM_BIN = fileURLToPath(new URL('../bin/', import.meta.url));

/**
 * Create (or reuse) a simulated machine.
 * @param {{ stateDir?: string, faults?: string|string[], speed?: number }} [opts]
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
  for (const tool of TOOLS) {
    const path = join(binDir, tool);
    if (missing.has(tool)) {
      rmSync(path, { force: true });
      continue;
    }
    writeFileSync(
      path,
      `#!/bin/sh\n# simulated ${tool} (sim); state: ${stateDir}\nexec ${shq(process.execPath)} ${shq(join(SIM_BIN, tool))} "$@"\n`,
    );
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

export { SIM_BIN };
export { cloneMachine } from './clone.mjs';
