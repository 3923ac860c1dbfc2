// @ts-check
// The build context as BuildKit sends it: .dockerignore (beside the Dockerfile first), the files that
// remain, their digest (the image's cache key) and the bytes a COPY takes into a layer.
import { existsSync, statSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sha256 } from '../../util.mjs';

/**
 * Very small .dockerignore matcher. BuildKit first reads <Dockerfile>.dockerignore beside the
 * Dockerfile and only then <context>/.dockerignore (docs.docker.com, build/concepts/context.md,
 * "Filename and location"); the demo's docker/<service>.Dockerfile.dockerignore relies on it.
 */
function ignoreMatcher(ctxDir, dockerfile) {
  let pats = [];
  const file = dockerfile && existsSync(`${dockerfile}.dockerignore`) ? `${dockerfile}.dockerignore` : join(ctxDir, '.dockerignore');
  try {
    pats = readFileSync(file, 'utf8')
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s && !s.startsWith('#'));
  } catch {
    /* none */
  }
  const rx = pats.map((p) => {
    const neg = p.startsWith('!');
    const pat = (neg ? p.slice(1) : p).replace(/^\.?\//, '').replace(/\/$/, '');
    const re = new RegExp(
      '^' +
        pat
          .split('**')
          .map((x) =>
            x
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]'),
          )
          .join('.*') +
        '(/.*)?$',
    );
    return { neg, re };
  });
  const matcher = (rel) => {
    let ig = false;
    for (const r of rx) if (r.re.test(rel)) ig = !r.neg;
    return ig;
  };
  // An excluded folder is still walked when an exception names something inside it (`*` then
  // `!backend/src/`), as the real context walk does.
  const exceptions = pats.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/^\.?\//, ''));
  matcher.reopens = (dir) => exceptions.some((p) => p.startsWith(`${dir}/`));
  return matcher;
}

/** Hash and size of the build context (honouring .dockerignore). */
export function contextDigest(ctxDir, dockerfile) {
  const ignored = ignoreMatcher(ctxDir, dockerfile);
  const files = [];
  const walk = (dir) => {
    let ents = [];
    try {
      ents = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, e.name);
      const rel = relative(ctxDir, full);
      if (ignored(rel) && !(e.isDirectory() && ignored.reopens(rel))) continue;
      if (e.isDirectory()) {
        if (e.name === '.git') continue;
        walk(full);
      } else if (e.isFile()) files.push(rel);
      if (files.length > 20000) return;
    }
  };
  walk(ctxDir);
  let total = 0;
  const parts = [];
  for (const f of files) {
    const st = statSync(join(ctxDir, f));
    total += st.size;
    parts.push(`${f}:${st.size}:${st.size < 2_000_000 ? sha256(readFileSync(join(ctxDir, f)).toString('latin1')) : st.mtimeMs}`);
  }
  return { hash: sha256(parts.join('\n')), bytes: total, files };
}

export function bytesOfSources(ctxDir, files, srcs) {
  let n = 0;
  for (const s of srcs) {
    const pat = s.replace(/^\.\//, '').replace(/\/$/, '');
    if (pat === '.' || pat === '') {
      n += files.reduce((a, f) => a + statSync(join(ctxDir, f)).size, 0);
      continue;
    }
    const re = new RegExp(
      '^' +
        pat
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]') +
        '(/.*)?$',
    );
    for (const f of files) if (re.test(f)) n += statSync(join(ctxDir, f)).size;
  }
  return n;
}
