// Runs a runbook as a real process (`zx runbooks/<id>.mjs`) on the simulated toolchain and
// collects what a user and an auditor would look at: exit code, screen, reports, calls.jsonl.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runbookBundles } from './runbook-bundle.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ZX_CLI = join(ROOT, 'node_modules', 'zx', 'build', 'cli.js');

export interface RunOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  reportDir: string;
  markdown: string;
  json: any;
  calls: Array<{ argv: string[]; exit: number; ms: number }>;
}

export interface RunOptions {
  stateDir: string;
  faults?: string;
  env?: Record<string, string>;
  reportDir?: string;
  /** Real-time limit (a hang); never less than HANG_LIMIT_MS. */
  timeoutMs?: number;
  cwd?: string;
  /** Run the entry point runbooks/<id>.mjs itself (through tsx) instead of its prebuilt bundle (runbook-bundle.ts). */
  entry?: 'source' | 'bundle';
}

/**
 * A runbook's own deadlines are in the simulator's virtual time, which does not depend on the
 * machine's load; this real-time limit only catches a hang, so it is generous: two suites at
 * once on a busy two-core machine make every process many times slower.
 */
export const HANG_LIMIT_MS = 900_000;

/** What this test file made in the temp folder: removed when it exits, see cleanUpOnExit. */
const made: { stateDirs: string[]; otherDirs: string[] } = { stateDirs: [], otherDirs: [] };

export function newStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-sim-'));
  made.stateDirs.push(dir);
  return dir;
}

/** A folder of this test file's that goes with its simulated machines (see cleanUpOnExit). */
export function removedOnExit(dir: string): string {
  made.otherDirs.push(dir);
  return dir;
}

/**
 * Stops a simulated machine's NodePort daemon, never a process that has taken over its pid since
 * (without /proc it is left alone; removing its state dir stops it within a second).
 */
export function stopNodePortDaemon(stateDir: string): void {
  try {
    const pid = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')).server?.pid;
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (command.some((a) => a.endsWith('server.mjs')) && command.includes(stateDir)) process.kill(pid, 'SIGTERM');
  } catch {
    /* no machine, or its daemon is gone already */
  }
}

/**
 * A simulated machine's NodePort daemon outlives the test that started it by up to 10 idle
 * minutes, checking its state every 150 ms: dozens of them cost the next tests CPU. When the test
 * file's process exits, each machine it made is stopped; when every test passed, the machines and
 * reports are removed too (which also ends their clock daemons), otherwise they stay to be read.
 */
function cleanUpOnExit(code: number): void {
  for (const dir of made.stateDirs) stopNodePortDaemon(dir);
  if (code !== 0) return;
  for (const dir of [...made.stateDirs, ...made.otherDirs]) removeMachineDir(dir);
}

/**
 * A machine's clock daemon can still append to its log while the folder is being removed: moved
 * out of its path first, the folder gains no more files (the daemon sees it gone and exits). A
 * folder that still cannot be removed is left in /tmp rather than failing a file whose tests passed.
 */
