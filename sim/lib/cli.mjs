// @ts-check
// Shared entry point of every stand-in executable: resolves the state dir, faults and clock,
// runs the tool, and appends one line per call to <stateDir>/calls.jsonl.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isatty } from 'node:tty';
import { stateDirFromEnv, ensureState } from './state.mjs';
import { parseFaults } from './faults.mjs';
import { joinAsCall, HOLD_ENV } from './clock.mjs';

export class Exit extends Error {
  /** @param {number} code */
  constructor(code) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/**
 * Where a call's input and output go, and how it learns of signals: the process's own (a tool run as
 * its own Node process, processIo) or a client connection of the call server (sim/lib/simd.mjs).
 * Tool code reaches all of these through its Ctx only, never through `process`, so that one server
 * process can run many calls at once.
 * @typedef {{ env: NodeJS.ProcessEnv, cwd: string, tty: { stdin: boolean, stdout: boolean },
 *   out: (s: string|Uint8Array) => void, err: (s: string|Uint8Array) => void,
 *   readStdin: () => Promise<Buffer>, stdin: () => NodeJS.ReadableStream,
 *   onSignal: (fn: (sig: string) => void) => void, exitNow: (code: number) => void,
 *   untilKilled: () => Promise<number>, onAbandon: (fn: () => void) => void, server?: boolean }} CallIo
 */

/**
 * @typedef {{ tool: string, argv: string[], env: NodeJS.ProcessEnv, cwd: string, stateDir: string,
 *   faults: import('./faults.mjs').Faults, clock: import('./clock.mjs').Clock & { passive(): void },
 *   out: (s: string|Uint8Array) => void, err: (s: string|Uint8Array) => void, fail: (code: number, msg?: string) => never,
 *   tty: { stdin: boolean, stdout: boolean }, readStdin: () => Promise<Buffer>, stdin: () => NodeJS.ReadableStream,
 *   onSignal: (fn: (sig: string) => void) => void, exitNow: (code: number) => void, untilKilled: () => Promise<number>,
 *   onExit: (fn: () => void) => void, record: (code: number) => void }} Ctx
 */

/** @returns {CallIo} the calling process's own stdio, environment and signals */
export function processIo() {
  return {
    env: process.env,
    cwd: process.cwd(),
    tty: { stdin: isatty(0), stdout: isatty(1) },
    out: (s) => {
      process.stdout.write(s);
    },
    err: (s) => {
      process.stderr.write(s);
    },
    readStdin: async () => readFileSync(0),
    stdin: () => process.stdin,
    onSignal: (fn) => {
      process.once('SIGTERM', () => fn('SIGTERM'));
      process.once('SIGINT', () => fn('SIGINT'));
    },
    exitNow: (code) => {
      setImmediate(() => process.exit(code));
    },
    // a pending promise alone would let Node exit: a timer keeps the process until a signal kills it
    untilKilled: () =>
      new Promise(() => {
        setInterval(() => {}, 1 << 30);
      }),
    // a process killed mid-call leaves nothing behind: its sockets (the clock's) close with it
    onAbandon: () => {},
  };
}

const RECORDED_ENV = ['DOCKER_HOST', 'MINIKUBE_ACTIVE_DOCKERD'];

/**
 * What one call costs in virtual time, whatever the machine's load: the client starting and the
 * request reaching the API server (half, before the call looks at the cluster), then the answer
 * coming back (half). About what kubectl takes against a local minikube.
 */
export const CALL_COST_MS = 200;

/**
 * Runs one call; resolves with its exit code (a process of its own also sets process.exitCode).
 * @param {string} tool @param {string[]} [argv] @param {CallIo} [io]
 */
export async function main(tool, argv = process.argv.slice(2), io = processIo()) {
  const code = await runCall(tool, argv, io);
  if (io.env.SIM_CLIENT_FALLBACK === '1') {
    // the fast client found no call server for this machine: start one for the next calls
    try {
      const { ensureCallServer } = await import('./simd-control.mjs');
      await ensureCallServer(stateDirFromEnv(io.env), io.env, io.cwd);
    } catch {
      /* best effort: calls keep working as processes of their own */
    }
  }
  return code;
}

/** @param {string} tool @param {string[]} argv @param {CallIo} io @returns {Promise<number>} */
async function runCall(tool, argv, io) {
  const t0 = performance.now();
  const env = io.env;
  const stateDir = stateDirFromEnv(env);
  /** @type {import('./faults.mjs').Faults} */
  let faults;
  try {
    faults = parseFaults(env.SIM_FAULTS);
  } catch (e) {
    io.err(`sim: SIM_FAULTS: ${/** @type {Error} */ (e).message}\n`);
    process.exitCode = 2;
    return 2;
  }
  mkdirSync(stateDir, { recursive: true });
  let recorded = false;
  let vStart = Date.now();
  /** @type {Awaited<ReturnType<typeof joinAsCall>>|null} */
  let clock = null;
  const record = (/** @type {number} */ code, extra = {}) => {
    if (recorded) return;
    recorded = true;
    /** @type {Record<string,string>} */
    const e = {};
    for (const k of RECORDED_ENV) if (env[k] !== undefined) e[k] = env[k];
    const line = {
      at: new Date(vStart).toISOString(),
      argv: [tool, ...argv],
      exit: code,
      ms: Math.round(performance.now() - t0),
      virtualMs: clock ? Math.round(clock.now() - vStart) : undefined,
      env: e,
      ...(io.server ? { server: true } : {}),
      ...extra,
    };
    try {
      appendFileSync(join(stateDir, 'calls.jsonl'), JSON.stringify(line) + '\n');
    } catch {
      /* state dir removed */
    }
  };
  if (faults.values('missing').includes(tool)) {
    io.err(`sim: ${tool}: command not found (SIM_FAULTS=missing=${tool})\n`);
    record(127, { missing: true });
    process.exitCode = 127;
    return 127;
  }
  ensureState(stateDir, { faults, speed: env.SIM_SPEED ? Number(env.SIM_SPEED) : undefined });
  clock = await joinAsCall(stateDir, { hold: env[HOLD_ENV] });
  const session = clock;
  io.onAbandon(() => session.close());
  await clock.sleep(CALL_COST_MS / 2);
  vStart = clock.now();
  /** @type {(() => void)[]} */
  const exitHooks = [];
  /** @type {Ctx} */
  const ctx = {
    tool,
    argv,
    env,
    cwd: io.cwd,
    stateDir,
    faults,
    clock,
    out: io.out,
    err: io.err,
    tty: io.tty,
    readStdin: io.readStdin,
    stdin: io.stdin,
    onSignal: io.onSignal,
    exitNow: io.exitNow,
    untilKilled: io.untilKilled,
    fail: (code, msg) => {
      if (msg) io.err(msg.endsWith('\n') ? msg : msg + '\n');
      throw new Exit(code);
    },
    onExit: (fn) => {
      exitHooks.push(fn);
    },
    record: (code) => record(code),
  };
  let code = 0;
  try {
    const mod = await import(`./tools/${tool}.mjs`);
    code = (await mod.run(ctx)) ?? 0;
  } catch (e) {
    if (e instanceof Exit) code = e.code;
    else {
      io.err(`sim: internal error in simulated ${tool}: ${/** @type {Error} */ (e).stack}\n`);
      code = 70;
    }
  }
  for (const fn of exitHooks) {
    try {
      fn();
    } catch {
      /* ignore */
    }
  }
  if (
    (tool === 'kubectl' || tool === 'helm' || tool === 'minikube') &&
    !/^(stop|delete)$/.test(argv.find((a) => !a.startsWith('-')) ?? '')
  ) {
    // the NodePort daemon exits after 10 idle minutes: bring it back while a cluster runs
    try {
      const { ensureServer } = await import('./server-control.mjs');
      await ensureServer(ctx);
    } catch {
      /* best effort */
    }
  }
  await clock.sleep(CALL_COST_MS / 2);
  record(code);
  clock.close();
  process.exitCode = code;
  return code;
}
