// The argv the tool wrappers (src/tools/*) really send: every operation of the kubectl, helm and
// docker wrappers is driven once through a recording Exec, and what it sent is returned. Tests that
// check the argv against the real CLIs and the simulator use this list, so it cannot drift from the
// code. Every public method of a wrapper must be driven here: a new one fails `recordWrapperArgv`.
import type { ExecRequest } from '../../../src/exec.ts';
import { Docker } from '../../../src/tools/docker.ts';
import { DockerRegistry } from '../../../src/tools/docker-registry.ts';
import { Helm } from '../../../src/tools/helm.ts';
import { Kubectl, type ResourceKind } from '../../../src/tools/kubectl.ts';
import { RecordingExec, instantClock } from './fake-exec.ts';

export interface ArgvTargets {
  namespace: string;
  release: string;
  chart: string;
  /** A values file that exists. */
  valuesFile: string;
  /** A pod of the release's backend (may be a placeholder to fill in later). */
  pod: string;
  image: string;
  dockerfile: string;
  buildContext: string;
}

export type RecordedArgv = Record<'kubectl' | 'helm' | 'docker', string[][]>;

const LIST: ResourceKind[] = ['pods', 'deployments', 'replicasets', 'statefulsets', 'services', 'endpoints', 'pvc', 'events', 'configmaps'];

/** Canned answers good enough for every wrapper to parse (the argv is what matters here). */
function answers(exec: RecordingExec): RecordingExec {
  return exec
    .on(['kubectl', 'version'], { stdout: '{"clientVersion":{"gitVersion":"v1.34.0"}}' })
    .on(['kubectl', 'config'], { stdout: 'minikube\n' })
    .on(['kubectl', 'get'], { stdout: '{"items":[],"metadata":{"name":"x"}}' })
    .on(['kubectl', 'get', '--raw'], { stdout: '{"kind":"PodMetricsList","items":[]}' })
    .on(['helm', 'version'], { stdout: 'v3.16.2' })
    .on(['helm', 'status'], {
      stdout: '{"name":"r","info":{"status":"deployed","description":"","notes":""},"manifest":"","version":1,"namespace":"n"}',
    })
    .on(['helm', 'list'], { stdout: '[]' })
    .on(['helm', 'history'], { stdout: '[]' })
    .on(['helm', 'get', 'values'], { stdout: '{}' })
    .on(['docker', 'version'], { stdout: '{"Client":{"Version":"28.2.2"},"Server":{"Version":"28.2.2","Os":"linux"}}' })
    .on(['docker', 'info'], { stdout: '{"ServerVersion":"28.2.2","NCPU":2,"MemTotal":8000000000,"OperatingSystem":"Debian"}' })
    .on(['docker', 'image', 'inspect'], { stdout: '{"Id":"sha256:abc","RepoTags":["x:y"],"Size":1,"Created":"2026-01-01T00:00:00Z"}' })
    .on(['docker', 'push'], { stdout: `t: digest: sha256:${'0'.repeat(64)} size: 1\n` });
}

/** Records which methods ran (directly or through another method) on a wrapper instance. */
function tracked<T extends object>(target: T, called: Set<string>): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return function (this: unknown, ...args: unknown[]) {
        called.add(key);
        return value.apply(this, args);
      };
    },
  });
}

function methodsOf(prototype: object): string[] {
  return Object.getOwnPropertyNames(prototype).filter(
    (name) => name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(prototype, name)?.value === 'function',
  );
}

function requireAllDriven(name: string, prototype: object, called: Set<string>): void {
  const missed = methodsOf(prototype).filter((m) => !called.has(m));
  if (missed.length)
    throw new Error(
      `test/unit/helpers/wrapper-argv.ts does not drive ${name}.${missed.join(`, ${name}.`)}: add them, so that their argv is checked too`,
    );
}

const argvOf = (calls: ExecRequest[], tool: string) => calls.filter((c) => c.tool === tool).map((c) => [...c.args]);

