// The runbook framework: named steps with spinners and timings, checks with criterion ids,
// prompts that never wait without a terminal, cleanup in `finally`, Ctrl-C handling, exit codes
// 0/1/2/130, and a report written whatever happened. The context and the run are here; what a
// definition is (runbook/types.ts), how an ending is classified, how the report is built and how
// --simulate starts are in runbook/.
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { confirm, password, select } from '@inquirer/prompts';
import { loadConfig, usageText, type LoadedConfig, type Settings } from './config.ts';
import { EventBus, type CheckRecord, type CheckStatus } from './events.ts';
import { CheckFailed, Interrupted, UsageError, exitCodes } from './errors.ts';
import { ZxExec, userSearchPath, type Exec } from './exec.ts';
import { wallClock, type Clock } from './clock.ts';
import { Ui, defaultUiOptions } from './ui.ts';
import { StopWait } from './stop-wait.ts';
import { redact } from './redact.ts';
import { registerKnownSecrets } from './secrets.ts';
import { checkReportFolder, writeReport } from './report/write.ts';
import { imageSpecs } from './images.ts';
import type { RunResult, TimelineEntry } from './report/model.ts';
import { Docker } from './tools/docker.ts';
import { DockerRegistry } from './tools/docker-registry.ts';
import { Minikube } from './tools/minikube.ts';
import { Kubectl } from './tools/kubectl.ts';
import { Helm } from './tools/helm.ts';
import { KubectlAi } from './tools/kubectl-ai.ts';
import { Kagent } from './tools/kagent.ts';
import { Gordon } from './tools/gordon.ts';
import type { Tools, RunbookDefinition, CheckInput, Simulation, RunOutcome } from './runbook/types.ts';
import { PROJECT_ROOT } from './project-root.ts';
import { prepareSimulation } from './runbook/simulation.ts';
import { classify } from './runbook/classify.ts';
import { buildReport } from './runbook/build-report.ts';

/**
 * Time spent waiting for a person to answer, across every runbook in this process (a runbook started
 * from another asks its questions inside the parent's step). Steps subtract it: a step's time is the
 * work, not the typing. `clockMs` is in the runbooks' clock (virtual when simulated), `realMs` in wall time.
 */
const personWait = { clockMs: 0, realMs: 0 };

export class RunbookContext {
  readonly environment: Record<string, string> = {};
  readonly timeline: TimelineEntry[] = [];
  readonly startedAt: number;
  private readonly cleanups: Array<{ label: string; fn: () => Promise<void> }> = [];

  constructor(
    readonly definition: RunbookDefinition,
    readonly config: LoadedConfig,
    readonly exec: Exec,
    readonly clock: Clock,
    readonly tools: Tools,
    readonly ui: Ui,
    readonly simulation: Simulation | undefined,
    readonly bus: EventBus,
  ) {
    this.startedAt = clock.now();
  }

  get settings(): Settings {
    return this.config.settings;
  }

  get interactive(): boolean {
    return !this.config.yes;
  }

  flag(name: string): string | boolean | undefined {
    return this.config.flags[name];
  }

  /** Runs one named step: a spinner while it runs, its time in the report, and its failure stops the run. */
  async step<T>(name: string, why: string, fn: () => Promise<T>): Promise<T> {
    const started = this.clock.now();
    const waitedBefore = { ...personWait };
    // The time a person took to answer is not the step's: it is reported apart, in real time.
    const timing = () => ({
      ms: Math.max(0, this.clock.now() - started - (personWait.clockMs - waitedBefore.clockMs)),
      ...(personWait.realMs > waitedBefore.realMs ? { waitedMs: personWait.realMs - waitedBefore.realMs } : {}),
    });
    this.bus.emit({ kind: 'step-start', step: name, why, at: started });
    try {
      const result = await fn();
      this.bus.emit({ kind: 'step-end', step: name, status: 'ok', ...timing() });
      return result;
    } catch (error) {
      this.bus.emit({
        kind: 'step-end',
        step: name,
        status: 'failed',
        ...timing(),
        detail: error instanceof Error ? redact(error.message) : undefined,
      });
      throw error;
    }
  }

