// @ts-check
// The in-chart PostgreSQL's password as the server knows it, which is not what the Secret says.
//
// The official postgres image initialises its data directory only when it is empty: its
// docker-entrypoint.sh (docker-library/postgres, `docker_setup_env` sets DATABASE_ALREADY_EXISTS
// when "$PGDATA/PG_VERSION" exists, and `_main` runs `docker_init_database_dir` — initdb with
// `--pwfile` holding POSTGRES_PASSWORD — only when it is not set). So the role's password is
// fixed by the first container that starts on an empty volume; later starts ignore
// POSTGRES_PASSWORD, and only `ALTER ROLE … PASSWORD` changes it. The cluster lane's own image
// (cluster/images/postgresql/entrypoint.sh) keeps the same contract.
//
// Modelled here, per data volume (the claim's uid, or the pod's for an emptyDir): a log of
// { at, sha } entries, the first written when the kubelet first creates a PostgreSQL container on
// that volume, the next ones by ALTER ROLE through `kubectl exec … psql` (pg-exec.mjs). Only
// SHA-256 digests are kept. A client whose DATABASE_URL carries another password is refused a new
// connection ("password authentication failed"); the demo app's pool then cannot answer /ready.
// Deviation: a real pool keeps connections it opened before the ALTER ROLE (PostgreSQL does not
// close sessions when a password changes) until they idle out (the demo app: 10 s) or the
// server restarts; here every request is a new connection.
import { getObject, listObjects } from '../model.mjs';
import { sha256 } from '../util.mjs';

/** The data volume of a PostgreSQL pod: its claim's uid, or the pod's own for an emptyDir. */
export function volumeKey(c, pod) {
  const claim = (pod.spec.volumes ?? []).find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName;
  const pvc = claim && getObject(c, 'PersistentVolumeClaim', pod.metadata.namespace, claim);
  return pvc ? pvc.metadata.uid : `pod:${pod.metadata.uid}`;
}

/** Called by the kubelet when it creates a PostgreSQL container: initdb on an empty volume only. */
export function initOnFirstStart(c, pod, env, at) {
  if (pod._sim?.component !== 'postgresql') return;
  const key = volumeKey(c, pod);
  c.dbPasswords ??= {};
  if (c.dbPasswords[key]) return; // PG_VERSION exists: POSTGRES_PASSWORD is ignored
  c.dbPasswords[key] = [{ at, sha: sha256(env?.POSTGRES_PASSWORD ?? '') }];
}

/** The digest of the role's password at t, or undefined when the volume was never initialised. */
export function passwordShaAt(c, key, t) {
  const log = c.dbPasswords?.[key] ?? [];
  let sha;
  for (const e of log) if (e.at <= t) sha = e.sha;
  return sha ?? log[0]?.sha;
}

/** ALTER ROLE … PASSWORD: from `at` on, new connections need this password. */
export function alterRole(c, key, at, password) {
  c.dbPasswords ??= {};
  (c.dbPasswords[key] ??= []).push({ at, sha: sha256(password) });
}

/** The password a DATABASE_URL carries (percent-decoded, as libpq and node-postgres read it). */
export function urlPassword(url) {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return undefined;
  }
}

/** Does a client with this environment authenticate against the volume at t? (external databases: always) */
export function clientAccepted(c, key, env, t) {
  if (!env?.DATABASE_URL || key.startsWith('external:')) return true;
  const want = passwordShaAt(c, key, t);
  const have = urlPassword(env.DATABASE_URL);
  return want === undefined || (have !== undefined && sha256(have) === want);
}

/**
 * The instants after `from` at which the role's password of any PostgreSQL volume in `ns` changes:
 * readiness that depends on the password can change there.
 */
export function passwordChanges(c, ns) {
  const keys = new Set(
    listObjects(c, 'Pod', ns)
      .filter((p) => p._sim?.component === 'postgresql')
      .map((p) => volumeKey(c, p)),
  );
  return [...keys].flatMap((k) => (c.dbPasswords?.[k] ?? []).slice(1).map((e) => ({ key: k, at: e.at })));
}

/**
 * The parts of [a, b) in which a client with this environment authenticates against the volume
 * `key`: split at each ALTER ROLE, adjacent parts joined.
 * @returns {[number, number][]}
 */
export function acceptedSegments(c, key, env, a, b) {
  const log = c.dbPasswords?.[key];
  if (!env?.DATABASE_URL || !log?.length) return [[a, b]];
  const have = urlPassword(env.DATABASE_URL);
  const haveSha = have === undefined ? null : sha256(have);
  /** @type {[number, number][]} */
  const out = [];
  log.forEach((entry, i) => {
    if (entry.sha !== haveSha) return;
    const from = Math.max(a, i === 0 ? -Infinity : entry.at);
    const to = Math.min(b, i + 1 < log.length ? log[i + 1].at : Infinity);
    if (to <= from) return;
    const last = out[out.length - 1];
    if (last && last[1] === from) last[1] = to;
    else out.push([from, to]);
  });
  return out;
}
