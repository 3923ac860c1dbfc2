// Runbook 00: prerequisites. Tools and versions, the Docker daemon, the kube-context guard,
// the minikube cluster (started only when needed, asking first), metrics-server, the namespace.
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { installHint, dockerDownHint, currentOs } from '../platform.ts';
import { guardContext } from '../cluster/guard.ts';
import { clusterKind, skipMinikubeStep } from '../cluster/cluster-kind.ts';
import { DELETE_LOSES, unreadableStatusText } from '../tools/minikube.ts';
import { UsageError, attempt } from '../errors.ts';
import { HELM_MINIMUM, helmVersionProblem } from '../tools/helm.ts';
import { formatDuration } from '../clock.ts';

const REQUIRED = ['docker', 'minikube', 'kubectl', 'helm'] as const;
const OPTIONAL = ['kubectl-ai', 'kagent'] as const;

async function toolVersion(ctx: RunbookContext, tool: (typeof REQUIRED)[number] | (typeof OPTIONAL)[number]): Promise<string | undefined> {
  const t = ctx.tools;
  switch (tool) {
    case 'docker':
      return t.docker.installed() ? (await t.docker.version()).version.client : undefined;
    case 'minikube':
      return t.minikube.installed() ? t.minikube.version() : undefined;
    case 'kubectl':
      return t.kubectl.installed() ? t.kubectl.clientVersion() : undefined;
    case 'helm':
      return t.helm.installed() ? t.helm.version() : undefined;
    case 'kubectl-ai':
      return t.kubectlAi.installed() ? ((await t.kubectlAi.version()) ?? 'installed (version unknown)') : undefined;
    case 'kagent':
      return t.kagent.installed() ? ((await t.kagent.version())?.cli ?? 'installed (version unknown)') : undefined;
  }
}

async function checkTools(ctx: RunbookContext): Promise<void> {
  const missing: string[] = [];
  // Another cluster named with --context needs no minikube (cluster-kind.ts): present or not, it is not required.
  const otherCluster = ctx.tools.kubectl.context !== ctx.settings.profile;
  for (const tool of REQUIRED) {
    const version = await toolVersion(ctx, tool);
    if (version) ctx.fact(tool, version);
    if (tool === 'minikube' && otherCluster && !version) {
      ctx.check({
        id: 'SETUP-TOOL-MINIKUBE',
        title: 'minikube installed',
        expected: `not needed: --context ${ctx.tools.kubectl.context} is another cluster`,
        measured: 'not found on PATH',
        pass: 'skip',
      });
      continue;
    }
    const helmProblem = tool === 'helm' && version ? helmVersionProblem(version) : undefined;
    if (
      !ctx.check({
        id: `SETUP-TOOL-${tool.toUpperCase()}`,
        title: `${tool} installed`,
        expected: tool === 'helm' ? `helm ≥ ${HELM_MINIMUM.version} (${HELM_MINIMUM.reason}) or helm 4` : 'installed',
        measured: helmProblem ?? (version ? version : 'not found on PATH'),
        pass: Boolean(version) && !helmProblem,
        remedy: tool === 'helm' && version ? `upgrade helm to ${HELM_MINIMUM.version} or later: ${installHint(tool)}` : installHint(tool),
      })
    )
      missing.push(tool);
  }
  for (const tool of OPTIONAL) {
    const version = await toolVersion(ctx, tool);
    ctx.fact(tool, version ?? 'not installed (optional)');
    ctx.check({
      id: `SETUP-TOOL-${tool.toUpperCase()}`,
      title: `${tool} installed (optional)`,
      expected: 'installed, or skipped',
      measured: version ?? 'not installed — runbook 06 will skip it',
      pass: version ? 'pass' : 'skip',
      remedy: installHint(tool),
    });
  }
  const gordon = ctx.tools.docker.installed() ? await ctx.tools.gordon.version() : undefined;
  ctx.fact('gordon (docker ai)', gordon ?? 'not available (optional)');
  ctx.check({
    id: 'SETUP-TOOL-GORDON',
    title: 'Gordon (docker ai) available (optional)',
    expected: 'available, or skipped',
    measured: gordon ?? 'not available — runbook 06 will skip it',
    pass: gordon ? 'pass' : 'skip',
    remedy: installHint('gordon'),
  });
  if (missing.length)
    ctx.require({
      id: 'SETUP-TOOLS',
      title: 'required tools',
      expected: REQUIRED.join(', '),
      measured: `missing or unsupported: ${missing.join(', ')}`,
      pass: false,
      remedy: missing.map((t) => installHint(t)).join('; '),
    });
}

async function checkDocker(ctx: RunbookContext): Promise<boolean> {
  const { version, daemonUp, error } = await ctx.tools.docker.version();
  if (daemonUp) ctx.fact('docker daemon', `${version.server} (${version.serverOs ?? 'unknown os'})`);
  ctx.require({
    id: 'SETUP-DOCKER',
    title: 'Docker daemon reachable',
    expected: 'the daemon answers',
    measured: daemonUp ? `server ${version.server}` : error.split('\n').pop() || 'no answer',
    pass: daemonUp,
    remedy: dockerDownHint(),
  });
  return daemonUp;
}

