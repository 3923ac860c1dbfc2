// @ts-check
// A copy of a simulated machine that can run next to the original: the same clusters, images,
// releases, data and history, moved to a loopback block of its own (addresses.mjs), so that both
// NodePort daemons can bind at once. A plain `cp -r` of a state dir is the same machine on the same
// addresses: fine one after the other, but two of them running at once fight over the NodePorts.
// Tests use this to prepare a cluster once and give each test file its own copy.
import { cpSync, readFileSync, readdirSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { acquireLock } from './lock.mjs';
import { reserveBlock } from './addresses.mjs';

/** What belongs to the running original, not to the machine: locks, half-written files, the daemons' handshake and logs. */
const NOT_COPIED = /^(state\.lock|clockd\.lock|server\.bound|server\.log|clockd\.log)$|^\..*\.tmp$|\.stale\./;

/**
 * Copies the machine in `from` to the new directory `to` (absent or empty) and moves the
 * copy to a free loopback block: every address of the old block in its state (node IPs, kube-context
 * servers, release values, build args) names the new block. Take it while nothing runs on `from`.
 * @param {string} from @param {string} to
 */
export function cloneMachine(from, to) {
  from = resolve(from);
  to = resolve(to);
  if (existsSync(to) && readdirSync(to).length > 0) throw new Error(`sim: cannot clone into ${to}: it is not empty`);
  const release = acquireLock(from);
  try {
    cpSync(from, to, { recursive: true, filter: (src) => src === from || !NOT_COPIED.test(basename(src)) });
  } finally {
    release();
  }
  const state = JSON.parse(readFileSync(join(to, 'state.json'), 'utf8'));
  state.server = null; // the original's NodePort daemon serves the original; the copy's first call starts its own
  let text = JSON.stringify(state);
  const old = /^127\.(\d+)\.(\d+)\.\d+$/.exec(state.nodeIP);
  const block = old && reserveBlock(to);
  if (old && block) text = text.replace(new RegExp(`(?<![\\d.])127\\.${old[1]}\\.${old[2]}\\.(?=\\d)`, 'g'), `${block}.`);
  writeFileSync(join(to, '.state.clone.tmp'), text);
  renameSync(join(to, '.state.clone.tmp'), join(to, 'state.json'));
  // the wrappers name their state dir in a comment
  const bin = join(to, 'bin');
  if (existsSync(bin))
    for (const tool of readdirSync(bin)) {
      const path = join(bin, tool);
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll(`state: ${from}\n`, `state: ${to}\n`));
    }
  return { stateDir: to, nodeIP: JSON.parse(text).nodeIP };
}
