// The commands secret rotation runs inside pods through `kubectl exec`. A new password never is an
// argument (ours, kubectl's, or the pod's process list): it goes to the pod on stdin, where
// `read` puts it in one variable of the shell's environment that psql then reads.
// The simulator (sim/lib/cluster/pg-role.mjs) models exactly these.
//
// Facts relied on (PostgreSQL's documentation, app-psql.html, sql-alterrole.html, runtime-config-logging.html):
// - psql's \getenv (PostgreSQL 15+) sets a psql variable from an environment variable; :"name"
//   interpolates it quoted as an identifier, :'name' as a literal, so no value is spliced into SQL.
// - ALTER ROLE … PASSWORD changes the password for new connections; sessions already open stay.
// - With ON_ERROR_STOP a failed statement in a script stops psql with exit 3; a failed connection is exit 2.
// - A statement that fails is written to the server log with its text unless
//   log_min_error_statement is above its level: the script raises it to panic for its session
//   first (and sets log_statement to none), so the password is not logged even when the ALTER fails.
// - Both PostgreSQL images trust the local socket (initdb --auth-local=trust; the official image's
//   docker-entrypoint.sh runs initdb without --auth-local, whose default is trust), so the
//   superuser can change the password without knowing the old one: a rotation can always be run
//   again to finish one that stopped half-way. TCP from other addresses asks for the password
//   (`host all all all scram-sha-256`), which is how the new one is proven.

/** The shell variable the new password lives in, inside the pod, for one psql. */
const PASSWORD_VAR = 'ROTATE_PASSWORD';

/** Refuses what `read -r` cannot carry on one line, and what cannot be a password at all. */
export function passwordProblem(value: string): string | undefined {
  if (/[\r\n]/.test(value)) return 'holds a line break (the password is sent as one line)';
  if (value.includes('\0')) return 'holds a NUL character';
  return undefined;
}

const PSQL_AS_SUPERUSER = 'psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --username="$POSTGRES_USER" --dbname="$POSTGRES_DB"';

/** psql over the local socket as the pod's POSTGRES_USER, the script on stdin after the password line. */
export function alterRoleCommand(): string[] {
  return ['sh', '-c', `IFS= read -r ${PASSWORD_VAR} && export ${PASSWORD_VAR} && exec ${PSQL_AS_SUPERUSER} --file=-`];
}

/** What alterRoleCommand reads on stdin: the password's line, then the script. */
export function alterRoleInput(password: string): string {
  return [
    password,
    "SET log_statement = 'none';",
    "SET log_min_error_statement = 'panic';",
    `\\getenv new_password ${PASSWORD_VAR}`,
    '\\getenv role POSTGRES_USER',
    `ALTER ROLE :"role" PASSWORD :'new_password';`,
    '',
  ].join('\n');
}

/**
 * `SELECT 1` over TCP to `host` (the pod's own IP, not loopback, so the server asks for the
 * password) with the password read from stdin as PGPASSWORD. Exit 0 and "1": accepted.
 */
export function passwordCheckCommand(host: string): string[] {
  return [
    'sh',
    '-c',
    'IFS= read -r PGPASSWORD && export PGPASSWORD && exec psql --no-psqlrc --tuples-only --no-align --host="$1" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" --command="SELECT 1"',
    'sh',
    host,
  ];
}

/** The SHA-256 of each variable as the container sees it, one "<hex>  -" line each, in order. */
export function envDigestCommand(keys: string[]): string[] {
  for (const k of keys) if (!/^[A-Z_][A-Z0-9_]*$/.test(k)) throw new Error(`not a variable name: ${k}`);
  return ['sh', '-c', keys.map((k) => `printf %s "$${k}" | sha256sum`).join('; ')];
}

/** Reads envDigestCommand's answer: key → hex digest. */
export function parseDigests(keys: string[], text: string): Record<string, string> {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const out: Record<string, string> = {};
  keys.forEach((k, i) => {
    const m = /^([0-9a-f]{64})\s+-?$/.exec(lines[i] ?? '');
    if (!m) throw new Error(`unexpected sha256sum line for ${k}: ${(lines[i] ?? '(none)').slice(0, 80)}`);
    out[k] = m[1]!;
  });
  return out;
}
