// @ts-check
// Simulated docker CLI 28.2.2 with BuildKit (buildx) against the host daemon or minikube's daemon (docker-env).
import { existsSync, statSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve, relative, isAbsolute } from 'node:path';
import { parseOrFail, notImplemented, goTemplate } from '../common.mjs';
import { withState, readState } from '../state.mjs';
import { Exit } from '../cli.mjs';
import { DOCKER_VERSION, NODE_DOCKER_VERSION, storeAdd, storeGet, normRef, familiarRef, repoOf } from '../model.mjs';
import { sha256, spread, rfc3339, rfc3339Nano, dockerSince, humanSize, goJSON } from '../util.mjs';

/** @type {Record<string, { spec: import('../argv.mjs').Spec, usage: string }>} */
const CMDS = {
  version: { usage: '[OPTIONS]', spec: { format: { type: 'string', short: 'f' } } },
  info: { usage: '[OPTIONS]', spec: { format: { type: 'string', short: 'f' } } },
  build: {
    usage: '[OPTIONS] PATH | URL | -',
    spec: {
      tag: { type: 'stringArray', short: 't' },
      file: { type: 'string', short: 'f' },
      'build-arg': { type: 'stringArray' },
      label: { type: 'stringArray' },
      target: { type: 'string' },
      'no-cache': { type: 'bool' },
      pull: { type: 'bool' },
      quiet: { type: 'bool', short: 'q' },
      progress: { type: 'string', def: 'auto' },
      platform: { type: 'string' },
      secret: { type: 'stringArray' },
      ssh: { type: 'stringArray' },
      'cache-from': { type: 'stringArray' },
      'cache-to': { type: 'stringArray' },
      network: { type: 'string' },
      iidfile: { type: 'string' },
      load: { type: 'bool' },
      push: { type: 'bool' },
      output: { type: 'stringArray', short: 'o' },
      'add-host': { type: 'stringArray' },
      'build-context': { type: 'stringArray' },
      'metadata-file': { type: 'string' },
      provenance: { type: 'string' },
      sbom: { type: 'string' },
      'shm-size': { type: 'string' },
      ulimit: { type: 'stringArray' },
      rm: { type: 'bool', def: true },
      'force-rm': { type: 'bool' },
      builder: { type: 'string' },
      check: { type: 'bool' },
      call: { type: 'string' },
    },
  },
  'image inspect': { usage: '[OPTIONS] IMAGE [IMAGE...]', spec: { format: { type: 'string', short: 'f' }, platform: { type: 'string' } } },
  inspect: {
    usage: '[OPTIONS] NAME|ID [NAME|ID...]',
    spec: { format: { type: 'string', short: 'f' }, size: { type: 'bool', short: 's' }, type: { type: 'string' } },
  },
  history: {
    usage: '[OPTIONS] IMAGE',
    spec: {
      format: { type: 'string' },
      human: { type: 'bool', short: 'H', def: true },
      'no-trunc': { type: 'bool' },
      quiet: { type: 'bool', short: 'q' },
      platform: { type: 'string' },
    },
  },
  images: {
    usage: '[OPTIONS] [REPOSITORY[:TAG]]',
    spec: {
      all: { type: 'bool', short: 'a' },
      digests: { type: 'bool' },
      filter: { type: 'stringArray' },
      format: { type: 'string' },
      'no-trunc': { type: 'bool' },
      quiet: { type: 'bool', short: 'q' },
      tree: { type: 'bool' },
    },
  },
  'image rm': {
    usage: '[OPTIONS] IMAGE [IMAGE...]',
    spec: { force: { type: 'bool', short: 'f' }, 'no-prune': { type: 'bool' }, platform: { type: 'stringArray' } },
  },
  ai: { usage: '', spec: {} },
};
const GLOBAL = {
  config: { type: 'string' },
  context: { type: 'string', short: 'c' },
  debug: { type: 'bool', short: 'D' },
  host: { type: 'stringArray', short: 'H' },
  'log-level': { type: 'string', short: 'l' },
  tls: { type: 'bool' },
  tlscacert: { type: 'string' },
  tlscert: { type: 'string' },
  tlskey: { type: 'string' },
  tlsverify: { type: 'bool' },
  help: { type: 'bool' },
};
const KNOWN = [
  'run',
  'exec',
  'ps',
  'build',
  'bake',
  'pull',
  'push',
  'images',
  'login',
  'logout',
  'search',
  'version',
  'info',
  'attach',
  'commit',
  'cp',
  'create',
  'diff',
  'events',
  'export',
  'history',
  'import',
  'inspect',
  'kill',
  'load',
  'logs',
  'pause',
  'port',
  'rename',
  'restart',
  'rm',
  'rmi',
  'save',
  'start',
  'stats',
  'stop',
  'tag',
  'top',
  'unpause',
  'update',
  'wait',
  'builder',
  'buildx',
  'checkpoint',
  'compose',
  'container',
  'context',
  'image',
  'manifest',
  'network',
  'plugin',
  'system',
  'trust',
  'volume',
  'swarm',
  'config',
  'node',
  'secret',
  'service',
  'stack',
];

