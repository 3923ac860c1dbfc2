// @ts-check
// An O_EXCL lockfile in a state dir, with stale-lock recovery (a dead holder, or one older than 15 s).
import { openSync, writeSync, closeSync, readFileSync, renameSync, unlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const sab = new Int32Array(new SharedArrayBuffer(4));
const sleepSync = (ms) => Atomics.wait(sab, 0, 0, ms);

function alive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return /** @type {any} */ (e).code === 'EPERM';
  }
}

/** @param {string} stateDir @param {string} [name] @returns {() => void} the release */
export function acquireLock(stateDir, name = 'state.lock') {
  const lock = join(stateDir, name);
  const deadline = Date.now() + 20000;
  for (let n = 0; ; n++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, `${process.pid} ${Date.now()}`);
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lock);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if (/** @type {any} */ (e).code === 'ENOENT') {
        mkdirSync(stateDir, { recursive: true });
        continue;
      }
      if (/** @type {any} */ (e).code !== 'EEXIST') throw e;
    }
    try {
      const [pid, t] = readFileSync(lock, 'utf8').split(' ').map(Number);
      if ((!alive(pid) && Date.now() - t > 200) || Date.now() - t > 15000) {
        try {
          renameSync(lock, `${lock}.stale.${process.pid}.${n}`);
          unlinkSync(`${lock}.stale.${process.pid}.${n}`);
        } catch {
          /* raced */
        }
        continue;
      }
    } catch {
      /* lock vanished or half-written: retry */
    }
    if (Date.now() > deadline) throw new Error(`sim: could not lock ${lock} within 20 s`);
    sleepSync(2 + (n % 5));
  }
}
