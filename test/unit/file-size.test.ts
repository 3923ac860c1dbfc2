// Small files: a source file in src/, sim/ or cluster/ longer than 400 lines must say why at its top,
// with a `// size: <reason>` comment (`# size:` in shell) in its first lines, e.g. a table of data
// that reads best in one piece. Anything else is split by job into modules named for what they do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FOLDERS = ['src', 'sim', 'cluster'];
const MAX_LINES = 400;
/** How far down the reason may sit: after a shebang and `// @ts-check`, before the file's own header. */
const HEADER_LINES = 5;
const CODE = new Set(['.ts', '.mts', '.cts', '.mjs', '.cjs', '.js', '.go', '.sh', '.py']);
/** A reason is a phrase, not a placeholder: `// size: big` or `// size: TODO` does not count. */
const SIZE_MARK = /^\s*(?:\/\/|#)\s*size:\s*(.+?)\s*$/;

interface SourceFile {
  path: string;
  text: string;
}

/** Lines as `wc -l` counts them (newline characters), so the figure matches what a person measures. */
const lineCount = (text: string) => text.match(/\n/g)?.length ?? 0;

function sizeReason(text: string): string | undefined {
  for (const line of text.split('\n').slice(0, HEADER_LINES)) {
    const reason = SIZE_MARK.exec(line)?.[1];
    if (reason !== undefined) return reason;
  }
  return undefined;
}

const isRealReason = (reason: string) => reason.split(/\s+/).length >= 4 && !/^(todo|tbd|fixme)\b/i.test(reason);

/** The files over the limit without a real reason at their top, with their length. */
function oversized(files: SourceFile[]): string[] {
  const out: string[] = [];
  for (const { path, text } of files) {
    const lines = lineCount(text);
    if (lines <= MAX_LINES) continue;
    const reason = sizeReason(text);
    if (reason === undefined) out.push(`${path}: ${lines} lines, no "// size: <reason>" in its first ${HEADER_LINES} lines`);
    else if (!isRealReason(reason)) out.push(`${path}: ${lines} lines, and "size: ${reason}" is not a reason`);
  }
  return out;
}

function sourceFiles(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sourceFiles(path));
      continue;
    }
    if (!entry.isFile()) continue;
    const text = readFileSync(path, 'utf8');
    // Executables without an extension (sim/bin/*, cluster/bin/minikube) are code too.
    if (CODE.has(extname(entry.name)) || (extname(entry.name) === '' && text.startsWith('#!'))) {
      out.push({ path: relative(ROOT, path), text });
    }
  }
  return out;
}

const lines = (n: number) => 'x\n'.repeat(n);

test('the size rule: over 400 lines needs "// size: <reason>" near the top; 400 lines or fewer need nothing', () => {
  assert.deepEqual(oversized([{ path: 'a.ts', text: lines(400) }]), []);
  assert.deepEqual(oversized([{ path: 'a.ts', text: lines(401) }]), ['a.ts: 401 lines, no "// size: <reason>" in its first 5 lines']);
  const reason = '// size: the fault catalogue, one table that reads best whole\n';
  assert.deepEqual(oversized([{ path: 'a.mjs', text: `#!/usr/bin/env node\n// @ts-check\n${reason}${lines(500)}` }]), []);
  assert.deepEqual(oversized([{ path: 'a.sh', text: `#!/bin/bash\n# size: one script the lane runs as a whole\n${lines(500)}` }]), []);
  // Too far down, or not a reason.
  assert.equal(oversized([{ path: 'a.ts', text: `${lines(5)}${reason}${lines(500)}` }]).length, 1);
  assert.deepEqual(oversized([{ path: 'a.ts', text: `// size: TODO split it later\n${lines(500)}` }]), [
    'a.ts: 501 lines, and "size: TODO split it later" is not a reason',
  ]);
  assert.equal(oversized([{ path: 'a.ts', text: `// size: big\n${lines(500)}` }]).length, 1);
  // Counted as wc -l does: a last line without a newline is not a line.
  assert.equal(lineCount('a\nb\n'), 2);
  assert.equal(lineCount('a\nb'), 1);
});

test('no source file in src/, sim/ or cluster/ is over 400 lines without a reason at its top', () => {
  const files = FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)));
  assert.ok(files.length > 100, `found only ${files.length} source files: is the walk broken?`);
  assert.deepEqual(
    oversized(files),
    [],
    'split these by job into small modules named for what they do, or give the reason they stay whole',
  );
});
