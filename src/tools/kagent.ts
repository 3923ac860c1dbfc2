// kagent: exits 0 on most failures and prints the error on stderr, so a call counts as successful
// only when exit is 0, stderr is empty and stdout parses as JSON; anything else throws
// CommandFailed (UnreadableOutput when stdout is not JSON). Never run bare `kagent`: it opens an
// interactive TUI.
import type { Exec, ExecResult } from '../exec.ts';
import { failure, parseJson } from './common.ts';

export interface KagentVersion {
  cli: string;
  backend: string;
  /**
   * The controller answered. backend_version is "unknown" whenever the CLI could not reach it:
   * `kagent version` gives its own port-forward about one second (NewPortForward in
   * go/core/cli/internal/cli/agent/utils.go: 10 tries 100 ms apart), so "unknown" does not mean
   * "not installed".
   */
  controllerReachable: boolean;
}

/** kagent's success test: exit 0 and nothing on stderr (its errors go there with exit 0). */
function ensureKagentOk(result: ExecResult, remedy: string): void {
  if (result.exitCode !== 0 || result.stderr.trim() || result.timedOut) throw failure(result, remedy);
}

export class Kagent {
  constructor(private readonly exec: Exec) {}

  installed(): boolean {
    return this.exec.which('kagent') !== undefined;
  }

  /** The CLI's and the controller's versions; throws CommandFailed (UnreadableOutput for non-JSON). */
  async version(): Promise<KagentVersion> {
    const r = await this.exec.run({ tool: 'kagent', args: ['version'], timeoutMs: 30_000, quiet: true });
    const remedy = 'run kagent version yourself to see why; reinstall the CLI if needed';
    ensureKagentOk(r, remedy);
    const raw = parseJson<{ kagent_version?: string; backend_version?: string }>(r, 'kagent version', remedy);
    const backend = raw.backend_version ?? 'unknown';
    return { cli: raw.kagent_version ?? 'unknown', backend, controllerReachable: backend !== 'unknown' && backend !== '' };
  }

  /** The agent's A2A result (read it with agentAnswer); throws CommandFailed with kagent's error. */
  async invoke(namespace: string, agent: string, task: string, timeoutMs: number): Promise<unknown> {
    const r = await this.exec.run({
      tool: 'kagent',
      args: ['invoke', '-n', namespace, '--agent', agent, '--task', task],
      timeoutMs,
      why: `ask the kagent agent ${agent}`,
    });
    const remedy = `kagent get agent -n ${namespace} lists the agents; set KAGENT_AGENT to one of them`;
    ensureKagentOk(r, remedy);
    return parseJson<unknown>(r, 'an A2A answer', remedy);
  }
}

/**
 * The agent's answer in `kagent invoke`'s JSON, which is the A2A SendMessage result (a Task, or a
 * Message) as the CLI's A2A library marshals it (go/core/cli/internal/cli/agent/invoke.go):
 * - released 0.9.x/0.10 (trpc-a2a-go): parts `{"kind":"text","text":…}`, roles "user"/"agent",
 *   states "completed"/"failed";
 * - main (a2a-go v2, a2a/core.go Part.MarshalJSON): parts `{"text":…}` with no kind, roles
 *   "ROLE_USER"/"ROLE_AGENT", states "TASK_STATE_COMPLETED"/….
 * The answer is the artifacts' text, else the status message's, else the agent's messages in the
 * history — never the user's own message, which the history repeats.
 */
export function agentAnswer(output: unknown): { text: string; state: string } {
  const record = (value: unknown): Record<string, unknown> | undefined =>
    value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const partText = (part: unknown): string | undefined => {
    const p = record(part);
    if (!p || typeof p.text !== 'string') return undefined;
    return p.kind === undefined || p.kind === 'text' ? p.text : undefined;
  };
  const textOf = (parts: unknown): string[] =>
    list(parts)
      .map(partText)
      .filter((t): t is string => t !== undefined && t.trim() !== '');
  const isUser = (message: unknown): boolean => /^(user|ROLE_USER)$/i.test(String(record(message)?.role ?? ''));
  const result = record(output) ?? {};
  const status = record(result.status) ?? {};
  const state = String(status.state ?? '')
    .replace(/^TASK_STATE_/, '')
    .toLowerCase();
  // A Message result (no task): its own parts, when the agent wrote it.
  if (result.parts !== undefined && !isUser(result)) return { text: textOf(result.parts).join('\n\n'), state: state || 'completed' };
  const fromArtifacts = list(result.artifacts).flatMap((a) => textOf(record(a)?.parts));
  if (fromArtifacts.length) return { text: fromArtifacts.join('\n\n'), state };
  const statusMessage = record(status.message);
  if (statusMessage && !isUser(statusMessage)) {
    const fromStatus = textOf(statusMessage.parts);
    if (fromStatus.length) return { text: fromStatus.join('\n\n'), state };
  }
  const fromHistory = list(result.history)
    .filter((m) => !isUser(m))
    .flatMap((m) => textOf(record(m)?.parts));
  return { text: fromHistory.join('\n\n'), state };
}