function removeMachineDir(dir: string): void {
  const doomed = `${dir}.removed`;
  try {
    renameSync(dir, doomed);
    rmSync(doomed, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  } catch {
    /* gone already, or left for the OS's /tmp cleaning */
  }
}
process.on('exit', cleanUpOnExit);

export function readCalls(stateDir: string): RunOutcome['calls'] {
  const file = join(stateDir, 'calls.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** The newest report of a runbook in a folder. */
export function latestReport(reportDir: string, id: string): { markdown: string; json: any } {
  const files = existsSync(reportDir)
    ? readdirSync(reportDir)
        .filter((f) => f.endsWith(`-${id}.json`))
        .sort()
    : [];
  const last = files[files.length - 1];
  if (!last) return { markdown: '', json: undefined };
  const base = join(reportDir, last.replace(/\.json$/, ''));
  return { markdown: readFileSync(`${base}.md`, 'utf8'), json: JSON.parse(readFileSync(`${base}.json`, 'utf8')) };
}

export async function runRunbook(id: string, args: string[], options: RunOptions): Promise<RunOutcome> {
  const reportDir = options.reportDir ?? removedOnExit(mkdtempSync(join(tmpdir(), 'e2e-reports-')));
  const fromSource = (options.entry ?? (process.env.E2E_RUNBOOKS === 'source' ? 'source' : 'bundle')) === 'source';
  const script = fromSource ? join(ROOT, 'runbooks', `${id}.mjs`) : join(await runbookBundles(ROOT), `${id}.mjs`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ZX_CLI, script, '--simulate', '--report-dir', reportDir, ...args], {
      cwd: options.cwd ?? ROOT,
      env: {
        ...process.env,
        SIM_STATE_DIR: options.stateDir,
        SIM_FAULTS: options.faults ?? '',
        NO_COLOR: '1',
        ENV_FILE: '',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const limitMs = Math.max(options.timeoutMs ?? 0, HANG_LIMIT_MS);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${id} did not finish within ${limitMs} ms\n${stdout}\n${stderr}`));
    }, limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const { markdown, json } = latestReport(reportDir, id);
      resolve({ exitCode: code ?? -1, stdout, stderr, reportDir, markdown, json, calls: readCalls(options.stateDir) });
    });
  });
}

/** Calls that change something (used to prove that a refused run changed nothing). */
export function mutatingCalls(calls: RunOutcome['calls']): RunOutcome['calls'] {
  const readOnly = (argv: string[]) => {
    const [tool, a, b] = argv;
    if (tool === 'kubectl')
      return (
        ['get', 'version', 'config', 'describe', 'logs', 'wait', 'top'].includes(a!) &&
        !(a === 'config' && b !== 'current-context' && b !== 'get-contexts' && b !== 'view')
      );
    if (tool === 'helm') return ['version', 'status', 'list', 'history', 'get', 'template', 'lint'].includes(a!);
    if (tool === 'minikube')
      return (
        ['version', 'status', 'ip', 'profile', 'docker-env', 'service'].includes(a!) ||
        (a === 'addons' && b === 'list') ||
        (a === 'image' && b === 'ls')
      );
    if (tool === 'docker')
      return ['version', 'info', 'history', 'images'].includes(a!) || (a === 'image' && b === 'inspect') || (a === 'ai' && b === 'version');
    return ['version'].includes(a!);
  };
  return calls.filter((c) => !readOnly(c.argv));
}

/** 00-setup, 01-build and 02-load on a state folder, each of which must pass: what a 03 test starts from. */
export async function setUpThroughLoad(stateDir: string, env: Record<string, string>): Promise<void> {
  for (const id of ['00-setup', '01-build', '02-load']) {
    const r = await runRunbook(id, ['--yes'], { stateDir, env });
    if (r.exitCode !== 0) throw new Error(`${id} exited ${r.exitCode}:\n${r.stdout.slice(-4000)}`);
  }
}

/** A stand-in called directly, as a user would with the simulated tools on PATH (no faults). */
export function simTool(stateDir: string, tool: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(join(stateDir, 'bin', tool), args, {
    env: { ...process.env, SIM_STATE_DIR: stateDir, SIM_FAULTS: '' },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A runbook left running (access, dev): its screen read while it runs, ended by the test (SIGINT) or by itself. */
export interface RunningRunbook {
  child: ReturnType<typeof spawn>;
  exited: Promise<number>;
  /** Resolves with the first match on the screen so far; kills the run and throws after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  out(): string;
}

export async function startRunbook(id: string, args: string[], options: RunOptions & { reportDir: string }): Promise<RunningRunbook> {
  const fromSource = (options.entry ?? (process.env.E2E_RUNBOOKS === 'source' ? 'source' : 'bundle')) === 'source';
  const script = fromSource ? join(ROOT, 'runbooks', `${id}.mjs`) : join(await runbookBundles(ROOT), `${id}.mjs`);
  const child = spawn(process.execPath, [ZX_CLI, script, '--simulate', '--yes', '--report-dir', options.reportDir, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env, SIM_STATE_DIR: options.stateDir, SIM_FAULTS: options.faults ?? '', NO_COLOR: '1', ENV_FILE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const waitFor = async (pattern: RegExp, ms = 300_000) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const m = pattern.exec(out);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    throw new Error(`no ${pattern} within ${ms} ms:\n${out.slice(-3000)}`);
  };
  return { child, exited, waitFor, out: () => out };
}