export { DELETE_LOSES } from '../tools/minikube.ts';

/**
 * The driver to start with. An existing profile keeps its own: validateSpecifiedDriver
 * (cmd/minikube/cmd/start.go) exits 81 (GUEST_DRIVER_MISMATCH) when --driver names another one,
 * so a user whose profile runs on qemu2, kvm2, hyperkit or podman must never get --driver=docker.
 */
export function startDriver(options: { requested: string; existing?: string; profile: string }): string {
  const { requested, existing, profile } = options;
  if (!existing) return requested || 'docker'; // auto: the docker driver, since the daemon is up
  if (requested && requested !== existing) {
    throw new UsageError(
      `minikube profile "${profile}" runs on the ${existing} driver and minikube cannot change an existing cluster's driver (MINIKUBE_DRIVER is ${requested})`,
      `use its own driver (unset MINIKUBE_DRIVER, or MINIKUBE_DRIVER=${existing}), or a new profile for the ${requested} driver (--profile <new-name>); ${DELETE_LOSES}`,
    );
  }
  return existing;
}

async function ensureCluster(ctx: RunbookContext): Promise<void> {
  const { minikube } = ctx.tools;
  const { profile, cpus, memoryMb } = ctx.settings;
  const status = await minikube.status();
  const existing = status.exists ? (await minikube.profiles()).find((p) => p.name === profile) : undefined;
  const driver = startDriver({ requested: ctx.settings.driver, existing: existing?.driver || undefined, profile });
  ctx.fact(
    'minikube status (before)',
    status.unreadable
      ? unreadableStatusText(profile).what
      : status.exists
        ? `host ${status.host}, apiserver ${status.apiServer}${existing ? `, driver ${existing.driver}` : ''}`
        : 'no such profile',
  );
  if (status.running) {
    ctx.note(`minikube profile "${profile}" is already running; not starting it again`);
  } else {
    const what = status.unreadable
      ? `${unreadableStatusText(profile).what}. Start it (minikube start creates the node again)?`
      : status.exists
        ? `Start the stopped minikube profile "${profile}" (driver ${driver})?`
        : `Create and start minikube profile "${profile}" (${cpus} CPUs, ${memoryMb} MB, driver ${driver})?`;
    const go = await ctx.confirm(what, { default: true, whenNonInteractive: true });
    if (!go)
      ctx.require({
        id: 'SETUP-CLUSTER',
        title: 'minikube cluster running',
        expected: 'Running',
        measured: `${status.host} — you chose not to start it`,
        pass: false,
        remedy: `start it yourself: minikube start -p ${profile}`,
      });
    const started = ctx.clock.now();
    const result = await attempt(minikube.start({ cpus, memoryMb, driver, timeoutMs: Math.max(ctx.settings.timeoutMs, 600_000) }));
    ctx.span('cluster', 'minikube start', started, ctx.clock.now());
    if (!result.ok) {
      ctx.evidence('minikube start output', result.error.stderr);
      ctx.require({
        id: 'SETUP-CLUSTER',
        title: 'minikube cluster running',
        expected: 'minikube start succeeds',
        measured: result.error.reason || `exit ${result.error.exitCode}`,
        pass: false,
        remedy: startRemedy(profile, status.exists),
      });
    }
    ctx.note(`minikube start took ${formatDuration(ctx.clock.now() - started)}`);
  }
  const after = await minikube.status();
  ctx.require({
    id: 'SETUP-CLUSTER',
    title: 'minikube cluster running',
    expected: 'host, kubelet and apiserver Running',
    measured: after.unreadable
      ? unreadableStatusText(profile).what
      : `host ${after.host}, kubelet ${after.kubelet}, apiserver ${after.apiServer}`,
    pass: after.running,
    remedy: after.unreadable
      ? unreadableStatusText(profile).remedy
      : `minikube start -p ${profile}; if it keeps failing: minikube logs -p ${profile}`,
  });

  const config = (await minikube.profiles()).find((p) => p.name === profile);
  if (config) {
    ctx.fact(
      'minikube',
      `driver ${config.driver}, runtime ${config.runtime || 'unknown'}, ${config.cpus} CPUs, ${config.memoryMb} MB, Kubernetes ${config.kubernetesVersion}, node ${config.ip}`,
    );
    const matches = config.cpus >= cpus && config.memoryMb >= memoryMb;
    ctx.check({
      id: 'SETUP-CLUSTER-SIZE',
      title: 'cluster has the configured size',
      expected: `≥ ${cpus} CPUs, ≥ ${memoryMb} MB`,
      measured: `${config.cpus} CPUs, ${config.memoryMb} MB, driver ${config.driver}`,
      pass: matches ? 'pass' : 'warn',
      remedy: `minikube sets the size only when it creates a cluster: use a new profile with the size you want (--profile <new-name>); ${DELETE_LOSES}`,
    });
  }
}

