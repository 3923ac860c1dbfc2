// @ts-check
// docker build (BuildKit): stages, ARG and --build-arg, the final image's layers and history, the
// progress output, and the image stored in the daemon the call reached (host or minikube node).
import { existsSync, statSync, readFileSync } from 'node:fs';
import { join, resolve, isAbsolute } from 'node:path';
import { notImplemented } from '../../common.mjs';
import { withState, readState } from '../../state.mjs';
import { storeAdd, storeGet, normRef, repoOf } from '../../model.mjs';
import { sha256, spread, humanSize } from '../../util.mjs';
import { daemon } from './daemon.mjs';
import { parseDockerfile, baseOf } from './dockerfile.mjs';
import { contextDigest, bytesOfSources } from './build-context.mjs';

export async function build(ctx, p) {
  const state = readState(ctx.stateDir);
  const f = p.flags;
  const ctxArg = p.args[0];
  if (ctxArg === '-' || /^(https?|git):\/\//.test(ctxArg)) notImplemented(ctx, 'docker', 'build from stdin/URL', 125);
  const d = daemon(ctx, state);
  const ctxDir = resolve(ctx.cwd, ctxArg);
  if (!existsSync(ctxDir) || !statSync(ctxDir).isDirectory()) {
    ctx.err(`ERROR: failed to build: unable to prepare context: path "${ctxArg}" not found\n`);
    return 1;
  }
  const dfArg = f.file ?? join(ctxArg, 'Dockerfile');
  const dfPath = isAbsolute(dfArg) ? dfArg : resolve(ctx.cwd, dfArg);
  let text;
  try {
    text = readFileSync(dfPath, 'utf8');
  } catch {
    ctx.err(
      `ERROR: failed to build: failed to solve: failed to read dockerfile: open ${f.file ? dfArg.split('/').pop() : 'Dockerfile'}: no such file or directory\n`,
    );
    return 1;
  }
  for (const t of f.tag) {
    if (
      !/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?$/.test(
        t.replace(/^[a-z0-9.-]+(:\d+)?\//, (m) => (m.includes('.') || m.includes(':') ? '' : m)),
      )
    ) {
      ctx.err(`ERROR: failed to build: invalid tag "${t}": invalid reference format\n`);
      return 1;
    }
  }
  /** @type {Record<string,string>} */
  const buildArgs = {};
  for (const a of f['build-arg']) {
    const eq = a.indexOf('=');
    if (eq < 0) {
      if (ctx.env[a] !== undefined) buildArgs[a] = ctx.env[a] ?? '';
    } else buildArgs[a.slice(0, eq)] = a.slice(eq + 1);
  }
  /** @type {Record<string,string>} */
  const labels = {};
  for (const l of f.label) {
    const eq = l.indexOf('=');
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  const ins = parseDockerfile(text);
  if (!ins.length || ins.find((x) => x.cmd !== 'ARG')?.cmd !== 'FROM') {
    ctx.err(
      `ERROR: failed to build: failed to solve: dockerfile parse error on line ${ins[0]?.line ?? 1}: no build stage in current context\n`,
    );
    return 1;
  }
  // stages
  const stages = [];
  const globalArgs = {};
  for (const x of ins) {
    if (x.cmd === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(x.args);
      if (!m) {
        ctx.err(
          `ERROR: failed to build: failed to solve: dockerfile parse error on line ${x.line}: FROM requires either one or three arguments\n`,
        );
        return 1;
      }
      const base = m[1].replace(/\$\{?(\w+)\}?/g, (_, k) => buildArgs[k] ?? globalArgs[k] ?? '');
      stages.push({ base, name: m[2] ?? null, ins: [], index: stages.length });
    } else if (!stages.length) {
      if (x.cmd === 'ARG') {
        const [k, v] = x.args.split('=');
        globalArgs[k] = buildArgs[k] ?? v ?? '';
      }
    } else stages[stages.length - 1].ins.push(x);
  }
  const KNOWN_INS = [
    'RUN',
    'COPY',
    'ADD',
    'WORKDIR',
    'ENV',
    'ARG',
    'EXPOSE',
    'USER',
    'CMD',
    'ENTRYPOINT',
    'LABEL',
    'HEALTHCHECK',
    'VOLUME',
    'STOPSIGNAL',
    'SHELL',
    'ONBUILD',
    'MAINTAINER',
  ];
  for (const st of stages)
    for (const x of st.ins)
      if (!KNOWN_INS.includes(x.cmd)) {
        ctx.err(`ERROR: failed to build: failed to solve: dockerfile parse error on line ${x.line}: unknown instruction: ${x.cmd}\n`);
        return 1;
      }
  let target = stages[stages.length - 1];
  if (f.target) {
    const t = stages.find((s) => s.name === f.target);
    if (!t) {
      ctx.err(`ERROR: failed to build: failed to solve: target stage "${f.target}" could not be found\n`);
      return 1;
    }
    target = t;
  }
  const cd = contextDigest(ctxDir, dfPath);
  const id = 'sha256:' + sha256(`${text}\n${cd.hash}\n${JSON.stringify(buildArgs)}\n${JSON.stringify(labels)}\n${target.index}`);
  const now = ctx.clock.now();
  // history of a stage (recursively through FROM <stage>)
  const stageHistory = (st, depth = 0) => {
    const from = stages.find((s) => s.name === st.base && s.index < st.index);
    let hist;
    let size;
    if (from && depth < 10) ({ hist, size } = stageHistory(from, depth + 1));
    else {
      const b = baseOf(st.base);
      hist = b.hist.map((h, i) => ({
        createdBy: h,
        size:
          i === 0
            ? Math.round(b.size * 0.06)
            : /RUN/.test(h)
              ? Math.round(b.size * (0.9 / Math.max(1, b.hist.filter((x) => /RUN/.test(x)).length)))
              : 0,
        comment: /buildkit/.test(h) ? 'buildkit.dockerfile.v0' : '',
        created: now - 40 * 86400_000 + i * 1000,
        base: true,
      }));
      size = hist.reduce((a, h) => a + h.size, 0);
    }
    const argsInScope = {};
    const declared = [];
    for (const x of st.ins) {
      let createdBy;
      let sz = 0;
      const seed = `${id}:${x.line}`;
      if (x.cmd === 'ARG') {
        const [k, v] = x.args.split('=');
        declared.push(k);
        if (buildArgs[k] !== undefined) argsInScope[k] = buildArgs[k];
        else if (v !== undefined) argsInScope[k] = v;
        createdBy = `ARG ${x.args}`;
      } else if (x.cmd === 'RUN') {
        const used = declared.filter((k) => argsInScope[k] !== undefined);
        const shellCmd = x.args.startsWith('[')
          ? (() => {
              try {
                return JSON.parse(x.args).join(' ');
              } catch {
                return x.args;
              }
            })()
          : `/bin/sh -c ${x.args}`;
        createdBy = `RUN ${used.length ? `|${used.length} ${used.map((k) => `${k}=${argsInScope[k]}`).join(' ')} ` : ''}${shellCmd} # buildkit`;
        sz = /npm (ci|install)|pip install|yarn|pnpm|apk add|apt-get/.test(x.args)
          ? Math.round(spread(seed, 25e6, 110e6))
          : /build/.test(x.args)
            ? Math.round(spread(seed, 2e6, 30e6))
            : Math.round(spread(seed, 1e3, 4e6));
      } else if (x.cmd === 'COPY' || x.cmd === 'ADD') {
        const parts = x.args.split(' ').filter((a) => !a.startsWith('--'));
        const fromFlag = /--from=(\S+)/.exec(x.args)?.[1];
        const srcs = parts.slice(0, -1);
        // A COPY --from a builder stage carries its pruned output: the demo images measured 0.02–12 MB above their base (test/docker lane).
        sz = fromFlag ? Math.round(spread(seed, 0.2e6, 12e6)) : bytesOfSources(ctxDir, cd.files, srcs);
        createdBy = `${x.cmd} ${x.args} # buildkit`;
      } else if (x.cmd === 'WORKDIR') {
        createdBy = `WORKDIR ${x.args}`;
        sz = 0;
      } else if (x.cmd === 'EXPOSE')
        createdBy = `EXPOSE map[${x.args
          .split(' ')
          .map((pt) => (pt.includes('/') ? pt : pt + '/tcp') + ':{}')
          .join(' ')}]`;
      else if (x.cmd === 'CMD' || x.cmd === 'ENTRYPOINT') {
        let a = x.args;
        try {
          a = `[${JSON.parse(x.args)
            .map((s) => `"${s}"`)
            .join(' ')}]`;
        } catch {
          a = `["/bin/sh" "-c" "${x.args}"]`;
        }
        createdBy = `${x.cmd} ${a}`;
      } else createdBy = `${x.cmd} ${x.args}`;
      hist.push({ createdBy, size: sz, comment: 'buildkit.dockerfile.v0', created: 0, line: x.line, ins: x });
      size += sz;
    }
    return { hist, size };
  };
  const { hist, size } = stageHistory(target);
  const existing = storeGet(d.store, id) ?? d.store.images[id];
  const cached = !!existing && !f['no-cache'];
  // ---- progress output (BuildKit plain) ----
  const e = (s) => {
    if (!f.quiet) ctx.err(s);
  };
  const dfName = dfPath.split('/').pop();
  let n = 0;
  const stepNo = () => ++n;
  e(`#0 building with "default" instance using docker driver\n\n`);
  let k = stepNo();
  e(`#${k} [internal] load build definition from ${dfName}\n#${k} transferring dockerfile: ${text.length}B done\n#${k} DONE 0.0s\n\n`);
  const bases = [...new Set(stages.filter((s) => !stages.some((o) => o.name === s.base)).map((s) => s.base))];
  for (const b of bases) {
    k = stepNo();
    const dur = cached ? 0.3 : spread(b + id, 0.5, 1.8);
    e(`#${k} [internal] load metadata for ${normRef(b)}\n#${k} DONE ${dur.toFixed(1)}s\n\n`);
    await ctx.clock.sleep(dur * 1000);
  }
  k = stepNo();
  e(
    `#${k} [internal] load .dockerignore\n#${k} transferring context: ${existsSync(join(ctxDir, '.dockerignore')) ? statSync(join(ctxDir, '.dockerignore')).size : 2}B done\n#${k} DONE 0.0s\n\n`,
  );
  k = stepNo();
  e(
    `#${k} [internal] load build context\n#${k} transferring context: ${humanSize(cd.bytes)} ${'done'}\n#${k} DONE ${(cd.bytes / 50e6).toFixed(1)}s\n\n`,
  );
  const steps = [];
  for (const st of stages) {
    if (st.index > target.index) break;
    const total =
      st.ins.filter(
        (x) =>
          ![
            'ARG',
            'ENV',
            'EXPOSE',
            'USER',
            'CMD',
            'ENTRYPOINT',
            'LABEL',
            'HEALTHCHECK',
            'VOLUME',
            'STOPSIGNAL',
            'SHELL',
            'MAINTAINER',
          ].includes(x.cmd),
      ).length + 1;
    let idx = 1;
    const label = st.name ? `${st.name} ` : '';
    steps.push({
      text: `[${label}${idx}/${total}] FROM ${normRef(st.base)}${stages.some((o) => o.name === st.base) ? '' : '@sha256:' + sha256(st.base).slice(0, 64)}`,
      dur: 0.0,
      from: true,
    });
    for (const x of st.ins) {
      if (!['RUN', 'COPY', 'ADD', 'WORKDIR'].includes(x.cmd)) continue;
      idx++;
      const dur =
        x.cmd === 'RUN'
          ? spread(
              `${id}:${x.line}`,
              /npm|pip|apk|apt|yarn|build/.test(x.args) ? 6 : 0.3,
              /npm|pip|apk|apt|yarn|build/.test(x.args) ? 28 : 2,
            )
          : spread(`${id}:${x.line}`, 0.05, 0.4);
      steps.push({ text: `[${label}${idx}/${total}] ${x.cmd} ${x.args}`, dur, cmd: x.cmd, args: x.args });
    }
  }
  for (const s of steps) {
    k = stepNo();
    if (cached && !s.from) {
      e(`#${k} ${s.text}\n#${k} CACHED\n\n`);
      continue;
    }
    e(`#${k} ${s.text}\n`);
    await ctx.clock.sleep(s.dur * 1000);
    if (s.cmd === 'RUN' && /npm (ci|install)/.test(s.args))
      e(
        `#${k} ${(s.dur * 0.8).toFixed(3)} added ${Math.round(spread(s.text, 90, 420))} packages, and audited ${Math.round(spread(s.text, 91, 421))} packages in ${Math.round(s.dur * 0.8)}s\n`,
      );
    if (s.cmd === 'RUN' && /pip install/.test(s.args))
      e(`#${k} ${(s.dur * 0.8).toFixed(3)} Successfully installed fastapi uvicorn psycopg\n`);
    e(`#${k} DONE ${s.dur.toFixed(1)}s\n\n`);
  }
  k = stepNo();
  e(`#${k} exporting to image\n#${k} exporting layers ${cached ? '' : '0.4s '}done\n#${k} writing image ${id} done\n`);
  for (const t of f.tag) e(`#${k} naming to ${normRef(t)} done\n`);
  e(`#${k} DONE ${cached ? '0.0' : '0.5'}s\n`);
  await ctx.clock.sleep(cached ? 100 : 500);
  const created = ctx.clock.now();
  const env = [];
  let cmdArr = null;
  let entry = null;
  let workdir = '';
  let user = '';
  const exposed = {};
  for (const h of hist) {
    const x = h.ins;
    if (!x) continue;
    if (x.cmd === 'ENV') {
      const m = /^(\S+?)(?:=|\s+)(.*)$/.exec(x.args);
      if (m) env.push(`${m[1]}=${m[2].replace(/^"|"$/g, '')}`);
    }
    if (x.cmd === 'CMD') {
      try {
        cmdArr = JSON.parse(x.args);
      } catch {
        cmdArr = ['/bin/sh', '-c', x.args];
      }
    }
    if (x.cmd === 'ENTRYPOINT') {
      try {
        entry = JSON.parse(x.args);
      } catch {
        entry = ['/bin/sh', '-c', x.args];
      }
    }
    if (x.cmd === 'WORKDIR') workdir = x.args;
    if (x.cmd === 'USER') user = x.args;
    if (x.cmd === 'EXPOSE') for (const pt of x.args.split(' ')) exposed[pt.includes('/') ? pt : pt + '/tcp'] = {};
    if (x.cmd === 'LABEL') for (const m of x.args.matchAll(/(\S+?)=("[^"]*"|\S+)/g)) labels[m[1]] ??= m[2].replace(/^"|"$/g, '');
  }
  const image = {
    id,
    repoTags: [],
    size,
    created: existing?.created ?? created,
    labels,
    buildArgs: Object.keys(buildArgs),
    context: ctxDir,
    dockerfile: dfPath,
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...env],
      Cmd: cmdArr,
      Entrypoint: entry,
      WorkingDir: workdir,
      User: user,
      ExposedPorts: Object.keys(exposed).length ? exposed : null,
      Labels: Object.keys(labels).length ? labels : null,
    },
    history: hist.map((h, i) => ({
      created: h.base ? h.created : created - (hist.length - i) * 50,
      createdBy: h.createdBy,
      size: h.size,
      comment: h.comment,
      empty: !h.size && !/^(RUN|COPY|ADD)/.test(h.createdBy),
    })),
  };
  const blocked = (t) => d.where === 'node' && ctx.faults.values('image-missing').some((m) => repoOf(m) === repoOf(t));
  await withState(ctx.stateDir, (s) => {
    const store = d.where === 'node' ? s.minikube.profiles[d.profile.name]?.images : s.docker;
    if (!store) return;
    if (!f.tag.length) {
      store.images[id] ??= { ...image, repoTags: [] };
      return;
    }
    for (const t of f.tag) if (!blocked(t)) storeAdd(store, image, t);
  });
  if (f.quiet) ctx.out(id + '\n');
  if (f.iidfile) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(resolve(ctx.cwd, f.iidfile), id);
  }
  return 0;
}
