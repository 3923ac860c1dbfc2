// A sweep of bad inputs across the runbooks — flags, environment, settings-file contents and secret
// values — run as real processes on the simulated toolchain. Every one must be refused the same way:
// exit 2, one line saying what is wrong and one saying what to do, no stack trace, and no call that
// changes anything (read from the simulator's calls.jsonl).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mutatingCalls, newStateDir, runRunbook } from './harness.ts';

const files = mkdtempSync(join(tmpdir(), 'bad-inputs-'));
function settingsFile(name: string, text: string): string {
  const path = join(files, name);
  writeFileSync(path, text);
  return path;
}

const GOOD_SECRETS = {
  POSTGRES_PASSWORD: 'pg-Pa55word-sweep-7781',
  BETTER_AUTH_SECRET: 'auth-secret-sweep-0123456789abcdefghij',
  OPENAI_API_KEY: 'sk-sweep-Tk9Xq2Lm5Vb8',
};
const CUSTOM_APP = { APP_SOURCE: 'custom', APP_FRONTEND_DIR: 'app/frontend', APP_BACKEND_DIR: 'app/backend', APP_MCP_DIR: 'app/mcp' };

interface Case {
  runbook: string;
  args?: string[];
  env?: Record<string, string>;
  /** The reason line must match this. */
  reason: RegExp;
}

const CASES: Case[] = [
  // flags
  { runbook: '00-setup', args: ['--bogus'], reason: /unknown option --bogus/ },
  { runbook: '00-setup', args: ['--namespace', 'Bad_NS'], reason: /--namespace "Bad_NS" is not a valid Kubernetes name/ },
  { runbook: '00-setup', args: ['--namespace'], reason: /--namespace needs a value/ },
  { runbook: '00-setup', args: ['--profile', '../x'], reason: /not a valid minikube profile/ },
  { runbook: '03-install', args: ['--timeout', 'abc'], reason: /--timeout "abc" is not a duration/ },
  { runbook: '05-scaling', args: ['--timeout', '0'], reason: /--timeout "0" is not a duration/ },
  { runbook: '02-load', args: ['extra'], reason: /unexpected argument "extra"/ },
  {
    runbook: '00-setup',
    args: ['--report-dir', '/proc/forbidden'],
    reason: /--report-dir \/proc\/forbidden: reports cannot be written there/,
  },
  { runbook: '04-restart-test', args: ['--settings-file', '/nonexistent.env'], reason: /env file \/nonexistent\.env does not exist/ },
  { runbook: '01-build', args: ['--rebuild=yes'], reason: /--rebuild/ },
  // environment
  { runbook: '00-setup', env: { MINIKUBE_CPUS: 'abc' }, reason: /MINIKUBE_CPUS "abc" is not a whole number/ },
  { runbook: '00-setup', env: { MINIKUBE_MEMORY: '512' }, reason: /MINIKUBE_MEMORY "512" \(512 MB\) is below minikube's minimum/ },
  { runbook: '00-setup', env: { MINIKUBE_DRIVER: 'dockr' }, reason: /MINIKUBE_DRIVER "dockr" is not a minikube driver/ },
  { runbook: '06-ai-diagnostics', env: { KUBECTL_REQUEST_TIMEOUT: '0' }, reason: /KUBECTL_REQUEST_TIMEOUT "0" is out of range/ },
  { runbook: '01-build', env: { APP_SOURCE: 'other' }, reason: /APP_SOURCE "other" is not allowed/ },
  { runbook: '01-build', env: { APP_SOURCE: 'custom' }, reason: /APP_SOURCE=custom needs APP_FRONTEND_DIR/ },
  { runbook: '01-build', env: { ...CUSTOM_APP, APP_BACKEND_DIR: '/nonexistent' }, reason: /APP_BACKEND_DIR \/nonexistent does not exist/ },
  {
    runbook: '03-install',
    env: { ...GOOD_SECRETS, HELM_CHART_DIR: '/nonexistent' },
    reason: /HELM_CHART_DIR "\/nonexistent" is not a Helm chart/,
  },
  { runbook: '06-ai-diagnostics', env: { KUBECTL_AI_PROVIDER: 'chatgpt' }, reason: /KUBECTL_AI_PROVIDER "chatgpt" is not allowed/ },
  { runbook: '07-teardown', env: { HELM_RELEASE: 'Bad_Release' }, reason: /HELM_RELEASE "Bad_Release" is not a valid Kubernetes name/ },
  {
    runbook: '06-ai-diagnostics',
    env: { KAGENT_NAMESPACE: 'Kagent!' },
    reason: /KAGENT_NAMESPACE "Kagent!" is not a valid Kubernetes name/,
  },
  { runbook: '04-restart-test', env: { RUNBOOK_TIMEOUT: '5x' }, reason: /RUNBOOK_TIMEOUT "5x" is not a duration/ },
  { runbook: '00-setup', env: { SIM_SPEED: '-1' }, reason: /SIM_SPEED "-1" is not a number ≥ 0/ },
  { runbook: '00-setup', env: { SIM_FAULTS: 'no-such-fault' }, reason: /the simulation could not start/ },
  { runbook: '02-load', env: { ENV_FILE: '/nonexistent.env' }, reason: /env file \/nonexistent\.env does not exist/ },
  {
    runbook: 'validate-all',
    args: ['--report-dir', '/proc/forbidden'],
    reason: /--report-dir \/proc\/forbidden: reports cannot be written there/,
  },
  // settings-file contents
  {
    runbook: '00-setup',
    args: ['--settings-file', settingsFile('cpus.env', 'MINIKUBE_CPUS=1\n')],
    reason: /MINIKUBE_CPUS in .*cpus\.env "1" is out of range/,
  },
  {
    runbook: '03-install',
    args: ['--settings-file', settingsFile('ns.env', 'K8S_NAMESPACE=Todo_App\n')],
    env: GOOD_SECRETS,
    reason: /K8S_NAMESPACE in .*ns\.env.* "Todo_App" is not a valid Kubernetes name/,
  },
  {
    runbook: '01-build',
    args: [
      '--settings-file',
      settingsFile(
        'dockerfile.env',
        'APP_SOURCE=custom\nAPP_FRONTEND_DIR=app/frontend\nAPP_BACKEND_DIR=app/backend\nAPP_MCP_DIR=app/mcp\nMCP_DOCKERFILE=/nonexistent/Dockerfile\n',
      ),
    ],
    reason: /Dockerfile \/nonexistent\/Dockerfile does not exist/,
  },
  {
    runbook: '03-install',
    args: ['--settings-file', settingsFile('short.env', 'BETTER_AUTH_SECRET=Qx7-wK2\n')],
    env: { POSTGRES_PASSWORD: GOOD_SECRETS.POSTGRES_PASSWORD, OPENAI_API_KEY: 'sk-x' },
    reason: /BETTER_AUTH_SECRET is too short/,
  },
  // secret values (non-interactive)
  { runbook: '03-install', env: { ...GOOD_SECRETS, POSTGRES_PASSWORD: 'Qx7-wK2' }, reason: /POSTGRES_PASSWORD is too short/ },
  {
    runbook: '03-install',
    env: { ...GOOD_SECRETS, DATABASE_URL: 'mysql://u:p@db:3306/todo' },
    reason: /DATABASE_URL has scheme "mysql", expected postgresql/,
  },
  { runbook: '03-install', env: { ...GOOD_SECRETS, DATABASE_URL: 'postgresql://u:p@db:5432' }, reason: /DATABASE_URL names no database/ },
  {
    runbook: '03-install',
    env: { POSTGRES_PASSWORD: GOOD_SECRETS.POSTGRES_PASSWORD, OPENAI_API_KEY: 'sk-x' },
    reason: /BETTER_AUTH_SECRET is not set/,
  },
];

/** The lines a person reads: the reason (✖) and the remedy (→) right under it. */
function refusal(output: string): { reasons: string[]; remedies: string[] } {
  const lines = output.split('\n');
  const remedies = lines.filter((l) => /^\s*→ /.test(l));
  const reasons = lines.filter((l, i) => /^✖ /.test(l) && /^\s*→ /.test(lines[i + 1] ?? ''));
  return { reasons, remedies };
}

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) await fn(item);
    }),
  );
}

