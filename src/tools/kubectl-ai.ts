// kubectl-ai: read-only by construction. In --quiet mode WITHOUT --skip-permissions every
// mutating tool call aborts, so this module never passes that flag.
// stdin is always closed by the exec layer: kubectl-ai reads an open stdin to EOF and hangs.
// Contract: ask returns the answer or throws CommandFailed — main (cmd/main.go) prints any error
// on stderr and exits 1; ChangeRefused when the model wanted to change the cluster;
// UnreadableOutput for an exit 0 with no answer.
import type { Exec } from '../exec.ts';
import { CommandFailed, UnreadableOutput, lastLine } from '../errors.ts';
import { TIMED_OUT, bothStreams } from './common.ts';

export interface KubectlAiQuery {
  question: string;
  provider: string;
  model: string;
  maxIterations: number;
  timeoutMs: number;
  /** Provider keys (GEMINI_API_KEY, OPENAI_API_KEY, …) go through the environment, never argv. */
  env?: Record<string, string>;
}

export interface KubectlAiAnswer {
  /** The answer without colour or cursor codes. */
  text: string;
  durationMs: number;
  /**
   * false when kubectl-ai stopped at --max-iterations: it then says "Maximum number of iterations
   * reached." and exits 0 (the agentic loop in pkg/agent/conversation.go), so the answer may be cut short.
   */
  complete: boolean;
}

/**
 * The model asked to run a command that changes the cluster, which --quiet without
 * --skip-permissions refuses: "RunOnce mode cannot handle permission requests" (pkg/agent/conversation.go), exit 1.
 */
export class ChangeRefused extends CommandFailed {
  constructor(failed: CommandFailed) {
    super(failed.argv, failed.exitCode, failed.stderr, 'the answer is advisory; the built-in findings above stand on their own', {
      reason: 'it wanted to run a command that changes the cluster and was refused (read-only mode)',
    });
    this.name = 'ChangeRefused';
  }
}

/** The environment variable each provider needs (kubectl-ai's gollm/*). */
export const PROVIDER_KEYS: Record<string, string[]> = {
  gemini: ['GEMINI_API_KEY'],
  openai: ['OPENAI_API_KEY'],
  azopenai: ['AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_ENDPOINT'],
  grok: ['GROK_API_KEY'],
  ollama: [],
  llamacpp: [],
  vertexai: ['GOOGLE_CLOUD_PROJECT'],
};

export class KubectlAi {
  constructor(private readonly exec: Exec) {}

  installed(): boolean {
    return this.exec.which('kubectl-ai') !== undefined;
  }

  /** A probe: the version, or undefined when `kubectl-ai version` fails. */
  async version(): Promise<string | undefined> {
    const r = await this.exec.run({ tool: 'kubectl-ai', args: ['version'], timeoutMs: 20_000, quiet: true });
    if (r.exitCode !== 0) return undefined;
    return /version:\s*(\S+)/.exec(r.stdout)?.[1] ?? r.stdout.trim().split('\n')[0];
  }

  async ask(query: KubectlAiQuery): Promise<KubectlAiAnswer> {
    const r = await this.exec.run({
      tool: 'kubectl-ai',
      args: [
        '--quiet',
        '--llm-provider',
        query.provider,
        '--model',
        query.model,
        '--max-iterations',
        String(query.maxIterations),
        query.question,
      ],
      env: query.env,
      timeoutMs: query.timeoutMs,
      why: 'ask kubectl-ai (read-only) for a diagnosis',
    });
    const stdout = stripAnsi(r.stdout).trim();
    const stderr = stripAnsi(r.stderr).trim();
    if (r.exitCode !== 0 || r.timedOut) {
      // Both streams: a partial answer on stdout is evidence too; the cause is stderr's last line.
      const reason = r.timedOut ? TIMED_OUT : lastLine(stderr) || lastLine(stdout);
      const failed = new CommandFailed(r.argv, r.exitCode, bothStreams(r, stripAnsi), askRemedy(stderr, query.provider, r.timedOut), {
        reason,
        timedOut: r.timedOut,
        tailLines: 40,
      });
      throw /cannot handle permission requests/i.test(stderr) ? new ChangeRefused(failed) : failed;
    }
    if (!stdout) throw new UnreadableOutput(r.argv, 'an answer', r.stdout, 'ask again; the built-in findings above stand on their own');
    return { text: stdout, durationMs: r.durationMs, complete: !/Maximum number of iterations reached/i.test(stdout) };
  }
}

/** What to do about a failed question, from kubectl-ai's own error. */
function askRemedy(stderr: string, provider: string, timedOut: boolean): string {
  if (timedOut) return 'the model did not answer in time; try again, or a faster model with KUBECTL_AI_MODEL';
  if (/API key|environment variable not set|not set/i.test(stderr))
    return `check the ${provider} key (${(PROVIDER_KEYS[provider] ?? []).join(', ') || 'see the provider docs'}) and KUBECTL_AI_PROVIDER`;
  if (/not registered/i.test(stderr))
    return `KUBECTL_AI_PROVIDER "${provider}" is unknown to this kubectl-ai: use gemini, openai, azopenai, grok, ollama, …`;
  return 'the answer is advisory; the built-in findings above stand on their own';
}

/** kubectl-ai renders markdown for a terminal; strip colour and cursor codes before a report sees it. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g, '');
}
