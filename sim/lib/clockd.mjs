// @ts-check
// The clock daemon: one per state dir, the only writer of <state>/clock.json. Virtual time moves
// by events, never by CPU load: while anyone works on the simulated machine, time stands still,
// and when everyone waits it jumps to the earliest wake-up. See docs/simulator.md, "The virtual clock".
//
// Who takes part (one socket connection each, newline-delimited JSON):
// - a simulated tool call ("proc"): busy from connect until it sleeps, passive (a port-forward
//   serving) or exits. A busy call stops time.
// - a driver (a runbook in --simulate mode, a test): never blocks time by itself. It sleeps by
//   id, and holds time by id while a child it spawned has not yet connected or has exited but
//   its exit is not yet handled (the child's own state counts in between), and right after one
//   of its sleeps ends until it says it has reacted.
// Time moves when nothing is busy and no hold is open: to the earliest wake-up. With nobody
// connected at all (a person typing commands by hand) it flows with real time × speed instead.
import { createServer } from 'node:net';
import { appendFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { clockSocketPath, readClockFile, writeClockFile } from './clock.mjs';
import { sameMachine } from './machine-daemon.mjs';

const IDLE_EXIT_MS = 60_000;

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: clockd.mjs <state dir>\n');
  process.exit(2);
}
const log = (/** @type {string} */ s) => {
  try {
    appendFileSync(join(dir, 'clockd.log'), `${new Date().toISOString()} ${s}\n`);
  } catch {
    /* dir gone */
  }
};

// a dir removed and made again at the same path is another machine, which this daemon must not serve
const sameDir = sameMachine(dir, 'clock.json');
const initial = readClockFile(dir);
const speed = initial.speed;
let now = initial.now;
let flowing = true; // idle flow: nobody connected
let flowSince = Date.now();

/**
 * @typedef {{ id: number, sock: import('node:net').Socket, role: 'proc'|'driver', state: 'busy'|'sleep'|'passive',
 *   until: number, sleeps: Map<string, number>, buf: string, claim?: string }} Conn
 */
/** @type {Set<Conn>} */
const conns = new Set();
/** A driver's holds: id → { owner, child }. A hold blocks time while it has no live child. @type {Map<string, { owner: Conn, child: Conn|null }>} */
const holds = new Map();
let nextId = 1;
let lastActivity = Date.now();

function currentNow() {
  return flowing ? now + (Date.now() - flowSince) * speed : now;
}

function persist() {
  writeClockFile(dir, { v: now, r: flowSince, rate: flowing ? speed : 0, speed, pid: process.pid });
}

/** Idle flow while no participant is connected (passive port-forwards do not count). */
function updateFlow() {
  const active = [...conns].some((c) => c.role === 'driver' || c.state !== 'passive');
  if (active && flowing) {
    now = currentNow();
    flowing = false;
    persist();
  } else if (!active && !flowing) {
    flowing = true;
    flowSince = Date.now();
    persist();
  }
}

/** @param {Conn} c @param {any} msg */
function send(c, msg) {
  try {
    c.sock.write(JSON.stringify(msg) + '\n');
  } catch {
    /* closing */
  }
}

function blocked() {
  for (const c of conns) if (c.role === 'proc' && c.state === 'busy') return true;
  for (const h of holds.values()) if (!h.child) return true;
  return false;
}

/** Move time to the earliest wake-up when nothing is working, and wake whoever is due. */
function advance() {
  if (flowing || blocked()) return;
  let next = Infinity;
  for (const c of conns) {
    if (c.role === 'proc' && c.state === 'sleep') next = Math.min(next, c.until);
    for (const until of c.sleeps.values()) next = Math.min(next, until);
  }
  if (next === Infinity) return;
  if (next > now) {
    now = next;
    persist();
  }
  for (const c of conns) {
    if (c.role === 'proc' && c.state === 'sleep' && c.until <= now) {
      c.state = 'busy';
      send(c, { t: 'wake', now });
    }
    for (const [id, until] of c.sleeps) {
      if (until > now) continue;
      c.sleeps.delete(id);
      holds.set(id, { owner: c, child: null }); // the driver reacts before time moves again
      send(c, { t: 'wake', id, now });
    }
  }
}

