// Error lines in a container's start-up logs (003 SC-007): a pod can pass its readiness probe and
// still have logged that something it needs is broken (a rejected key, a failed migration). The
// forms recognised: structured JSON logs with a level (the demo app, pino, structlog), Python's and
// uvicorn's `ERROR:` / `CRITICAL:` prefixes and tracebacks, PostgreSQL's `ERROR:` / `FATAL:` /
// `PANIC:` severities, logfmt `level=error`, Go's `panic:`, and Node's uncaught `Error:` lines.
// Words such as "errors: 0" or a warning about a retry are not errors.

const JSON_LEVEL = /"(?:level|severity|levelname)"\s*:\s*"(error|err|fatal|critical|crit|panic|emerg|alert)"/i;
const PINO_LEVEL = /"level"\s*:\s*(50|60)\b/; // pino's numeric error and fatal
const PREFIXED = /(?:^|\s|\]\s*)(ERROR|CRITICAL|FATAL|PANIC):\s/;
const LOGFMT = /(?:^|\s)level=(error|fatal|critical|panic)\b/i;
const OTHER = /^(Traceback \(most recent call last\):|panic: |Uncaught |Unhandled|(?:[A-Z][a-zA-Z]*)?Error: )/;

/**
 * PostgreSQL refusing a client while it starts or stops (SQLSTATE 57P03 cannot_connect_now, "Class
 * 57 — Operator Intervention" in the manual's errcodes appendix) logs FATAL for that client: the
 * app connecting early, as it is built to, not a fault of the database.
 */
const STARTING = /FATAL:\s+the database system is (starting up|shutting down|not yet accepting connections)/;

export function isErrorLine(line: string): boolean {
  const text = line.trim();
  if (!text || STARTING.test(text)) return false;
  return JSON_LEVEL.test(text) || PINO_LEVEL.test(text) || PREFIXED.test(text) || LOGFMT.test(text) || OTHER.test(text);
}

/** The error lines of a log, in order. */
export function errorLines(log: string): string[] {
  return log.split('\n').filter(isErrorLine);
}