  /**
   * Runs another runbook inside this one. It owns the terminal meanwhile: this runbook's spinner is
   * stopped, or it would keep redrawing over the other runbook's questions.
   */
  async runNested(definition: RunbookDefinition, argv: string[]): Promise<number> {
    this.ui.pause();
    // Where one runbook's output ends and the other's begins, so the screen says whose question it is.
    this.ui.line(this.ui.style('dim', `\n── ${definition.id} starts, from ${this.definition.id} ──`));
    try {
      return await execute(definition, argv);
    } finally {
      this.ui.line(this.ui.style('dim', `── back in ${this.definition.id} ──`));
      this.ui.resume();
    }
  }

  /** Gives the terminal to an interactive tool (Gordon's TUI): the spinner stops meanwhile. */
  async handTerminal<T>(run: () => Promise<T>): Promise<T> {
    this.ui.pause();
    try {
      return await run();
    } finally {
      this.ui.resume();
    }
  }

  skip(name: string, reason: string): void {
    this.bus.emit({ kind: 'step-start', step: name, why: reason, at: this.clock.now() });
    this.bus.emit({ kind: 'step-end', step: name, status: 'skipped', ms: 0, detail: reason });
  }

  /** Records a check; returns whether it passed (warn and skip do not fail the run). */
  check(input: CheckInput): boolean {
    const status: CheckStatus = typeof input.pass === 'boolean' ? (input.pass ? 'pass' : 'fail') : input.pass;
    const record: CheckRecord = {
      id: input.id,
      title: redact(input.title),
      expected: redact(input.expected),
      measured: redact(input.measured),
      status,
      remedy: input.remedy && redact(input.remedy),
      value: input.value,
      unit: input.unit,
    };
    this.bus.emit({ kind: 'check', check: record });
    return status !== 'fail';
  }

  /** Records a check and stops the run when it failed. */
  require(input: CheckInput): void {
    if (!this.check(input)) throw new CheckFailed(`${input.title}: ${input.measured}`, input.remedy ?? 'see the report for details');
  }

  note(text: string, level: 'info' | 'warn' = 'info'): void {
    this.bus.emit({ kind: 'note', level, text: redact(text) });
  }

  evidence(title: string, body: string, lang?: string): void {
    this.bus.emit({ kind: 'evidence', title: redact(title), body: redact(body), ...(lang ? { lang } : {}) });
  }

  fact(key: string, value: string): void {
    this.environment[key] = redact(value);
  }

  /** A span for the mermaid timeline, in this run's clock. */
  span(section: string, label: string, startMs: number, endMs: number): void {
    this.timeline.push({ section, label, startMs: startMs - this.startedAt, endMs: endMs - this.startedAt });
  }

  /** For a runbook whose normal end is the user's Ctrl-C (access): see src/stop-wait.ts. */
  readonly stops = new StopWait();

  onCleanup(label: string, fn: () => Promise<void>): void {
    this.cleanups.push({ label, fn });
  }

