// @ts-check
// The virtual clock: virtualNow = V0 + (realNow - R0) * speed, fixed in <state>/clock.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * @typedef {{ now(): number, sleep(virtualMs: number): Promise<void>, speed: number, toReal(virtualMs: number): number }} Clock
 */

/** @param {{ v0: number, r0: number, speed: number }} c @returns {Clock} */
export function clockFrom(c) {
  const { v0, r0, speed } = c;
  return {
    speed,
    now: () => v0 + (Date.now() - r0) * speed,
    sleep: (virtualMs) => delay(Math.max(0, virtualMs / speed)),
    toReal: (virtualMs) => virtualMs / speed,
  };
}

/** @param {string} stateDir @returns {Clock} */
export function readClock(stateDir) {
  return clockFrom(JSON.parse(readFileSync(join(stateDir, 'clock.json'), 'utf8')));
}
