// The simulated docker build reads the build context the way BuildKit does: the ignore file
// beside the Dockerfile (<Dockerfile>.dockerignore) wins over <context>/.dockerignore, and an
// excluded folder is still walked for the exceptions inside it. The demo's images depend on both
// (context app/, docker/<service>.Dockerfile.dockerignore admitting app/<service> and app/shared).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine } from './helpers.mjs';

test('docker build: <Dockerfile>.dockerignore decides what of the context counts', async () => {
  const m = await machine();
  try {
    const ctx = join(m.dir, 'app');
    for (const dir of ['svc/src', 'shared', 'other/src', '../docker']) mkdirSync(join(ctx, dir), { recursive: true });
    writeFileSync(join(ctx, '.dockerignore'), '*\n');
    writeFileSync(join(ctx, 'svc/src/a.ts'), 'one');
    writeFileSync(join(ctx, 'shared/s.ts'), 'one');
    writeFileSync(join(ctx, 'other/src/b.ts'), 'one');
    const dockerfile = join(m.dir, 'docker', 'svc.Dockerfile');
    writeFileSync(dockerfile, 'FROM node:20-alpine\nCOPY svc/src ./src\nCOPY shared ../shared\n');
    writeFileSync(`${dockerfile}.dockerignore`, '*\n!svc/src/\n!shared/*.ts\n');
    const id = () => {
      const b = m.run('docker', ['build', '-t', 'svc:t', '-f', dockerfile, ctx]);
      assert.equal(b.code, 0, b.stderr);
      return m.run('docker', ['image', 'inspect', '--format', '{{.Id}}', 'svc:t']).stdout.trim();
    };
    const first = id();
    writeFileSync(join(ctx, 'other/src/b.ts'), 'two');
    assert.equal(id(), first, 'a folder the Dockerfile ignore file leaves out does not count');
    writeFileSync(join(ctx, 'shared/s.ts'), 'two');
    const second = id();
    assert.notEqual(second, first, 'a change in an admitted folder gives a new image');
    writeFileSync(join(ctx, 'svc/src/a.ts'), 'two');
    assert.notEqual(id(), second);
  } finally {
    m.cleanup();
  }
});