/** @param {import('../cli.mjs').Ctx} ctx */
export async function run(ctx) {
  const argv = ctx.argv;
  let i = 0;
  // leading global flags
  while (i < argv.length && argv[i].startsWith('-')) {
    if (/^(-H|--host|-c|--context|--config|-l|--log-level)$/.test(argv[i])) i++;
    i++;
  }
  const top = argv[i];
  if (!top) {
    ctx.out('Usage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers (simulated; see docs/simulator.md)\n');
    return 0;
  }
  if (top === 'ai') return gordon(ctx, argv.slice(i + 1));
  if (!KNOWN.includes(top)) {
    ctx.err(`docker: unknown command: docker ${top}\n\nRun 'docker --help' for more information\n`);
    return 1;
  }
  let cmd = top;
  let rest = argv.slice(i + 1);
  if (top === 'image') {
    const sub = rest[0];
    if (sub === 'ls' || sub === 'list') {
      cmd = 'images';
      rest = rest.slice(1);
    } else if (sub === 'inspect') {
      cmd = 'image inspect';
      rest = rest.slice(1);
    } else if (sub === 'history') {
      cmd = 'history';
      rest = rest.slice(1);
    } else if (sub === 'rm' || sub === 'remove') {
      cmd = 'image rm';
      rest = rest.slice(1);
    } else if (sub === 'build') {
      cmd = 'build';
      rest = rest.slice(1);
    } else if (!sub) {
      ctx.out('Usage:  docker image COMMAND\n');
      return 0;
    } else {
      ctx.err(`docker: unknown command: docker image ${sub}\n\nRun 'docker image --help' for more information\n`);
      return 1;
    }
  } else if (top === 'rmi') cmd = 'image rm';
  else if (top === 'buildx' && rest[0] === 'build') {
    cmd = 'build';
    rest = rest.slice(1);
  }
  const def = CMDS[cmd];
  if (!def) notImplemented(ctx, 'docker', `"${cmd}"`, 125);
  const p = parseOrFail(ctx, rest, { ...GLOBAL, ...def.spec }, (msg) => ({
    text: `${msg}\n\nUsage:  docker ${cmd} ${def.usage}\n\nRun 'docker ${cmd} --help' for more information\n`,
    code: 125,
  }));
  if (p.flags.help) {
    ctx.out(`Usage:  docker ${cmd} ${def.usage}\n`);
    return 0;
  }
  const usageErr = (what) => {
    ctx.err(`docker: 'docker ${cmd}' ${what}\n\nUsage:  docker ${cmd} ${def.usage}\n\nRun 'docker ${cmd} --help' for more information\n`);
    return 1;
  };
  switch (cmd) {
    case 'version':
      if (p.args.length) return usageErr('accepts no arguments');
      return version(ctx, p);
    case 'info':
      if (p.args.length) return usageErr('accepts no arguments');
      return info(ctx, p);
    case 'build':
      if (p.args.length !== 1) return usageErr('requires 1 argument');
      return build(ctx, p);
    case 'image inspect':
    case 'inspect':
      if (!p.args.length) return usageErr('requires at least 1 argument');
      return inspect(ctx, p);
    case 'history':
      if (p.args.length !== 1) return usageErr('requires 1 argument');
      return history(ctx, p);
    case 'images':
      if (p.args.length > 1) return usageErr('requires at most 1 argument');
      return images(ctx, p);
    case 'image rm':
      if (!p.args.length) return usageErr('requires at least 1 argument');
      return imageRm(ctx, p);
  }
  return 0;
}

/**
 * Which daemon the CLI talks to: the host's, or a running minikube's (docker-env). Exits like the CLI if unreachable.
 * @returns {{ state: any, where: 'host'|'node', profile?: any, store: any }}
 */
