// @ts-check
// The commands secret rotation sends into pods (src/cluster/rotation-commands.ts), through
// `kubectl exec`:
// - `IFS= read -r VAR && export VAR && exec psql …`: the first line of stdin becomes VAR in the
//   environment (so a password never is an argument), psql reads the rest: with --file=- the
//   ALTER ROLE script (\getenv, SET, ALTER ROLE :"role" PASSWORD :'var'), with --command one query
//   (SELECT 1, to prove which password the server accepts over TCP).
// - `printf %s "$KEY" | sha256sum; …`: the SHA-256 of a variable as the container sees it, as
//   coreutils and busybox print it ("<hex>  -").
// psql's behaviour modelled (docs app-psql.html): \getenv (PostgreSQL 15+) sets a variable from
// the environment, :"x" and :'x' interpolate it as an identifier and a literal; with
// ON_ERROR_STOP an SQL error in a script stops it with exit 3; a failed connection exits 2.
import { createHash } from 'node:crypto';
import { tokenize, simpleCommand } from './pg-shell.mjs';
import { Failed, connect, parseOptions } from './pg-exec.mjs';
import { alterRole } from './db-password.mjs';
import { notImplemented } from '../common.mjs';

const READ_THEN_EXEC = /^IFS= read -r ([A-Z_]+) && export \1 && exec psql /;
const DIGESTS = /^printf %s "\$[A-Z_][A-Z0-9_]*" \| sha256sum(; printf %s "\$[A-Z_][A-Z0-9_]*" \| sha256sum)*$/;

/** Is this `kubectl exec` command one of rotation's? */
export function isRotationCommand(/** @type {string[]} */ cmd) {
  return cmd[0] === 'sh' && cmd[1] === '-c' && (READ_THEN_EXEC.test(cmd[2] ?? '') || DIGESTS.test(cmd[2] ?? ''));
}

/**
 * Runs it. `x`: { c, ns, now, faults, env (the container's), image, stdin }.
 * @returns {{ code: number, stdout: string, stderr: string }}
 */
export function runRotationCommand(ctx, /** @type {string[]} */ cmd, x) {
  try {
    if (DIGESTS.test(cmd[2])) return { code: 0, stderr: '', stdout: digests(cmd[2], x.env) };
    return { code: 0, stderr: '', ...readThenPsql(ctx, cmd, x) };
  } catch (e) {
    if (e instanceof Failed) return { code: e.code, stdout: '', stderr: e.stderr };
    throw e;
  }
}

function digests(script, env) {
  return script
    .split('; ')
    .map((part) => /"\$([A-Z_][A-Z0-9_]*)"/.exec(part)?.[1] ?? '')
    .map(
      (k) =>
        `${createHash('sha256')
          .update(env[k] ?? '')
          .digest('hex')}  -\n`,
    )
    .join('');
}

function readThenPsql(ctx, cmd, x) {
  if (!/postgres/.test(x.image)) throw new Failed(127, 'sh: exec: psql: not found\n');
  const variable = READ_THEN_EXEC.exec(cmd[2])?.[1] ?? '';
  const input = x.stdin.toString('utf8');
  const newline = input.indexOf('\n');
  const line = newline < 0 ? input : input.slice(0, newline);
  const rest = newline < 0 ? '' : input.slice(newline + 1);
  const env = { ...x.env, [variable]: line };
  const tokens = tokenize(cmd[2].replace(/^.*&& exec /, 'exec '), env, cmd.slice(3));
  const argv = simpleCommand(tokens.map((t) => ('word' in t ? t.word : ''))).argv;
  const o = parseOptions('psql', argv.slice(1));
  const key = connect('psql', o, env, x);
  if (o.command === 'SELECT 1') return { stdout: o['tuples-only'] ? '1\n' : ' ?column? \n----------\n        1\n(1 row)\n\n' };
  if (o.file !== '-' || o.command !== undefined) notImplemented(ctx, 'psql', 'a command other than SELECT 1 or a script on stdin');
  return { stdout: runScript(ctx, rest, env, x, key, Boolean(o.quiet)) };
}

/** The ALTER ROLE script: \getenv lines, SET lines, one ALTER ROLE … PASSWORD. */
function runScript(ctx, script, env, x, key, quiet) {
  /** @type {Record<string, string>} */
  const vars = {};
  let out = '';
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const getenv = /^\\getenv ([a-z_]+) ([A-Z_][A-Z0-9_]*)$/.exec(line);
    if (getenv) {
      if (env[getenv[2]] !== undefined) vars[getenv[1]] = env[getenv[2]];
      continue;
    }
    if (/^SET [a-z_]+ = '[a-z]+';$/.test(line)) {
      out += quiet ? '' : 'SET\n';
      continue;
    }
    const alter = /^ALTER ROLE :"([a-z_]+)" PASSWORD :'([a-z_]+)';$/.exec(line);
    if (!alter) notImplemented(ctx, 'psql', `the statement ${line.split(' ').slice(0, 2).join(' ')}`);
    const role = vars[alter[1]];
    const password = vars[alter[2]];
    if (role === undefined || password === undefined)
      throw new Failed(3, `psql:<stdin>:${script.split('\n').indexOf(raw) + 1}: error: syntax error at or near ":"\n`);
    if (x.faults.has('db-read-only')) throw new Failed(3, `psql:<stdin>:5: ERROR:  cannot execute ALTER ROLE in a read-only transaction\n`);
    if (role !== x.env.POSTGRES_USER) throw new Failed(3, `psql:<stdin>:5: ERROR:  role "${role}" does not exist\n`);
    alterRole(x.c, key, x.now, password);
  }
  return out;
}
