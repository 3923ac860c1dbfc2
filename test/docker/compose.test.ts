// The compose form (docker-compose.yml) with the docker-compose Debian 12 ships (v1.29.2,
// installed by setup-docker.sh): the three demo images built from docker/*.Dockerfile and a real
// PostgreSQL on one network, configured only from an env file. Checks that the services come up
// healthy on one network, the backend reaches the database and the MCP server, and the page is
// served through the published port.
//
//   bash test/docker/setup-docker.sh && REQUIRE_DOCKER=1 node test/run.mjs docker
//
// No registry is reachable here: the images build on the lane's local node base (NODE_IMAGE, as
// images.test.ts does) and PostgreSQL is cluster/images/postgresql (the official image's contract)
// on Debian's postgresql-15 (POSTGRES_IMAGE). Both are settings the compose file already has.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForHttp } from '../app/harness.ts';
import { daemonStatus, dockerOk, ensureLocalBase, ensurePythonBase, type Run } from './lib.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const COMPOSE_FILE = join(repoRoot, 'docker-compose.yml');
const PROJECT = `todo-compose-${process.pid}`;
const PG_BASE = 'todo-compose-postgres-base:test';
const PG_IMAGE = 'todo-compose-postgres:test';
const SERVICES = ['postgres', 'mcp', 'backend', 'frontend'] as const;
// Letters and digits only: the compose file puts the password into DATABASE_URL as it is.
const FAKE = {
  POSTGRES_PASSWORD: `pw${randomBytes(12).toString('hex')}`,
  BETTER_AUTH_SECRET: `auth${randomBytes(20).toString('hex')}`,
  OPENAI_API_KEY: `sk-fake-${randomBytes(8).toString('hex')}`,
};

// Every setting the compose file reads. The shell's environment outranks the env file in Compose,
// so these are taken out of it: only the file the test writes configures the stack.
const SETTINGS = [
  ...Object.keys(FAKE),
  'NODE_IMAGE',
  'POSTGRES_IMAGE',
  'BUILD_NETWORK',
  'IMAGE_PREFIX',
  'IMAGE_TAG',
  'FRONTEND_BIND',
  'FRONTEND_PORT',
  'PUBLIC_URL',
];
function composeEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of SETTINGS) delete env[key];
  return env;
}

/** docker-compose with an argv array; resolves on exit whatever the code. */
function compose(args: string[], envFile: string, timeoutMs = 120_000): Promise<Run> {
  const started = Date.now();
  const argv = ['-p', PROJECT, '-f', COMPOSE_FILE, '--env-file', envFile, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn('docker-compose', argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: composeEnv(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr, ms: Date.now() - started });
    });
  });
}
async function composeOk(args: string[], envFile: string, timeoutMs?: number): Promise<string> {
  const run = await compose(args, envFile, timeoutMs);
  if (run.code !== 0) throw new Error(`docker-compose ${args.join(' ')} exited ${run.code}\n${(run.stderr || run.stdout).slice(-4000)}`);
  return run.stdout;
}