function daemon(ctx, state) {
  const host = ctx.env.DOCKER_HOST;
  const down = (addr) => {
    ctx.err(`Cannot connect to the Docker daemon at ${addr}. Is the docker daemon running?\n`);
    throw new Exit(1);
  };
  if (ctx.faults.has('docker-down')) down(host || 'unix:///var/run/docker.sock');
  if (!host || host === 'unix:///var/run/docker.sock') return { state, where: 'host', store: state.docker };
  const m = /^tcp:\/\/(127\.0\.0\.1|localhost):(\d+)$/.exec(host);
  if (m) {
    const prof = Object.values(state.minikube.profiles).find(
      (pr) => /** @type {any} */ (pr).status === 'Running' && /** @type {any} */ (pr).dockerEnvPort === Number(m[2]),
    );
    if (prof) return { state, where: 'node', profile: prof, store: /** @type {any} */ (prof).images };
  }
  return down(host);
}

function serverInfo(d, state, faults) {
  if (d.where === 'node')
    return {
      Version: NODE_DOCKER_VERSION,
      Os: 'linux',
      Arch: 'amd64',
      KernelVersion: state.host.kernel,
      Name: d.profile.name,
      OperatingSystem: 'Ubuntu 22.04.5 LTS',
      NCPU: d.profile.cpus,
      MemTotal: d.profile.memory * 1048576,
    };
  // Docker Desktop reports itself in OperatingSystem; rootless Docker in SecurityOptions (what
  // minikube's oci.DaemonInfo reads, pkg/drivers/kic/oci/info.go).
  return {
    Version: DOCKER_VERSION,
    Os: 'linux',
    Arch: 'amd64',
    KernelVersion: state.host.kernel,
    Name: state.host.hostname,
    OperatingSystem: faults.has('docker-desktop') ? 'Docker Desktop' : state.host.os,
    NCPU: state.host.ncpu,
    MemTotal: state.host.memTotal,
    Rootless: faults.has('docker-rootless'),
  };
}

function version(ctx, p) {
  const state = readState(ctx.stateDir);
  const client = {
    Platform: { Name: '' },
    Version: DOCKER_VERSION,
    ApiVersion: '1.50',
    DefaultAPIVersion: '1.50',
    GitCommit: 'e6534b4',
    GoVersion: 'go1.24.3',
    Os: 'linux',
    Arch: 'amd64',
    BuildTime: 'Fri May 30 12:07:14 2025',
    Context: 'default',
  };
  let server = null;
  let err = null;
  try {
    const d = daemon(
      {
        ...ctx,
        err: (s) => {
          err = s;
        },
      },
      state,
    );
    const si = serverInfo(d, state, ctx.faults);
    server = {
      Platform: { Name: 'Docker Engine - Community' },
      Components: [
        {
          Name: 'Engine',
          Version: si.Version,
          Details: {
            ApiVersion: '1.50',
            Arch: 'amd64',
            BuildTime: '2025-05-30T12:07:14.000000000+00:00',
            Experimental: 'false',
            GitCommit: '45873be',
            GoVersion: 'go1.24.3',
            KernelVersion: si.KernelVersion,
            MinAPIVersion: '1.24',
            Os: 'linux',
          },
        },
      ],
      Version: si.Version,
      ApiVersion: '1.50',
      MinAPIVersion: '1.24',
      GitCommit: '45873be',
      GoVersion: 'go1.24.3',
      Os: 'linux',
      Arch: 'amd64',
      KernelVersion: si.KernelVersion,
      BuildTime: '2025-05-30T12:07:14.000000000+00:00',
    };
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
  }
  const data = { Client: client, Server: server };
  if (p.flags.format) {
    const r = goTemplate(p.flags.format, data);
    if (r.error) {
      ctx.err(`template parsing error: template: :1: ${r.error}\n`);
      return 64;
    }
    if (r.unsupported) notImplemented(ctx, 'docker', `template action {{${r.unsupported}}}`, 125);
    ctx.out(r.text + '\n');
  } else {
    ctx.out(
      `Client:\n Version:           ${DOCKER_VERSION}\n API version:       1.50\n Go version:        go1.24.3\n Git commit:        e6534b4\n Built:             Fri May 30 12:07:14 2025\n OS/Arch:           linux/amd64\n Context:           default\n`,
    );
    if (server)
      ctx.out(
        `\nServer: Docker Engine - Community\n Engine:\n  Version:          ${server.Version}\n  API version:      1.50 (minimum version 1.24)\n  Go version:       go1.24.3\n  Git commit:       45873be\n  Built:            Fri May 30 12:07:14 2025\n  OS/Arch:          linux/amd64\n  Experimental:     false\n`,
      );
  }
  if (err) {
    ctx.err(err);
    return 1;
  }
  return 0;
}