/** @param {Conn} c @param {any} m */
function onMessage(c, m) {
  switch (m.t) {
    case 'hello': {
      c.role = m.role === 'driver' ? 'driver' : 'proc';
      c.state = m.passive ? 'passive' : 'busy';
      if (m.hold) {
        const h = holds.get(String(m.hold));
        if (h && !h.child) h.child = c;
        else if (!h) c.claim = String(m.hold); // the parent's hold message is still on its way
      }
      updateFlow();
      send(c, { t: 'hello', now: currentNow(), speed });
      break;
    }
    case 'sleep': {
      const ms = Math.max(0, Number(m.ms) || 0);
      if (c.role === 'driver') c.sleeps.set(String(m.id), now + ms);
      else {
        c.state = 'sleep';
        c.until = now + ms;
      }
      break;
    }
    case 'passive':
      c.state = 'passive';
      updateFlow();
      break;
    case 'hold': {
      const id = String(m.id);
      const child = [...conns].find((x) => x.claim === id) ?? null;
      holds.set(id, { owner: c, child });
      break;
    }
    case 'release':
      holds.delete(String(m.id));
      break;
    default:
      log(`unknown message ${JSON.stringify(m)}`);
  }
}

/** @param {Conn} c */
function onClose(c) {
  conns.delete(c);
  for (const [id, h] of holds) {
    if (h.owner === c)
      holds.delete(id); // a driver that went away holds nothing
    else if (h.child === c) h.child = null; // the child exited: its parent reacts before time moves
  }
  updateFlow();
}

const server = createServer((sock) => {
  lastActivity = Date.now();
  if (!sameDir()) {
    sock.destroy();
    shutdown('state dir gone or replaced');
    return;
  }
  /** @type {Conn} */
  const c = { id: nextId++, sock, role: 'proc', state: 'busy', until: 0, sleeps: new Map(), buf: '' };
  conns.add(c);
  updateFlow();
  sock.setEncoding('utf8');
  sock.on('data', (chunk) => {
    lastActivity = Date.now();
    c.buf += chunk;
    let nl;
    while ((nl = c.buf.indexOf('\n')) >= 0) {
      const line = c.buf.slice(0, nl);
      c.buf = c.buf.slice(nl + 1);
      try {
        onMessage(c, JSON.parse(line));
      } catch (e) {
        log(`bad message ${line}: ${/** @type {Error} */ (e).message}`);
      }
    }
    advance();
  });
  sock.on('error', () => {
    /* the peer died: handled on close */
  });
  sock.on('close', () => {
    lastActivity = Date.now();
    onClose(c);
    advance();
  });
});

const path = clockSocketPath(dir);
server.on('error', (e) => {
  // another daemon already serves this state dir
  if (/** @type {any} */ (e).code === 'EADDRINUSE') {
    log('another clock daemon is serving; exiting');
    process.exit(0);
  }
  log(`listen failed: ${e.message}`);
  process.exit(1);
});
server.listen(path, () => {
  persist();
  log(`started pid ${process.pid} at ${new Date(now).toISOString()}, idle speed ${speed}`);
  process.send?.('listening');
});

function shutdown(/** @type {string} */ why) {
  if (!flowing) {
    now = currentNow();
    flowing = true;
    flowSince = Date.now();
  }
  if (sameDir()) persist();
  log(`exiting: ${why}`);
  server.close();
  if (process.platform !== 'win32') {
    try {
      unlinkSync(path);
    } catch {
      /* gone */
    }
  }
  process.exit(0);
}

setInterval(() => {
  if (!sameDir()) shutdown('state dir gone or replaced');
  if (conns.size === 0 && Date.now() - lastActivity > IDLE_EXIT_MS) shutdown('idle');
}, 1000).unref();
process.on('SIGTERM', () => shutdown('SIGTERM'));
