// The values a release will be installed with, read before helm runs: the chart's values.yaml,
// then the user's values files (HELM_VALUES_FILES) in order, merged as helm merges `-f` files
// (helm's pkg/cli/values/options.go, mergeMaps: a map is merged key by key, anything else —
// a list, a string, a number, null — replaces what was there). Runbooks read from it what they
// must know before the release exists: the object names (fullnameOverride) and the NodePorts
// the frontend is built for.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../errors.ts';
import type { NameValues } from './names.ts';

export type Values = Record<string, unknown>;

const isMap = (v: unknown): v is Values => v !== null && typeof v === 'object' && !Array.isArray(v);

/** One values file as a map; a file that is not YAML (or not a map) stops the run, as helm would. */
export function readValuesFile(file: string): Values {
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `values file ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      'fix the file or leave it out',
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isMap(parsed)) throw new UsageError(`values file ${file} is not a map of values`, 'a values file sets keys, e.g. "mcp: {…}"');
  return parsed;
}

/** b merged over a, as helm merges a later -f file over an earlier one. */
export function mergeValues(a: Values, b: Values): Values {
  const out: Values = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const before = out[key];
    out[key] = isMap(value) && isMap(before) ? mergeValues(before, value) : value;
  }
  return out;
}

/** The user's values files alone, merged in order. */
export function userValues(valuesFiles: string[]): Values {
  return valuesFiles.map(readValuesFile).reduce(mergeValues, {});
}

/** The chart's defaults with the user's values files over them. */
export function effectiveValues(chartDir: string, valuesFiles: string[]): Values {
  const chartValues = join(chartDir, 'values.yaml');
  return mergeValues(existsSync(chartValues) ? readValuesFile(chartValues) : {}, userValues(valuesFiles));
}

/** The values that name the release's objects (names.ts), from the user's values files. */
export function nameValues(valuesFiles: string[]): NameValues {
  const { nameOverride, fullnameOverride } = userValues(valuesFiles);
  return { nameOverride, fullnameOverride };
}

/** The chart's default NodePorts (helm/todo-chatbot/values.yaml). */
export const DEFAULT_NODE_PORTS = { frontend: 30080, backend: 30081 } as const;

/**
 * The NodePorts the frontend and backend Services will open: <component>.service.nodePort of the
 * values, or the chart's default when it is unset or null (Kubernetes would then pick one, which
 * cannot be known before the install).
 */
export function nodePorts(values: Values): { frontend: number; backend: number } {
  const port = (component: 'frontend' | 'backend') => {
    const service = (values[component] as Values | undefined)?.service as Values | undefined;
    const n = Number(service?.nodePort);
    return Number.isInteger(n) && n > 0 ? n : DEFAULT_NODE_PORTS[component];
  };
  return { frontend: port('frontend'), backend: port('backend') };
}
