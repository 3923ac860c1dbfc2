// 03's picture of the deployed system: the live Services, pods, Secret and ConfigMap of the
// release drawn as a Mermaid flowchart in the report, and a check that every part is there.
import type { RunbookContext } from '../../runbook.ts';
import { releaseSelector } from '../../cluster/labels.ts';
import { systemDiagram } from '../../cluster/diagram.ts';

export async function drawSystem(ctx: RunbookContext): Promise<void> {
  const { kubectl } = ctx.tools;
  const { release, namespace } = ctx.settings;
  const selector = releaseSelector(release);
  const [services, pods] = await Promise.all([kubectl.list('services', namespace, selector), kubectl.list('pods', namespace, selector)]);
  const picture = systemDiagram({ services, pods });
  ctx.evidence('The deployed system (live pod names, Services and ports)', picture.mermaid, 'mermaid');
  const reads = (what: string | undefined, who: string[]) => (what ? `${what} read by ${who.sort().join(', ') || 'nobody'}` : 'none');
  ctx.check({
    id: 'SYSTEM-PICTURE',
    title: 'the deployed system drawn from the cluster',
    expected: 'frontend, backend, MCP and PostgreSQL each with a Service and a running pod; the Secret and the ConfigMap read',
    measured: `${picture.complete.length} of 4 parts complete (${picture.complete.join(', ')}${picture.incomplete.length ? `; missing a Service or pods: ${picture.incomplete.join(', ')}` : ''}), ${picture.podCount} pods; Secret ${reads(picture.secretName, picture.secretReaders)}; ConfigMap ${reads(picture.configMapName, picture.configReaders)}`,
    pass: picture.incomplete.length === 0 && picture.complete.length === 4 && Boolean(picture.secretName) && Boolean(picture.configMapName),
    remedy: `kubectl get svc,pods -l ${selector} -n ${namespace} --context ${kubectl.context}`,
  });
}
