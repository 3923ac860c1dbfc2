// @ts-check
// kube-system contents of a minikube node, and what a node stop/start does to pods.
import { getObject, putObject, listObjects, K8S_VERSION, METRICS_SERVER_IMAGE, deleteObject } from '../model.mjs';
import { createPod } from './pods.mjs';
import { newRun, restartsIn } from './kubelet.mjs';
import { recordEvent } from './event-recorder.mjs';
import { spread } from '../util.mjs';

const STATIC = [
  { name: 'etcd', image: 'registry.k8s.io/etcd:3.6.4-0', cpu: '100m', mem: '100Mi', tier: 'control-plane' },
  { name: 'kube-apiserver', image: `registry.k8s.io/kube-apiserver:${K8S_VERSION}`, cpu: '250m', tier: 'control-plane' },
  { name: 'kube-controller-manager', image: `registry.k8s.io/kube-controller-manager:${K8S_VERSION}`, cpu: '200m', tier: 'control-plane' },
  { name: 'kube-scheduler', image: `registry.k8s.io/kube-scheduler:${K8S_VERSION}`, cpu: '100m', tier: 'control-plane' },
];

function staticPod(state, c, name, spec, labels, at, ownerRef) {
  const pod = createPod(state, c, {
    owner: null,
    template: { metadata: { namespace: 'kube-system', labels }, spec },
    name,
    t: at,
    system: true,
    component: labels.component ?? labels['k8s-app'] ?? name,
  });
  pod.metadata.namespace = 'kube-system';
  if (ownerRef) pod.metadata.ownerReferences = [ownerRef];
  pod._sim.scheduledAt = at;
  pod.spec.nodeName = c.node.name;
  pod.spec.priorityClassName = 'system-node-critical';
  newRun(state, c, pod, at);
  pod._sim.runs[0].createAt = at;
  pod._sim.runs[0].env = {};
  return pod;
}

/** Create the control-plane pods, kube-proxy, storage-provisioner and CoreDNS if they are missing. */
export function ensureSystemPods(state, c, at) {
  if (c.foreign) return;
  const nodeRef = { apiVersion: 'v1', controller: true, kind: 'Node', name: c.node.name, uid: c.node.uid };
  const born = at - 9000;
  for (const s of STATIC) {
    const name = `${s.name}-${c.node.name}`;
    if (getObject(c, 'Pod', 'kube-system', name)) continue;
    staticPod(
      state,
      c,
      name,
      {
        hostNetwork: true,
        priority: 2000001000,
        containers: [
          {
            name: s.name,
            image: s.image,
            imagePullPolicy: 'IfNotPresent',
            resources: { requests: { cpu: s.cpu, ...(s.mem ? { memory: s.mem } : {}) } },
          },
        ],
      },
      { component: s.name, tier: s.tier },
      born,
      nodeRef,
    );
  }
  if (!listObjects(c, 'Pod', 'kube-system').some((p) => p.metadata.name.startsWith('kube-proxy-'))) {
    const ds = putObject(
      state,
      c,
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' } },
        spec: {
          selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
          template: {
            metadata: { labels: { 'k8s-app': 'kube-proxy' } },
            spec: { containers: [{ name: 'kube-proxy', image: `registry.k8s.io/kube-proxy:${K8S_VERSION}` }] },
          },
        },
      },
      born,
    );
    staticPod(
      state,
      c,
      `kube-proxy-${'xk2vr'}`,
      {
        hostNetwork: true,
        containers: [{ name: 'kube-proxy', image: `registry.k8s.io/kube-proxy:${K8S_VERSION}`, imagePullPolicy: 'IfNotPresent' }],
      },
      { 'k8s-app': 'kube-proxy', 'controller-revision-hash': '6b4f7d8c9d', 'pod-template-generation': '1' },
      born,
      { apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'DaemonSet', name: 'kube-proxy', uid: ds.metadata.uid },
    );
  }
  if (!getObject(c, 'Pod', 'kube-system', 'storage-provisioner')) {
    staticPod(
      state,
      c,
      'storage-provisioner',
      {
        serviceAccountName: 'storage-provisioner',
        hostNetwork: true,
        containers: [{ name: 'storage-provisioner', image: 'gcr.io/k8s-minikube/storage-provisioner:v5', imagePullPolicy: 'IfNotPresent' }],
      },
      { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'integration-test': 'storage-provisioner' },
      born,
    );
  }
  if (!getObject(c, 'Deployment', 'kube-system', 'coredns')) {
    systemDeployment(
      state,
      c,
      'coredns',
      { 'k8s-app': 'kube-dns' },
      {
        priorityClassName: 'system-cluster-critical',
        serviceAccountName: 'coredns',
        containers: [
          {
            name: 'coredns',
            image: 'registry.k8s.io/coredns/coredns:v1.12.1',
            imagePullPolicy: 'IfNotPresent',
            args: ['-conf', '/etc/coredns/Corefile'],
            ports: [
              { containerPort: 53, name: 'dns', protocol: 'UDP' },
              { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
              { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
            ],
            readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' }, periodSeconds: 10, initialDelaySeconds: 0 },
            resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
          },
        ],
      },
      at - 8000,
    );
    putObject(
      state,
      c,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' } },
        spec: {
          clusterIP: '10.96.0.10',
          clusterIPs: ['10.96.0.10'],
          type: 'ClusterIP',
          selector: { 'k8s-app': 'kube-dns' },
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
            { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
            { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
          ],
        },
      },
      at - 8000,
    );
    putObject(
      state,
      c,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: {
          clusterIP: '10.96.0.1',
          clusterIPs: ['10.96.0.1'],
          type: 'ClusterIP',
          ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 }],
        },
      },
      at - 9000,
    );
  }
}

