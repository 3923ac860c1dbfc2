// @ts-check
// Small shared helpers: deterministic hashing, Go-like formatting, JSON styles, tables.
import { createHash } from 'node:crypto';

/** @param {string} s @returns {string} 64 hex chars */
export const sha256 = (s) => createHash('sha256').update(s).digest('hex');

/** Deterministic number in [0,1) from a string. @param {string} s */
export function unit(s) {
  const h = createHash('md5').update(s).digest();
  return h.readUInt32BE(0) / 0x100000000;
}

/** Deterministic pick in [lo, hi] (float) from a string. */
export const spread = (s, lo, hi) => lo + unit(s) * (hi - lo);

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';
/** Kubernetes-style random suffix (deterministic from a seed). @param {string} seed @param {number} n */
export function suffix(seed, n = 5) {
  const h = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < n; i++) out += ALNUM[h[i] % ALNUM.length];
  return out;
}

/** Sort object keys recursively (Go map / unstructured order). */
export function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    /** @type {Record<string, any>} */
    const o = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) o[k] = sortKeys(v[k]);
    return o;
  }
  return v;
}

/** kubectl -o json: sorted keys, 4-space indent, trailing newline; Go escapes <>& */
export function kubeJSON(v) {
  return goEscape(JSON.stringify(sortKeys(v), null, 4)) + '\n';
}

/** Go encoding/json escapes <, >, & (and U+2028/2029). */
export function goEscape(s) {
  return s.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Compact Go-style json.Marshal of an object with a given key order (caller supplies order). */
export const goJSON = (v) => goEscape(JSON.stringify(v));

/** RFC3339 with second precision, UTC: 2026-11-23T04:30:12Z */
export const rfc3339 = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** RFC3339Nano as Go prints it (trailing zeros trimmed): 2025-11-23T04:30:00.123456789Z */
export function rfc3339Nano(ms) {
  const d = new Date(ms);
  const base = d.toISOString().slice(0, 19);
  const frac = ((ms % 1000) + 1000) % 1000;
  let f = String(Math.floor(frac)).padStart(3, '0') + String(Math.floor((ms * 1000) % 1000)).padStart(3, '0') + '000';
  f = f.replace(/0+$/, '');
  return base + (f ? '.' + f : '') + 'Z';
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n) => String(n).padStart(2, '0');
/** Go time.ANSIC in UTC: "Mon Jan _2 15:04:05 2006" */
export function ansic(ms) {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}
/** Go time.Time.String() in UTC: "2025-11-23 04:31:10.5 +0000 UTC" */
export function goTimeString(ms) {
  const iso = rfc3339Nano(ms); // 2025-11-23T04:31:10.5Z
  return iso.replace('T', ' ').replace('Z', '') + ' +0000 UTC';
}

/** k8s.io/apimachinery duration.HumanDuration */
export function humanDuration(ms) {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(ms / 60000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(ms / 3600000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  return `${Math.floor(hours / 24 / 365)}y`;
}
/** Go units.HumanDuration (docker "7 minutes ago") */
export function dockerSince(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  return `${Math.floor(h / 24 / 7)} weeks`;
}
/** docker go-units HumanSize (decimal, 4 significant digits) */
export function humanSize(bytes) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = bytes;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${parseFloat(v.toPrecision(4))}${units[i]}`;
}

/**
 * Go text/tabwriter as kubectl get uses it (minwidth 0? padding 3); the last cell is not padded
 * unless padLast (kubectl top pads every cell).
 * @param {string[][]} rows @param {{ padding?: number, minwidth?: number, padLast?: boolean }} [o]
 */
export function table(rows, o = {}) {
  const padding = o.padding ?? 3;
  const minwidth = o.minwidth ?? 0;
  const n = Math.max(...rows.map((r) => r.length));
  const widths = [];
  for (let c = 0; c < n; c++) {
    let w = 0;
    for (const r of rows) if (r[c] !== undefined && (c < r.length - 1 || o.padLast)) w = Math.max(w, [...r[c]].length);
    widths[c] = Math.max(w + padding, minwidth);
  }
  return (
    rows
      .map((r) =>
        r.map((cell, c) => (c < r.length - 1 || o.padLast ? cell + ' '.repeat(Math.max(0, widths[c] - [...cell].length)) : cell)).join(''),
      )
      .join('\n') + '\n'
  );
}

/** Parse Kubernetes CPU quantity to millicores. */
export function cpuMilli(q) {
  if (q === undefined || q === null || q === '') return 0;
  const s = String(q);
  if (s.endsWith('m')) return parseFloat(s);
  return Math.round(parseFloat(s) * 1000);
}
const MEM = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, m: 1e-3 };
/** Parse Kubernetes memory quantity to bytes. */
export function memBytes(q) {
  if (q === undefined || q === null || q === '') return 0;
  const m = /^([0-9.]+(?:e[0-9]+)?)([A-Za-z]*)$/.exec(String(q));
  if (!m) return NaN;
  const mult = m[2] ? MEM[/** @type {keyof typeof MEM} */ (m[2])] : 1;
  return parseFloat(m[1]) * (mult ?? NaN);
}

/** Parse a kubectl label selector (equality, !=, in, notin, exists, !exists). Returns a predicate. */
export function selectorPredicate(sel) {
  if (!sel) return () => true;
  /** @type {((l: Record<string,string>) => boolean)[]} */
  const preds = [];
  const parts = [];
  let depth = 0;
  let cur = '';
  for (const ch of sel) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) parts.push(cur);
  for (let p of parts) {
    p = p.trim();
    let m;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p))) {
      const [, k, op, vs] = m;
      const set = vs.split(',').map((x) => x.trim());
      preds.push(op === 'in' ? (l) => k in l && set.includes(l[k]) : (l) => !(k in l) || !set.includes(l[k]));
    } else if ((m = /^([\w./-]+)\s*!=\s*([\w.-]*)$/.exec(p))) {
      const [, k, v] = m;
      preds.push((l) => l[k] !== v);
    } else if ((m = /^([\w./-]+)\s*==?\s*([\w.-]*)$/.exec(p))) {
      const [, k, v] = m;
      preds.push((l) => l[k] === v);
    } else if ((m = /^!([\w./-]+)$/.exec(p))) {
      const k = m[1];
      preds.push((l) => !(k in l));
    } else if ((m = /^([\w./-]+)$/.exec(p))) {
      const k = m[1];
      preds.push((l) => k in l);
    } else {
      throw new Error(`unable to parse requirement: found '${p}', expected: identifier`);
    }
  }
  return (labels) => preds.every((f) => f(labels ?? {}));
}

/** Escape a value for a POSIX shell (used for wrappers). */
export const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
