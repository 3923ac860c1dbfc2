// The commands runbooks 08 (backup) and 09 (restore) run inside a pod that has PostgreSQL's client
// programs: the chart's own PostgreSQL pod, or for an external DATABASE_URL a short-lived client
// pod. Each is `sh -c <script>` so that credentials are read from the pod's environment inside the
// pod (POSTGRES_PASSWORD from the chart's Secret, or DATABASE_URL): the argv that kubectl sends and
// that `ps` shows holds only the variable's name. SQL goes in as a positional parameter ("$1"),
// never spliced into the script. The simulator (sim/lib/cluster/pg-exec.mjs) models exactly these.
//
// Facts relied on, from PostgreSQL's documentation (app-pgdump.html, app-pgrestore.html, app-psql.html):
// - pg_dump --format=custom writes "a custom-format archive suitable for input into pg_restore", to
//   stdout when no --file is given; it exits non-zero on any error (connection, permissions).
// - pg_restore without a file name reads the archive from stdin; --file=- writes the SQL script it
//   would run to stdout (no database connection is made without --dbname); with --dbname it
//   restores; --clean --if-exists drops each object first (no error when it is missing);
//   --single-transaction makes the restore all or nothing (and implies --exit-on-error).
// - A custom archive starts with the five bytes "PGDMP" (pg_backup_archiver.c, _discoverArchiveFormat);
//   anything else is refused: "input file does not appear to be a valid archive".
// - In the script output each table's data is a `COPY <schema>.<table> (<columns>) FROM stdin;`
//   line, one line per row (newlines inside values are escaped as \n), and a line `\.`.
// The official postgres image and Debian's postgresql package both have sh and awk.

/** The pod-side environment variables the in-chart PostgreSQL container has (templates/_helpers.tpl). */
const IN_CHART = '--host=127.0.0.1 --username="$POSTGRES_USER" --dbname="$POSTGRES_DB"';
/** The client pod of an external database gets DATABASE_URL from the release's Secret. */
const EXTERNAL = '--dbname="$DATABASE_URL"';

export type DatabaseSource = 'in-chart' | 'external';

// TCP to 127.0.0.1 with the pod's own user and password (PGPASSWORD, expanded inside the pod). Whether
// the server checks that password depends on the image: the lane's Debian-based image asks for it
// (scram-sha-256), while the official image's initdb runs without --auth, so its pg_hba.conf trusts
// 127.0.0.1 before the POSTGRES_HOST_AUTH_METHOD line docker-entrypoint.sh appends for other hosts.
const connection = (source: DatabaseSource) =>
  source === 'in-chart' ? { env: 'PGPASSWORD="$POSTGRES_PASSWORD" ', args: IN_CHART } : { env: '', args: EXTERNAL };

/** pg_dump of the whole database in the custom format, on stdout. */
export function dumpCommand(source: DatabaseSource): string[] {
  const c = connection(source);
  return ['sh', '-c', `${c.env}exec pg_dump --format=custom ${c.args}`];
}

/** Marks a pg_restore failure in the stream awk reads, so the pipeline fails with it (sh has no pipefail everywhere). */
export const RESTORE_FAILED_MARK = 'PG_RESTORE_FAILED';

/**
 * The rows of every table in the archive sent on stdin, as "<schema>.<table>\t<rows>" lines:
 * pg_restore turns the archive into its script (no database involved) and awk counts the lines of
 * each COPY block. This reads the dump itself, so the counts are the file's, not the database's
 * a moment later, and a file pg_restore cannot read fails here.
 */
export function dumpRowCountsCommand(): string[] {
  const awk = [
    String.raw`/^COPY .* FROM stdin;$/ { t = substr($0, 6); sub(/ \(.*\) FROM stdin;$/, "", t); sub(/ *FROM stdin;$/, "", t); n = 0; next }`,
    String.raw`/^\\\.$/ { if (t != "") { print t "\t" n; t = "" } next }`,
    't != "" { n++ }',
    '{ last = $0 }',
    `END { if (last ~ /^${RESTORE_FAILED_MARK} [0-9]+$/) exit 1 }`,
  ].join('\n');
  return ['sh', '-c', `{ pg_restore --data-only --file=- || echo "${RESTORE_FAILED_MARK} $?"; } | awk '${awk}'`];
}

/** Every ordinary table with its exact row count, in the same "<schema>.<table>\t<rows>" form (format %I quotes like pg_dump). */
export const TABLE_ROWS_SQL = [
  String.raw`SELECT format('%I.%I', table_schema, table_name) || E'\t' ||`,
  `(xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text`,
  `FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  'ORDER BY 1',
].join(' ');

/** psql running TABLE_ROWS_SQL against the database, unaligned, one line per table. */
export function databaseRowCountsCommand(source: DatabaseSource): string[] {
  const c = connection(source);
  return [
    'sh',
    '-c',
    `${c.env}exec psql --no-psqlrc --tuples-only --no-align --set=ON_ERROR_STOP=1 ${c.args} --command="$1"`,
    'sh',
    TABLE_ROWS_SQL,
  ];
}

/**
 * pg_restore of the archive on stdin into the database: every object in the archive dropped if it
 * exists and recreated, all in one transaction. Objects the archive does not contain are left alone.
 * --no-owner / --no-privileges: the restoring user owns what it creates (an external database's
 * user may differ from the one that made the dump).
 */
export function restoreCommand(source: DatabaseSource): string[] {
  const c = connection(source);
  return ['sh', '-c', `${c.env}exec pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction ${c.args}`];
}

/** The client's version, for the manifest ("pg_dump (PostgreSQL) 16.4"). */
export function dumpVersionCommand(): string[] {
  return ['pg_dump', '--version'];
}

/** Parses "<table>\t<rows>" lines; anything else is a malformed answer. */
export function parseRowCounts(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^(.+)\t(\d+)$/.exec(line.replace(/\r$/, ''));
    if (!m) throw new Error(`unexpected row-count line: ${line.slice(0, 120)}`);
    counts[m[1]!] = Number(m[2]);
  }
  return counts;
}
