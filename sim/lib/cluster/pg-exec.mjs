// @ts-check
// PostgreSQL's client programs inside a simulated pod, reached through `kubectl exec`: the
// commands of runbooks 08/09 (src/cluster/backup-commands.ts) — pg_dump of the custom format to
// stdout, pg_restore reading an archive on stdin (as a script with --file=-, or into the database
// with --clean --if-exists --single-transaction), psql with one query, `pg_dump --version`.
// The database is the todo table the demo app keeps under the PostgreSQL claim (app/todos.mjs dataKey).
//
// Modelled on PostgreSQL 16's programs (docs: app-pgdump.html, app-pgrestore.html, app-psql.html;
// messages as printed by Debian's 15.x client here): an archive starts with "PGDMP" and the archive
// version (pg_backup_archiver.c, _discoverArchiveFormat / WriteHead); anything else is refused with
// "input file does not appear to be a valid archive"; a cut archive gives "could not read from
// input file: end of file"; pg_dump/pg_restore exit 1 on error, psql 2 when it cannot connect;
// an unknown long option prints "<prog>: unrecognized option '--x'" and a hint, exit 1.
// The simulated archive's body is this simulator's own (zlib-compressed JSON), not PostgreSQL's.
import { deflateSync, inflateSync } from 'node:zlib';
import { tokenize, simpleCommand, pipeline } from './pg-shell.mjs';
import { dataKey } from '../app/todos.mjs';
import { notImplemented } from '../common.mjs';
import { passwordShaAt } from './db-password.mjs';
import { sha256 } from '../util.mjs';

const MAGIC = Buffer.from('PGDMP');
/** archive version 1.15 (PostgreSQL 16), int size 4, offset size 8, format 1 = custom */
const HEADER = Buffer.concat([MAGIC, Buffer.from([1, 15, 0, 4, 8, 1])]);
const TABLE = 'public.todos';

const OPTIONS = {
  pg_dump: { format: 'value', host: 'value', username: 'value', dbname: 'value', port: 'value', version: 'bool' },
  pg_restore: {
    clean: 'bool',
    'if-exists': 'bool',
    'no-owner': 'bool',
    'no-privileges': 'bool',
    'single-transaction': 'bool',
    'exit-on-error': 'bool',
    'data-only': 'bool',
    file: 'value',
    host: 'value',
    username: 'value',
    dbname: 'value',
    port: 'value',
    version: 'bool',
  },
  psql: {
    'no-psqlrc': 'bool',
    quiet: 'bool',
    file: 'value',
    'tuples-only': 'bool',
    'no-align': 'bool',
    set: 'value',
    host: 'value',
    username: 'value',
    dbname: 'value',
    port: 'value',
    command: 'value',
    version: 'bool',
  },
};

export class Failed extends Error {
  /** @param {number} code @param {string} stderr */
  constructor(code, stderr) {
    super(stderr);
    this.code = code;
    this.stderr = stderr;
  }
}

/** Whether a kubectl exec command line is one of these programs (directly or in `sh -c`). */
export function isDatabaseCommand(/** @type {string[]} */ cmd) {
  return (cmd[0] === 'sh' && cmd[1] === '-c') || Object.hasOwn(OPTIONS, cmd[0]);
}

export function parseOptions(/** @type {keyof typeof OPTIONS} */ prog, /** @type {string[]} */ args) {
  /** @type {Record<string, string|boolean>} */
  const o = {};
  for (const a of args) {
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(a);
    const kind = m && OPTIONS[prog][m[1]];
    if (!m || !kind || (kind === 'bool') !== (m[2] === undefined))
      throw new Failed(1, `${prog}: unrecognized option '${a}'\n${prog}: hint: Try "${prog} --help" for more information.\n`);
    o[m[1]] = kind === 'bool' ? true : m[2];
  }
  return o;
}

const versionText = (prog, image) => `${prog} (PostgreSQL) ${/^(\d+)/.exec(image.split(':').pop() ?? '')?.[1] ?? '16'}.4\n`;

/**
 * Which data the connection reaches: the in-chart server (the pod's own credentials over TCP,
 * scram-sha-256) or an external DATABASE_URL. Throws Failed with the client's own text.
 */
