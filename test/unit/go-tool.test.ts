// test/tools/go-tool.sh, which builds the Go tools the suite runs (actionlint, kustomize) into a
// cache outside the work tree: a cached binary is used without Go, and what it cannot do is one
// line and exit 2.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../tools/go-tool.sh', import.meta.url));
const cache = mkdtempSync(join(tmpdir(), 'go-tool-'));
after(() => rmSync(cache, { recursive: true, force: true }));

/** The script with an empty cache and a PATH that has bash's tools but no Go. */
function goTool(args: string[]) {
  return spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', TODO_CACHE_DIR: cache } });
}

test('an unknown tool: exit 2, one line naming the known ones', () => {
  const r = goTool(['golangci-lint']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, "go-tool: ERROR: unknown tool 'golangci-lint'; choose actionlint, kustomize or registry\n");
});

test('no cached binary and no Go: exit 2, one line with the remedy', {
  skip: spawnSync('sh', ['-c', 'PATH=/usr/bin:/bin command -v go']).status === 0 && 'go is in /usr/bin',
}, () => {
  const r = goTool(['actionlint']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^go-tool: ERROR: Go is needed to build actionlint v[\d.]+ \(install Go >= 1\.25 .*\)\n$/);
});

test('a cached binary is printed as it is, without Go', () => {
  const version = /actionlint\) pkg=\S+ version=(v[\d.]+)/.exec(spawnSync('cat', [SCRIPT], { encoding: 'utf8' }).stdout)![1]!;
  const dir = join(cache, 'tools', `actionlint-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'actionlint'), '#!/bin/sh\n');
  chmodSync(join(dir, 'actionlint'), 0o755);
  const r = goTool(['actionlint']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `${join(dir, 'actionlint')}\n`);
});
