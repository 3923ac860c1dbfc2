// Each demo service is its own Docker build context, so the runtime helpers and the todos table
// code are copied into each service rather than imported from a common folder. The copies must
// stay identical: fix one, fix all (cp app/backend/src/lib/runtime.ts app/mcp/src/lib/ …).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const read = (path: string) => readFileSync(new URL(`../../app/${path}`, import.meta.url), 'utf8');

test('src/lib/runtime.ts is identical in backend, mcp and frontend', () => {
  const original = read('backend/src/lib/runtime.ts');
  assert.equal(read('mcp/src/lib/runtime.ts'), original, 'app/mcp/src/lib/runtime.ts differs from app/backend/src/lib/runtime.ts');
  assert.equal(read('frontend/src/lib/runtime.ts'), original, 'app/frontend/src/lib/runtime.ts differs from app/backend/src/lib/runtime.ts');
});

test('src/lib/todos.ts is identical in backend and mcp', () => {
  assert.equal(read('mcp/src/lib/todos.ts'), read('backend/src/lib/todos.ts'), 'app/mcp/src/lib/todos.ts differs from app/backend/src/lib/todos.ts');
});
