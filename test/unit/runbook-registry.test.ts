// Runbooks ask for each other through the registry (src/runbooks/index.ts), never by importing
// another runbook's module; the registry knows every runbook under the id it runs as.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUNBOOK_IDS, runbookById } from '../../src/runbooks/index.ts';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
/** Numbered runbooks, and the named ones that are not steps of the sequence (access, dev, rotate-secrets). */
const RUNBOOK_FILE = /^(\d\d-[a-z-]+|access|dev|rotate-secrets)\.ts$/;

/** Every .ts file under src/, relative to it. */
function sources(dir = SRC, prefix = ''): string[] {
  return readdirSync(join(dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name), `${prefix}${e.name}/`) : e.name.endsWith('.ts') ? [`${prefix}${e.name}`] : [],
  );
}

test('no module imports a runbook module except the registry', () => {
  const offenders: string[] = [];
  for (const file of sources()) {
    if (file === 'runbooks/index.ts') continue;
    const text = readFileSync(join(SRC, file), 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\()\s*'([^']+)'/g)) {
      // A runbook module is a file directly in src/runbooks/ other than the registry (steps/ are shared steps).
      const target = posix.normalize(posix.join(posix.dirname(file), m[1]!));
      if (/^runbooks\/[^/]+\.ts$/.test(target) && target !== 'runbooks/index.ts') offenders.push(`${file} → ${m[1]}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('the registry lists every runbook file, each under its own id', async () => {
  const files = readdirSync(join(SRC, 'runbooks'))
    .filter((f) => RUNBOOK_FILE.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  assert.deepEqual([...RUNBOOK_IDS].sort(), files);
  for (const id of RUNBOOK_IDS) assert.equal((await runbookById(id)).id, id);
});
