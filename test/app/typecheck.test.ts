// The services are run by tsx in these tests, and tsx does not type-check. The Docker builds
// compile them with tsc; this does the same check here, in one compiler run for all three.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

test('the three services type-check (tsc -p app/tsconfig.json)', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = fileURLToPath(new URL('../../app/tsconfig.json', import.meta.url));
  const run = spawnSync(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, `tsc reported:\n${run.stdout}${run.stderr}`);
});
