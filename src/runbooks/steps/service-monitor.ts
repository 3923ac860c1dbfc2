// The chart's optional ServiceMonitor in the runbooks: 03 refuses to install one the cluster cannot
// serve (the chart would leave it out silently, src/cluster/service-monitor.ts says why), before
// helm runs; 06 reports whether the CRD and the release's ServiceMonitor exist.
import { resolve } from 'node:path';
import type { RunbookContext } from '../../runbook.ts';
import { UsageError } from '../../errors.ts';
import { PROJECT_ROOT } from '../../project-root.ts';
import { effectiveValues, readValuesFile } from '../../cluster/release-values.ts';
import { releaseSelector } from '../../cluster/labels.ts';
import { SERVICE_MONITOR_CRD, crdServes, serviceMonitorWanted } from '../../cluster/service-monitor.ts';

/** Which file turns the ServiceMonitor on: the last values file that sets it, else the chart's values.yaml. */
function enabledBy(chartDir: string, valuesFiles: string[]): string {
  const setting = [...valuesFiles].reverse().find((file) => {
    const metrics = readValuesFile(file).metrics as { serviceMonitor?: { enabled?: unknown } } | undefined;
    return metrics?.serviceMonitor?.enabled !== undefined;
  });
  return setting ?? resolve(chartDir, 'values.yaml');
}

/** Whether the chart's values and the user's values files turn the ServiceMonitor on. */
export function serviceMonitorEnabled(ctx: RunbookContext): boolean {
  return serviceMonitorWanted(effectiveValues(resolve(PROJECT_ROOT, ctx.settings.chartDir), ctx.settings.valuesFiles));
}

/** 03, before helm: with metrics.serviceMonitor.enabled the cluster must serve ServiceMonitor, or the run stops (exit 2). */
export async function requireServiceMonitorCrd(ctx: RunbookContext): Promise<void> {
  const chartDir = resolve(PROJECT_ROOT, ctx.settings.chartDir);
  if (!serviceMonitorEnabled(ctx)) return;
  const crd = await ctx.tools.kubectl.get('customresourcedefinition', SERVICE_MONITOR_CRD);
  const { serves, why } = crdServes(crd);
  if (!serves)
    throw new UsageError(
      `metrics.serviceMonitor.enabled is true (${enabledBy(chartDir, ctx.settings.valuesFiles)}), but the cluster cannot take a ServiceMonitor: ${why}`,
      `install the Prometheus Operator's CRDs first (kubectl get crd ${SERVICE_MONITOR_CRD} --context ${ctx.tools.kubectl.context} must list it), or set metrics.serviceMonitor.enabled=false`,
    );
  ctx.note(`ServiceMonitor enabled and the cluster serves it (${why}): helm will create it`);
}

/** 06: the CRD, whether the release asked for a ServiceMonitor, and the ServiceMonitors it has. */
export async function reportServiceMonitor(ctx: RunbookContext): Promise<void> {
  const { kubectl, helm } = ctx.tools;
  const { release, namespace } = ctx.settings;
  const { serves, why } = crdServes(await kubectl.get('customresourcedefinition', SERVICE_MONITOR_CRD));
  const wanted = serviceMonitorWanted(await helm.values(release, namespace, true));
  const monitors = serves ? await kubectl.list('servicemonitors.monitoring.coreos.com', namespace, releaseSelector(release)) : [];
  const names = monitors.map((m) => m.metadata.name);
  ctx.check({
    id: 'METRICS-SERVICEMONITOR',
    title: 'Prometheus Operator ServiceMonitor',
    expected: "when metrics.serviceMonitor.enabled: the CRD served and the release's ServiceMonitor present",
    measured: `CRD: ${serves ? why : `absent (${why})`}; metrics.serviceMonitor.enabled ${wanted}; ServiceMonitor: ${names.join(', ') || 'none'}`,
    // Nothing asked for, nothing expected: the chart's scraping is off by default. Asked for but not
    // there (the CRD removed after the install, or an install that did not check): the app still
    // works, but nothing scrapes it.
    pass: wanted ? (serves && names.length > 0) || 'warn' : names.length > 0 ? 'pass' : 'skip',
    remedy: !serves
      ? `install the Prometheus Operator's CRDs (${SERVICE_MONITOR_CRD}), then run 03 again`
      : `helm upgrade ${release} with metrics.serviceMonitor.enabled=true (03 with it in a values file); kubectl get servicemonitors -n ${namespace} --context ${kubectl.context}`,
  });
}
