// @ts-check
// docker version and docker info: the client part always, the server part only when the daemon
// answers, in the text, JSON and Go-template forms the runbooks and minikube read.
import { notImplemented, goTemplate } from '../../common.mjs';
import { readState } from '../../state.mjs';
import { Exit } from '../../cli.mjs';
import { DOCKER_VERSION } from '../../model.mjs';
import { sha256 } from '../../util.mjs';
import { daemon, serverInfo } from './daemon.mjs';

export function version(ctx, p) {
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

export function info(ctx, p) {
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
