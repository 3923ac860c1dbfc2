// Shared helpers for the simulated toolchain's tests: a fresh machine per test, tool runner.
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { prepareSimulation, readClock, readTruth } from '../../../sim/lib/setup.mjs';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = join(REPO, 'sim/fixtures');
export const CHART = join(FIXTURES, 'chart');

/**
 * A fresh simulated machine. Speed 0: virtual time moves only by events (each call's cost, the
 * blocking commands' sleeps, `m.sleep`), never with real time, so the tests see the same
 * instants however busy the machine is.
 * `client` names the fast client's binary for the wrappers, or `false` for none; by default
 * whatever SIM_CLIENT says (test/run.mjs sets it).
 * @param {{ faults?: string, speed?: number, extraEnv?: Record<string,string>, client?: string|false }} [o]
 */
export async function machine(o = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sim-test-'));
  const sim = await prepareSimulation({ stateDir: join(dir, 'state'), faults: o.faults ?? '', speed: o.speed ?? 0, client: o.client });
  const baseEnv = { PATH: `${sim.binDir}:${process.env.PATH}`, HOME: dir, ...sim.env, ...(o.extraEnv ?? {}) };
  const m = {
    dir,
    ...sim,
    /** run a tool synchronously */
    run(tool, args = [], opt = {}) {
      const r = spawnSync(join(sim.binDir, tool), args, {
        env: { ...baseEnv, ...(opt.env ?? {}) },
        encoding: 'utf8',
        input: opt.input ?? '',
        timeout: opt.timeout ?? 60000,
        cwd: opt.cwd ?? REPO,
      });
      return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', signal: r.signal };
    },
    /** spawn a long-running tool */
    spawn(tool, args = [], opt = {}) {
      return spawn(join(sim.binDir, tool), args, {
        env: { ...baseEnv, ...(opt.env ?? {}) },
        stdio: opt.stdio ?? ['ignore', 'pipe', 'pipe'],
        cwd: opt.cwd ?? REPO,
      });
    },
    json(tool, args) {
      const r = m.run(tool, args);
      if (r.code !== 0) throw new Error(`${tool} ${args.join(' ')} → ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout);
    },
    clock: () => readClock(sim.stateDir),
    truth: () => readTruth(sim.stateDir),
    state: () => JSON.parse(readFileSync(join(sim.stateDir, 'state.json'), 'utf8')),
    calls: () =>
      existsSync(join(sim.stateDir, 'calls.jsonl'))
        ? readFileSync(join(sim.stateDir, 'calls.jsonl'), 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [],
    /** virtual sleep: moves the machine's time (nothing else is running) */
    sleep: (virtualMs) => readClock(sim.stateDir).sleep(virtualMs),
    cleanup() {
      let pid = null;
      try {
        pid = m.state().server?.pid ?? null;
        if (pid) process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      // wait for the daemon to go before removing its directory (up to 5 s: at a load of 30 it
      // can take over a second to exit, and it writes into the directory until then)
      for (let i = 0; pid && i < 500; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
      // The clock daemon may still append to its log in there: moved out of its path first, the
      // folder can no longer gain files (the daemon sees its dir gone and exits), then it is removed.
      const doomed = `${dir}.removed`;
      try {
        renameSync(dir, doomed);
      } catch {
        /* already gone */
      }
      rmSync(doomed, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    },
  };
  return m;
}

/** Start minikube, build the fixture images into the node (docker-env) and install the fixture chart. */
export function installFixture(
  m,
  { values = [], wait = true, extra = [], build = true, components = ['frontend', 'backend', 'mcp'] } = {},
) {
  const s = m.run('minikube', ['start', '-p', 'minikube', '--cpus=2', '--memory=4096']);
  if (s.code !== 0) throw new Error('minikube start failed: ' + s.stderr);
  if (build) {
    const env = m.json('minikube', ['docker-env', '-p', 'minikube', '--shell', 'none', '-o', 'json']);
    for (const c of components) {
      const b = m.run('docker', ['build', '-t', `todo-${c}:dev`, '-f', join(FIXTURES, 'app/Dockerfile'), join(FIXTURES, 'app', c)], {
        env,
      });
      if (b.code !== 0) throw new Error(`build ${c}: ${b.stderr}`);
    }
  }
  return m.run('helm', [
    'upgrade',
    '--install',
    'todo-chatbot',
    CHART,
    '-n',
    'todo-app',
    '--create-namespace',
    ...(wait ? ['--atomic', '--wait', '--timeout', '300s'] : []),
    '--set',
    'secrets.POSTGRES_PASSWORD=pw-123456',
    '--set',
    'secrets.OPENAI_API_KEY=sk-test',
    ...values,
    ...extra,
  ]);
}

export function pods(m, ns = 'todo-app') {
  return m.json('kubectl', ['get', 'pods', '-n', ns, '-o', 'json']).items;
}
export const comp = (p) => p.metadata.labels['app.kubernetes.io/component'];
