// Opt-in (DOCKER_TEST_TEMPLATES=1): builds docker/templates/nextjs.Dockerfile for real, on a
// minimal Next.js app (test/docker/fixtures/nextjs-app), and runs the result read-only. Not part
// of the default docker lane because `npm ci` + `next build` take a few minutes. All three
// templates are built on a real app by example-app.test.ts, which is part of the lane. The
// template's `dev` stage (`next dev`) is built too and run with the app's folder mounted: a saved
// change to the page is served without a restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForHttp } from '../app/harness.ts';
import { daemonStatus, docker, dockerOk, ensureLocalBase, imageContains, imageSize } from './lib.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const IMAGE = 'todo-template-nextjs:test';
const DEV_IMAGE = 'todo-template-nextjs:dev-test';
const FAKE_SECRET = `fake-next-secret-${randomBytes(8).toString('hex')}`;
const wanted = process.env.DOCKER_TEST_TEMPLATES === '1';
const status = wanted ? await daemonStatus() : undefined;

if (!wanted || !status?.ok) {
  const why = !wanted
    ? 'opt-in: set DOCKER_TEST_TEMPLATES=1'
    : `no Docker daemon reachable (${status && !status.ok ? status.reason : '?'})`;
  test('docker/templates/nextjs.Dockerfile builds a working image', { skip: why }, () => {});
} else {
  describe('docker/templates/nextjs.Dockerfile on a minimal Next.js app', () => {
    let work = '';
    let container = '';
    let devContainer = '';
    let base = '';
    before(async () => {
      base = process.env.DOCKER_TEST_BASE_IMAGE ?? (process.platform === 'linux' ? (await ensureLocalBase()).ref : 'node:20-alpine');
      work = mkdtempSync(join(tmpdir(), 'todo-next-template-'));
      const context = join(work, 'app');
      cpSync(join(repoRoot, 'test/docker/fixtures/nextjs-app'), context, { recursive: true });
      writeFileSync(join(context, '.env'), `BETTER_AUTH_SECRET=${FAKE_SECRET}\n`);
      // The legacy builder reads only <context>/.dockerignore (BuildKit would use the file next to the template).
      cpSync(join(repoRoot, 'docker/templates/nextjs.Dockerfile.dockerignore'), join(context, '.dockerignore'));
      await dockerOk(
        [
          'build',
          '--force-rm',
          '--network',
          'host',
          '--build-arg',
          `NODE_IMAGE=${base}`,
          '--build-arg',
          'NEXT_PUBLIC_APP_URL=http://localhost:30080',
          '-f',
          join(repoRoot, 'docker/templates/nextjs.Dockerfile'),
          '-t',
          IMAGE,
          context,
        ],
        { env: { ...process.env, BETTER_AUTH_SECRET: FAKE_SECRET }, timeoutMs: 600_000 },
      );
    });
    after(async () => {
      if (container) await docker(['rm', '-f', container]);
      if (devContainer) await docker(['rm', '-f', devContainer]);
      await docker(['image', 'rm', DEV_IMAGE]);
      if (work) rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    });

    test('serves the page read-only as uid 10001, healthy, stops with exit 0, no secret in the image', async (t) => {
      const above = (await imageSize(IMAGE)) - (await imageSize(base));
      t.diagnostic(`${IMAGE} adds ${Math.round(above / 1e4) / 100} MB above ${base}`);
      const port = await freePort();
      container = `todo-lane-next-${process.pid}`;
      await dockerOk([
        'run',
        '-d',
        '--name',
        container,
        '--network',
        'host',
        '--read-only',
        '--tmpfs',
        '/tmp',
        '--cap-drop',
        'ALL',
        '--health-interval',
        '1s',
        '-e',
        `PORT=${port}`,
        IMAGE,
      ]);
      await waitForHttp(`http://127.0.0.1:${port}/`, undefined, 60_000);
      const html = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      assert.match(html, /<h1>Todo<\/h1>/);
      assert.match(html, /http:\/\/localhost:30080/, 'NEXT_PUBLIC_APP_URL reached next build');
      assert.equal((await dockerOk(['exec', container, 'node', '-e', 'process.stdout.write(String(process.getuid()))'])).trim(), '10001');
      const deadline = Date.now() + 30_000;
      let health = '';
      while (Date.now() < deadline && health !== 'healthy') {
        health = (await dockerOk(['inspect', '--format', '{{.State.Health.Status}}', container])).trim();
        if (health !== 'healthy') await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(health, 'healthy');
      await dockerOk(['stop', '-t', '15', container]);
      assert.equal((await dockerOk(['inspect', '--format', '{{.State.ExitCode}}', container])).trim(), '0');
      assert.deepEqual(await imageContains(IMAGE, [FAKE_SECRET]), []);
    });
    test('--target dev: next dev serves the page, and a saved change to the mounted app/ without a restart', async (t) => {
      const context = join(work, 'app');
      await dockerOk(
        ['build', '--force-rm', '--network', 'host', '--build-arg', `NODE_IMAGE=${base}`, '--target', 'dev'].concat([
          '-f',
          join(repoRoot, 'docker/templates/nextjs.Dockerfile'),
          '-t',
          DEV_IMAGE,
          context,
        ]),
        { timeoutMs: 600_000 },
      );
      const port = await freePort();
      devContainer = `todo-lane-next-dev-${process.pid}`;
      await dockerOk([
        'run',
        '-d',
        '--name',
        devContainer,
        '--network',
        'host',
        '-e',
        `PORT=${port}`,
        '-v',
        `${join(context, 'app')}:/src/app:ro`,
        DEV_IMAGE,
      ]);
      await waitForHttp(`http://127.0.0.1:${port}/`, undefined, 180_000);
      assert.match(await (await fetch(`http://127.0.0.1:${port}/`)).text(), /<h1>Todo<\/h1>/);
      const page = join(context, 'app', 'page.js');
      writeFileSync(page, readFileSync(page, 'utf8').replace('<h1>Todo</h1>', '<h1>Todo, saved again</h1>'));
      const saved = Date.now();
      let html = '';
      while (Date.now() - saved < 120_000 && !html.includes('Todo, saved again')) {
        await new Promise((r) => setTimeout(r, 500));
        html = await fetch(`http://127.0.0.1:${port}/`)
          .then((r) => r.text())
          .catch(() => '');
      }
      assert.match(html, /<h1>Todo, saved again<\/h1>/, 'the saved page is served');
      t.diagnostic(`next dev: save → new page served in ${Date.now() - saved} ms`);
      assert.equal((await dockerOk(['inspect', '--format', '{{.RestartCount}}', devContainer])).trim(), '0');
    });
  });
}
