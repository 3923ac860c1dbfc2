// 05's proof that a scaled-out MCP Deployment serves from every replica: MCP tools/call requests go
// to the MCP Service through the API server's Service proxy (kubectl proxy), which picks a random
// Ready endpoint for each request, until every Ready MCP pod has answered at least once. The
// server names the pod that answered in its X-Served-By header (app/mcp/src/server.ts).
import type { RunbookContext } from '../../runbook.ts';
import { componentSelector } from '../../cluster/labels.ts';
import { podState } from '../../cluster/pods.ts';
import { fillTemplate } from '../../cluster/data-check.ts';
import { SERVED_BY_HEADER, tracedMcpToolCall } from '../../cluster/smoke.ts';
import { livePods, objectName } from './release.ts';

/** With two replicas and a random pick, 40 calls all missing one has a chance of 2 × 2⁻⁴⁰. */
export const MAX_CALLS = 40;
/** A server that names no pod in this many answers never will: stop asking. */
const UNNAMED_LIMIT = 3;

export interface ReplicaTally {
  calls: number;
  /** Answers per pod name, in the order first seen. */
  byPod: Map<string, number>;
  /** Answers that did not say which pod gave them. */
  unnamed: number;
  errors: string[];
}

/** "pod-a ×7, pod-b ×5"; the replicas that never answered are named too. */
export function describeTally(t: ReplicaTally, expected: string[]): string {
  const seen = [...t.byPod].map(([pod, n]) => `${pod} ×${n}`);
  const silent = expected.filter((p) => !t.byPod.has(p));
  return [
    `${t.calls} tools/call: ${seen.join(', ') || 'no answer named its pod'}`,
    silent.length ? `never answered: ${silent.join(', ')}` : '',
    t.unnamed ? `${t.unnamed} answer(s) without an ${SERVED_BY_HEADER} header` : '',
    t.errors.length ? `${t.errors.length} failed call(s), last: ${t.errors.at(-1)}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

export async function mcpServesFromEveryReplica(ctx: RunbookContext): Promise<void> {
  const { kubectl } = ctx.tools;
  const { release, namespace, dataCheckListTool, dataCheckListArgs } = ctx.settings;
  const service = objectName(ctx, 'mcp');
  const replicas = (await livePods(ctx, componentSelector(release, 'mcp')))
    .filter((p) => podState(p).ready)
    .map((p) => p.metadata.name)
    .sort();
  const port = (await kubectl.get('service', service, namespace))?.spec?.ports?.[0]?.port ?? 8001;
  const { baseUrl, process } = await kubectl.proxy(30_000);
  ctx.onCleanup('stop kubectl proxy', () => process.stop());
  const url = `${baseUrl}/api/v1/namespaces/${namespace}/services/${service}:${port}/proxy/mcp`;
  const args = fillTemplate(dataCheckListArgs, { title: '' }) as Record<string, unknown>;
  const tally: ReplicaTally = { calls: 0, byPod: new Map(), unnamed: 0, errors: [] };
  while (tally.calls < MAX_CALLS && !replicas.every((p) => tally.byPod.has(p))) {
    if (tally.unnamed >= UNNAMED_LIMIT && tally.byPod.size === 0) break;
    tally.calls++;
    try {
      const answer = await tracedMcpToolCall(url, dataCheckListTool, args, 10_000);
      if (answer.result.isError) tally.errors.push(`${dataCheckListTool} answered with an error`);
      if (answer.servedBy) tally.byPod.set(answer.servedBy, (tally.byPod.get(answer.servedBy) ?? 0) + 1);
      else tally.unnamed++;
    } catch (error) {
      tally.errors.push(error instanceof Error ? error.message : String(error));
    }
  }
  await process.stop();
  const all = replicas.length > 1 && replicas.every((p) => tally.byPod.has(p));
  const anonymous = tally.byPod.size === 0 && tally.unnamed > 0;
  ctx.check({
    id: 'MCP-REPLICAS',
    title: `MCP answers from each of its ${replicas.length} replicas through Service ${service}`,
    expected: `every Ready MCP pod (${replicas.join(', ')}) answers tools/call ${dataCheckListTool} through the Service, within ${MAX_CALLS} calls`,
    measured: describeTally(tally, replicas),
    // Replicas that do not say who they are cannot be told apart: not a failure of the app.
    pass: all ? true : anonymous ? 'warn' : false,
    remedy: anonymous
      ? `your MCP server does not name the pod that answered: add an ${SERVED_BY_HEADER} response header with its hostname (as the demo's app/mcp/src/server.ts does)`
      : `kubectl get endpoints ${service} -n ${namespace} --context ${kubectl.context}; kubectl logs -l ${componentSelector(release, 'mcp')} -n ${namespace} --context ${kubectl.context}`,
    value: tally.calls,
  });
}
