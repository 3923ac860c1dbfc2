// @ts-check
// The call server: one per state dir, it runs the simulated tools' calls in this one process for
// the fast client (sim/client/main.go), instead of a Node process per call (about 90 ms of CPU
// each, most of the test suite's time). A call runs exactly as in a process of its own
// (cli.mjs main) with its stdio, environment, working folder and signals taken from the client's
// connection (a CallIo). See docs/simulator.md, "The call server".
//
// Frames, both ways: 1 byte type, 4 bytes big-endian length, payload.
//   client → server  H {tool, argv, env, cwd, tty}  ·  I stdin bytes  ·  E stdin EOF  ·  S signal name
//   server → client  O stdout  ·  R stderr  ·  W send me your stdin  ·  F serve yourself  ·  X int32 exit
// X with a negative code -N: the call died of signal N (the client kills itself with it).
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { appendFileSync, unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { constants } from 'node:os';
import { main } from './cli.mjs';
import { stateDirFromEnv } from './state.mjs';
import { answers, callSocketPath } from './simd-control.mjs';
import { sameMachine } from './machine-daemon.mjs';

const IDLE_EXIT_MS = 60_000;

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: simd.mjs <state dir>\n');
  process.exit(2);
}
// Its log sits beside its socket, not in the state dir: a server starts as the first call ends,
// and a test removing the machine right then must not find a file appearing under it.
const LOG = callSocketPath(dir).replace(/\.sock$/, '.log');
const log = (/** @type {string} */ s) => {
  try {
    appendFileSync(LOG, `${new Date().toISOString()} ${s}\n`);
  } catch {
    /* tmpdir gone */
  }
};
const sameDir = sameMachine(dir, 'state.json');
const cwd = process.cwd();
let active = 0;
let lastActivity = Date.now();
let served = 0;
let refused = 0;

process.on('uncaughtException', (e) => log(`uncaught: ${e.stack}`));
process.on('unhandledRejection', (e) => log(`unhandled rejection: ${/** @type {any} */ (e)?.stack ?? e}`));

/** @param {string} type @param {Uint8Array} [payload] */
function frame(type, payload = Buffer.alloc(0)) {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

/** @param {import('node:net').Socket} sock */
function serve(sock) {
  let buf = Buffer.alloc(0);
  /** @type {null | ((type: string, payload: Buffer) => void)} */
  let onFrame = null;
  let started = false;
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 5) {
      const len = buf.readUInt32BE(1);
      if (buf.length < 5 + len) break;
      const type = buf.toString('latin1', 0, 1);
      const payload = buf.subarray(5, 5 + len);
      buf = buf.subarray(5 + len);
      if (!started) {
        started = true;
        if (type !== 'H') return sock.destroy();
        onFrame = begin(sock, JSON.parse(payload.toString('utf8')));
      } else onFrame?.(type, payload);
    }
  });
  sock.on('error', () => {
    /* the client died: handled on close */
  });
}

/**
 * Starts one call; returns what handles the client's later frames.
 * @param {import('node:net').Socket} sock
 * @param {{ tool: string, argv: string[], env: Record<string,string>, cwd: string, tty: { stdin: boolean, stdout: boolean } }} hello
 */
