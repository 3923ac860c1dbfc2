// @ts-check
// The image-store commands: image inspect, history, images (image ls) and image rm, with their
// --format json / Go-template output.
import { notImplemented, goTemplate } from '../../common.mjs';
import { withState, readState } from '../../state.mjs';
import { storeGet, normRef, familiarRef, repoOf } from '../../model.mjs';
import { sha256, rfc3339, rfc3339Nano, dockerSince, humanSize, goJSON } from '../../util.mjs';
import { daemon } from './daemon.mjs';

function inspectDoc(img) {
  return {
    Id: img.id,
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests ?? [],
    Parent: '',
    Comment: 'buildkit.dockerfile.v0',
    Created: rfc3339Nano(img.created),
    DockerVersion: '',
    Author: '',
    Config: {
      Hostname: '',
      Domainname: '',
      User: img.config?.User ?? '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ExposedPorts: img.config?.ExposedPorts ?? undefined,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: img.config?.Env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: img.config?.Cmd ?? null,
      Image: '',
      Volumes: null,
      WorkingDir: img.config?.WorkingDir ?? '',
      Entrypoint: img.config?.Entrypoint ?? null,
      OnBuild: null,
      Labels: img.config?.Labels ?? null,
    },
    Architecture: 'amd64',
    Os: 'linux',
    Size: img.size,
    GraphDriver: {
      Data: {
        LowerDir: '/var/lib/docker/overlay2/' + img.id.slice(7, 33) + '/diff',
        MergedDir: '/var/lib/docker/overlay2/' + img.id.slice(7, 33) + '/merged',
        UpperDir: '/var/lib/docker/overlay2/' + img.id.slice(7, 33) + '/diff',
        WorkDir: '/var/lib/docker/overlay2/' + img.id.slice(7, 33) + '/work',
      },
      Name: 'overlay2',
    },
    RootFS: {
      Type: 'layers',
      Layers: (img.history ?? []).filter((h) => !h.empty).map((h, i) => 'sha256:' + sha256(img.id + i + h.createdBy)),
    },
    Metadata: { LastTagTime: rfc3339Nano(img.created) },
  };
}

