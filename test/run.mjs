#!/usr/bin/env node
// One entry point for every test lane, so `npm test` is a single `node --test` run
// (one summary for CI to read) and each lane can also be run alone:
//   node test/run.mjs            unit, chart, app and e2e lanes
//   node test/run.mjs docker     the real-Docker lane (skips without a daemon unless REQUIRE_DOCKER=1)
//   node test/run.mjs cluster    the runbooks on the project's real Kubernetes node (cluster/README.md)
//   node test/run.mjs unit e2e   any subset
//   node test/run.mjs test/e2e/05-scaling.test.ts …   single files (of any lane), run the same way
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_LANES = ['unit', 'chart', 'app', 'e2e'];
const KNOWN_LANES = [...DEFAULT_LANES, 'docker', 'cluster'];

const args = process.argv.slice(2);
const named = args.filter((a) => /\.test\.(ts|mjs)$/.test(a)).map((a) => relative(root, join(process.cwd(), a)));
const lanes = args.length ? args.filter((a) => !named.includes(relative(root, join(process.cwd(), a)))) : DEFAULT_LANES;
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

// (node --test sorts the files it is given by path: their order here does not matter)
const files = [...lanes.flatMap((lane) => testFiles(join(root, 'test', lane))), ...named];
if (files.length === 0) {
  console.error(`test/run.mjs: no test files in ${args.join(' ') || lanes.join(', ')}`);
  process.exit(1);
}
// Most of the e2e time is spent starting processes (a runbook, each simulated tool call), which
// leaves gaps on each core: run three files at a time (each test uses its own simulated machine,
// on its own loopback addresses).
// The cluster lane's files share one node and build on each other: one at a time, in name order.
const concurrency =
  lanes.includes('cluster') || named.some((f) => f.startsWith('test/cluster/')) ? '1' : (process.env.TEST_CONCURRENCY ?? '3');
// What the e2e files share during this run (the prepared cluster of test/e2e/prepared.ts).
const shared = mkdtempSync(join(tmpdir(), 'e2e-shared-'));
// The simulator's fast client (sim/client; docs/simulator.md, "The call server"): built once into
// the cache where Go is installed. Without it every simulated call runs as a Node process of its
// own, as a user's do: the same results, several times the CPU.
const simClient = process.env.SIM_CLIENT ?? (files.some((f) => !/^test\/(cluster|docker)\//.test(f)) ? buildSimClient() : '');

function buildSimClient() {
  const r = spawnSync('bash', [join(root, 'sim', 'client', 'build.sh')], { encoding: 'utf8' });
  const path = r.status === 0 ? r.stdout.trim().split('\n').pop() : '';
  if (!path) {
    const why = (r.stderr || r.error?.message || '').trim().split('\n').pop();
    console.error(`test/run.mjs: simulated calls run as Node processes of their own (${why})`);
  }
  return path ?? '';
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: '0', E2E_SHARED_DIR: shared, SIM_CLIENT: simClient || '0' },
  },
);
// only a cache (a failed test keeps its own clone to read); removing it also ends its clock daemon
rmSync(shared, { recursive: true, force: true });
process.exit(result.status ?? 1);
