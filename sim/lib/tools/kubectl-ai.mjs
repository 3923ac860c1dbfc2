// @ts-check
// Simulated kubectl-ai (GoogleCloudPlatform/kubectl-ai).
import { parseOrFail } from '../common.mjs';

export const SPEC = {
  quiet: { type: 'bool' },
  'llm-provider': { type: 'string', def: 'gemini' },
  model: { type: 'string', def: 'gemini-2.5-pro' },
  'skip-permissions': { type: 'bool' },
  'max-iterations': { type: 'int', def: 20 },
  kubeconfig: { type: 'string' },
  'show-tool-output': { type: 'bool' },
  'trace-path': { type: 'string' },
  'mcp-client': { type: 'bool' },
  'mcp-server': { type: 'bool' },
  'enable-tool-use-shim': { type: 'bool' },
  'user-interface': { type: 'string', def: 'terminal' },
  'remove-workdir': { type: 'bool' },
  'custom-tools-config': { type: 'stringArray' },
  'prompt-template-file-path': { type: 'string' },
  'extra-prompt-paths': { type: 'stringArray' },
  'skip-verify-ssl': { type: 'bool' },
  'ui-listen-address': { type: 'string' },
  v: { type: 'string', short: 'v' },
  help: { type: 'bool', short: 'h' },
};

/** @param {import('../cli.mjs').Ctx} ctx */
export async function run(ctx) {
  const p = parseOrFail(ctx, ctx.argv, SPEC, (msg) => ({ text: `Error: ${msg}\n`, code: 1 }));
  if (p.flags.help) {
    ctx.out('kubectl-ai: an AI assistant for Kubernetes (simulated; see docs/simulator.md)\n');
    return 0;
  }
  if (p.args[0] === 'version' && p.args.length === 1) {
    ctx.out('version: 0.0.29\ncommit: d4435ab0c5f3a9b4e3f4a8e1b7c2d9a6f5e1c3b2\ndate: 2025-12-01T10:12:44Z\n');
    return 0;
  }
  return (await import('../ai.mjs')).kubectlAi(ctx, p);
}
