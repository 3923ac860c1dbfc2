// The exec layer against real processes: hostile argv, stdin, timeouts, the search path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZxExec, userSearchPath, findExecutable } from '../../src/exec.ts';
import { EventBus } from '../../src/events.ts';
import { wallClock } from '../../src/clock.ts';
import { ToolMissing } from '../../src/errors.ts';
import { clearSecrets, registerSecret } from '../../src/redact.ts';

const bin = mkdtempSync(join(tmpdir(), 'exec-bin-'));
writeFileSync(
  join(bin, 'kubectl'),
  `#!${process.execPath}
const args = process.argv.slice(2);
if (args[0] === 'sleep') setTimeout(() => {}, 60000);
else if (args[0] === 'fail') { console.error('Error from server (NotFound): pods "x" not found'); process.exit(1); }
else { let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => console.log(JSON.stringify({ args, stdin: s }))); }
`,
);
chmodSync(join(bin, 'kubectl'), 0o755);

function make() {
  const bus = new EventBus();
  return { bus, exec: new ZxExec({ bus, searchPath: [bin], baseEnv: process.env, clock: wallClock }) };
}

test('hostile strings reach the tool as single, unchanged argv elements', async () => {
  const hostile = ['a b', '$(touch /tmp/pwned)', "it's", 'x\ny', '`id`', '--flag=;rm -rf /', '"quoted"', '*', '&&', '\\'];
  const { exec } = make();
  const r = await exec.run({ tool: 'kubectl', args: hostile, timeoutMs: 10_000 });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(JSON.parse(r.stdout).args, hostile);
});

test('stdin gets the input and is then closed; without input it is closed at once', async () => {
  const { exec } = make();
  assert.equal(JSON.parse((await exec.run({ tool: 'kubectl', args: ['x'], timeoutMs: 10_000, input: 'data' })).stdout).stdin, 'data');
  assert.equal(JSON.parse((await exec.run({ tool: 'kubectl', args: ['x'], timeoutMs: 10_000 })).stdout).stdin, '');
});

test('a call past its timeout is killed and reported as timed out', async () => {
  const { exec } = make();
  const started = Date.now();
  const r = await exec.run({ tool: 'kubectl', args: ['sleep'], timeoutMs: 100 });
  assert.equal(r.timedOut, true);
  assert.notEqual(r.exitCode, 0);
  assert.ok(Date.now() - started < 15_000);
});

test('events carry redacted argv and output', async () => {
  clearSecrets();
  registerSecret('topsecretvalue');
  const { exec, bus } = make();
  await exec.run({ tool: 'kubectl', args: ['echo', 'topsecretvalue'], timeoutMs: 10_000 });
  const text = JSON.stringify(bus.history);
  assert.ok(!text.includes('topsecretvalue'));
  assert.ok(text.includes('••••••'));
  clearSecrets();
});

test('a missing tool throws ToolMissing; failures come back with exit code and stderr', async () => {
  const { exec } = make();
  await assert.rejects(exec.run({ tool: 'helm', args: [], timeoutMs: 1000 }), ToolMissing);
  const r = await exec.run({ tool: 'kubectl', args: ['fail'], timeoutMs: 10_000 });
  assert.equal(r.exitCode, 1);
  assert.match(r.stderr, /NotFound/);
});

test('the user search path skips node_modules/.bin, so a test-only helm never shadows the real one', () => {
  const root = mkdtempSync(join(tmpdir(), 'path-'));
  const shadow = join(root, 'node_modules', '.bin');
  const real = join(root, 'usr', 'bin');
  for (const dir of [shadow, real]) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'helm'), '#!/bin/sh\n');
    chmodSync(join(dir, 'helm'), 0o755);
  }
  const path = userSearchPath([shadow, real].join(':'));
  assert.deepEqual(path, [real]);
  assert.equal(findExecutable('helm', path), join(real, 'helm'));
});

test('a background process that exits before it is ready says why: the last line of its stderr, redacted', async () => {
  const { exec } = make();
  const started = exec.start({ tool: 'kubectl', args: ['fail'] });
  await assert.rejects(
    started.waitFor(/Forwarding from/, 10_000),
    /did not print .* in time \(it exited: Error from server \(NotFound\): pods "x" not found\)/,
  );
  await started.stop();
});
