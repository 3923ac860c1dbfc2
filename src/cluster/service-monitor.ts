// The chart's optional Prometheus Operator ServiceMonitor (metrics.serviceMonitor.enabled, off by
// default). The chart renders it only where the cluster serves monitoring.coreos.com/v1
// ServiceMonitor (.Capabilities.APIVersions.Has, which helm fills from the API server's discovery:
// helm pkg/action/action.go, getCapabilities and GetVersionSet), so on a cluster without the
// operator's CRD an enabled ServiceMonitor would be left out without a word. 03 therefore checks the
// CRD before helm runs, and 06 reports whether the CRD and the release's ServiceMonitor exist.
import type { KubeObject } from '../tools/kubectl.ts';
import type { Values } from './release-values.ts';

/** The Prometheus Operator's CRD name (plural.group) and the version the chart renders. */
export const SERVICE_MONITOR_CRD = 'servicemonitors.monitoring.coreos.com';
export const SERVICE_MONITOR_VERSION = 'v1';

/** metrics.serviceMonitor.enabled in the values (the chart's default is false). */
export function serviceMonitorWanted(values: Values): boolean {
  const metrics = values.metrics as { serviceMonitor?: { enabled?: unknown } } | undefined;
  return metrics?.serviceMonitor?.enabled === true;
}

/**
 * Whether a CRD object serves the version the chart renders: Established (the API server serves
 * its kind; apiextensions-apiserver's establishing controller sets it) and the version `served`.
 * Only then does discovery list it, and only then does helm's Capabilities have it.
 */
export function crdServes(crd: KubeObject | undefined, version = SERVICE_MONITOR_VERSION): { serves: boolean; why: string } {
  if (!crd) return { serves: false, why: `no CustomResourceDefinition ${SERVICE_MONITOR_CRD}` };
  const conditions = (crd.status?.conditions ?? []) as Array<{ type: string; status: string }>;
  if (!conditions.some((c) => c.type === 'Established' && c.status === 'True'))
    return { serves: false, why: `${SERVICE_MONITOR_CRD} is not Established yet` };
  const versions = ((crd.spec?.versions ?? []) as Array<{ name: string; served?: boolean }>).filter((v) => v.served);
  if (!versions.some((v) => v.name === version))
    return {
      serves: false,
      why: `${SERVICE_MONITOR_CRD} serves ${versions.map((v) => v.name).join(', ') || 'no version'}, not ${version}`,
    };
  return { serves: true, why: `${SERVICE_MONITOR_CRD} Established, serving ${versions.map((v) => v.name).join(', ')}` };
}
