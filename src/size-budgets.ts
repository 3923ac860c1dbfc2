// Image size budgets per component, by the runtime the image is built on. The first budgets were
// set for the demo's Node servers; a Python backend or MCP server starts from a bigger base and
// cannot meet them (figures in docs/bring-your-own-app.md). SIZE_BUDGET_<COMPONENT> overrides.
import { readFileSync } from 'node:fs';
import { UsageError } from './errors.ts';
import type { AppComponent } from './cluster/labels.ts';

/** Runbook 01 counts a MB as 1024 × 1024 bytes. */
export const MB = 1024 * 1024;

export type Runtime = 'node' | 'python' | 'unknown';

/**
 * Default budgets in MB. node: set for the demo's images. python: the example app
 * (examples/todo-chatbot) measured backend 303.8 MB and MCP 247.9 MB on a 161.4 MB Debian + python
 * 3.11 base; the seed teams' backend was 357.6 MB (375 decimal MB): the backend budget covers it,
 * the MCP budget leaves about 50 MB over what the example needs. unknown: the Node figures.
 */
export const DEFAULT_BUDGETS_MB: Record<Runtime, Record<AppComponent, number>> = {
  node: { frontend: 500, backend: 300, mcp: 150 },
  python: { frontend: 500, backend: 400, mcp: 300 },
  unknown: { frontend: 500, backend: 300, mcp: 150 },
};

/**
 * The runtime of a Dockerfile's final stage: its FROM image with the ARG defaults filled in
 * (docker/templates/*.Dockerfile say `ARG PYTHON_IMAGE=python:3.11-slim` … `FROM ${PYTHON_IMAGE}`),
 * or the name of the ARG when it has no default.
 */
export function dockerfileRuntime(text: string): { runtime: Runtime; base: string } {
  const args = new Map<string, string>();
  let base = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S+))?/i.exec(line);
    if (arg && arg[2] !== undefined && !args.has(arg[1]!)) args.set(arg[1]!, arg[2].replace(/^["']|["']$/g, ''));
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(line);
    if (from) base = from[1]!.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => args.get(name) ?? whole);
  }
  const runtime: Runtime = /python/i.test(base) ? 'python' : /node/i.test(base) ? 'node' : 'unknown';
  return { runtime, base };
}

/** A budget setting: megabytes (400), or with a unit (400mb, 1g); empty = the runtime's default. */
export function budgetSetting(raw: string, name: string): number | undefined {
  if (raw.trim() === '') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*(mb|m|gb|g)?$/i.exec(raw.trim());
  const value = match ? Number(match[1]) * (/^g/i.test(match[2] ?? '') ? 1024 : 1) : NaN;
  if (!(value > 0))
    throw new UsageError(
      `${name} "${raw}" is not an image size`,
      "give megabytes (400) or gigabytes (1g), or leave it empty for the runtime's default",
    );
  return value;
}

export interface Budget {
  bytes: number;
  /** Where the figure comes from, for the report: "python default (SIZE_BUDGET_MCP unset)". */
  basis: string;
}

/** The runtime a Dockerfile builds on; 'unknown' when it cannot be read (the build itself then fails). */
export function runtimeOf(dockerfile: string): Runtime {
  try {
    return dockerfileRuntime(readFileSync(dockerfile, 'utf8')).runtime;
  } catch {
    return 'unknown';
  }
}

export function sizeBudget(component: AppComponent, dockerfile: string, override: number | undefined): Budget {
  const setting = `SIZE_BUDGET_${component.toUpperCase()}`;
  if (override !== undefined) return { bytes: Math.round(override * MB), basis: `${setting}=${override}` };
  const runtime = runtimeOf(dockerfile);
  return {
    bytes: DEFAULT_BUDGETS_MB[runtime][component] * MB,
    basis: `${runtime === 'unknown' ? 'default (base image not recognised)' : `${runtime} base default`}; ${setting} overrides`,
  };
}

/**
 * All the images together (001 SC-006: under 500 MB). The sum of the three sizes as `docker images`
 * lists them: a base shared by two images counts twice, so the figure is an upper bound on what the
 * node stores, and the one a registry or `minikube image load` moves. 500 MB is the seed's figure for
 * the demo's Node images; a stack with Python images gets 800 MB, as its per-image budgets come from
 * the example app (examples/todo-chatbot measured 700.7 MB together: two Python images of 303.8 and
 * 247.9 MB on one 161.4 MB base, and a 149.0 MB Next.js image).
 */
export const DEFAULT_TOTAL_BUDGET_MB: Record<Runtime, number> = { node: 500, python: 800, unknown: 500 };

export function totalBudget(override: number | undefined, runtimes: Runtime[] = []): Budget {
  if (override !== undefined) return { bytes: Math.round(override * MB), basis: `SIZE_BUDGET_TOTAL=${override}` };
  const runtime: Runtime = runtimes.includes('python') ? 'python' : 'node';
  const basis = runtime === 'python' ? 'python default; SIZE_BUDGET_TOTAL overrides' : 'default; SIZE_BUDGET_TOTAL overrides';
  return { bytes: DEFAULT_TOTAL_BUDGET_MB[runtime] * MB, basis };
}
