// @ts-check
// A pflag/cobra-compatible flag parser with an explicit whitelist per command.
// Supports --flag=value, --flag value, -f value, -fvalue, -f=value, bool clusters (-it),
// `--` terminator, flags interspersed with positionals (cobra default).

/**
 * @typedef {{ type: 'bool'|'string'|'stringArray'|'int'|'duration', short?: string, def?: any, choices?: string[], choiceError?: string }} FlagSpec
 * @typedef {Record<string, FlagSpec>} Spec
 * @typedef {{ flags: Record<string, any>, set: Set<string>, args: string[], dash: string[]|null }} Parsed
 */

export class FlagError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'FlagError';
  }
}

/** Go strconv.ParseBool */
function parseBool(v, flagName) {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new FlagError(`invalid argument "${v}" for "${flagName}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
}

const UNIT = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
/**
 * Go time.ParseDuration, result in milliseconds.
 * @param {string} s
 * @returns {number}
 */
export function parseGoDuration(s) {
  const orig = s;
  if (s === '0' || s === '+0' || s === '-0') return 0;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '') throw new Error(`time: invalid duration "${orig}"`);
  let total = 0;
  while (s.length) {
    const m = /^(\d*\.?\d*)/.exec(s);
    const num = m ? m[1] : '';
    if (num === '' || num === '.') throw new Error(`time: invalid duration "${orig}"`);
    s = s.slice(num.length);
    const u = /^(ns|us|µs|ms|s|m|h)/.exec(s);
    if (!u) {
      if (s === '') throw new Error(`time: missing unit in duration "${orig}"`);
      const bad = /^[^\d.]*/.exec(s)?.[0] ?? s;
      throw new Error(`time: unknown unit "${bad}" in duration "${orig}"`);
    }
    total += parseFloat(num) * UNIT[/** @type {keyof typeof UNIT} */ (u[1])];
    s = s.slice(u[1].length);
  }
  return sign * total;
}

/**
 * @param {string[]} argv
 * @param {Spec} spec
 * @returns {Parsed}
 */
export function parseArgs(argv, spec) {
  /** @type {Record<string, any>} */
  const flags = {};
  const set = new Set();
  /** @type {string[]} */
  const args = [];
  /** @type {string[]|null} */
  let dash = null;
  /** @type {Record<string,string>} */
  const shorts = {};
  for (const [name, s] of Object.entries(spec)) {
    if (s.short) shorts[s.short] = name;
    if (s.def !== undefined) flags[name] = Array.isArray(s.def) ? [...s.def] : s.def;
    else if (s.type === 'stringArray') flags[name] = [];
    else if (s.type === 'bool') flags[name] = false;
  }
  const display = (name) => (spec[name].short ? `-${spec[name].short}, --${name}` : `--${name}`);
  const assign = (name, raw) => {
    const s = spec[name];
    let v = raw;
    if (s.type === 'int') {
      if (!/^[+-]?\d+$/.test(raw))
        throw new FlagError(`invalid argument "${raw}" for "${display(name)}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`);
      v = parseInt(raw, 10);
    } else if (s.type === 'duration') {
      try {
        v = parseGoDuration(raw);
      } catch (e) {
        throw new FlagError(`invalid argument "${raw}" for "${display(name)}" flag: ${/** @type {Error} */ (e).message}`);
      }
    } else if (s.choices && !s.choices.includes(raw)) {
      throw new FlagError(`invalid argument "${raw}" for "${display(name)}" flag: ${s.choiceError ?? 'invalid value'}`);
    }
    if (s.type === 'stringArray') {
      if (!set.has(name)) flags[name] = [];
      flags[name].push(v);
    } else flags[name] = v;
    set.add(name);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      dash = argv.slice(i + 1);
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      let name = a.slice(2);
      /** @type {string|undefined} */
      let val;
      const eq = name.indexOf('=');
      if (eq >= 0) {
        val = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      const s = spec[name];
      if (!s) throw new FlagError(`unknown flag: --${name}`);
      if (s.type === 'bool') {
        flags[name] = val === undefined ? true : parseBool(val, display(name));
        set.add(name);
      } else {
        if (val === undefined) {
          if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
          val = argv[++i];
        }
        assign(name, val);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && a !== '-') {
      let j = 1;
      while (j < a.length) {
        const ch = a[j];
        const name = shorts[ch];
        if (!name) throw new FlagError(`unknown shorthand flag: '${ch}' in ${a}`);
        const s = spec[name];
        if (s.type === 'bool') {
          if (a[j + 1] === '=') {
            flags[name] = parseBool(a.slice(j + 2), display(name));
            set.add(name);
            break;
          }
          flags[name] = true;
          set.add(name);
          j++;
          continue;
        }
        let val = a.slice(j + 1);
        if (val.startsWith('=')) val = val.slice(1);
        else if (val === '') {
          if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: '${ch}' in -${ch}`);
          val = argv[++i];
        }
        assign(name, val);
        break;
      }
      continue;
    }
    args.push(a);
  }
  return { flags, set, args, dash };
}
