// The diagnosis a failed step attaches to its report: the built-in analyzers over the namespace,
// the log tails of the pods they name, and the recent warning events.
import type { RunbookContext } from '../../runbook.ts';
import { collectSnapshot } from '../../cluster/snapshot.ts';
import { analyze, podLogTails, type Finding } from '../../cluster/analyzers.ts';

/**
 * Evidence for a failed drill: the built-in analyzers over the namespace, log tails of the pods
 * they name, recent warning events. Returns the most likely cause, in one line with its remedy.
 * Never throws: a drill that failed because the API is down still gets its report.
 */
export async function diagnose(ctx: RunbookContext, focus?: string[]): Promise<{ cause?: string; remedy?: string; findings: Finding[] }> {
  try {
    const snapshot = await collectSnapshot(ctx.tools.kubectl, ctx.settings.namespace);
    const findings = analyze(snapshot, { release: ctx.settings.release, profile: ctx.settings.profile, chartDir: ctx.settings.chartDir });
    for (const f of findings) ctx.evidence(`${f.severity}: ${f.object} — ${f.reason}`, `${f.evidence}\n\nremedy: ${f.remedy}`);
    for (const tail of await podLogTails(ctx.tools.kubectl, ctx.settings.namespace, findings)) ctx.evidence(tail.title, tail.body);
    const warnings = snapshot.events.filter((e) => e.type === 'Warning').slice(-15);
    if (warnings.length) ctx.evidence('warning events', warnings.map((e) => `${e.lastTimestamp ?? ''} ${e.involvedObject?.kind}/${e.involvedObject?.name} ${e.reason}: ${e.message}`).join('\n'));
    const relevant = (f: Finding) => !focus || !f.component || focus.includes(f.component);
    const top = findings.find((f) => f.severity === 'critical' && relevant(f)) ?? findings.find((f) => f.severity === 'warning' && relevant(f));
    return { cause: top ? `${top.object}: ${top.reason}` : undefined, remedy: top?.remedy, findings };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.evidence('diagnosis not possible', message);
    return { cause: `the cluster did not answer: ${message}`, remedy: `minikube status -p ${ctx.settings.profile}`, findings: [] };
  }
}

