// Helpers of the real-Docker lane: run the docker CLI, make the lane's local base image, and
// read image sizes. No registry is reachable where this lane runs, so `node:20-alpine` cannot
// be pulled; the lane builds the demo Dockerfiles, unchanged, on a base it makes from the
// host's own node instead (--build-arg NODE_IMAGE=<that base>).
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs docker with an argv array (never a shell string). Resolves on exit, whatever the code. */
export function docker(
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: NodeJS.ReadableStream } = {},
): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, {
      env: options.env ?? process.env,
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (options.input) options.input.pipe(child.stdin!);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      stderr += `\n[test] docker ${args[0]} killed after ${options.timeoutMs} ms`;
    }, options.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Like docker(), but a non-zero exit is an error carrying the command's stderr. */
export async function dockerOk(args: string[], options: Parameters<typeof docker>[1] = {}): Promise<string> {
  const run = await docker(args, options);
  if (run.code !== 0) {
    throw new Error(`docker ${args.join(' ')} exited ${run.code}\n${(run.stderr || run.stdout).trim().slice(-3000)}`);
  }
  return run.stdout;
}

/** Whether a daemon answers, and why not when it does not. */
export async function daemonStatus(): Promise<{ ok: true; server: string; client: string } | { ok: false; reason: string }> {
  let run: Run;
  try {
    run = await docker(['version', '--format', '{{.Server.Version}} {{.Client.Version}}'], { timeoutMs: 20_000 });
  } catch (err) {
    return { ok: false, reason: `the docker CLI could not be run (${(err as Error).message})` };
  }
  if (run.code !== 0) {
    const line =
      run.stderr
        .trim()
        .split('\n')
        .find((l) => l.trim()) ?? `docker version exited ${run.code}`;
    return { ok: false, reason: line.trim() };
  }
  const [server = '?', client = '?'] = run.stdout.trim().split(' ');
  return { ok: true, server, client };
}

function which(command: string): string | undefined {
  const run = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** The shared libraries `ldd` lists for a binary, including the dynamic loader. */
function sharedLibraries(binary: string): string[] {
  const run = spawnSync('ldd', [binary], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ldd ${binary} failed: ${run.stderr.trim()}`);
  const paths: string[] = [];
  for (const line of run.stdout.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) paths.push(m[1]!);
  }
  return paths;
}

export interface LocalBase {
  ref: string;
  created: boolean;
  ms: number;
}

/**
 * Makes (once; reused while node and npm stay the same) an image holding:
 *   /usr/local/bin/node and the libraries ldd lists for it, at the same paths;
 *   the host's npm under /usr/local/lib/node_modules (npm/npx on PATH), so the same base serves
 *     the Dockerfiles' build stage (npm ci) and their runtime stage (which never calls npm);
 *   Debian's static busybox as /bin/sh and the usual applets (RUN steps, npm's `#!/usr/bin/env node`);
 *   the host's CA bundle, named by NODE_EXTRA_CA_CERTS, so npm reaches the registry through any
 *     TLS-inspecting proxy the host trusts.
 * `docker import` turns the folder into a one-layer image; --change sets PATH and the CA variable.
 */
export async function ensureLocalBase(): Promise<LocalBase> {
  const started = Date.now();
  const nodeBin = realpathSync(process.execPath);
  const npmCli = which('npm');
  if (!npmCli) throw new Error('npm is not on PATH; the local base image copies the host npm');
  const npmDir = dirname(dirname(realpathSync(npmCli)));
  const npmVersion = spawnSync(process.execPath, [join(npmDir, 'bin', 'npm-cli.js'), '--version'], { encoding: 'utf8' }).stdout.trim();
  const ref = `todo-local-node:${process.versions.node}-npm${npmVersion}`;
  if ((await docker(['image', 'inspect', '--format', '{{.Id}}', ref], { timeoutMs: 20_000 })).code === 0) {
    return { ref, created: false, ms: Date.now() - started };
  }

  const busybox = '/bin/busybox';
  if (!existsSync(busybox) || spawnSync('ldd', [busybox]).status === 0) {
    throw new Error(
      'a static /bin/busybox is needed for the local base image: apt-get install busybox-static (or run bash test/docker/setup-docker.sh)',
    );
  }
  const caBundle = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'].find(existsSync);
  if (!caBundle) throw new Error('no CA bundle found at /etc/ssl/certs/ca-certificates.crt');

  const work = mkdtempSync(join(tmpdir(), 'todo-base-'));
  const root = join(work, 'rootfs');
  const put = (from: string, to: string) => {
    mkdirSync(dirname(join(root, to)), { recursive: true });
    copyFileSync(from, join(root, to)); // copyFileSync follows symlinks: the real file lands at the listed path
  };
  try {
    put(nodeBin, '/usr/local/bin/node');
    for (const lib of sharedLibraries(nodeBin)) put(lib, lib);
    put(busybox, '/bin/busybox');
    const applets = spawnSync(busybox, ['--list-full'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const applet of applets) {
      const at = join(root, applet);
      if (existsSync(at)) continue;
      mkdirSync(dirname(at), { recursive: true });
      symlinkSync('/bin/busybox', at);
    }
    put(caBundle, '/etc/ssl/certs/ca-certificates.crt');
    cpSync(npmDir, join(root, 'usr/local/lib/node_modules/npm'), { recursive: true, dereference: true });
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/local/bin/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(root, 'usr/local/bin/npx'));
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
    mkdirSync(join(root, 'root'), { recursive: true });
    mkdirSync(join(root, 'tmp'), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);

    const tar = spawn('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', '-', '.'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await dockerOk(
      [
        'import',
        '--change',
        'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        '--change',
        'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
        '--change',
        'CMD ["node"]',
        '--message',
        `local node ${process.versions.node} + npm ${npmVersion} base for the todo-chatbot docker test lane`,
        '-',
        ref,
      ],
      { input: tar.stdout!, timeoutMs: 180_000 },
    );
  } finally {
    rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
  return { ref, created: true, ms: Date.now() - started };
}

export interface Layer {
  createdBy: string;
  sizeBytes: number;
}

/** `docker history` in bytes, newest layer first. */
export async function history(ref: string): Promise<Layer[]> {
  const out = await dockerOk(['history', '--no-trunc', '--human=false', '--format', '{{json .}}', ref]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const entry = JSON.parse(line) as { CreatedBy: string; Size: string };
      return { createdBy: entry.CreatedBy, sizeBytes: Number(entry.Size) };
    });
}

export async function imageSize(ref: string): Promise<number> {
  return Number((await dockerOk(['image', 'inspect', '--format', '{{.Size}}', ref])).trim());
}

/**
 * Streams `docker save <ref>` (every layer's files, the config and the history) and returns
 * which of the needles occur anywhere in it. Chunks overlap by the longest needle, so a match
 * across a chunk boundary is still found.
 */
export function imageContains(ref: string, needles: string[]): Promise<string[]> {
  const wanted = needles.map((n) => Buffer.from(n));
  const overlap = Math.max(...wanted.map((b) => b.length)) - 1;
  const found = new Set<string>();
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['save', ref], { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = Buffer.alloc(0);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout!.on('data', (chunk: Buffer) => {
      const window = Buffer.concat([tail, chunk]);
      wanted.forEach((needle, i) => {
        if (window.indexOf(needle) !== -1) found.add(needles[i]!);
      });
      tail = window.subarray(Math.max(0, window.length - overlap));
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`docker save ${ref} exited ${code}: ${stderr.trim()}`));
      else resolve([...found]);
    });
  });
}

/**
 * The local Debian bookworm + python 3.11 base (make-python-base.sh: debootstrap once, cached
 * under ~/.cache/todo-chatbot-k8s, then `docker import`), passed to the Python templates as
 * --build-arg PYTHON_IMAGE. Returns the image reference the script prints on its last line.
 */
export function ensurePythonBase(): Promise<string> {
  const script = join(dirname(new URL(import.meta.url).pathname), 'make-python-base.sh');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ref = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && ref) resolve(ref);
      else reject(new Error(`make-python-base.sh exited ${code}`));
    });
  });
}

