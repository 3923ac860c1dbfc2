// The frontend screenshot (03) with a real headless Chromium, when the machine has one
// (.ci/run installs Debian's chromium, so CI always runs this).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium, screenshot } from '../../src/cluster/screenshot.ts';

test('a PNG of the page is written when a Chromium is available', {
  skip: findChromium() ? false : 'no Chromium on this machine',
}, async () => {
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body><h1>Todo</h1></body></html>'),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const file = join(mkdtempSync(join(tmpdir(), 'shot-')), 'frontend.png');
    const shot = await screenshot(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, file, 30_000, findChromium());
    assert.equal(shot.ok, true, shot.error);
    const png = readFileSync(file);
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.ok(png.length > 1000);
  } finally {
    server.close();
  }
});

test('CHROME_PATH wins; with no Chromium the screenshot is skipped with a reason, not an error', async () => {
  assert.equal(findChromium({ CHROME_PATH: process.execPath }, []), process.execPath);
  assert.equal(findChromium({ CHROME_PATH: '/nonexistent/chrome' }, []), undefined);
  assert.equal(findChromium({}, ['/nonexistent/a', process.execPath]), process.execPath);
  const shot = await screenshot('http://127.0.0.1:9/', join(tmpdir(), 'never.png'), 1000, undefined);
  assert.equal(shot.ok, false);
  assert.match(shot.error!, /no Chromium found/);
});