export function inspect(ctx, p) {
  const state = readState(ctx.stateDir);
  const d = daemon(ctx, state);
  const docs = [];
  const missing = [];
  for (const ref of p.args) {
    const img = storeGet(d.store, ref);
    if (img) docs.push(inspectDoc(img));
    else missing.push(ref);
  }
  if (p.flags.format) {
    for (const doc of docs) {
      const r = goTemplate(p.flags.format, doc);
      if (r.error) {
        ctx.err(`template parsing error: template: :1: ${r.error}\n`);
        return 64;
      }
      if (r.unsupported) notImplemented(ctx, 'docker', `template action {{${r.unsupported}}}`, 125);
      ctx.out(r.text + '\n');
    }
    if (!docs.length) ctx.out('\n');
  } else ctx.out(JSON.stringify(docs, null, 4).replace(/[<>&]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '\n');
  for (const m of missing) ctx.err(`Error response from daemon: No such image: ${familiarRef(m)}\n`);
  return missing.length ? 1 : 0;
}

export function history(ctx, p) {
  const state = readState(ctx.stateDir);
  const d = daemon(ctx, state);
  const ref = p.args[0];
  const img = storeGet(d.store, ref);
  if (!img) {
    ctx.err(`Error response from daemon: No such image: ${familiarRef(ref)}\n`);
    return 1;
  }
  const now = ctx.clock.now();
  const human = p.flags.human;
  const rows = [...(img.history ?? [])].reverse().map((h, i) => {
    const createdBy = p.flags['no-trunc'] || h.createdBy.length <= 45 ? h.createdBy : h.createdBy.slice(0, 44) + '…';
    return {
      Comment: h.comment ?? '',
      CreatedAt: rfc3339(h.created),
      CreatedBy: createdBy,
      CreatedSince: human ? `${dockerSince(now - h.created)} ago` : rfc3339(h.created),
      ID: i === 0 ? (p.flags['no-trunc'] ? img.id : img.id.slice(7, 19)) : '<missing>',
      Size: human ? humanSize(h.size) : String(h.size),
    };
  });
  if (p.flags.quiet) {
    ctx.out(rows.map((r) => r.ID + '\n').join(''));
    return 0;
  }
  if (p.flags.format) return printFormatted(ctx, rows, p.flags.format, 'history');
  const w = [Math.max(12, ...rows.map((r) => r.ID.length)), 14, 45, 9];
  ctx.out(
    ['IMAGE'.padEnd(w[0] + 3), 'CREATED'.padEnd(w[1] + 3), 'CREATED BY'.padEnd(w[2] + 3), 'SIZE'.padEnd(w[3] + 3), 'COMMENT'].join('') +
      '\n',
  );
  for (const r of rows)
    ctx.out(
      [r.ID.padEnd(w[0] + 3), r.CreatedSince.padEnd(w[1] + 3), r.CreatedBy.padEnd(w[2] + 3), r.Size.padEnd(w[3] + 3), r.Comment].join('') +
        '\n',
    );
  return 0;
}

export function images(ctx, p) {
  const state = readState(ctx.stateDir);
  const d = daemon(ctx, state);
  const now = ctx.clock.now();
  const filter = p.args[0];
  const rows = [];
  for (const img of Object.values(d.store.images)) {
    const tags = img.repoTags.length ? img.repoTags : ['<none>:<none>'];
    for (const t of tags) {
      const i = t.lastIndexOf(':');
      const repo = t.slice(0, i);
      const tag = t.slice(i + 1);
      if (filter && repoOf(filter) !== repoOf(t) && !(filter.includes(':') && normRef(filter) === normRef(t))) continue;
      if (filter && filter.includes(':') && normRef(filter) !== normRef(t)) continue;
      rows.push({
        Containers: 'N/A',
        CreatedAt: new Date(img.created)
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d+Z$/, ' +0000 UTC'),
        CreatedSince: `${dockerSince(now - img.created)} ago`,
        Digest: '<none>',
        ID: img.id.slice(7, 19),
        Repository: repo,
        SharedSize: 'N/A',
        Size: humanSize(img.size),
        Tag: tag,
        UniqueSize: 'N/A',
        VirtualSize: humanSize(img.size),
        _created: img.created,
      });
    }
  }
  rows.sort((a, b) => b._created - a._created);
  for (const r of rows) delete r._created;
  if (p.flags.quiet) {
    ctx.out([...new Set(rows.map((r) => r.ID))].map((x) => x + '\n').join(''));
    return 0;
  }
  if (p.flags.format) return printFormatted(ctx, rows, p.flags.format, 'images');
  const cols = ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'];
  const data = rows.map((r) => [r.Repository, r.Tag, r.ID, r.CreatedSince, r.Size]);
  const w = cols.map((c, i) => Math.max(c.length, ...data.map((x) => x[i].length)) + 3);
  ctx.out([cols, ...data].map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(w[i]) : c)).join('')).join('\n') + '\n');
  return 0;
}

export async function imageRm(ctx, p) {
  const state = readState(ctx.stateDir);
  const d = daemon(ctx, state);
  const errs = [];
  const out = await withState(ctx.stateDir, (s) => {
    const store = d.where === 'node' ? s.minikube.profiles[d.profile.name].images : s.docker;
    const lines = [];
    for (const ref of p.args) {
      const img = storeGet(store, ref);
      if (!img) {
        errs.push(`Error response from daemon: No such image: ${familiarRef(ref)}`);
        continue;
      }
      const n = normRef(ref);
      if (store.tags[n]) {
        delete store.tags[n];
        img.repoTags = img.repoTags.filter((t) => normRef(t) !== n);
        lines.push(`Untagged: ${familiarRef(ref)}`);
      }
      if (!img.repoTags.length) {
        delete store.images[img.id];
        lines.push(`Deleted: ${img.id}`);
      }
    }
    return lines;
  });
  ctx.out(out.map((l) => l + '\n').join(''));
  for (const e of errs) ctx.err(e + '\n');
  return errs.length ? 1 : 0;
}

/** Rows as `--format json` / `{{json .}}` (one object a line) or a Go template, as the docker CLI prints them. */
function printFormatted(ctx, rows, fmt, verb) {
  if (fmt === 'json' || fmt === '{{json .}}') {
    ctx.out(rows.map((r) => goJSON(r) + '\n').join(''));
    return 0;
  }
  for (const r of rows) {
    const t = goTemplate(fmt, r);
    if (t.unsupported || t.error) notImplemented(ctx, 'docker', `${verb} --format ${fmt}`, 125);
    ctx.out(t.text + '\n');
  }
  return 0;
}