function systemDeployment(state, c, name, labels, podSpec, at) {
  const d = putObject(
    state,
    c,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'kube-system', labels: { ...labels } },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: { metadata: { labels: { ...labels } }, spec: podSpec },
      },
    },
    at,
  );
  d._system = true;
  return d;
}

export function enableMetricsServer(state, c, at) {
  if (getObject(c, 'Deployment', 'kube-system', 'metrics-server')) return;
  systemDeployment(
    state,
    c,
    'metrics-server',
    { 'k8s-app': 'metrics-server' },
    {
      priorityClassName: 'system-cluster-critical',
      serviceAccountName: 'metrics-server',
      containers: [
        {
          name: 'metrics-server',
          image: METRICS_SERVER_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          args: [
            '--cert-dir=/tmp',
            '--secure-port=4443',
            '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
            '--kubelet-use-node-status-port',
            '--metric-resolution=60s',
            '--kubelet-insecure-tls',
          ],
          ports: [{ containerPort: 4443, name: 'https', protocol: 'TCP' }],
          readinessProbe: {
            httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' },
            periodSeconds: 10,
            initialDelaySeconds: 20,
            failureThreshold: 3,
          },
          resources: { requests: { cpu: '100m', memory: '200Mi' } },
        },
      ],
    },
    at,
  );
  putObject(
    state,
    c,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'metrics-server',
        namespace: 'kube-system',
        labels: { 'k8s-app': 'metrics-server', 'kubernetes.io/minikube-addons': 'metrics-server' },
      },
      spec: {
        clusterIP: '10.101.180.27',
        clusterIPs: ['10.101.180.27'],
        type: 'ClusterIP',
        selector: { 'k8s-app': 'metrics-server' },
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' }],
      },
    },
    at,
  );
}

export function disableMetricsServer(state, c, at) {
  const d = deleteObject(c, 'Deployment', 'kube-system', 'metrics-server');
  deleteObject(c, 'Service', 'kube-system', 'metrics-server');
  if (!d) return;
  for (const rs of listObjects(c, 'ReplicaSet', 'kube-system')) {
    if ((rs.metadata.ownerReferences ?? []).some((r) => r.uid === d.metadata.uid)) (rs.spec.replicas = 0), (rs._orphanOf = d.metadata.uid);
  }
}

/** The node stops: every running sandbox ends now; terminating pods are gone. */
export function nodeStopped(state, c, at) {
  for (const p of Object.values(c.objects).filter((o) => o.kind === 'Pod')) {
    const run = p._sim.runs[p._sim.runs.length - 1];
    if (run && run.stop == null) run.stop = at;
    if (p._sim.deletionAt != null) p._sim.finalizeAt = Math.min(p._sim.finalizeAt ?? at, at);
  }
  // finalize immediately
  for (const p of Object.values(c.objects).filter((o) => o.kind === 'Pod')) {
    if (p._sim.finalizeAt != null && p._sim.finalizeAt <= at) {
      delete c.objects[`Pod|${p.metadata.namespace}|${p.metadata.name}`];
      p._sim.deletedAt = p._sim.finalizeAt;
      c.graveyard.push(p);
    }
  }
  c.up = false;
  c.upSince = null;
  c.lastReconcile = at;
}

/** The node is back: every scheduled pod gets a new sandbox (same name, restartCount + 1). */
export function nodeStarted(state, c, at, faults) {
  c.up = true;
  c.upSince = at;
  c.lastReconcile = at;
  for (const p of Object.values(c.objects).filter((o) => o.kind === 'Pod')) {
    const sim = p._sim;
    if (sim.scheduledAt == null) continue;
    const idx = sim.runs.length - 1;
    if (idx >= 0) {
      const prev = sim.runs[idx];
      sim.restartBase += restartsIn(p, idx, faults, prev.stop ?? at);
      prev.stop ??= at;
    }
    const delay = sim.system ? spread(p.metadata.name + ':boot' + idx, 0, 2500) - 9000 : spread(p.metadata.name + ':boot' + idx, 500, 4000);
    newRun(state, c, p, Math.max(at + delay, sim.runs[idx]?.stop ?? at));
    if (sim.system) {
      const run = sim.runs[sim.runs.length - 1];
      run.createAt = run.start;
      run.env = {};
    } else {
      recordEvent(state, c, {
        obj: p,
        reason: 'SandboxChanged',
        message: 'Pod sandbox changed, it will be killed and re-created.',
        component: 'kubelet',
        host: c.node.name,
        at: at + 500,
      });
    }
  }
}
