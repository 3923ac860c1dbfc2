// Does a Service route to exactly the Ready pods? Compares a Service's Endpoints object with the
// pods the watcher saw Ready.
import type { KubeObject } from '../tools/kubectl.ts';

export interface EndpointCoverage {
  ok: boolean;
  /** Ready addresses in the Endpoints object. */
  addresses: string[];
  /** Ready pods whose IP is not among the addresses. */
  missing: string[];
  /** Addresses that belong to no Ready pod. */
  unexpected: string[];
  notReadyAddresses: string[];
}

/** Does a Service's Endpoints object list exactly the Ready pods' IPs? */
export function endpointCoverage(endpoints: KubeObject | undefined, ready: Array<{ name: string; ip?: string }>): EndpointCoverage {
  const subsets: Array<{ addresses?: Array<{ ip: string }>; notReadyAddresses?: Array<{ ip: string }> }> =
    (endpoints as any)?.subsets ?? [];
  const addresses = [...new Set(subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip)))].sort();
  const notReadyAddresses = [...new Set(subsets.flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip)))].sort();
  const ips = new Set(ready.map((p) => p.ip).filter(Boolean));
  const missing = ready.filter((p) => !p.ip || !addresses.includes(p.ip)).map((p) => p.name);
  const unexpected = addresses.filter((ip) => !ips.has(ip));
  return {
    ok: endpoints !== undefined && missing.length === 0 && unexpected.length === 0 && ready.length > 0,
    addresses,
    missing,
    unexpected,
    notReadyAddresses,
  };
}

export function describeCoverage(c: EndpointCoverage, readyCount: number): string {
  if (c.ok) return `${c.addresses.length} address(es) = the ${readyCount} Ready pod IP(s): ${c.addresses.join(', ')}`;
  const parts = [`addresses [${c.addresses.join(', ')}] for ${readyCount} Ready pod(s)`];
  if (c.missing.length) parts.push(`missing ${c.missing.join(', ')}`);
  if (c.unexpected.length) parts.push(`not a Ready pod: ${c.unexpected.join(', ')}`);
  if (c.notReadyAddresses.length) parts.push(`notReady: ${c.notReadyAddresses.join(', ')}`);
  return parts.join('; ');
}
