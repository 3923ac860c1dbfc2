// The one place that spawns processes. Every call: argv as an array (zx quotes each element),
// a timeout, a redacted record on the event stream, and the tool resolved to an absolute path
// from an explicit search path (so nothing in node_modules/.bin can stand in for the user's tools).
import { $, type ProcessPromise } from 'zx';
import { accessSync, closeSync, constants, fchmodSync, openSync, statSync } from 'node:fs';
import { delimiter, join, resolve, sep } from 'node:path';
import type { EventBus } from './events.ts';
import { ToolMissing, Interrupted, lastLine } from './errors.ts';
import { containsSecret, redact, redactArgv } from './redact.ts';
import type { Clock } from './clock.ts';

export type ToolName = 'docker' | 'minikube' | 'kubectl' | 'helm' | 'kubectl-ai' | 'kagent';

export interface ExecRequest {
  tool: ToolName;
  args: string[];
  /** A hard bound in clock milliseconds; the process is killed when it passes. */
  timeoutMs: number;
  /** Sent on stdin, then stdin is closed. Without it stdin is closed at once (kubectl-ai reads an open stdin to EOF). */
  input?: string;
  /** Extra environment for this call (e.g. minikube's docker-env). */
  env?: Record<string, string>;
  cwd?: string;
  /** Shown to the user next to the command. */
  why?: string;
  /** Do not show this call on screen (routine polling); it is still in the transcript. */
  quiet?: boolean;
  /**
   * Stdin is this file, streamed byte for byte (a database dump into `kubectl exec -i`); its
   * content is never recorded. Not with `input`.
   */
  stdinFile?: string;
  /**
   * Stdout goes byte for byte into this file (created or truncated, mode 0600: it may hold the
   * app's data), never into memory or the event stream; the result's stdout is then empty.
   */
  stdoutFile?: string;
  /**
   * Hand the terminal to the tool (stdin, stdout and stderr inherited) for an interactive program
   * the user drives and leaves (Gordon's TUI). Its output is then not captured.
   */
  terminal?: boolean;
}