  async runCleanups(): Promise<void> {
    for (const { label, fn } of this.cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        // Best-effort: cleanup logs and goes on.
        this.note(`cleanup "${label}" did not complete: ${error instanceof Error ? error.message : String(error)}`, 'warn');
      }
    }
    this.cleanups.length = 0;
  }

  /** A yes/no question; without a terminal (or with --yes) the answer is `whenNonInteractive`. */
  async confirm(message: string, options: { default: boolean; whenNonInteractive: boolean }): Promise<boolean> {
    if (!this.interactive) {
      this.note(`${message} → ${options.whenNonInteractive ? 'yes' : 'no'} (non-interactive)`);
      return options.whenNonInteractive;
    }
    return this.prompt(() => confirm({ message, default: options.default }));
  }

  async choose<T extends string>(
    message: string,
    choices: Array<{ value: T; name: string; description?: string }>,
    whenNonInteractive: T,
  ): Promise<T> {
    if (!this.interactive) return whenNonInteractive;
    return this.prompt(() => select({ message, choices }));
  }

  /** Masked input (the characters echo as *). */
  async secretPrompt(message: string, validate: (value: string) => string | true): Promise<string> {
    return this.prompt(() => password({ message, mask: '*', validate }));
  }

  private async prompt<T>(ask: () => Promise<T>): Promise<T> {
    this.ui.pause();
    const asked = { clock: this.clock.now(), real: Date.now() };
    try {
      return await ask();
    } catch (error) {
      // @inquirer/prompts throws ExitPromptError when the user presses Ctrl-C at a prompt.
      if (error instanceof Error && error.name === 'ExitPromptError') throw new Interrupted();
      throw error;
    } finally {
      personWait.clockMs += this.clock.now() - asked.clock;
      personWait.realMs += Date.now() - asked.real;
      this.ui.resume();
    }
  }
}

/** Builds the context, runs the runbook, writes the report and returns the exit code. */
export async function execute(definition: RunbookDefinition, argv: string[]): Promise<number> {
  return (await executeWithReport(definition, argv)).exitCode;
}

/** As execute(), and also hands back the report (validate-all consolidates them). */
export async function executeWithReport(definition: RunbookDefinition, argv: string[]): Promise<RunOutcome> {
  const ui = new Ui(defaultUiOptions());
  let config: LoadedConfig;
  try {
    config = loadConfig(argv, definition.flags ?? []);
  } catch (error) {
    if (error instanceof UsageError) {
      ui.failure(error.message, error.remedy);
      return { exitCode: exitCodes.usage };
    }
    throw error;
  }
  // Known secrets are masked from the first command on, in every runbook, whether it uses them or not.
  registerKnownSecrets(process.env, config.fileEnv);
  if (config.help) {
    process.stdout.write(usageText(definition.id, definition.title, definition.summary, definition.flags ?? []) + '\n');
    return { exitCode: exitCodes.ok };
  }

  let simulation: Simulation | undefined;
  let clock: Clock = wallClock;
  try {
    checkReportFolder(config.settings.reportDir, config.sources.reportDir === 'flag' ? '--report-dir' : 'REPORT_DIR');
    // A custom app's folders and Dockerfiles must exist: found missing mid-run, they would stop it half done.
    imageSpecs(config.settings, PROJECT_ROOT);
    if (config.simulate) ({ simulation, clock } = await prepareSimulation());
  } catch (error) {
    if (error instanceof UsageError) {
      ui.failure(error.message, error.remedy);
      return { exitCode: exitCodes.usage };
    }
    throw error;
  }

  const bus = new EventBus();
  const exec = new ZxExec({
    bus,
    searchPath: simulation ? [simulation.binDir] : userSearchPath(),
    baseEnv: { ...process.env, ...(simulation?.env ?? {}) },
    clock,
  });
  const { settings } = config;
  const kubeContext = settings.context || settings.profile;
  const tools: Tools = {
    docker: new Docker(exec),
    registry: new DockerRegistry(exec),
    minikube: new Minikube(exec, settings.profile),
    kubectl: new Kubectl(exec, { context: kubeContext, requestTimeoutS: settings.requestTimeoutS, clock }),
    helm: new Helm(exec, { kubeContext, clock }),
    kubectlAi: new KubectlAi(exec),
    kagent: new Kagent(exec),
    gordon: new Gordon(exec),
  };
  const ctx = new RunbookContext(definition, config, exec, clock, tools, ui, simulation, bus);
  ui.attach(bus);
  ctx.fact('runbook', `${definition.id} (${definition.title})`);
  ctx.fact(
    'mode',
    simulation
      ? `simulated (state ${simulation.stateDir}; times are in the simulator's virtual clock, which moves by events, not with real time)`
      : 'real tools',
  );
  ctx.fact('os', `${os.platform()} ${os.release()} (${os.arch()})`);
  ctx.fact('node', process.version);

  ui.line(ui.style('bold', `${definition.title}${simulation ? '  [SIMULATED]' : ''}`));
  ui.line(ui.style('dim', definition.summary));

  let interruptedBySignal = false;
  const onSigint = () => {
    if (ctx.stops.take()) return; // the planned end of a runbook that runs until Ctrl-C
    if (interruptedBySignal) process.exit(exitCodes.interrupted); // a second Ctrl-C: leave now
    interruptedBySignal = true;
    ui.failure('Interrupted: stopping the running command, cleaning up and writing the report…', 'press Ctrl-C again to leave at once');
    void exec.interruptAll();
  };
  process.on('SIGINT', onSigint);

  let result: RunResult = 'passed';
  let exitCode: number = exitCodes.ok;
  let reason: string | undefined;
  let remedy: string | undefined;
  try {
    await definition.run(ctx);
    if (interruptedBySignal) throw new Interrupted();
  } catch (error) {
    ({ result, exitCode, reason, remedy } = classify(interruptedBySignal ? new Interrupted() : error));
  } finally {
    exec.resume();
    await ctx.runCleanups();
    process.off('SIGINT', onSigint);
  }
  const failedChecks = bus.history.filter((e) => e.kind === 'check' && e.check.status === 'fail');
  if (exitCode === exitCodes.ok && failedChecks.length > 0) {
    result = 'failed';
    exitCode = exitCodes.failed;
    const first = failedChecks[0]!;
    if (first.kind === 'check') {
      reason = `${first.check.title}: ${first.check.measured}`;
      remedy = first.check.remedy;
    }
  }
  reason = reason && redact(reason);
  remedy = remedy && redact(remedy);

  const report = buildReport(ctx, bus, { result, exitCode, reason, remedy });
  let paths: RunOutcome['paths'];
  try {
    paths = writeReport(settings.reportDir, report);
  } catch (error) {
    // The folder was writable at the start; whatever happened since, say so and end (exit 1 at least).
    ui.failure(
      `the report could not be written to ${settings.reportDir}: ${error instanceof Error ? error.message : String(error)}`,
      "free space or fix the folder's permissions, then run again",
    );
    if (exitCode === exitCodes.ok) exitCode = exitCodes.failed;
  }
  if (exitCode !== exitCodes.ok && reason) ui.failure(reason, remedy);
  ui.line('');
  ui.line(
    `${exitCode === 0 ? ui.style('green', 'All checks passed.') : ui.style('red', `Result: ${result} (exit ${exitCode}).`)} Report: ${paths?.markdown ?? 'not written'}`,
  );
  return { exitCode, report, paths };
}

