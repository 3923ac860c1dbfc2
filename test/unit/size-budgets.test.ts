// Runbook 01's size budgets per component and runtime (src/size-budgets.ts): the Node figures for
// the demo's images, larger ones where the Dockerfile builds on Python, a setting over both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { imageSpecs } from '../../src/images.ts';
import { UsageError } from '../../src/errors.ts';
import { dockerfileRuntime, MB, totalBudget } from '../../src/size-budgets.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = `${root}examples/todo-chatbot`;
const customApp = {
  APP_SOURCE: 'custom',
  APP_FRONTEND_DIR: `${example}/frontend`,
  APP_BACKEND_DIR: `${example}/backend`,
  APP_MCP_DIR: `${example}/mcp`,
};
const budgets = (env: Record<string, string>) =>
  Object.fromEntries(imageSpecs(loadConfig([], [], env, tmpdir()).settings, root).map((s) => [s.component, s.budgetBytes / MB]));

test("the runtime of a Dockerfile is its final FROM with the ARG defaults filled in: the templates and the demo's Dockerfiles", () => {
  const runtime = (path: string) => dockerfileRuntime(readFileSync(`${root}${path}`, 'utf8'));
  assert.deepEqual(runtime('docker/templates/fastapi.Dockerfile'), { runtime: 'python', base: 'python:3.11-slim' });
  assert.deepEqual(runtime('docker/templates/python-mcp.Dockerfile'), { runtime: 'python', base: 'python:3.11-slim' });
  assert.deepEqual(runtime('docker/templates/nextjs.Dockerfile'), { runtime: 'node', base: 'node:20-alpine' });
  for (const c of ['frontend', 'backend', 'mcp']) assert.equal(runtime(`docker/${c}.Dockerfile`).runtime, 'node');
  assert.deepEqual(dockerfileRuntime('FROM golang:1.26 AS build\nFROM gcr.io/distroless/static\n'), {
    runtime: 'unknown',
    base: 'gcr.io/distroless/static',
  });
  assert.deepEqual(dockerfileRuntime('ARG BASE\nFROM --platform=linux/amd64 ${BASE}\n'), { runtime: 'unknown', base: '${BASE}' });
});

test('budgets: Node figures for the demo, Python figures for the example app built from the templates, SIZE_BUDGET_* over both', () => {
  assert.deepEqual(budgets({}), { frontend: 500, backend: 300, mcp: 150 });
  // examples/todo-chatbot measured backend 303.8 MB and MCP 247.9 MB (docs/bring-your-own-app.md): over the Node budgets, within these.
  assert.deepEqual(budgets(customApp), { frontend: 500, backend: 400, mcp: 300 });
  assert.deepEqual(budgets({ ...customApp, SIZE_BUDGET_MCP: '260', SIZE_BUDGET_BACKEND: '0.5g' }), {
    frontend: 500,
    backend: 512,
    mcp: 260,
  });
  assert.deepEqual(budgets({ SIZE_BUDGET_FRONTEND: '250' }), { frontend: 250, backend: 300, mcp: 150 });
  const mcp = imageSpecs(loadConfig([], [], customApp, tmpdir()).settings, root).find((s) => s.component === 'mcp')!;
  assert.equal(mcp.budgetBasis, 'python base default; SIZE_BUDGET_MCP overrides');
  for (const bad of ['abc', '0', '-5', '12 tb']) {
    assert.throws(
      () => loadConfig([], [], { SIZE_BUDGET_MCP: bad }, tmpdir()),
      (e: unknown) =>
        e instanceof UsageError && e.message === `SIZE_BUDGET_MCP "${bad}" is not an image size` && /megabytes/.test(e.remedy),
    );
  }
});

test('the images together: 500 MB (001 SC-006) unless SIZE_BUDGET_TOTAL says otherwise, refused like the others when not a size', () => {
  const total = (env: Record<string, string>) => totalBudget(loadConfig([], [], env, tmpdir()).settings.sizeBudgetTotal);
  assert.deepEqual(total({}), { bytes: 500 * MB, basis: 'default; SIZE_BUDGET_TOTAL overrides' });
  assert.deepEqual(total({ SIZE_BUDGET_TOTAL: '1g' }), { bytes: 1024 * MB, basis: 'SIZE_BUDGET_TOTAL=1024' });
  // a stack with Python images: the example app's 700.7 MB fits its 800 MB default, not the Node 500
  const python = totalBudget(undefined, ['node', 'python', 'python']);
  assert.deepEqual(python, { bytes: 800 * MB, basis: 'python default; SIZE_BUDGET_TOTAL overrides' });
  assert.ok(700.7 * MB <= python.bytes && 700.7 * MB > totalBudget(undefined, ['node', 'node', 'node']).bytes);
  assert.equal(totalBudget(300, ['python']).bytes, 300 * MB, 'the setting wins over the runtime default');
  assert.throws(
    () => loadConfig([], [], { SIZE_BUDGET_TOTAL: 'lots' }, tmpdir()),
    (e: unknown) => e instanceof UsageError && e.message === 'SIZE_BUDGET_TOTAL "lots" is not an image size',
  );
});
