// The one way secret values reach helm: a values file (mode 0600) in a private temp folder that
// the run's cleanup removes, named with -f. Never --set, which puts a value on helm's argv.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RunbookContext } from '../../runbook.ts';

export function writePrivateValues(ctx: RunbookContext, values: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'todo-chatbot-values-'));
  ctx.onCleanup('remove the secret values file', async () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'secrets.yaml');
  writeFileSync(file, stringify(values), { mode: 0o600 });
  return file;
}
