// @ts-check
// An object as the API server returns it: a deep copy without the simulator's private keys, numeric
// metadata timestamps as RFC 3339. Every view starts from it.
import { rfc3339 } from '../util.mjs';

const TS_KEYS = new Set(['creationTimestamp', 'deletionTimestamp']);
/** Deep copy without sim-private keys; numeric metadata timestamps become RFC3339. */
export function clean(o) {
  if (Array.isArray(o)) return o.map(clean);
  if (o && typeof o === 'object') {
    /** @type {Record<string, any>} */
    const r = {};
    for (const [k, v] of Object.entries(o)) {
      if (k.startsWith('_') || v === undefined) continue;
      r[k] = TS_KEYS.has(k) && typeof v === 'number' ? rfc3339(v) : clean(v);
    }
    return r;
  }
  return o;
}