test(`${CASES.length} bad inputs: each exits 2 with one reason and one remedy, no stack trace, nothing changed`, {
  timeout: 600_000,
}, async () => {
  assert.ok(CASES.length >= 25);
  const problems: string[] = [];
  await pool(CASES, 3, async (c) => {
    const stateDir = newStateDir();
    const r = await runRunbook(c.runbook, ['--yes', ...(c.args ?? [])], { stateDir, env: c.env, timeoutMs: 90_000 });
    const output = `${r.stdout}\n${r.stderr}`;
    const label = `${c.runbook} ${JSON.stringify(c.args ?? [])} ${JSON.stringify(c.env ?? {})}`;
    const { reasons, remedies } = refusal(output);
    const wrong: string[] = [];
    if (r.exitCode !== 2) wrong.push(`exit ${r.exitCode}`);
    if (reasons.length !== 1 || remedies.length !== 1) wrong.push(`${reasons.length} reason line(s) and ${remedies.length} remedy line(s)`);
    else if (!c.reason.test(reasons[0]!)) wrong.push(`reason "${reasons[0]}" does not match ${c.reason}`);
    if (/^\s+at .+[:(]\d+:\d+\)?$/m.test(output) || /unexpected error/i.test(output)) wrong.push('a stack trace or an unexpected error');
    const changed = mutatingCalls(r.calls);
    if (changed.length) wrong.push(`mutating calls: ${changed.map((x) => x.argv.join(' ')).join('; ')}`);
    if (wrong.length) problems.push(`${label}: ${wrong.join(', ')}\n${output.trim().split('\n').slice(-6).join('\n')}`);
  });
  assert.deepEqual(problems, []);
});
