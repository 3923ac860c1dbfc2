#!/usr/bin/env node
// One entry point for every test lane, so `npm test` is a single `node --test` run
// (one summary for CI to read) and each lane can also be run alone:
//   node test/run.mjs            unit, chart, app and e2e lanes
//   node test/run.mjs docker     the real-Docker lane (skips without a daemon unless REQUIRE_DOCKER=1)
//   node test/run.mjs cluster    the runbooks on the project's real Kubernetes node (cluster/README.md)
//   node test/run.mjs unit e2e   any subset
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_LANES = ['unit', 'chart', 'app', 'e2e'];
const KNOWN_LANES = [...DEFAULT_LANES, 'docker', 'cluster'];

const lanes = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_LANES;
for (const lane of lanes) {
  if (!KNOWN_LANES.includes(lane)) {
    console.error(`test/run.mjs: unknown lane "${lane}"; choose from ${KNOWN_LANES.join(', ')}`);
    process.exit(2);
  }
}

function testFiles(dir) {
  let out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(testFiles(path));
    else if (/\.test\.(ts|mjs)$/.test(name)) out.push(relative(root, path));
  }
  return out;
}

const files = lanes.flatMap((lane) => testFiles(join(root, 'test', lane)));
if (files.length === 0) {
  console.error(`test/run.mjs: no test files in lanes ${lanes.join(', ')}`);
  process.exit(1);
}
// Most of the e2e time is spent waiting on simulated clusters, not computing: run three files
// at a time (each test uses its own simulated machine, on its own loopback address).
// The cluster lane's files share one node and build on each other: one at a time, in name order.
const concurrency = lanes.includes('cluster') ? '1' : (process.env.TEST_CONCURRENCY ?? '3');
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: '0' },
  },
);
process.exit(result.status ?? 1);
