// @ts-check
// The virtual clock, as its users see it. <state>/clock.json holds { v, r, rate, speed }:
// virtualNow = v + (realNow − r) × rate. The clock daemon (clockd.mjs) is its only writer once
// started: rate is 0 while anyone takes part (time moves by events, see clockd.mjs) and `speed`
// while nobody does (idle flow, for a person typing commands by hand).
import { readFileSync, writeFileSync, renameSync, existsSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireLock } from './lock.mjs';
import { daemonSocketPath, stateDirHash } from './machine-daemon.mjs';

const CLOCKD = fileURLToPath(new URL('./clockd.mjs', import.meta.url));
/** The environment variable that tells a simulated tool which hold of its parent it takes over. */
export const HOLD_ENV = 'SIM_CLOCK_HOLD';

/**
 * @typedef {{ now(): number, sleep(virtualMs: number): Promise<void>, speed: number }} Clock
 */

/** @param {string} dir */
export function clockSocketPath(dir) {
  if (process.platform === 'win32') return `\\\\.\\pipe\\todo-chatbot-sim-clock-${stateDirHash(dir)}`;
  return daemonSocketPath(dir, 'clock');
}

/** @param {string} dir @returns {{ now: number, speed: number, rate: number }} */
export function readClockFile(dir) {
  const c = JSON.parse(readFileSync(join(dir, 'clock.json'), 'utf8'));
  const real = Date.now();
  // states written before the event clock: { v0, r0, speed } and always flowing
  if (c.v === undefined) return { now: c.v0 + (real - c.r0) * c.speed, speed: c.speed, rate: c.speed };
  return { now: c.v + (real - c.r) * c.rate, speed: c.speed, rate: c.rate };
}