function info(ctx, p) {
  const state = readState(ctx.stateDir);
  let d;
  try {
    d = daemon(ctx, state);
  } catch (e) {
    if (e instanceof Exit) {
      if (!p.flags.format) ctx.out('Client:\n Version:    28.2.2\n Context:    default\n Debug Mode: false\n\nServer:\n');
    }
    throw e;
  }
  const si = serverInfo(d, state, ctx.faults);
  const imgs = Object.values(d.store.images);
  const data = {
    ID:
      sha256(si.Name).slice(0, 8).toUpperCase() +
      ':' +
      sha256(si.Name + 'x')
        .slice(0, 4)
        .toUpperCase(),
    Containers: d.where === 'node' ? 14 : 1,
    ContainersRunning: d.where === 'node' ? 14 : 1,
    ContainersPaused: 0,
    ContainersStopped: 0,
    Images: imgs.length,
    Driver: 'overlay2',
    DriverStatus: [
      ['Backing Filesystem', 'extfs'],
      ['Supports d_type', 'true'],
      ['Using metacopy', 'false'],
      ['Native Overlay Diff', 'true'],
      ['userxattr', 'false'],
    ],
    Plugins: {
      Volume: ['local'],
      Network: ['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'],
      Authorization: null,
      Log: ['awslogs', 'fluentd', 'gcplogs', 'gelf', 'journald', 'json-file', 'local', 'splunk', 'syslog'],
    },
    MemoryLimit: true,
    SwapLimit: true,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    IPv4Forwarding: true,
    Debug: false,
    NFd: 42,
    OomKillDisable: false,
    NGoroutines: 58,
    SystemTime: new Date(ctx.clock.now()).toISOString(),
    LoggingDriver: 'json-file',
    CgroupDriver: 'systemd',
    CgroupVersion: '2',
    NEventsListener: 0,
    KernelVersion: si.KernelVersion,
    OperatingSystem: si.OperatingSystem,
    OSVersion: d.where === 'node' ? '22.04' : '12',
    OSType: 'linux',
    Architecture: 'x86_64',
    IndexServerAddress: 'https://index.docker.io/v1/',
    NCPU: si.NCPU,
    MemTotal: si.MemTotal,
    DockerRootDir: '/var/lib/docker',
    Name: si.Name,
    Labels: d.where === 'node' ? ['provider=docker'] : [],
    ExperimentalBuild: false,
    ServerVersion: si.Version,
    Runtimes: { runc: { path: 'runc' } },
    DefaultRuntime: 'runc',
    LiveRestoreEnabled: false,
    Isolation: '',
    InitBinary: 'docker-init',
    SecurityOptions: ['name=seccomp,profile=builtin', ...(si.Rootless ? ['name=rootless'] : []), 'name=cgroupns'],
    Warnings: null,
    ClientInfo: {
      Debug: false,
      Version: DOCKER_VERSION,
      GitCommit: 'e6534b4',
      GoVersion: 'go1.24.3',
      Os: 'linux',
      Arch: 'amd64',
      BuildTime: 'Fri May 30 12:07:14 2025',
      Context: 'default',
      Plugins: [
        {
          SchemaVersion: '0.1.0',
          Vendor: 'Docker Inc.',
          Version: 'v0.24.0',
          ShortDescription: 'Docker Buildx',
          Name: 'buildx',
          Path: '/usr/libexec/docker/cli-plugins/docker-buildx',
        },
      ],
      Warnings: null,
    },
  };
  if (p.flags.format) {
    const r = goTemplate(p.flags.format, data);
    if (r.error) {
      ctx.err(`template parsing error: template: :1: ${r.error}\n`);
      return 64;
    }
    if (r.unsupported) notImplemented(ctx, 'docker', `template action {{${r.unsupported}}}`, 125);
    ctx.out(r.text + '\n');
    return 0;
  }
  ctx.out(
    `Client: Docker Engine - Community\n Version:    ${DOCKER_VERSION}\n Context:    default\n Debug Mode: false\n Plugins:\n  buildx: Docker Buildx (Docker Inc.)\n    Version:  v0.24.0\n\nServer:\n Containers: ${data.Containers}\n Images: ${data.Images}\n Server Version: ${si.Version}\n Storage Driver: overlay2\n Cgroup Driver: systemd\n Cgroup Version: 2\n Kernel Version: ${si.KernelVersion}\n Operating System: ${si.OperatingSystem}\n OSType: linux\n Architecture: x86_64\n CPUs: ${si.NCPU}\n Total Memory: ${(si.MemTotal / 2 ** 30).toFixed(2)}GiB\n Name: ${si.Name}\n Docker Root Dir: /var/lib/docker\n`,
  );
  return 0;
}

// ---------- build ----------

