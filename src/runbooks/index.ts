// The runbooks by id. A runbook that needs an earlier one (03 needs the images of 02, 02 those of
// 01, every runbook the cluster of 00) asks for it here by name instead of importing its module,
// so no runbook imports another and each module is loaded only when it is about to run.
import type { RunbookDefinition } from '../runbook.ts';

const LOADERS = {
  '00-setup': async () => (await import('./00-setup.ts')).setup,
  '01-build': async () => (await import('./01-build.ts')).build,
  '02-load': async () => (await import('./02-load.ts')).load,
  '03-install': async () => (await import('./03-install.ts')).install,
  '04-restart-test': async () => (await import('./04-restart-test.ts')).restartTest,
  '05-scaling': async () => (await import('./05-scaling.ts')).scaling,
  '06-ai-diagnostics': async () => (await import('./06-ai-diagnostics.ts')).aiDiagnostics,
  '07-teardown': async () => (await import('./07-teardown.ts')).teardown,
  '08-backup': async () => (await import('./08-backup.ts')).backup,
  '09-restore': async () => (await import('./09-restore.ts')).restore,
  access: async () => (await import('./access.ts')).access,
  dev: async () => (await import('./dev.ts')).dev,
  'rotate-secrets': async () => (await import('./rotate-secrets.ts')).rotateSecrets,
} satisfies Record<string, () => Promise<RunbookDefinition>>;

export type RunbookId = keyof typeof LOADERS;
export const RUNBOOK_IDS = Object.keys(LOADERS) as RunbookId[];

/** The definition of a runbook, loaded on first use. */
export async function runbookById(id: RunbookId): Promise<RunbookDefinition> {
  const definition = await LOADERS[id]();
  if (definition.id !== id) throw new Error(`the runbook registered as ${id} calls itself ${definition.id}`);
  return definition;
}