/** @param {string} dir @param {{ v: number, r: number, rate: number, speed: number, pid?: number }} c */
export function writeClockFile(dir, c) {
  const tmp = join(dir, `.clock.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(c) + '\n');
  renameSync(tmp, join(dir, 'clock.json'));
}

/** @param {string} path @returns {Promise<import('node:net').Socket>} */
function tryConnect(path) {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    sock.once('connect', () => {
      sock.off('error', reject);
      resolve(sock);
    });
    sock.once('error', reject);
  });
}

/** Connects to the state dir's clock daemon, starting it if needed. @param {string} dir */
async function connectDaemon(dir) {
  const path = clockSocketPath(dir);
  try {
    return await tryConnect(path);
  } catch {
    /* not running yet */
  }
  const release = acquireLock(dir, 'clockd.lock');
  try {
    try {
      return await tryConnect(path);
    } catch {
      /* still not running: start it */
    }
    if (process.platform !== 'win32' && existsSync(path)) {
      try {
        unlinkSync(path);
      } catch {
        /* raced */
      }
    }
    const child = spawn(process.execPath, [CLOCKD, dir], { detached: true, stdio: 'ignore', env: { ...process.env, [HOLD_ENV]: '' } });
    child.unref();
    const deadline = Date.now() + 20_000;
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      try {
        return await tryConnect(path);
      } catch (e) {
        if (Date.now() > deadline)
          throw new Error(`sim: the clock daemon did not start (${/** @type {Error} */ (e).message}); see ${join(dir, 'clockd.log')}`);
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  } finally {
    release();
  }
}

/**
 * A line-based session with the daemon. The socket keeps the process alive only while a reply is awaited.
 * @param {string} dir @param {Record<string, unknown>} hello
 */
async function session(dir, hello) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openSession(dir, hello);
    } catch (e) {
      // a daemon that was leaving (idle, or its dir replaced) closed on us: the next one starts
      if (attempt >= 3) throw e;
    }
  }
}

/** @param {string} dir @param {Record<string, unknown>} hello */
async function openSession(dir, hello) {
  const sock = await connectDaemon(dir);
  sock.setEncoding('utf8');
  let buf = '';
  /** @type {Map<string, (m: any) => void>} */
  const waiting = new Map();
  let closed = false;
  const fail = () => {
    closed = true;
    for (const w of waiting.values()) w({ t: 'closed' });
    waiting.clear();
  };
  sock.on('data', (chunk) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const m = JSON.parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      const key = m.t === 'wake' ? `wake:${m.id ?? ''}` : m.t;
      const w = waiting.get(key);
      if (w) {
        waiting.delete(key);
        if (waiting.size === 0) sock.unref();
        w(m);
      }
    }
  });
  sock.on('error', fail);
  sock.on('close', fail);
  const send = (/** @type {any} */ m) => {
    if (!closed) sock.write(JSON.stringify(m) + '\n');
  };
  /** @param {string} key @returns {Promise<any>} */
  const reply = (key) =>
    new Promise((resolve, reject) => {
      if (closed) {
        reject(new Error('sim: the clock daemon went away'));
        return;
      }
      sock.ref();
      waiting.set(key, (m) => (m.t === 'closed' ? reject(new Error('sim: the clock daemon went away')) : resolve(m)));
    });
  const helloReply = reply('hello');
  send({ t: 'hello', ...hello });
  const first = await helloReply;
  return {
    sock,
    send,
    reply,
    first,
    close: () => {
      closed = true;
      sock.end();
      sock.unref();
    },
  };
}

/**
 * A simulated tool call's clock: it takes part from now on (busy until it sleeps or exits).
 * `now()` cannot move while the call works, so it is the daemon's answer, kept.
 * @param {string} dir @param {{ hold?: string }} [o]
 */
export async function joinAsCall(dir, o = {}) {
  const s = await session(dir, { role: 'proc', hold: o.hold || undefined });
  let now = s.first.now;
  return {
    speed: s.first.speed,
    now: () => now,
    /** @param {number} virtualMs */
    async sleep(virtualMs) {
      if (!(virtualMs > 0)) return;
      const woken = s.reply('wake:');
      s.send({ t: 'sleep', ms: virtualMs });
      now = (await woken).now;
    },
    /** A server that answers until it is killed (port-forward): it no longer holds time still. */
    passive() {
      s.send({ t: 'passive' });
    },
    close: s.close,
  };
}

/**
 * A driver's clock (a runbook in --simulate mode, a test): sleeps move time; `child()` registers a
 * child process before it is spawned so that time stands still until it has taken part and, after
 * it exits, until the driver has handled its exit.
 * @param {string} dir
 */
export async function joinAsDriver(dir) {
  const s = await session(dir, { role: 'driver' });
  let n = 0;
  const id = () => `${process.pid}.${++n}`;
  const release = (/** @type {string} */ key) => setImmediate(() => s.send({ t: 'release', id: key }));
  return {
    speed: s.first.speed,
    now: () => readClockFile(dir).now,
    /** @param {number} virtualMs */
    async sleep(virtualMs) {
      if (!(virtualMs > 0)) return;
      const key = id();
      const woken = s.reply(`wake:${key}`);
      s.send({ t: 'sleep', id: key, ms: virtualMs });
      await woken;
      release(key); // once the code after this sleep has run up to its next wait
    },
    child() {
      const key = id();
      s.send({ t: 'hold', id: key });
      return { env: { [HOLD_ENV]: key }, done: () => release(key) };
    },
    close: s.close,
  };
}

/**
 * The clock of a state dir for readers (the NodePort daemon, port-forwards, tests). `sleep`
 * takes part for its duration only: it moves time like a driver's sleep.
 * @param {string} dir @returns {Clock}
 */
export function readClock(dir) {
  return {
    speed: readClockFile(dir).speed,
    now: () => readClockFile(dir).now,
    async sleep(virtualMs) {
      const d = await joinAsDriver(dir);
      try {
        await d.sleep(virtualMs);
        await new Promise((r) => setImmediate(r));
      } finally {
        d.close();
      }
    },
  };
}