export async function recordWrapperArgv(t: ArgvTargets): Promise<RecordedArgv> {
  const { namespace: ns, release, chart, valuesFile, pod } = t;
  const exec = answers(new RecordingExec());

  const kubectlCalled = new Set<string>();
  const k = tracked(new Kubectl(exec, { context: 'minikube', requestTimeoutS: 10, clock: instantClock }), kubectlCalled);
  k.installed();
  await k.clientVersion();
  await k.currentContext();
  await k.contexts();
  await k.nodes();
  for (const kind of LIST) {
    await k.list(kind, ns);
    await k.list(kind, ns, `app.kubernetes.io/instance=${release}`);
  }
  for (const kind of ['namespace', 'secret', 'configmap', 'deployment', 'pod', 'service'] as const) {
    const name = {
      namespace: ns,
      secret: `${release}-secrets`,
      configmap: `${release}-config`,
      deployment: `${release}-backend`,
      pod,
      service: `${release}-backend`,
    }[kind];
    await k.get(kind, name, kind === 'namespace' ? undefined : ns);
  }
  await k.get('customresourcedefinition', 'servicemonitors.monitoring.coreos.com');
  await k.list('servicemonitors.monitoring.coreos.com', ns, `app.kubernetes.io/instance=${release}`);
  await k.createNamespace(ns);
  await k.waitPodsReady(ns, `app.kubernetes.io/instance=${release}`, 300_000);
  await k.rolloutStatus(`${release}-frontend`, ns, 300_000);
  await k.scale(`${release}-frontend`, 2, ns);
  await k.logs(pod, 'backend', ns, 30);
  await k.logs(pod, 'backend', ns, 30, true);
  await k.describePod(pod, ns);
  await k.printenv(pod, 'backend', ns, 'MAX_CONVERSATION_HISTORY');
  const target = { pod, container: 'backend', namespace: ns };
  await k.execIn(target, ['pg_dump', '--version'], { timeoutMs: 10_000, why: 'w', remedy: 'r' });
  await k.execIn(target, ['pg_restore', '--version'], { timeoutMs: 10_000, why: 'w', remedy: 'r', stdinFile: valuesFile });
  await k.apply('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"argv-probe"}}', ns, 'w');
  await k.apply('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"argv-probe"}}', ns, 'w', true);
  await k.podMetrics(ns);
  await k.portForward(`svc/${release}-mcp`, 8001, ns, 10_000);
  await k.proxy(10_000);
  await k.deletePod(pod, ns);
  await k.deletePods('app.kubernetes.io/component=frontend', ns);
  await k.deletePvcs(`app.kubernetes.io/instance=${release}`, ns);
  await k.deleteSecrets([`sh.helm.release.v1.${release}.v1`, `${release}-secrets`], ns, 'w');
  await k.execIn(target, ['sh', '-c', 'read -r X'], { timeoutMs: 10_000, why: 'w', remedy: 'r', input: 'x\n' });
  await k.deleteNamespace(ns, 120_000);
  requireAllDriven('Kubectl', Kubectl.prototype, kubectlCalled);

  const helmCalled = new Set<string>();
  const h = tracked(new Helm(exec, { kubeContext: 'minikube', clock: instantClock }), helmCalled);
  h.installed();
  await h.version();
  await h.upgrade({
    release,
    chart,
    namespace: ns,
    timeoutMs: 300_000,
    install: true,
    atomic: true,
    createNamespace: true,
    valuesFiles: [valuesFile],
    setString: { 'backend.image.tag': 'dev', 'publicUrls.frontend': 'http://127.0.0.1:30080' },
  });
  await h.upgrade({
    release,
    chart,
    namespace: ns,
    timeoutMs: 300_000,
    reuseValues: true,
    set: { 'frontend.replicaCount': 2, 'backend.env.MAX_CONVERSATION_HISTORY': 30 },
  });
  await h.status(release, ns);
  await h.list(ns);
  await h.history(release, ns);
  await h.values(release, ns);
  await h.values(release, ns, true);
  await h.manifest(release, ns);
  await h.test(release, ns, 300_000);
  await h.rollback(release, 1, ns, 300_000);
  await h.uninstall(release, ns, 300_000);
  requireAllDriven('Helm', Helm.prototype, helmCalled);

  const dockerCalled = new Set<string>();
  const d = tracked(new Docker(exec), dockerCalled);
  d.installed();
  await d.version();
  await d.info();
  await d.build({
    image: t.image,
    dockerfile: t.dockerfile,
    context: t.buildContext,
    buildArgs: { NEXT_PUBLIC_API_URL: 'http://x' },
    labels: { 'org.opencontainers.image.revision': 'abc' },
    timeoutMs: 600_000,
  });
  await d.inspectImage(t.image);
  await d.history(t.image);
  requireAllDriven('Docker', Docker.prototype, dockerCalled);

  const registryCalled = new Set<string>();
  const r = tracked(new DockerRegistry(exec), registryCalled);
  await r.login('registry.test:5000', 'argv-probe', 'argv-probe-password', {});
  await r.daemonHost();
  await r.tag(t.image, `registry.test:5000/team/${t.image}`);
  await r.push(`registry.test:5000/team/${t.image}`, 'registry.test:5000', undefined, 60_000);
  requireAllDriven('DockerRegistry', DockerRegistry.prototype, registryCalled);

  return { kubectl: argvOf(exec.calls, 'kubectl'), helm: argvOf(exec.calls, 'helm'), docker: argvOf(exec.calls, 'docker') };
}
