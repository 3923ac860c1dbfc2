// The diagnosis a failed step attaches to its report: the built-in analyzers over the namespace,
// the log tails of the pods they name, and the recent warning events.
import type { RunbookContext } from '../../runbook.ts';
import { collectSnapshot } from '../../cluster/snapshot.ts';
import { analyze, podLogTails, type Finding } from '../../cluster/analyzers.ts';
import type { KubeObject } from '../../tools/kubectl.ts';
import type { Pod } from '../../cluster/kube-types.ts';

/**
 * Pods as a watch last saw them, kept so that a diagnosis made after they were removed (helm
 * --atomic uninstalls a failed release) still has them: their events outlive them in the
 * namespace, so the pod as last seen, with its events as they are now, still shows the cause.
 */
export interface SeenPods {
  pods: Pod[];
  at: number;
}

/** Remembers each pod as last seen before it began to go (its deletion is not its cause). */
export function rememberPods(seen: SeenPods | undefined, listed: KubeObject[], at: number): SeenPods | undefined {
  // kubectl's JSON has the shape the API documents for a Pod (as in collectSnapshot)
  const alive = (listed as unknown[] as Pod[]).filter((p) => !p.metadata.deletionTimestamp);
  if (!alive.length) return seen;
  return { pods: [...new Map([...(seen?.pods ?? []), ...alive].map((p) => [p.metadata.name, p])).values()], at };
}

/**
 * The critical finding to name as the cause: a pod's own reason (OOMKilled, a failing probe…)
 * before what it makes of its workload (a StatefulSet or Deployment not Ready), which a diagnosis
 * made early, while the other pods still start, also reports as critical.
 */
export function rootCause(findings: Finding[]): Finding | undefined {
  const critical = findings.filter((f) => f.severity === 'critical');
  return critical.find((f) => f.object.startsWith('pod/')) ?? critical[0];
}

/**
 * Evidence for a failed drill: the built-in analyzers over the namespace, log tails of the pods
 * they name, recent warning events. Returns the most likely cause, in one line with its remedy.
 * Never throws: a drill that failed because the API is down still gets its report. `seen`: pods
 * a watch saw that may be gone by now.
 */
export async function diagnose(
  ctx: RunbookContext,
  focus?: string[],
  seen?: SeenPods,
): Promise<{ cause?: string; remedy?: string; findings: Finding[] }> {
  try {
    const snapshot = await collectSnapshot(ctx.tools.kubectl, ctx.settings.namespace);
    // a pod gone, or going (Terminating), by now is analysed as it was before it began to go
    const going = new Set(snapshot.pods.filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name));
    const present = new Set(snapshot.pods.map((p) => p.metadata.name));
    const gone = (seen?.pods ?? []).filter((p) => !present.has(p.metadata.name) || going.has(p.metadata.name));
    if (gone.length) {
      const replaced = new Set(gone.map((p) => p.metadata.name));
      snapshot.pods = [...snapshot.pods.filter((p) => !replaced.has(p.metadata.name)), ...gone];
      ctx.evidence(
        'pods removed before the diagnosis',
        `${gone.map((p) => p.metadata.name).join(', ')}: gone or being deleted by now (helm --atomic removes a failed release); analysed as last seen at ${new Date(seen!.at).toISOString()}, with the events they left in the namespace`,
      );
    }
    const findings = analyze(snapshot, {
      release: ctx.settings.release,
      profile: ctx.settings.profile,
      chartDir: ctx.settings.chartDir,
      now: ctx.clock.now(),
    });
    for (const f of findings) ctx.evidence(`${f.severity}: ${f.object} — ${f.reason}`, `${f.evidence}\n\nremedy: ${f.remedy}`);
    for (const tail of await podLogTails(ctx.tools.kubectl, ctx.settings.namespace, findings)) ctx.evidence(tail.title, tail.body);
    const warnings = snapshot.events.filter((e) => e.type === 'Warning').slice(-15);
    if (warnings.length)
      ctx.evidence(
        'warning events',
        warnings
          .map((e) => `${e.lastTimestamp ?? ''} ${e.involvedObject?.kind}/${e.involvedObject?.name} ${e.reason}: ${e.message}`)
          .join('\n'),
      );
    const relevant = (f: Finding) => !focus || !f.component || focus.includes(f.component);
    const top = rootCause(findings.filter(relevant)) ?? findings.find((f) => f.severity === 'warning' && relevant(f));
    return { cause: top ? `${top.object}: ${top.reason}` : undefined, remedy: top?.remedy, findings };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.evidence('diagnosis not possible', message);
    return { cause: `the cluster did not answer: ${message}`, remedy: `minikube status -p ${ctx.settings.profile}`, findings: [] };
  }
}
