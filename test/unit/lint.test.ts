// The linter (Biome, biome.json) runs with the suite: an error-level finding anywhere in the
// project's own code fails `npm test`, with Biome's diagnostics as the message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');

test('biome check: no lint error and every file formatted as biome.json says', () => {
  const r = spawnSync(BIOME, ['check', '--diagnostic-level=error', '--max-diagnostics=30', '.'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`.slice(-6000));
});
