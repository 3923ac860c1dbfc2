// Object names of the release, computed exactly as the chart computes them
// (helm/todo-chatbot/templates/_helpers.tpl: todo-chatbot.fullname and todo-chatbot.componentName),
// so a runbook can address a Deployment, Service, ConfigMap or Secret by name. The release's own
// nameOverride / fullnameOverride count: pass its user-supplied values (helm get values).
// test/chart/names.test.ts checks these against the real `helm template` output.

export const CHART_NAME = 'todo-chatbot';

/** The values that change object names; anything else in the release's values is ignored. */
export interface NameValues {
  nameOverride?: unknown;
  fullnameOverride?: unknown;
}

/** Sprig's `trunc 63 | trimSuffix "-"`: cut, then drop one trailing dash. */
function truncTrim(text: string, max: number): string {
  const cut = text.slice(0, max);
  return cut.endsWith('-') ? cut.slice(0, -1) : cut;
}

const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** The name prefix of every object: todo-chatbot.fullname. */
export function fullname(release: string, values: NameValues = {}): string {
  const override = text(values.fullnameOverride);
  if (override) return truncTrim(override, 63);
  const name = text(values.nameOverride) || CHART_NAME;
  // Go's strings.Contains, as sprig's `contains` uses it.
  if (release.includes(name)) return truncTrim(release, 63);
  return truncTrim(`${release}-${name}`, 63);
}

/** "<fullname>-<component>", the prefix cut to 50 characters first: todo-chatbot.componentName. */
export function componentName(release: string, component: string, values: NameValues = {}): string {
  return `${truncTrim(fullname(release, values), 50)}-${component}`;
}
