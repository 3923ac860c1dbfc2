// @ts-check
// Loopback addresses for the simulated nodes. Each state dir owns a block 127.a.b.0/24 (its node
// IP is 127.a.b.1, further profiles take .2, .3, …), reserved in a registry shared by every state
// dir of this machine ($TMPDIR/todo-chatbot-sim-addresses), so that test suites running at the
// same time never bind the same address. A copy of a state dir is the same machine: it keeps the
// addresses of the one it was copied from (images built for the node IP stay valid); clone.mjs
// moves a copy to a block of its own, to run next to its original.
import { openSync, writeSync, closeSync, readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir, platform } from 'node:os';
import { randomInt } from 'node:crypto';

const REGISTRY = join(tmpdir(), 'todo-chatbot-sim-addresses');

/** Does `dir` still hold a machine on the block it registered? */
function stillOwns(dir, block) {
  try {
    return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).nodeIP?.startsWith(`${block}.`) ?? false;
  } catch {
    return false;
  }
}

/**
 * Reserves a free block for a state dir and returns its prefix ("127.a.b"), or null on macOS,
 * whose loopback interface answers 127.0.0.1 only.
 * @param {string} stateDir
 */
export function reserveBlock(stateDir) {
  if (platform() === 'darwin') return null;
  mkdirSync(REGISTRY, { recursive: true });
  const owner = resolve(stateDir);
  for (let attempt = 0; attempt < 200; attempt++) {
    const block = `127.${randomInt(1, 251)}.${randomInt(1, 251)}`;
    const entry = join(REGISTRY, block);
    try {
      const fd = openSync(entry, 'wx');
      writeSync(fd, owner);
      closeSync(fd);
      return block;
    } catch (e) {
      if (/** @type {any} */ (e).code !== 'EEXIST') throw e;
    }
    let holder = '';
    try {
      holder = readFileSync(entry, 'utf8');
    } catch {
      continue;
    }
    if (holder && stillOwns(holder, block)) continue;
    // the dir that held it is gone or moved on: take it over (atomically; a racing taker re-checks)
    const tmp = `${entry}.${process.pid}.tmp`;
    writeFileSync(tmp, owner);
    renameSync(tmp, entry);
    if (readFileSync(entry, 'utf8') === owner) return block;
  }
  throw new Error('sim: no free loopback block 127.a.b.0/24 left in the registry');
}