export interface ExecResult {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

export interface BackgroundProcess {
  /** Resolves with the first regex match on stdout, or rejects when the deadline passes or the process exits. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
  /** Resolves when the process has ended by itself or been stopped, with its exit code and the end of its stderr. */
  readonly exited: Promise<{ exitCode: number | null; stderrTail: string }>;
}

export interface Exec {
  run(request: ExecRequest): Promise<ExecResult>;
  /** Starts a long-running process (port-forward, tunnel) that must be stopped by the caller. */
  start(request: Omit<ExecRequest, 'timeoutMs' | 'input'>): BackgroundProcess;
  /** The absolute path of a tool, or undefined when it is not installed. */
  which(tool: ToolName): string | undefined;
  /** How many calls so far carried a registered secret in their argv. */
  readonly secretsInArgv: number;
}

export interface ZxExecOptions {
  bus: EventBus;
  /** Directories searched for tools, in order. */
  searchPath: string[];
  /** The environment every child gets (simulation settings, NO_COLOR…). */
  baseEnv: NodeJS.ProcessEnv;
  /** The runbook's clock; a simulated one is told about every child (Clock.child). */
  clock: Clock;
}

const TAIL_CHARS = 2000;
const MIN_REAL_TIMEOUT_MS = 5000;

/**
 * The search path for real runs: PATH, minus any node_modules/.bin (npx and npm scripts put the
 * project's own first, and a test-only helm there must never shadow the user's helm).
 */
export function userSearchPath(pathVar = process.env.PATH ?? ''): string[] {
  return pathVar
    .split(delimiter)
    .filter(Boolean)
    .filter((dir) => !resolve(dir).split(sep).includes('node_modules'));
}

export function findExecutable(name: string, searchPath: string[]): string | undefined {
  const names = process.platform === 'win32' ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const dir of searchPath) {
    for (const candidate of names) {
      const full = join(dir, candidate);
      try {
        if (!statSync(full).isFile()) continue;
        accessSync(full, constants.X_OK);
        return full;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

function tail(text: string): string {
  const redacted = redact(text);
  return redacted.length > TAIL_CHARS ? `…${redacted.slice(-TAIL_CHARS)}` : redacted;
}

export class ZxExec implements Exec {
  private readonly running = new Set<ProcessPromise>();
  /** Calls whose argv held a registered secret: must stay 0 (argv is visible to every user via ps). */
  secretsInArgv = 0;
  private interrupted = false;

  constructor(private readonly options: ZxExecOptions) {}

  which(tool: ToolName): string | undefined {
    return findExecutable(tool, this.options.searchPath);
  }

  private resolve(tool: ToolName): string {
    const path = this.which(tool);
    if (!path) throw new ToolMissing(tool);
    return path;
  }

  /**
   * Timeouts are given in clock time. A virtual clock stands still while a child works, so the
   * same number of real milliseconds is only a safety net there (the simulated tools keep their
   * own --timeout in virtual time).
   */
  private realTimeout(clockMs: number): number {
    return Math.max(MIN_REAL_TIMEOUT_MS, Math.ceil(clockMs));
  }

  /** Resolves the tool, records the command (redacted) and spawns it; stdin is /dev/null unless input is given. */
  private launch(request: Omit<ExecRequest, 'timeoutMs'> & { timeoutMs?: number }): {
    process$: ProcessPromise;
    argv: string[];
    display: string[];
    done: () => void;
  } {
    const bin = this.resolve(request.tool);
    const child = this.options.clock.child?.();
    const argv = [request.tool, ...request.args];
    if (argv.some(containsSecret)) this.secretsInArgv++;
    const display = redactArgv(argv);
    this.options.bus.emit({ kind: 'command', tool: request.tool, argv: display, why: request.why, at: Date.now(), shown: !request.quiet });
    // Files given as stdin/stdout are opened here and handed to the child as descriptors (the
    // bytes never pass through this process); both are closed once the child has exited.
    const fds: number[] = [];
    const open = (path: string, flags: string): number => {
      const fd = openSync(path, flags, 0o600);
      fds.push(fd);
      if (flags === 'w') fchmodSync(fd, 0o600); // the mode of openSync applies only to a new file
      return fd;
    };
    let stdio: Record<string, unknown>;
    try {
      stdio = request.terminal
        ? { stdio: ['inherit', 'inherit', 'inherit'] as const }
        : request.stdinFile !== undefined || request.stdoutFile !== undefined
          ? {
              stdio: [
                request.stdinFile === undefined ? 'ignore' : open(request.stdinFile, 'r'),
                request.stdoutFile === undefined ? 'pipe' : open(request.stdoutFile, 'w'),
                'pipe',
              ],
            }
          : // No input: stdin is /dev/null, so a tool that reads stdin to EOF (kubectl-ai) cannot hang.
            request.input === undefined
            ? { stdio: ['ignore', 'pipe', 'pipe'] as const }
            : { input: request.input };
    } catch (error) {
      for (const fd of fds) closeSync(fd);
      child?.done();
      throw error;
    }
    const process$ = $({
      quiet: true,
      verbose: false,
      nothrow: true,
      cwd: request.cwd,
      env: { ...this.options.baseEnv, ...request.env, ...child?.env },
      ...stdio,
      ...(request.timeoutMs === undefined ? {} : { timeout: this.realTimeout(request.timeoutMs), timeoutSignal: 'SIGKILL' as const }),
    })`${bin} ${request.args}`;
    this.running.add(process$);
    const closeFiles = () => {
      for (const fd of fds.splice(0)) closeSync(fd);
    };
    return {
      process$,
      argv,
      display,
      done: () => {
        closeFiles();
        child?.done();
      },
    };
  }

  async run(request: ExecRequest): Promise<ExecResult> {
    if (this.interrupted) throw new Interrupted();
    const { bus } = this.options;
    const started = Date.now();
    let timedOut = false;
    const { process$, argv, display, done } = this.launch(request);
    try {
      const output = await process$;
      const durationMs = Date.now() - started;
      timedOut = output.signal === 'SIGKILL' && !this.interrupted;
      const result: ExecResult = {
        argv,
        exitCode: output.exitCode ?? (timedOut ? 124 : 1),
        stdout: output.stdout,
        stderr: output.stderr,
        durationMs,
        timedOut,
      };
      bus.emit({
        kind: 'command-end',
        tool: request.tool,
        argv: display,
        exitCode: result.exitCode,
        ms: durationMs,
        timedOut,
        stdoutTail: tail(result.stdout),
        stderrTail: tail(result.stderr),
      });
      if (this.interrupted) throw new Interrupted();
      return result;
    } finally {
      this.running.delete(process$);
      done();
    }
  }

  start(request: Omit<ExecRequest, 'timeoutMs' | 'input'>): BackgroundProcess {
    const { process$, display, done } = this.launch(request);
    let stdout = '';
    let stderr = '';
    let exited = false;
    process$.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // Kept for the error when it exits before it is ready, and for why it ended: kubectl says it on stderr.
    process$.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-TAIL_CHARS)));
    const finished = new Promise<{ exitCode: number | null; stderrTail: string }>((resolve) => {
      void process$.then((output) => {
        exited = true;
        this.running.delete(process$);
        done();
        resolve({ exitCode: output.exitCode, stderrTail: redact(stderr) });
      });
    });
    return {
      exited: finished,
      // in real time: a background process comes up in real time, simulated or not
      waitFor: async (pattern, timeoutMs) => {
        const deadline = Date.now() + Math.max(1000, timeoutMs);
        while (Date.now() < deadline) {
          const match = pattern.exec(stdout);
          if (match) return match;
          if (exited) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const why = exited ? ` (it exited: ${lastLine(redact(stderr)) || 'no error output'})` : '';
        throw new Error(`${display.join(' ')} did not print ${pattern} in time${why}`);
      },
      stop: async () => {
        if (!exited) {
          try {
            process$.kill('SIGTERM');
          } catch {
            // already gone
          }
        }
        await finished;
      },
    };
  }

  /** Ctrl-C: stop every child so the runbook can run its cleanup and write its report. */
  async interruptAll(): Promise<void> {
    this.interrupted = true;
    await Promise.all(
      [...this.running].map(async (p) => {
        try {
          p.kill('SIGTERM');
        } catch {
          // already gone
        }
      }),
    );
  }

  /** Cleanup after an interrupt still needs to run commands (e.g. remove a temp release). */
  resume(): void {
    this.interrupted = false;
  }
}
