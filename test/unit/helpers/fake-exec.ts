// A recording fake of the Exec interface: tool modules are tested by the exact argv they send,
// and by how they read canned outputs in the real tools' formats.
import type { BackgroundProcess, Exec, ExecRequest, ExecResult, ToolName } from '../../../src/exec.ts';
import { ToolMissing } from '../../../src/errors.ts';

export interface Canned {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  timedOut?: boolean;
}

type Responder = Canned | ((request: ExecRequest) => Canned);

export class RecordingExec implements Exec {
  readonly calls: ExecRequest[] = [];
  private readonly responses: Array<{ match: (argv: string[]) => boolean; respond: Responder; times: number }> = [];
  missing = new Set<ToolName>();
  secretsInArgv = 0;

  /** Answers calls whose argv (tool first) starts with `prefix`; later rules win. */
  on(prefix: string[], respond: Responder, times = Infinity): this {
    this.responses.unshift({ match: (argv) => prefix.every((p, i) => argv[i] === p), respond, times });
    return this;
  }

  get argvs(): string[][] {
    return this.calls.map((c) => [c.tool, ...c.args]);
  }

  which(tool: ToolName): string | undefined {
    return this.missing.has(tool) ? undefined : `/fake/bin/${tool}`;
  }

  async run(request: ExecRequest): Promise<ExecResult> {
    // As ZxExec: a tool that is not on the search path is never started.
    if (this.missing.has(request.tool)) throw new ToolMissing(request.tool);
    this.calls.push(request);
    const argv = [request.tool, ...request.args];
    const rule = this.responses.find((r) => r.times > 0 && r.match(argv));
    if (rule) rule.times--;
    const canned = rule ? (typeof rule.respond === 'function' ? rule.respond(request) : rule.respond) : {};
    return {
      argv,
      exitCode: canned.exitCode ?? 0,
      stdout: canned.stdout ?? '',
      stderr: canned.stderr ?? '',
      durationMs: 1,
      timedOut: canned.timedOut ?? false,
    };
  }

  /** What a started process (a port-forward) prints; '' for one that never comes up. */
  startedOutput = 'Forwarding from 127.0.0.1:40123 -> 8001\nStarting to serve on 127.0.0.1:40124\n';

  start(request: Omit<ExecRequest, 'timeoutMs' | 'input'>): BackgroundProcess {
    this.calls.push({ ...request, timeoutMs: 0 });
    return {
      waitFor: async (pattern) => {
        const match = pattern.exec(this.startedOutput);
        if (!match) throw new Error(`kubectl port-forward did not print ${pattern} in time`);
        return match;
      },
      stop: async () => {},
      // never ends by itself: the fake has no pods to lose
      exited: new Promise(() => {}),
    };
  }
}

export const instantClock = { now: () => 0, sleep: async () => {}, speed: 1 };
