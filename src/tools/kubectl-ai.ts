// kubectl-ai: read-only by construction. In --quiet mode WITHOUT --skip-permissions every
// mutating tool call aborts, so this module never passes that flag.
// stdin is always closed by the exec layer: kubectl-ai reads an open stdin to EOF and hangs.
import type { Exec, ExecResult } from '../exec.ts';

export interface KubectlAiQuery {
  question: string;
  provider: string;
  model: string;
  maxIterations: number;
  timeoutMs: number;
  /** Provider keys (GEMINI_API_KEY, OPENAI_API_KEY, …) go through the environment, never argv. */
  env?: Record<string, string>;
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

  async version(): Promise<string | undefined> {
    const r = await this.exec.run({ tool: 'kubectl-ai', args: ['version'], timeoutMs: 20_000, quiet: true });
    if (r.exitCode !== 0) return undefined;
    return /version:\s*(\S+)/.exec(r.stdout)?.[1] ?? r.stdout.trim().split('\n')[0];
  }

  ask(query: KubectlAiQuery): Promise<ExecResult> {
    return this.exec.run({
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
  }
}

/** kubectl-ai renders markdown for a terminal; strip colour and cursor codes before a report sees it. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g, '');
}
