// Steps a runbook takes about the installed release: it must be deployed (else 03 is offered),
// its secrets are registered for redaction, and its live pods are listed.
import type { RunbookContext } from '../../runbook.ts';
import type { KubeObject } from '../../tools/kubectl.ts';
import type { ReleaseStatus } from '../../tools/helm.ts';
import { requirePrerequisite } from '../../prereqs.ts';
import { registerSecret } from '../../redact.ts';
import { releaseSelector } from '../../cluster/labels.ts';
import { secretStrings } from '../../cluster/secret-values.ts';
import { componentName, type NameValues } from '../../cluster/names.ts';

/**
 * `helm status` and `helm get values` print the release's secrets (its user-supplied values, the
 * rendered Secret in the manifest). A runbook that did not ask for them itself (03 does) learns
 * them here, so that every record of this run (transcript, evidence, report) is redacted.
 */
export async function registerReleaseSecrets(ctx: RunbookContext): Promise<void> {
  const values = await ctx.tools.helm.values(ctx.settings.release, ctx.settings.namespace);
  for (const secret of secretStrings(values)) registerSecret(secret);
  namingValues.set(ctx, { nameOverride: values.nameOverride, fullnameOverride: values.fullnameOverride });
}

/** The release's name overrides as read by registerReleaseSecrets (the runbooks never change them). */
const namingValues = new WeakMap<RunbookContext, NameValues>();

/** The overrides that shape the release's object names; none before requireRelease has run. */
export function releaseNameValues(ctx: RunbookContext): NameValues {
  return namingValues.get(ctx) ?? {};
}

/** The name of one component's objects (Deployment, Service, Endpoints) in the installed release. */
export function objectName(ctx: RunbookContext, component: string): string {
  return componentName(ctx.settings.release, component, releaseNameValues(ctx));
}

/** The release must be deployed (else offer 03-install, or name it with --yes). */
export async function requireRelease(ctx: RunbookContext): Promise<ReleaseStatus> {
  const { release, namespace } = ctx.settings;
  const status = () => ctx.tools.helm.status(release, namespace);
  const first = await status();
  await requirePrerequisite(ctx, {
    satisfied: first?.status === 'deployed',
    what: first
      ? `release "${release}" in namespace ${namespace} is ${first.status}, not deployed`
      : `release "${release}" is not installed in namespace ${namespace}`,
    id: '03-install',
    recheck: async () => (await status())?.status === 'deployed',
  });
  await registerReleaseSecrets(ctx);
  return first?.status === 'deployed' ? first : (await status())!;
}

/** Pods of the release as they are now (terminating ones left out). */
export async function livePods(ctx: RunbookContext, selector = releaseSelector(ctx.settings.release)): Promise<KubeObject[]> {
  return (await ctx.tools.kubectl.list('pods', ctx.settings.namespace, selector)).filter((p) => !p.metadata.deletionTimestamp);
}
