// @ts-check
// Simulated kagent CLI (kagent-dev/kagent v0.9.x, or its main branch with kagent-version=main). Most failures exit 0 with text on stderr, like the real one.
import { parseOrFail } from '../common.mjs';
import { goJSON } from '../util.mjs';

const GLOBAL = {
  'kagent-url': { type: 'string', def: 'http://localhost:8083' },
  namespace: { type: 'string', short: 'n', def: 'kagent' },
  'output-format': { type: 'string', short: 'o', def: 'table' },
  timeout: { type: 'duration', def: 300000 },
  verbose: { type: 'bool', short: 'v' },
  help: { type: 'bool', short: 'h' },
};
const SPECS = {
  version: {},
  invoke: {
    agent: { type: 'string', short: 'a' },
    task: { type: 'string', short: 't' },
    file: { type: 'string', short: 'f' },
    session: { type: 'string', short: 's' },
    stream: { type: 'bool', short: 'S' },
    'url-override': { type: 'string', short: 'u' },
  },
};
const KNOWN = [
  'install',
  'uninstall',
  'invoke',
  'get',
  'dashboard',
  'version',
  'bug-report',
  'mcp',
  'init',
  'build',
  'deploy',
  'run',
  'add-mcp',
  'completion',
  'help',
];

/** The CLI modelled: 0.9.12 unless SIM_FAULTS=kagent-version=<x.y.z|main>. */
export const kagentVersion = (faults) => faults.values('kagent-version')[0] ?? '0.9.12';

/** @param {import('../cli.mjs').Ctx} ctx */
export async function run(ctx) {
  const first = ctx.argv.find((a) => !a.startsWith('-'));
  if (!first) {
    ctx.err('sim: kagent without a command opens an interactive TUI; the simulator refuses it\n');
    return 1;
  }
  if (!KNOWN.includes(first)) {
    ctx.err(`Error: unknown command "${first}" for "kagent"\nRun 'kagent --help' for usage.\n`);
    return 1;
  }
  if (!SPECS[first]) {
    ctx.err(`sim: kagent ${first} is not implemented by the simulated kagent (sim); see docs/simulator.md\n`);
    return 1;
  }
  const p = parseOrFail(ctx, ctx.argv, { ...GLOBAL, ...SPECS[first] }, (msg) => ({ text: `Error: ${msg}\n`, code: 1 }));
  if (first === 'version') {
    // VersionCmd (go/core/cli/internal/cli/agent/version.go): "unknown" whenever the controller did
    // not answer, also when installed but its port-forward took longer than NewPortForward's ~1 s.
    const reachable = !ctx.faults.has('kagent-not-installed') && !ctx.faults.has('kagent-slow-port-forward');
    const v = kagentVersion(ctx.faults);
    ctx.out(
      goJSON({ kagent_version: v, git_commit: '5229184', build_date: '2025-11-20', backend_version: reachable ? v : 'unknown' }) + '\n',
    );
    return 0;
  }
  return (await import('../ai.mjs')).kagentInvoke(ctx, p);
}