/** Parse a Dockerfile into instructions {cmd, args, line}. */
export function parseDockerfile(text) {
  const out = [];
  const lines = text.split(/\r?\n/);
  let buf = '';
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!buf && /^\s*#/.test(l)) continue;
    if (buf && /^\s*#/.test(l)) continue;
    if (!buf) start = i + 1;
    if (/\\\s*$/.test(l)) {
      buf += l.replace(/\\\s*$/, '') + ' ';
      continue;
    }
    buf += l;
    const s = buf.trim();
    buf = '';
    if (!s) continue;
    const m = /^(\w+)\s*(.*)$/.exec(s);
    if (m) out.push({ cmd: m[1].toUpperCase(), args: m[2].replace(/\s+/g, ' ').trim(), line: start });
  }
  return out;
}

const BASES = {
  node: {
    size: 135_000_000,
    hist: [
      'ADD alpine-minirootfs-3.21.3-x86_64.tar.gz / # buildkit',
      'CMD ["/bin/sh"]',
      'ENV NODE_VERSION=20.19.0',
      'RUN /bin/sh -c addgroup -g 1000 node && adduser -u 1000 -G node -s /bin/sh -D node && apk add --no-cache libstdc++ # buildkit',
      'ENV YARN_VERSION=1.22.22',
      'RUN /bin/sh -c apk add --no-cache --virtual .build-deps-yarn curl gnupg tar # buildkit',
      'COPY docker-entrypoint.sh /usr/local/bin/ # buildkit',
      'ENTRYPOINT ["docker-entrypoint.sh"]',
      'CMD ["node"]',
    ],
  },
  python: {
    size: 124_000_000,
    hist: [
      "# debian.sh --arch 'amd64' out/ 'bookworm' '@1740355200'",
      'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'ENV LANG=C.UTF-8',
      'RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates netbase tzdata; rm -rf /var/lib/apt/lists/* # buildkit',
      'ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305',
      'ENV PYTHON_VERSION=3.12.9',
      'RUN /bin/sh -c set -eux; savedAptMark="$(apt-mark showmanual)"; ./configure --enable-optimizations; make -j "$nproc"; make install # buildkit',
      'CMD ["python3"]',
    ],
  },
  alpine: { size: 7_800_000, hist: ['ADD alpine-minirootfs-3.21.3-x86_64.tar.gz / # buildkit', 'CMD ["/bin/sh"]'] },
  distroless: { size: 2_300_000, hist: ['bazel build //base:static'] },
  other: { size: 75_000_000, hist: ['ADD file:6b5b16b1e3bd2e1ce93d0b0c4a4f1c5b2d17e6e1d0d1d71f0e12b3d1c6a6ef0a in / ', 'CMD ["bash"]'] },
};
const baseOf = (ref) => {
  const r = repoOf(ref);
  if (/\/node$/.test(r)) return BASES.node;
  if (/\/python$/.test(r)) return BASES.python;
  if (/\/alpine$/.test(r)) return BASES.alpine;
  if (/distroless/.test(r)) return BASES.distroless;
  return BASES.other;
};

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
function contextDigest(ctxDir, dockerfile) {
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

function bytesOfSources(ctxDir, files, srcs) {
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

async function build(ctx, p) {
  const state = readState(ctx.stateDir);
  const f = p.flags;
  const ctxArg = p.args[0];
  if (ctxArg === '-' || /^(https?|git):\/\//.test(ctxArg)) notImplemented(ctx, 'docker', 'build from stdin/URL', 125);
  const d = daemon(ctx, state);
  const ctxDir = resolve(ctxArg);
  if (!existsSync(ctxDir) || !statSync(ctxDir).isDirectory()) {
    ctx.err(`ERROR: failed to build: unable to prepare context: path "${ctxArg}" not found\n`);
    return 1;
  }
  const dfArg = f.file ?? join(ctxArg, 'Dockerfile');
  const dfPath = isAbsolute(dfArg) ? dfArg : resolve(dfArg);
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
    writeFileSync(f.iidfile, id);
  }
  return 0;
}

function inspectDoc(img) {
  return {
    Id: img.id,
    RepoTags: img.repoTags,
    RepoDigests: [],
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

function inspect(ctx, p) {
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

function history(ctx, p) {
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

function images(ctx, p) {
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

async function imageRm(ctx, p) {
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

// ---------- Gordon (docker ai) ----------
async function gordon(ctx, args) {
  if (ctx.env.SIM_GORDON !== '1') {
    ctx.err(`docker: unknown command: docker ai\n\nRun 'docker --help' for more information\n`);
    return 1;
  }
  return (await import('../ai.mjs')).gordon(ctx, args);
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
