// @ts-check
// What the daemons of a simulated machine (the clock daemon, the call server) share: where their
// socket is, and whether the state dir they were started for is still the same machine.
import { existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * `<tmpdir>/todo-chatbot-sim-<kind>-<first 20 hex of sha256(resolved state dir)>.sock`: outside the
 * state dir, so that a state dir can be copied (a socket file cannot) and its path may be long
 * (sun_path holds 104–108 bytes). sim/client/main.go computes the call server's the same way.
 * @param {string} dir @param {'clock'|'call'} kind
 */
export function daemonSocketPath(dir, kind) {
  return join(tmpdir(), `todo-chatbot-sim-${kind}-${stateDirHash(dir)}.sock`);
}

/** @param {string} dir */
export function stateDirHash(dir) {
  return createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 20);
}

/**
 * A check that the state dir is still the machine a daemon was started for: a dir removed and
 * made again at the same path is another machine (the socket's name comes from the path only).
 * @param {string} dir @param {string} marker a file every live machine has in its state dir
 * @returns {() => boolean}
 */
export function sameMachine(dir, marker) {
  const inode = statSync(dir).ino;
  return () => {
    try {
      return statSync(dir).ino === inode && existsSync(join(dir, marker));
    } catch {
      return false;
    }
  };
}
