// The bundles most e2e tests run (runbook-bundle.ts) are the entry points themselves: each
// runbook's --help, which lists every flag and setting it reads, is the same from both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './harness.ts';
import { runbookBundles, runbookIds } from './runbook-bundle.ts';

const run = promisify(execFile);
const ZX_CLI = join(ROOT, 'node_modules', 'zx', 'build', 'cli.js');
const help = async (script: string) =>
  (await run(process.execPath, [ZX_CLI, script, '--help'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } })).stdout;

test('every runbook bundle answers --help exactly as its entry point does', async () => {
  const bundles = await runbookBundles(ROOT);
  const ids = runbookIds(ROOT);
  assert.ok(ids.includes('00-setup') && ids.includes('validate-all'), ids.join(', '));
  for (const id of ids) {
    const [fromSource, fromBundle] = await Promise.all([help(join(ROOT, 'runbooks', `${id}.mjs`)), help(join(bundles, `${id}.mjs`))]);
    assert.match(fromSource, /--simulate/, id);
    assert.equal(fromBundle, fromSource, id);
  }
});
