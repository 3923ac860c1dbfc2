// @ts-check
// Helpers shared by the stand-ins: flag-error formatting per tool, not-implemented answers,
// a tiny Go text/template evaluator for --format/--template.
import { FlagError, parseArgs } from './argv.mjs';
import { Exit } from './cli.mjs';
import { goJSON } from './util.mjs';

/**
 * Parse with a whitelist and print flag errors the way the tool does.
 * @param {import('./cli.mjs').Ctx} ctx
 * @param {string[]} argv
 * @param {import('./argv.mjs').Spec} spec
 * @param {(msg: string) => { text: string, code: number }} onError
 */
export function parseOrFail(ctx, argv, spec, onError) {
  try {
    return parseArgs(argv, spec);
  } catch (e) {
    if (e instanceof FlagError) {
      const { text, code } = onError(e.message);
      ctx.err(text);
      throw new Exit(code);
    }
    throw e;
  }
}

/** A real command/flag the stand-in does not model: say so clearly instead of pretending. */
export function notImplemented(ctx, tool, what, code = 1) {
  ctx.err(`sim: ${tool} ${what} is not implemented by the simulated ${tool} (sim); see docs/simulator.md\n`);
  throw new Exit(code);
}

/** Resolve a dotted path like .Server.Version on an object. */
function lookup(root, path) {
  if (path === '.') return root;
  let v = root;
  for (const part of path.split('.').filter(Boolean)) {
    if (v === null || v === undefined) return undefined;
    v = v[part];
  }
  return v;
}

/**
 * Evaluate the subset of Go templates that scripts pass: literal text, {{.A.B}}, {{json .A}}, {{.A}}
 * with surrounding text, and {{"\n"}}. Returns null for anything else.
 * @param {string} tpl @param {any} data
 */
export function goTemplate(tpl, data) {
  let out = '';
  let i = 0;
  while (i < tpl.length) {
    const open = tpl.indexOf('{{', i);
    if (open < 0) {
      out += tpl.slice(i);
      break;
    }
    out += tpl.slice(i, open);
    const close = tpl.indexOf('}}', open);
    if (close < 0) return { error: 'unclosed action' };
    let expr = tpl.slice(open + 2, close).trim();
    if (expr.startsWith('-')) expr = expr.slice(1).trim();
    if (expr.endsWith('-')) expr = expr.slice(0, -1).trim();
    let m;
    if ((m = /^json\s+(\.[\w.]*)$/.exec(expr))) out += goJSON(lookup(data, m[1]) ?? null);
    else if ((m = /^(\.[\w.]*)$/.exec(expr))) {
      const v = lookup(data, m[1]);
      if (v === undefined) return { error: `can't evaluate field ${m[1].split('.').pop()}` };
      out += v === null ? '<nil>' : typeof v === 'object' ? goPrint(v) : String(v);
    } else if ((m = /^"((?:[^"\\]|\\.)*)"$/.exec(expr))) out += JSON.parse(`"${m[1]}"`);
    else return { unsupported: expr };
    i = close + 2;
  }
  return { text: out };
}
/** Go's %v of a map/slice, roughly. */
function goPrint(v) {
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'object' ? goPrint(x) : String(x))).join(' ')}]`;
  return `map[${Object.keys(v)
    .sort()
    .map((k) => `${k}:${typeof v[k] === 'object' && v[k] !== null ? goPrint(v[k]) : v[k]}`)
    .join(' ')}]`;
}