export function connect(prog, o, env, x) {
  const code = prog === 'psql' ? 2 : 1;
  const db = String(o.dbname ?? '');
  if (/^postgres(ql)?:\/\//.test(db)) return `external:${x.ns}`;
  const at = o.host
    ? `connection to server at "${o.host}", port ${o.port ?? 5432} failed`
    : 'connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed';
  const key = dataKey(x.c, x.ns, x.now, x.faults);
  if (!key || key.startsWith('external:'))
    throw new Failed(
      code,
      `${prog}: error: ${at}: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n`,
    );
  if (o.host && !env.PGPASSWORD) throw new Failed(code, `${prog}: error: ${at}: fe_sendauth: no password supplied\n`);
  const user = String(o.username ?? 'root');
  // over TCP the password must be the role's: set at the volume's first start or by ALTER ROLE (db-password.mjs)
  const role = passwordShaAt(x.c, key, x.now);
  const given = String(env.PGPASSWORD ?? '');
  const accepted = role === undefined ? given === x.env.POSTGRES_PASSWORD : sha256(given) === role;
  if (user !== x.env.POSTGRES_USER || (o.host && !accepted))
    throw new Failed(code, `${prog}: error: ${at}: FATAL:  password authentication failed for user "${user}"\n`);
  if (db !== (x.env.POSTGRES_DB ?? user)) throw new Failed(code, `${prog}: error: ${at}: FATAL:  database "${db}" does not exist\n`);
  return key;
}

function dump(db) {
  const body = { tables: { [TABLE]: db?.todos ?? [] }, sequences: { 'public.todos_id_seq': (db?.nextId ?? 1) - 1 } };
  return Buffer.concat([HEADER, deflateSync(Buffer.from(JSON.stringify(body)))]);
}

function readArchive(/** @type {Buffer} */ bytes) {
  if (bytes.length < 5) throw new Failed(1, `pg_restore: error: input file is too short (read ${bytes.length}, expected 5)\n`);
  if (!bytes.subarray(0, 5).equals(MAGIC))
    throw new Failed(
      1,
      `pg_restore: error: input file does not appear to be a valid archive${bytes.length < 512 ? ' (too short?)' : ''}\n`,
    );
  try {
    return JSON.parse(inflateSync(bytes.subarray(HEADER.length)).toString('utf8'));
  } catch {
    throw new Failed(1, 'pg_restore: error: could not read from input file: end of file\n');
  }
}

const countLines = (tables) =>
  Object.entries(tables)
    .map(([t, rows]) => `${t}\t${rows.length}\n`)
    .join('');

/**
 * Runs the command in the container. `x`: { c, ns, now, faults, env (the container's), image, stdin }.
 * Returns { code, stdout, stderr } and changes x.c.data on a restore.
 */
export function runDatabaseCommand(ctx, /** @type {string[]} */ cmd, x) {
  try {
    return { code: 0, stderr: '', ...runOrThrow(ctx, cmd, x) };
  } catch (e) {
    if (e instanceof Failed) return { code: e.code, stdout: '', stderr: e.stderr };
    throw e;
  }
}

function runOrThrow(ctx, cmd, x) {
  const isPg = /postgres/.test(x.image);
  const program = (argv, env) => {
    const prog = argv[0];
    if (!Object.hasOwn(OPTIONS, prog)) notImplemented(ctx, 'kubectl', `exec of "${prog}" in a database pod`);
    if (!isPg) throw new Failed(127, `sh: ${prog}: not found\n`);
    const o = parseOptions(prog, argv.slice(1));
    if (o.version) return { stdout: versionText(prog, x.image) };
    return { prog, o, env };
  };
  if (cmd[0] !== 'sh') {
    const r = program(cmd, {});
    if ('stdout' in r) return r;
    notImplemented(ctx, 'kubectl', `exec of ${cmd[0]} without sh -c`);
  }
  let stages;
  try {
    stages = pipeline(tokenize(cmd[2] ?? '', x.env, cmd.slice(3)));
  } catch (e) {
    notImplemented(ctx, 'kubectl', `exec of this shell script (${/** @type {Error} */ (e).message})`);
  }
  // `{ pg_restore --data-only --file=- || echo MARK $?; } | awk '<count COPY rows>'`
  if (stages.length === 2 && 'group' in stages[0] && 'words' in stages[1] && stages[1].words[0] === 'awk') {
    const words = stages[0].group.filter((t) => 'word' in t).map((t) => /** @type {{word:string}} */ (t).word);
    const first = words.slice(0, words.indexOf('echo') < 0 ? words.length : words.indexOf('echo'));
    const r = program(simpleCommand(first).argv, {});
    if (!('o' in r) || r.prog !== 'pg_restore' || !r.o['data-only'] || r.o.file !== '-' || r.o.dbname)
      notImplemented(ctx, 'kubectl', 'exec of a pipeline other than pg_restore --data-only --file=- | awk');
    try {
      return { stdout: countLines(readArchive(x.stdin).tables) };
    } catch (e) {
      // pg_restore's message on stderr; the failure mark makes awk (the pipeline) exit 1
      if (e instanceof Failed) throw new Failed(1, e.stderr);
      throw e;
    }
  }
  if (stages.length !== 1 || !('words' in stages[0])) notImplemented(ctx, 'kubectl', 'exec of this shell script');
  const simple = simpleCommand(stages[0].words);
  const r = program(simple.argv, { ...x.env, ...simple.assign });
  if ('stdout' in r) return r;
  const { prog, o, env } = r;
  if (prog === 'pg_dump') {
    if (o.format !== 'custom' && o.format !== 'c') notImplemented(ctx, 'pg_dump', `--format=${o.format ?? 'plain'}`);
    const key = connect(prog, o, env, x);
    return { stdout: dump(x.c.data[key]) };
  }
  if (prog === 'psql') {
    if (typeof o.command !== 'string' || !/information_schema\.tables/.test(o.command) || !/count\(\*\)/.test(o.command))
      notImplemented(ctx, 'psql', 'a query other than the per-table row counts');
    const key = connect(prog, o, env, x);
    // the app creates its table when it starts, so it is there even before the first todo
    return { stdout: `${TABLE}\t${x.c.data[key]?.todos.length ?? 0}\n` };
  }
  // pg_restore into the database
  if (!o.dbname) notImplemented(ctx, 'pg_restore', 'without --dbname or --file=-');
  const key = connect(prog, o, env, x);
  const archive = readArchive(x.stdin);
  const db = (x.c.data[key] ??= { todos: [], nextId: 1 });
  if (!o.clean && db.todos.length)
    throw new Failed(1, 'pg_restore: error: could not execute query: ERROR:  relation "todos" already exists\n');
  db.todos = archive.tables[TABLE] ?? [];
  db.nextId = Math.max(archive.sequences?.['public.todos_id_seq'] ?? 0, ...db.todos.map((t) => t.id)) + 1;
  return { stdout: '' };
}