/** The entry point the thin runbooks/*.mjs files call. */
export async function main(definition: RunbookDefinition, scriptUrl: string): Promise<never> {
  try {
    process.exit(await execute(definition, scriptArgs(scriptUrl)));
  } catch (error) {
    // Last resort: one line, never a stack trace (DEBUG=1 shows it).
    if (process.env.DEBUG) console.error(error);
    console.error(`✖ unexpected error: ${redact(error instanceof Error ? error.message : String(error))}`);
    console.error('  → run again with DEBUG=1 for details, and report it if it persists');
    process.exit(exitCodes.failed);
  }
}

/** The arguments after the script path, whether run as `npx zx runbooks/x.mjs …` or `node runbooks/x.mjs …`. */
export function scriptArgs(scriptUrl: string, argv = process.argv): string[] {
  const script = fileURLToPath(scriptUrl);
  const index = argv.findIndex((arg, i) => i > 0 && (arg === script || (script.endsWith(arg.replace(/^\.\//, '')) && /\.mjs$/.test(arg))));
  return index >= 0 ? argv.slice(index + 1) : argv.slice(2);
}

export { PROJECT_ROOT } from './project-root.ts';
export type { Tools, RunbookDefinition, CheckInput, Simulation, RunOutcome } from './runbook/types.ts';
