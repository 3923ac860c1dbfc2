// A real registry on loopback for the cluster lane: the Distribution registry (cmd/registry of
// github.com/distribution/distribution/v3), built once by test/tools/go-tool.sh into the cache, run
// on 127.0.0.1 with htpasswd authentication, storage and logs in a private temporary folder.
//
// No TLS: the registry does not refuse htpasswd over plain HTTP (registry/auth/htpasswd/access.go
// only says it "MUST be used under TLS" in its package comment), Docker treats 127.0.0.0/8 as an
// insecure registry by default (moby registry/config.go: loopback is always in the insecure
// list), and the node's containerd 1.6 reaches a loopback registry over http on its own
// (pkg/cri/server/image_pull.go, defaultScheme: "http" when docker.IsLocalhost(host)). So neither
// docker's certs.d nor the node's containerd configuration changes for this test.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goTool } from '../tools/go-tool.ts';

export interface LocalRegistry {
  /** 127.0.0.1:<port> */
  host: string;
  username: string;
  password: string;
  /** The registry's log so far: its access log lines name each request and the client's user agent. */
  log(): string;
  /** The manifest digest the registry serves for <repository>:<tag>, through its API (HEAD, with the credentials). */
  manifestDigest(repository: string, tag: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A bcrypt hash, the only scheme Distribution's htpasswd reader accepts (bcrypt.CompareHashAndPassword). */
function bcrypt(password: string): string {
  const r = spawnSync(
    'python3',
    ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH)))'],
    { input: password, encoding: 'utf8' },
  );
  const hash = r.stdout.trim();
  if (r.status !== 0 || !hash.startsWith('$2')) throw new Error(`python3 could not make a bcrypt hash: ${r.stderr}`);
  return hash;
}

export async function startRegistry(): Promise<LocalRegistry> {
  const bin = goTool('registry');
  const dir = mkdtempSync(join(tmpdir(), 'lane-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const username = 'lane-pusher';
  const password = randomBytes(18).toString('base64url');
  writeFileSync(join(dir, 'htpasswd'), `${username}:${bcrypt(password)}\n`, { mode: 0o600 });
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: {level: info, accesslog: {disabled: false}}',
      `storage: {filesystem: {rootdirectory: ${join(dir, 'data')}}}`,
      `http: {addr: "${host}"}`,
      `auth: {htpasswd: {realm: todo-cluster-lane, path: ${join(dir, 'htpasswd')}}}`,
      '',
    ].join('\n'),
  );
  const logFile = join(dir, 'registry.log');
  // The registry logs to stderr; a file keeps it readable after the fact without buffering it here.
  const fd = openSync(logFile, 'a');
  const running = spawn(bin, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
  const auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await fetch(`http://${host}/v2/`).then(
      (r) => r.status,
      () => 0,
    );
    if (answer === 401) break; // up, and asking for credentials
    if (Date.now() > deadline) {
      running.kill('SIGKILL');
      throw new Error(`the registry did not answer on ${host}: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    host,
    username,
    password,
    log: () => readFileSync(logFile, 'utf8'),
    async manifestDigest(repository, tag) {
      const r = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
        method: 'HEAD',
        headers: {
          Authorization: auth,
          Accept: [
            'application/vnd.oci.image.index.v1+json',
            'application/vnd.oci.image.manifest.v1+json',
            'application/vnd.docker.distribution.manifest.list.v2+json',
            'application/vnd.docker.distribution.manifest.v2+json',
          ].join(', '),
        },
      });
      return r.ok ? (r.headers.get('docker-content-digest') ?? undefined) : undefined;
    },
    async stop() {
      running.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      running.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}