function writeEnv(path: string, values: Record<string, string>): void {
  writeFileSync(
    path,
    `${Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
    { mode: 0o600 },
  );
}

const status = await daemonStatus();
const required = process.env.REQUIRE_DOCKER === '1';
const composeVersion = await new Promise<string | undefined>((resolve) => {
  const child = spawn('docker-compose', ['version', '--short'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.on('error', () => resolve(undefined));
  child.on('close', (code) => resolve(code === 0 ? out.trim() : undefined));
});
const why = !status.ok
  ? `no Docker daemon reachable (${status.reason})`
  : !composeVersion
    ? 'no docker-compose on PATH (Debian: apt-get install docker-compose)'
    : undefined;

if (why) {
  if (required) {
    test('docker-compose and a Docker daemon are available (REQUIRE_DOCKER=1)', () => {
      assert.fail(`${why}. Install and start both with: bash test/docker/setup-docker.sh`);
    });
  } else {
    test('the compose stack', { skip: why }, () => {});
  }
} else {
  describe(`docker-compose ${composeVersion}: the stack from docker-compose.yml`, () => {
    let work = '';
    let envFile = '';
    let frontendPort = 0;
    const ids = new Map<string, string>();

    before(async () => {
      work = mkdtempSync(join(tmpdir(), 'todo-compose-'));
      envFile = join(work, '.env');
      const node = await ensureLocalBase();
      const python = await ensurePythonBase();
      await dockerOk(
        [
          'build',
          '--network',
          'host',
          '--build-arg',
          `BASE_IMAGE=${python}`,
          '-t',
          PG_BASE,
          join(repoRoot, 'test/docker/fixtures/postgres-server'),
        ],
        { timeoutMs: 900_000 },
      );
      await dockerOk(['build', '--build-arg', `BASE=${PG_BASE}`, '-t', PG_IMAGE, join(repoRoot, 'cluster/images/postgresql')], {
        timeoutMs: 300_000,
      });
      frontendPort = await freePort();
      writeEnv(envFile, {
        ...FAKE,
        NODE_IMAGE: node.ref,
        POSTGRES_IMAGE: PG_IMAGE,
        BUILD_NETWORK: 'host',
        IMAGE_TAG: 'compose-test',
        FRONTEND_PORT: String(frontendPort),
        PUBLIC_URL: `http://127.0.0.1:${frontendPort}`,
      });
      await composeOk(['up', '-d', '--build'], envFile, 1_200_000);
      for (const service of SERVICES) ids.set(service, (await composeOk(['ps', '-q', service], envFile)).trim());
    });

    after(async () => {
      if (envFile) {
        const down = await compose(['down', '--volumes', '--remove-orphans'], envFile, 180_000);
        if (down.code !== 0) console.log(`# docker-compose down exited ${down.code}: ${down.stderr.slice(-500)}`);
      }
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test('every service is running, and the app services report healthy', async () => {
      for (const service of SERVICES) assert.match(ids.get(service) ?? '', /^[0-9a-f]{64}$/, `${service} has a container`);
      for (const service of SERVICES) {
        const deadline = Date.now() + 120_000;
        let state = '';
        while (Date.now() < deadline) {
          state = (
            await dockerOk([
              'inspect',
              '--format',
              '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}',
              ids.get(service)!,
            ])
          ).trim();
          if (state === 'running healthy') break;
          await new Promise((r) => setTimeout(r, 1000));
        }
        assert.equal(state, 'running healthy', service);
      }
    });

    test('all four containers are on one network, the project default, and only the frontend publishes a port', async () => {
      const networks = new Set<string>();
      for (const service of SERVICES) {
        const inspected = JSON.parse(await dockerOk(['inspect', ids.get(service)!]))[0];
        const names = Object.keys(inspected.NetworkSettings.Networks);
        assert.equal(names.length, 1, `${service}: ${names.join(', ')}`);
        networks.add(names[0]!);
        const published = Object.values(inspected.HostConfig.PortBindings ?? {}).flat() as Array<{ HostIp: string; HostPort: string }>;
        if (service === 'frontend') assert.deepEqual(published, [{ HostIp: '127.0.0.1', HostPort: String(frontendPort) }]);
        else assert.deepEqual(published, [], `${service} publishes nothing`);
      }
      assert.equal(networks.size, 1);
      assert.match([...networks][0]!, new RegExp(`^${PROJECT.replace(/-/g, '')}_default$|^${PROJECT}_default$`));
    });

    test('the backend reaches PostgreSQL: /ready answers database ok from inside its container', async () => {
      const out = await composeOk(
        [
          'exec',
          '-T',
          'backend',
          'node',
          '-e',
          "fetch('http://127.0.0.1:8000/ready').then(async (r) => console.log(r.status, await r.text()))",
        ],
        envFile,
      );
      const [code, body] = [out.slice(0, 3), JSON.parse(out.slice(4))];
      assert.equal(code, '200', out);
      assert.equal(body.database, 'ok');
    });

    test('the page is served on the published port, and a todo written through it lands in the database', async () => {
      const url = `http://127.0.0.1:${frontendPort}`;
      await waitForHttp(`${url}/healthz`, undefined, 60_000);
      assert.match(await (await fetch(`${url}/`)).text(), /<title>Todo<\/title>/);
      const created = await fetch(`${url}/api/todos`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'written through compose' }),
      });
      assert.equal(created.status, 201);
    });

    test('the backend reaches the MCP server at its MCP_SERVER_URL, which lists the todo from the database', async () => {
      // Run inside the backend container, so the name `mcp` resolves on the compose network exactly
      // as it does for the backend (the demo backend itself does not call MCP).
      const script = `
        const url = process.env.MCP_SERVER_URL;
        const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
        const call = (id, method, params) => fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id, method, params }) }).then((r) => r.json());
        (async () => {
          await call(1, 'initialize', { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'compose-test', version: '1' } });
          const listed = await call(2, 'tools/call', { name: 'list_tasks', arguments: {} });
          console.log(JSON.stringify({ url, tasks: listed.result.structuredContent.tasks.map((t) => t.title) }));
        })().catch((err) => { console.error(String(err)); process.exit(1); });`;
      const out = JSON.parse(await composeOk(['exec', '-T', 'backend', 'node', '-e', script], envFile));
      assert.equal(out.url, 'http://mcp:8001/mcp');
      assert.ok(out.tasks.includes('written through compose'), `MCP lists: ${out.tasks.join(', ')}`);
    });

    test('no secret is in the compose file; each reaches only the containers that need it', async () => {
      const text = readFileSync(COMPOSE_FILE, 'utf8');
      for (const value of Object.values(FAKE)) assert.ok(!text.includes(value));
      const envOf = async (service: string) =>
        ((JSON.parse(await dockerOk(['inspect', ids.get(service)!]))[0].Config.Env ?? []) as string[]).join('\n');
      assert.ok(!(await envOf('mcp')).includes(FAKE.OPENAI_API_KEY), 'the MCP server gets no OpenAI key');
      assert.ok(!(await envOf('frontend')).includes(FAKE.POSTGRES_PASSWORD), 'the frontend gets no database password');
      assert.ok((await envOf('backend')).includes(`OPENAI_API_KEY=${FAKE.OPENAI_API_KEY}`));
    });

    test('a missing secret stops docker-compose before anything starts, naming it', async () => {
      const partial = join(work, 'partial.env');
      writeEnv(partial, { BETTER_AUTH_SECRET: FAKE.BETTER_AUTH_SECRET, OPENAI_API_KEY: FAKE.OPENAI_API_KEY });
      const run = await compose(['config', '--quiet'], partial);
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /set POSTGRES_PASSWORD in \.env/);
    });
  });
}