/** Polls `docker inspect` until the container's HEALTHCHECK says healthy (or the deadline). */
export async function waitHealthy(name: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let health = '';
  while (Date.now() < deadline) {
    health = (await dockerOk(['inspect', '--format', '{{.State.Health.Status}}', name])).trim();
    if (health === 'healthy') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return health;
}

/**
 * Starts a container the way the chart runs its pods: read-only root with a /tmp tmpfs, no
 * capabilities, no privilege gain, host network, a fast HEALTHCHECK. Settings go in through a
 * 0600 env file in `workDir`, never on the docker command line (argv is visible in ps).
 */
export async function runHardened(options: {
  name: string;
  image: string;
  env: Record<string, string>;
  workDir: string;
  extra?: string[];
}): Promise<string> {
  const envFile = join(options.workDir, `${options.name}.env`);
  writeFileSync(
    envFile,
    Object.entries(options.env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
  chmodSync(envFile, 0o600);
  await docker(['rm', '-f', options.name], { timeoutMs: 30_000 });
  await dockerOk(
    [
      'run',
      '-d',
      '--name',
      options.name,
      '--network',
      'host',
      '--read-only',
      '--tmpfs',
      '/tmp',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '--health-interval',
      '1s',
      '--health-start-period',
      '0s',
      '--env-file',
      envFile,
      ...(options.extra ?? []),
      options.image,
    ],
    { timeoutMs: 60_000 },
  );
  return options.name;
}

/**
 * The node base the lane builds the demo Dockerfiles on: DOCKER_TEST_BASE_IMAGE when set, the real
 * node:20-alpine off Linux (the host's node would not run in a Linux container), else the local base.
 */
export async function laneNodeBase(): Promise<{ ref: string; madeLocally: boolean }> {
  if (process.env.DOCKER_TEST_BASE_IMAGE) return { ref: process.env.DOCKER_TEST_BASE_IMAGE, madeLocally: false };
  if (process.platform !== 'linux') {
    await dockerOk(['pull', 'node:20-alpine'], { timeoutMs: 300_000 });
    return { ref: 'node:20-alpine', madeLocally: false };
  }
  const local = await ensureLocalBase();
  console.log(`# base image ${local.ref} (${local.created ? `made in ${local.ms} ms` : 'reused'})`);
  return { ref: local.ref, madeLocally: true };
}
