// @ts-check
// Reads the `sh -c <script>` lines that runbooks 08/09 send into a PostgreSQL pod
// (src/cluster/backup-commands.ts) the way a POSIX shell would split them: words, '…' and "…"
// quoting, $NAME / "$1" expansion from the container's environment and the positional
// parameters, and the operators | || && ; { }. Only what those scripts use; anything else is
// reported as not modelled by the caller, never guessed.

/**
 * @typedef {{ assign: Record<string,string>, exec: boolean, argv: string[] }} Simple
 * @typedef {{ op: string } | { word: string }} Token
 */

/**
 * @param {string} script
 * @param {Record<string,string>} env  the container's environment
 * @param {string[]} params  $0, $1, … (`sh -c script name arg…`)
 * @returns {Token[]}
 */
export function tokenize(script, env, params) {
  /** @type {Token[]} */
  const out = [];
  let i = 0;
  const expand = (/** @type {string} */ name) => (/^\d$/.test(name) ? (params[Number(name)] ?? '') : (env[name] ?? ''));
  const variable = () => {
    // at "$": returns [value, length consumed]
    const m = /^\$(\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)|(\d)|(\?))/.exec(script.slice(i));
    if (!m) return null;
    i += m[0].length;
    if (m[5]) return '0';
    return expand(m[2] ?? m[3] ?? m[4]);
  };
  while (i < script.length) {
    const ch = script[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (script.startsWith('||', i) || script.startsWith('&&', i)) {
      out.push({ op: script.slice(i, i + 2) });
      i += 2;
      continue;
    }
    if (ch === '|' || ch === ';') {
      out.push({ op: ch });
      i++;
      continue;
    }
    let word = '';
    let quoted = false;
    while (i < script.length && !/[\s|;]/.test(script[i])) {
      const c = script[i];
      if (c === "'") {
        const end = script.indexOf("'", i + 1);
        if (end < 0) throw new Error('unterminated quote');
        word += script.slice(i + 1, end);
        i = end + 1;
        quoted = true;
      } else if (c === '"') {
        i++;
        quoted = true;
        while (i < script.length && script[i] !== '"') {
          if (script[i] === '\\' && /[$`"\\\n]/.test(script[i + 1] ?? '')) {
            word += script[i + 1];
            i += 2;
          } else if (script[i] === '$') {
            const v = variable();
            if (v === null) word += script[i++];
            else word += v;
          } else word += script[i++];
        }
        if (script[i] !== '"') throw new Error('unterminated quote');
        i++;
      } else if (c === '$') {
        const v = variable();
        if (v === null) word += script[i++];
        else word += v;
      } else word += script[i++];
    }
    if (!quoted && (word === '{' || word === '}')) out.push({ op: word });
    else out.push({ word });
  }
  return out;
}

/** One simple command: NAME=value… [exec] program args… */
export function simpleCommand(/** @type {string[]} */ words) {
  /** @type {Record<string,string>} */
  const assign = {};
  let k = 0;
  for (; k < words.length; k++) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(words[k]);
    if (!m) break;
    assign[m[1]] = m[2];
  }
  const exec = words[k] === 'exec';
  if (exec) k++;
  return { assign, exec, argv: words.slice(k) };
}

/**
 * Splits tokens at an operator into groups of words; `{ … }` groups stay together as one
 * element holding their inner tokens.
 * @param {Token[]} tokens
 */
export function pipeline(tokens) {
  /** @type {Array<{ group: Token[] } | { words: string[] }>} */
  const stages = [];
  let current = /** @type {string[]} */ ([]);
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if ('op' in t && t.op === '{') {
      const end = tokens.findIndex((x, j) => j > k && 'op' in x && x.op === '}');
      if (end < 0) throw new Error('unterminated group');
      stages.push({ group: tokens.slice(k + 1, end) });
      k = end;
    } else if ('op' in t && t.op === '|') {
      if (current.length) stages.push({ words: current });
      current = [];
    } else if ('op' in t) throw new Error(`operator ${t.op} outside a group`);
    else current.push(t.word);
  }
  if (current.length) stages.push({ words: current });
  return stages;
}