/** Never "delete it" first: a failed start of an existing cluster is almost never fixed by losing it. */
function startRemedy(profile: string, exists: boolean): string {
  const logs = `see the output above and minikube logs -p ${profile}`;
  if (!exists) return `${logs}; try another driver with MINIKUBE_DRIVER, or another profile name with --profile`;
  return `${logs}; a different driver needs a new profile (--profile <new-name> with MINIKUBE_DRIVER); only as a last resort, and knowing that ${DELETE_LOSES}: minikube delete -p ${profile}`;
}

async function checkNode(ctx: RunbookContext): Promise<void> {
  const nodes = await ctx.tools.kubectl.nodes();
  const ready = nodes.filter((n) =>
    (n.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'),
  );
  const node = nodes[0];
  const cpu = node?.status?.allocatable?.cpu ?? '?';
  const memory = node?.status?.allocatable?.memory ?? '?';
  ctx.require({
    id: 'SETUP-NODE',
    title: 'node Ready',
    expected: 'at least one Ready node',
    measured: `${ready.length}/${nodes.length} Ready (allocatable cpu ${cpu}, memory ${memory})`,
    pass: ready.length > 0,
    remedy: `kubectl describe nodes --context ${ctx.settings.profile}; minikube logs -p ${ctx.settings.profile}`,
  });
}

async function ensureMetricsServer(ctx: RunbookContext): Promise<void> {
  const { minikube } = ctx.tools;
  if (await minikube.addonEnabled('metrics-server')) {
    ctx.check({ id: 'SETUP-METRICS', title: 'metrics-server addon', expected: 'enabled', measured: 'already enabled', pass: true });
    return;
  }
  const result = await attempt(minikube.enableAddon('metrics-server'));
  const enabled = result.ok && (await minikube.addonEnabled('metrics-server'));
  ctx.check({
    id: 'SETUP-METRICS',
    title: 'metrics-server addon',
    expected: 'enabled',
    measured: enabled
      ? 'enabled now'
      : `enable failed: ${result.ok ? 'minikube addons list does not show it enabled' : result.error.reason || `exit ${result.error.exitCode}`}`,
    pass: enabled ? 'pass' : 'warn',
    remedy: `minikube addons enable metrics-server -p ${ctx.settings.profile} (06-ai-diagnostics works without it, with less evidence)`,
  });
}

async function ensureNamespace(ctx: RunbookContext): Promise<void> {
  const { namespace } = ctx.settings;
  const existing = await ctx.tools.kubectl.get('namespace', namespace);
  if (!existing) await ctx.tools.kubectl.createNamespace(namespace);
  const now = await ctx.tools.kubectl.get('namespace', namespace);
  ctx.require({
    id: 'SETUP-NAMESPACE',
    title: `namespace ${namespace}`,
    expected: 'exists',
    measured: now ? (existing ? 'already existed' : 'created') : 'missing after create',
    pass: Boolean(now),
    remedy: `kubectl create namespace ${namespace} --context ${ctx.settings.profile}`,
  });
}

export const setup: RunbookDefinition = {
  id: '00-setup',
  title: '00 · Setup: tools, Docker, minikube, namespace',
  summary:
    'Checks the tools and their versions, the Docker daemon and the kube-context, starts or validates the minikube cluster, enables metrics-server and creates the namespace.',
  async run(ctx) {
    ctx.fact('os family', currentOs());
    await ctx.step('Check the tools', 'every runbook shells out to these; optional AI tools are reported, not required', () =>
      checkTools(ctx),
    );
    await ctx.step('Check the Docker daemon', 'images are built with Docker and the minikube docker driver runs on it', () =>
      checkDocker(ctx),
    );
    await ctx.step('Guard the kube-context', 'nothing may change a cluster other than the minikube profile', () => guardContext(ctx));
    const kind = await clusterKind(ctx);
    if (kind.minikube)
      await ctx.step('Start or validate the minikube cluster', 'start only when needed, with the configured CPUs, memory and driver', () =>
        ensureCluster(ctx),
      );
    else skipMinikubeStep(ctx, kind, 'minikube start and status (the cluster must already run)');
    await ctx.step('Check the node', 'pods need a Ready node with room for them', () => checkNode(ctx));
    if (kind.minikube)
      await ctx.step('Enable metrics-server', 'kubectl top and the diagnostics in 06 read resource use from it', () =>
        ensureMetricsServer(ctx),
      );
    else skipMinikubeStep(ctx, kind, 'minikube addons enable metrics-server (06 reads resource use only if that cluster runs one)');
    await ctx.step('Create the namespace', 'the release lives in its own namespace', () => ensureNamespace(ctx));
  },
};
