// The runbooks run through tsx, which strips types without checking them: this keeps them checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

test('tsc --noEmit over src/ and test/ (strict) reports no error', () => {
  const root = join(import.meta.dirname, '..', '..');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', root], {
    encoding: 'utf8',
    cwd: root,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
