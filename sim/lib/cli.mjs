// @ts-check
// Shared entry point of every stand-in executable: resolves the state dir, faults and clock,
// runs the tool, and appends one line per call to <stateDir>/calls.jsonl.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
 * @typedef {{ tool: string, argv: string[], env: NodeJS.ProcessEnv, stateDir: string,
 *   faults: import('./faults.mjs').Faults, clock: import('./clock.mjs').Clock & { passive(): void },
 *   out: (s: string) => void, err: (s: string) => void, fail: (code: number, msg?: string) => never,
 *   onExit: (fn: () => void) => void, record: (code: number) => void }} Ctx
 */

const RECORDED_ENV = ['DOCKER_HOST', 'MINIKUBE_ACTIVE_DOCKERD'];

/**
 * What one call costs in virtual time, whatever the machine's load: the client starting and the
 * request reaching the API server (half, before the call looks at the cluster), then the answer
 * coming back (half). About what kubectl takes against a local minikube.
 */
export const CALL_COST_MS = 200;

/** @param {string} tool @param {string[]} [argv] */
export async function main(tool, argv = process.argv.slice(2)) {
  const t0 = performance.now();
  const env = process.env;
  const stateDir = stateDirFromEnv(env);
  /** @type {import('./faults.mjs').Faults} */
  let faults;
  try {
    faults = parseFaults(env.SIM_FAULTS);
  } catch (e) {
    process.stderr.write(`sim: SIM_FAULTS: ${/** @type {Error} */ (e).message}\n`);
    process.exitCode = 2;
    return;
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
      ...extra,
    };
    try {
      appendFileSync(join(stateDir, 'calls.jsonl'), JSON.stringify(line) + '\n');
    } catch {
      /* state dir removed */
    }
  };
  if (faults.values('missing').includes(tool)) {
    process.stderr.write(`sim: ${tool}: command not found (SIM_FAULTS=missing=${tool})\n`);
    record(127, { missing: true });
    process.exitCode = 127;
    return;
  }
  ensureState(stateDir, { faults, speed: env.SIM_SPEED ? Number(env.SIM_SPEED) : undefined });
  clock = await joinAsCall(stateDir, { hold: env[HOLD_ENV] });
  await clock.sleep(CALL_COST_MS / 2);
  vStart = clock.now();
  /** @type {(() => void)[]} */
  const exitHooks = [];
  /** @type {Ctx} */
  const ctx = {
    tool,
    argv,
    env,
    stateDir,
    faults,
    clock,
    out: (s) => {
      process.stdout.write(s);
    },
    err: (s) => {
      process.stderr.write(s);
    },
    fail: (code, msg) => {
      if (msg) process.stderr.write(msg.endsWith('\n') ? msg : msg + '\n');
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
      process.stderr.write(`sim: internal error in simulated ${tool}: ${/** @type {Error} */ (e).stack}\n`);
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
}
