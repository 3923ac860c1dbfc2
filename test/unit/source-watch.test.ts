// The dev loop's watcher (src/source-watch.ts): which paths each component's image is built from,
// which files never trigger a rebuild, which components a changed file belongs to, and a burst of
// saves given as one batch once quiet (a real chokidar watcher on a temp folder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageSpecs } from '../../src/images.ts';
import { loadConfig } from '../../src/config.ts';
import { componentsOf, ignoredPath, SourceWatcher, watchedPaths } from '../../src/source-watch.ts';
import { PROJECT_ROOT } from '../../src/project-root.ts';

const demo = () => imageSpecs(loadConfig([], [], {}, tmpdir()).settings, PROJECT_ROOT);

test('the demo: each component watches its own folder, app/shared and its Dockerfile', () => {
  const paths = Object.fromEntries(demo().map((s) => [s.component, watchedPaths(s)]));
  assert.deepEqual(paths.backend, [
    join(PROJECT_ROOT, 'app', 'backend'),
    join(PROJECT_ROOT, 'app', 'shared'),
    join(PROJECT_ROOT, 'docker', 'backend.Dockerfile'),
  ]);
  assert.deepEqual(componentsOf(join(PROJECT_ROOT, 'app', 'backend', 'src', 'server.ts'), paths), ['backend']);
  assert.deepEqual(componentsOf(join(PROJECT_ROOT, 'app', 'shared', 'runtime.ts'), paths), ['frontend', 'backend', 'mcp']);
  assert.deepEqual(componentsOf(join(PROJECT_ROOT, 'docker', 'mcp.Dockerfile'), paths), ['mcp']);
  assert.deepEqual(
    componentsOf(join(PROJECT_ROOT, 'app', 'backend-old', 'x.ts'), paths),
    [],
    'a sibling folder with a longer name is not the backend',
  );
});

test('dependencies, build output, caches, .env files and editor swap files never trigger a rebuild', () => {
  for (const path of [
    'node_modules/pg/index.js',
    '.next/cache/x',
    'app/__pycache__/m.pyc',
    'dist/server.js',
    '.env',
    '.env.local',
    'src/.server.ts.swp',
    'src/server.ts~',
    'src/.#server.ts',
    '4913',
  ])
    assert.equal(ignoredPath(path), true, path);
  for (const path of ['src/server.ts', 'main.py', 'Dockerfile', 'public/index.html', 'src/environment.ts'])
    assert.equal(ignoredPath(path), false, path);
});

test('a burst of saves is one batch, once no save came for the quiet time; ignored files give none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'source-watch-'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'node_modules'));
  writeFileSync(join(dir, 'src', 'a.ts'), 'a');
  let clock = 1000;
  const watcher = new SourceWatcher([dir], () => clock++);
  try {
    await watcher.ready();
    const never = new Promise<void>(() => {});
    let stopFirst: () => void = () => {};
    const first = watcher.next(50, new Promise<void>((r) => (stopFirst = r)));
    writeFileSync(join(dir, 'node_modules', 'dep.js'), 'ignored');
    writeFileSync(join(dir, '.env'), 'SECRET=ignored');
    await new Promise((r) => setTimeout(r, 800));
    stopFirst();
    assert.equal(await first, undefined, 'no batch for ignored files');
    for (const text of ['b', 'c', 'd']) {
      writeFileSync(join(dir, 'src', 'a.ts'), text);
      await new Promise((r) => setTimeout(r, 30));
    }
    writeFileSync(join(dir, 'src', 'b.ts'), 'new file');
    const batch = await watcher.next(300, never);
    assert.deepEqual(batch?.files.sort(), [join(dir, 'src', 'a.ts'), join(dir, 'src', 'b.ts')]);
    assert.equal(batch?.firstAt, 1000, 'the first save of the batch');
    let stop: () => void = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    const ended = watcher.next(50, stopped);
    stop();
    assert.equal(await ended, undefined, 'a stop ends the wait');
  } finally {
    await watcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
