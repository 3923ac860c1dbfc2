// Events by the object they are about, oldest first, and how to read their time and count
// (a deduplicated event keeps them in `series`, an older one in lastTimestamp/count).
import type { KubeEvent } from '../kube-types.ts';

export function eventTime(e: KubeEvent): string {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? '';
}

export function byEventTime(a: KubeEvent, b: KubeEvent): number {
  return eventTime(a).localeCompare(eventTime(b)) || String(a.metadata?.name ?? '').localeCompare(String(b.metadata?.name ?? ''));
}

export function eventCount(e: KubeEvent): number {
  return e.series?.count ?? e.count ?? 1;
}

/** " (×n)" when the event happened more than once. */
export function countSuffix(e: KubeEvent): string {
  const n = eventCount(e);
  return n > 1 ? ` (×${n})` : '';
}

export class EventIndex {
  private readonly byObject = new Map<string, KubeEvent[]>();

  constructor(events: KubeEvent[]) {
    for (const event of [...events].sort(byEventTime)) {
      const key = `${event.involvedObject?.kind}/${event.involvedObject?.name}`;
      this.byObject.set(key, [...(this.byObject.get(key) ?? []), event]);
    }
  }

  /** The events of one object ("Pod", name), oldest first. */
  of(kind: string, name: string): KubeEvent[] {
    return this.byObject.get(`${kind}/${name}`) ?? [];
  }

  latest(kind: string, name: string, filter: (e: KubeEvent) => boolean): KubeEvent | undefined {
    const matching = this.of(kind, name).filter(filter);
    return matching[matching.length - 1];
  }
}
