// @ts-check
// minikube profile list: each profile's config as minikube stores it (config.ClusterConfig) and the
// table and JSON forms of the list.
import { readState } from '../../state.mjs';
import { KIC_VERSION } from '../../model.mjs';
import { goJSON } from '../../util.mjs';
import { hostState } from './host.mjs';

function profileConfig(prof) {
  return {
    Name: prof.name,
    KeepContext: false,
    EmbedCerts: false,
    MinikubeISO: '',
    KicBaseImage: `gcr.io/k8s-minikube/kicbase:${KIC_VERSION}`,
    Memory: prof.memory,
    CPUs: prof.cpus,
    DiskSize: 20000,
    Driver: prof.driver,
    HyperkitVpnKitSock: '',
    HyperkitVSockPorts: [],
    DockerEnv: null,
    ContainerVolumeMounts: null,
    InsecureRegistry: null,
    RegistryMirror: [],
    HostOnlyCIDR: '192.168.59.1/24',
    ExtraOptions: null,
    Network: '',
    Addons: { ...prof.addons },
    KubernetesConfig: {
      KubernetesVersion: prof.kubernetesVersion,
      ClusterName: prof.name,
      Namespace: 'default',
      APIServerHAVIP: '',
      APIServerName: 'minikubeCA',
      APIServerNames: null,
      APIServerIPs: null,
      DNSDomain: 'cluster.local',
      ContainerRuntime: prof.runtime ?? 'docker',
      CRISocket: '',
      NetworkPlugin: 'cni',
      FeatureGates: '',
      ServiceCIDR: '10.96.0.0/12',
      ImageRepository: '',
      LoadBalancerStartIP: '',
      LoadBalancerEndIP: '',
      CustomIngressCert: '',
      RegistryAliases: '',
      ExtraOptions: null,
      ShouldLoadCachedImages: true,
      EnableDefaultCNI: false,
      CNI: '',
    },
    Nodes: [
      {
        Name: '',
        IP: prof.nodeIP,
        Port: prof.apiPort,
        KubernetesVersion: prof.kubernetesVersion,
        ContainerRuntime: prof.runtime ?? 'docker',
        ControlPlane: true,
        Worker: true,
      },
    ],
    CustomAddonImages: null,
    CustomAddonRegistries: null,
    VerifyComponents: { apiserver: true, system_pods: true },
    StartHostTimeout: 360000000000,
    ScheduledStop: null,
    ExposedPorts: [],
    ListenAddress: '',
    Network2: undefined,
    MultiNodeRequested: false,
    StaticIP: '',
    SSHAuthSock: '',
    SSHAgentPID: 0,
    GPUs: '',
    AutoPauseInterval: 60000000000,
  };
}

export function profileList(ctx, p) {
  const state = readState(ctx.stateDir);
  const profs = Object.values(state.minikube.profiles);
  const o = p.flags.output;
  if (o !== 'json' && o !== 'table') {
    ctx.err(`\nX Exiting due to MK_USAGE: invalid output format: ${o}. Valid values: 'table', 'json'\n\n`);
    return 14;
  }
  const current = state.kubeconfig.current;
  const rows = profs.map((pr) => {
    const ctxName = Object.entries(state.kubeconfig.contexts).find(([, c]) => /** @type {any} */ (c).cluster === pr.cluster)?.[0];
    return {
      Name: pr.name,
      Status: hostState(ctx, pr) === 'Running' ? 'OK' : 'Stopped',
      Config: profileConfig(pr),
      Active: pr.name === 'minikube',
      ActiveKubeContext: !!ctxName && ctxName === current,
    };
  });
  if (o === 'json') {
    ctx.out(goJSON({ invalid: [], valid: rows }));
    return 0;
  }
  if (!profs.length) {
    ctx.err(
      `\nX Exiting due to MK_USAGE_NO_PROFILE: No minikube profile was found.\n* Suggestion: You can create one using 'minikube start'.\n\n`,
    );
    return 14;
  }
  const head = ['Profile', 'Driver', 'Runtime', 'IP', 'Version', 'Status', 'Nodes', 'Active Profile', 'Active Kubecontext'];
  const data = rows.map((r) => [
    r.Name,
    r.Config.Driver,
    r.Config.KubernetesConfig.ContainerRuntime,
    r.Config.Nodes[0].IP,
    r.Config.KubernetesConfig.KubernetesVersion,
    r.Status,
    '1',
    r.Active ? '*' : '',
    r.ActiveKubeContext ? '*' : '',
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...data.map((d) => d[i].length)) + 2);
  const sep = '|' + w.map((x) => '-'.repeat(x)).join('|') + '|\n';
  const line = (cells) => '|' + cells.map((c, i) => ` ${c}`.padEnd(w[i])).join('|') + '|\n';
  ctx.out(sep + line(head) + sep + data.map(line).join('') + sep);
  return 0;
}