function begin(sock, hello) {
  lastActivity = Date.now();
  // Serve only what would run the same here: this machine, and this working folder (tool code
  // resolves relative paths against the call's folder, but a path handed on to the real helm or
  // read by a helper might not be).
  if (!sameDir() || resolve(stateDirFromEnv(hello.env)) !== resolve(dir) || hello.cwd !== cwd) {
    refused++;
    sock.end(frame('F'));
    return null;
  }
  served++;
  active++;
  let finished = false;
  const finish = (/** @type {number} */ code) => {
    if (finished) return;
    finished = true;
    const b = Buffer.alloc(4);
    b.writeInt32BE(code);
    sock.end(frame('X', b));
  };
  const write = (/** @type {string} */ type) => (/** @type {string|Uint8Array} */ s) => {
    if (finished || sock.destroyed) return;
    const data = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    if (data.length) sock.write(frame(type, data));
  };
  const stdin = new PassThrough();
  let asked = false;
  const askStdin = () => {
    if (asked) return;
    asked = true;
    if (!sock.destroyed) sock.write(frame('W'));
  };
  /** @type {((sig: string) => void) | null} */
  let signalHandler = null;
  /** @type {(() => void)[]} */
  const abandonHooks = [];
  /** @type {(code: number) => void} */
  let killed = () => {};
  const untilKilled = new Promise((/** @type {(code: number) => void} */ r) => (killed = r));
  // The client is gone or was told the call died: what the call holds (its clock session, which
  // would keep virtual time still) is let go; its remaining work goes on unheard.
  const abandon = (/** @type {number} */ code) => {
    for (const fn of abandonHooks.splice(0)) {
      try {
        fn();
      } catch {
        /* already closed */
      }
    }
    killed(code);
  };
  /** @type {import('./cli.mjs').CallIo} */
  const io = {
    server: true,
    env: hello.env,
    cwd: hello.cwd,
    tty: { stdin: Boolean(hello.tty?.stdin), stdout: Boolean(hello.tty?.stdout) },
    out: write('O'),
    err: write('R'),
    readStdin: () => {
      askStdin();
      return new Promise((done) => {
        const chunks = [];
        stdin.on('data', (c) => chunks.push(c));
        stdin.on('end', () => done(Buffer.concat(chunks)));
      });
    },
    stdin: () => {
      askStdin();
      return stdin;
    },
    onSignal: (fn) => {
      signalHandler = fn;
    },
    exitNow: (code) => finish(code),
    untilKilled: () => untilKilled,
    onAbandon: (fn) => {
      abandonHooks.push(fn);
    },
  };
  main(hello.tool, hello.argv, io)
    .then((code) => finish(code))
    .catch((e) => {
      io.err(`sim: internal error in the call server: ${e?.stack ?? e}\n`);
      finish(70);
    })
    .finally(() => {
      active--;
      lastActivity = Date.now();
    });
  // A signal the call does not handle ends it as it would end a process: by that signal. Its work
  // may go on here, but nothing more reaches the client.
  const signal = (/** @type {string} */ sig) => {
    if (signalHandler) {
      const fn = signalHandler;
      signalHandler = null;
      fn(sig);
    } else {
      const n = constants.signals[/** @type {keyof typeof constants.signals} */ (sig)] ?? 15;
      finish(-n);
      abandon(128 + n);
    }
  };
  sock.on('close', () => {
    if (!finished) {
      // the client was killed (SIGKILL): a serving call stops serving, any other is abandoned
      if (signalHandler) signal('SIGKILL');
      else abandon(137);
      finished = true;
    }
    stdin.destroy();
  });
  return (/** @type {string} */ type, /** @type {Buffer} */ payload) => {
    if (type === 'I') stdin.write(payload);
    else if (type === 'E') stdin.end();
    else if (type === 'S') signal(payload.toString('latin1'));
  };
}

const path = callSocketPath(dir);
const server = createServer(serve);
let retried = false;
server.on('error', async (e) => {
  if (/** @type {any} */ (e).code === 'EADDRINUSE' && !retried) {
    retried = true;
    if (await answers(path)) {
      log('another call server is serving; exiting');
      process.exit(0);
    }
    try {
      unlinkSync(path); // left by a server that died
    } catch {
      /* raced with another starter */
    }
    server.listen(path);
    return;
  }
  log(`listen failed: ${e.message}`);
  process.exit(1);
});
server.on('listening', () => log(`started pid ${process.pid} in ${cwd}`));
server.listen(path);

function shutdown(/** @type {string} */ why) {
  log(`exiting: ${why}; served ${served} calls, sent ${refused} back to run as processes`);
  server.close();
  try {
    unlinkSync(path);
  } catch {
    /* gone */
  }
  process.exit(0);
}

setInterval(() => {
  if (active === 0 && !sameDir()) shutdown('state dir gone or replaced');
  if (active === 0 && Date.now() - lastActivity > IDLE_EXIT_MS) shutdown('idle');
}, 1000).unref();
process.on('SIGTERM', () => shutdown('SIGTERM'));
