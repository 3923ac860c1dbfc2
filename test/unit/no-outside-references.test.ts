// No comment or document may send a reader to a file that is not in the repository: the style
// guide and the research notes the code once cited live outside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Dirent, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIRS = ['src', 'sim', 'test', 'app', 'helm', 'docs', 'runbooks', 'examples'];
// Built from parts so this file does not match itself.
const OUTSIDE = new RegExp(['STYLE', '\\.md', '|', '\\breference/[\\w-]+', '\\.md'].join(''));

function files(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    if (e.name === 'node_modules' || e.name.startsWith('.')) return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? files(path) : /\.(ts|mjs|js|md|ya?ml|tpl|txt|json)$/.test(e.name) ? [path] : [];
  });
}

test('no file points to the style guide or the research notes outside the repository', () => {
  const hits: string[] = [];
  for (const file of DIRS.flatMap((d) => files(join(ROOT, d)))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (OUTSIDE.test(line)) hits.push(`${relative(ROOT, file)}:${i + 1}`);
      });
  }
  assert.deepEqual(hits, []);
});
