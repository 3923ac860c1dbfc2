// @ts-check
// The node object at virtual time t: labels, capacity and allocatable, conditions, addresses,
// nodeInfo and the images on it, as minikube's node reports them.
import { K8S_VERSION, NODE_DOCKER_VERSION, NODE_CONTAINERD_VERSION } from '../model.mjs';
import { rfc3339 } from '../util.mjs';

export function nodeJSON(state, c, t) {
  const n = c.node;
  const memKi = n.memMi * 1024;
  const labels = c.foreign
    ? {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'e2-standard-4',
      }
    : {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'minikube.k8s.io/commit': '65318f4cfff9c12cc87ec9eb8f4cdd57b25047f3',
        'minikube.k8s.io/name': c.profile,
        'minikube.k8s.io/primary': 'true',
        'minikube.k8s.io/updated_at': rfc3339(n.createdAt).replace(/[-:]/g, '_').replace('T', 'T').replace('Z', '_0700'),
        'minikube.k8s.io/version': 'v1.37.0',
        'node-role.kubernetes.io/control-plane': '',
        'node.kubernetes.io/exclude-from-external-load-balancers': '',
      };
  const up = c.upSince ?? t;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      creationTimestamp: rfc3339(n.createdAt),
      labels,
      name: n.name,
      resourceVersion: String(state.seq.rv),
      uid: n.uid,
    },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    status: {
      addresses: [
        { address: n.ip, type: 'InternalIP' },
        { address: n.name, type: 'Hostname' },
      ],
      allocatable: {
        cpu: String(n.cpu / 1000),
        'ephemeral-storage': '102625208Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${memKi}Ki`,
        pods: '110',
      },
      capacity: {
        cpu: String(n.cpu / 1000),
        'ephemeral-storage': '102625208Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${memKi}Ki`,
        pods: '110',
      },
      conditions: [
        {
          lastHeartbeatTime: rfc3339(t),
          lastTransitionTime: rfc3339(n.createdAt),
          message: 'kubelet has sufficient memory available',
          reason: 'KubeletHasSufficientMemory',
          status: 'False',
          type: 'MemoryPressure',
        },
        {
          lastHeartbeatTime: rfc3339(t),
          lastTransitionTime: rfc3339(n.createdAt),
          message: 'kubelet has no disk pressure',
          reason: 'KubeletHasNoDiskPressure',
          status: 'False',
          type: 'DiskPressure',
        },
        {
          lastHeartbeatTime: rfc3339(t),
          lastTransitionTime: rfc3339(n.createdAt),
          message: 'kubelet has sufficient PID available',
          reason: 'KubeletHasSufficientPID',
          status: 'False',
          type: 'PIDPressure',
        },
        {
          lastHeartbeatTime: rfc3339(t),
          lastTransitionTime: rfc3339(up),
          message: 'kubelet is posting ready status',
          reason: 'KubeletReady',
          status: 'True',
          type: 'Ready',
        },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: n.uid,
        containerRuntimeVersion: c.foreign
          ? 'containerd://1.7.22'
          : state.minikube.profiles[c.profile ?? c.name]?.runtime === 'containerd'
            ? `containerd://${NODE_CONTAINERD_VERSION}`
            : `docker://${NODE_DOCKER_VERSION}`,
        kernelVersion: state.host.kernel,
        kubeProxyVersion: K8S_VERSION,
        kubeletVersion: K8S_VERSION,
        machineID: n.uid.replace(/-/g, ''),
        operatingSystem: 'linux',
        osImage: c.foreign ? 'Container-Optimized OS from Google' : 'Ubuntu 22.04.5 LTS',
        systemUUID: n.uid,
      },
    },
  };
}
