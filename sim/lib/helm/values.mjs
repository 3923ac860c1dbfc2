// @ts-check
// Helm values: --set parsing (strvals), coalescing, like helm/pkg/strvals and chartutil.

/** Deep-merge src over dst (helm CoalesceTables: src wins; null in src deletes). Returns a new object. */
export function coalesce(dst, src) {
  if (!isMap(dst)) dst = {};
  const out = structuredClone(dst);
  if (!isMap(src)) return out;
  for (const [k, v] of Object.entries(src)) {
    if (v === null) {
      delete out[k];
      continue;
    }
    if (isMap(v) && isMap(out[k])) out[k] = coalesce(out[k], v);
    else out[k] = structuredClone(v);
  }
  return out;
}
/** Merge for -f files: later files override (helm mergeMaps: maps merged recursively, nulls kept). */
export function mergeMaps(a, b) {
  const out = { ...(a ?? {}) };
  for (const [k, v] of Object.entries(b ?? {})) {
    if (isMap(v) && isMap(out[k])) out[k] = mergeMaps(out[k], v);
    else out[k] = v;
  }
  return out;
}
export const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** helm strvals typed value */
function typed(v, asString) {
  if (asString) return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === 'null') return null;
  if (v === '0') return 0;
  if (/^-?[1-9]\d*$/.test(v) && Math.abs(Number(v)) <= Number.MAX_SAFE_INTEGER) return Number(v);
  return v;
}

/** Split on an unescaped separator, keeping escapes for later. */
function splitTop(s, sep) {
  const out = [];
  let cur = '';
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[i + 1];
      i++;
      continue;
    }
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    if (ch === sep && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}
const unescapeBackslashes = (s) => s.replace(/\\(.)/g, '$1');

/**
 * Apply one --set style string ("a.b=c,d[0]=e") onto obj.
 * @param {Record<string, any>} obj @param {string} s @param {'set'|'string'|'json'|'literal'} mode
 */
export function applySet(obj, s, mode = 'set') {
  const items = mode === 'literal' ? [s] : splitTop(s, ',');
  for (const item of items) {
    if (!item) continue;
    let eq = -1;
    for (let i = 0; i < item.length; i++) {
      if (item[i] === '\\') {
        i++;
        continue;
      }
      if (item[i] === '=') {
        eq = i;
        break;
      }
    }
    if (eq < 0) throw new Error(`failed parsing --set data: key "${item}" has no value`);
    const key = item.slice(0, eq);
    const raw = item.slice(eq + 1);
    let val;
    if (mode === 'json') {
      try {
        val = JSON.parse(raw);
      } catch (e) {
        throw new Error(`failed parsing --set-json data: ${/** @type {Error} */ (e).message}`);
      }
    } else if (mode === 'literal') val = raw;
    else if (raw.startsWith('{') && raw.endsWith('}'))
      val = splitTop(raw.slice(1, -1), ',')
        .filter((x) => x !== '')
        .map((x) => typed(unescapeBackslashes(x), mode === 'string'));
    else val = typed(unescapeBackslashes(raw), mode === 'string');
    setPath(obj, key, val);
  }
  return obj;
}

function setPath(obj, key, val) {
  const parts = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    const ch = key[i];
    if (ch === '\\' && i + 1 < key.length) {
      cur += key[++i];
      continue;
    }
    if (ch === '.') {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  let o = obj;
  for (let i = 0; i < parts.length; i++) {
    const m = /^(.*?)((?:\[\d+\])+)$/.exec(parts[i]);
    const last = i === parts.length - 1;
    if (m) {
      const name = m[1];
      const idxs = [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
      if (!Array.isArray(o[name])) o[name] = [];
      let arr = o[name];
      for (let j = 0; j < idxs.length; j++) {
        const k = idxs[j];
        while (arr.length <= k) arr.push(null);
        if (j === idxs.length - 1) {
          if (last) arr[k] = val;
          else {
            if (!isMap(arr[k])) arr[k] = {};
            o = arr[k];
          }
        } else {
          if (!Array.isArray(arr[k])) arr[k] = [];
          arr = arr[k];
        }
      }
    } else if (last) o[parts[i]] = val;
    else {
      if (!isMap(o[parts[i]])) o[parts[i]] = {};
      o = o[parts[i]];
    }
  }
}

/**
 * User-supplied values from flags, in helm's precedence: files, --set-json, --set, --set-string, --set-file, --set-literal.
 * @param {any} flags @param {(path: string) => string} readFile @param {(text: string) => any} parseYaml
 */
export function userValues(flags, readFile, parseYaml) {
  let vals = {};
  for (const f of flags.values ?? []) {
    let text;
    try {
      text = readFile(f);
    } catch {
      throw new Error(`open ${f}: no such file or directory`);
    }
    const doc = parseYaml(text) ?? {};
    if (!isMap(doc))
      throw new Error(
        `failed to parse ${f}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(doc) ? 'array' : 'string'} into Go value of type map[string]interface {}`,
      );
    vals = mergeMaps(vals, doc);
  }
  for (const s of flags['set-json'] ?? []) applySet(vals, s, 'json');
  for (const s of flags.set ?? []) applySet(vals, s, 'set');
  for (const s of flags['set-string'] ?? []) applySet(vals, s, 'string');
  for (const s of flags['set-file'] ?? []) {
    const eq = s.indexOf('=');
    let text;
    try {
      text = readFile(s.slice(eq + 1));
    } catch {
      throw new Error(`open ${s.slice(eq + 1)}: no such file or directory`);
    }
    setPath(vals, s.slice(0, eq), text);
  }
  for (const s of flags['set-literal'] ?? []) applySet(vals, s, 'literal');
  return vals;
}
