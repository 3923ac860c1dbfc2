// The secrets inside a release's values: found to be registered for redaction, and masked for
// the report.

/** Every string under the `secrets` block of a release's values (POSTGRES_PASSWORD, API keys, DATABASE_URL…). */
export function secretStrings(values: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (typeof node === 'string') out.push(node);
    else if (node && typeof node === 'object') for (const v of Object.values(node)) walk(v);
  };
  walk((values as { secrets?: unknown } | null)?.secrets);
  return out.filter(Boolean);
}

/** The values with every secret replaced by the mask, for the report. */
export function maskSecrets(values: Record<string, unknown>): Record<string, unknown> {
  const masked = structuredClone(values);
  const walk = (node: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string') node[k] = v ? '••••••' : v;
      else if (v && typeof v === 'object') walk(v as Record<string, unknown>);
    }
  };
  if (masked.secrets && typeof masked.secrets === 'object') walk(masked.secrets as Record<string, unknown>);
  return masked;
}
