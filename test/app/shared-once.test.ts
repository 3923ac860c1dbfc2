// The code the three demo services share lives once, in app/shared: no copy under a service,
// every service imports it, and the start/stop sequence is written only there. The images build
// from app/ so that this folder is in each context (docs/demo-app.md, "One shared copy").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = fileURLToPath(new URL('../../app/', import.meta.url));
const SERVICES = ['backend', 'mcp', 'frontend'];
const sharedFiles = readdirSync(join(app, 'shared')).filter((f) => f.endsWith('.ts'));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

test('app/shared holds runtime, todos, service and metrics, and no service has a file of the same name', () => {
  assert.deepEqual(sharedFiles.sort(), ['metrics.ts', 'runtime.ts', 'service.ts', 'todos.ts']);
  for (const service of SERVICES) {
    const names = sources(join(app, service, 'src')).map((f) => f.split('/').pop());
    for (const shared of sharedFiles) assert.ok(!names.includes(shared), `app/${service}/src has its own ${shared}`);
  }
});

test('every service starts through app/shared/service.ts, and none repeats the start/stop code', () => {
  for (const service of SERVICES) {
    const entry = readFileSync(join(app, service, 'src', 'server.ts'), 'utf8');
    assert.match(entry, /from '\.\.\/\.\.\/shared\/service\.js'/, `${service} imports the shared start/stop`);
    assert.match(entry, /startService\(/);
    assert.match(entry, /await serve\(/);
    for (const file of sources(join(app, service, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const repeated of ['handleShutdown(', 'handleCrashes(', 'loadConfigOrExit(', 'createServer(', 'ensureSchemaInBackground(']) {
        assert.ok(!text.includes(repeated), `${file} calls ${repeated}) itself`);
      }
    }
  }
});

test('app/shared imports only node: modules and its own files, so it resolves from any folder', () => {
  for (const file of sharedFiles) {
    const text = readFileSync(join(app, 'shared', file), 'utf8');
    for (const [, from] of text.matchAll(/^import [^;]*? from '([^']+)'/gm)) {
      const own = from!.startsWith('./') && existsSync(join(app, 'shared', from!.replace(/\.js$/, '.ts')));
      assert.ok(from!.startsWith('node:') || own, `${file} imports ${from}`);
    }
  }
  // Its package.json makes the compiled files ES modules in the image (/app/shared has no other).
  assert.equal(JSON.parse(readFileSync(join(app, 'shared', 'package.json'), 'utf8')).type, 'module');
});
