// helm: one function per operation. Secrets reach helm only through a 0600 values file (-f),
// never through --set, because argv is visible to every user of the machine (ps).
// Argv: sim/ARGV-CONTRACT.md. helm exits 1 on every error (main in cmd/helm/helm.go; only a
// plugin's CommandError carries another code), so outcomes are told apart by helm's error text.
import type { Exec, ExecResult } from '../exec.ts';
import type { Clock } from '../clock.ts';
import { ensureOk, parseJson, runWithRetry, seconds } from './common.ts';

/** driver.ErrReleaseNotFound (pkg/storage/driver/driver.go), which uninstall and status wrap. */
const RELEASE_NOT_FOUND = /release: not found/;

/**
 * The oldest helm the runbooks work with, and why. `helm uninstall --wait` (runbook 07) arrived in
 * helm 3.7.0 (cmd/helm/uninstall.go; 3.6 answers `unknown flag: --wait`); every other flag the
 * runbooks pass exists since 3.2 (--create-namespace). helm 4 keeps them all (pkg/cmd/*.go).
 */
export const HELM_MINIMUM = { version: 'v3.7.0', reason: 'helm uninstall --wait, used by 07-teardown, arrived in helm 3.7.0' } as const;

export interface HelmVersion {
  major: number;
  minor: number;
  patch: number;
}

export function parseHelmVersion(text: string): HelmVersion | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

/** Why this helm cannot run the runbooks, or undefined when it can (helm 3 ≥ 3.7.0, or helm 4). */
export function helmVersionProblem(text: string): string | undefined {
  const v = parseHelmVersion(text);
  if (!v) return `cannot read the helm version from "${text}"`;
  if (v.major < 3 || (v.major === 3 && v.minor < 7)) return `helm ${text} is older than ${HELM_MINIMUM.version}: ${HELM_MINIMUM.reason}`;
  if (v.major > 4) return `helm ${text} is newer than the helm 4 the runbooks were tested with`;
  return undefined;
}

export interface HelmOptions {
  kubeContext: string;
  clock: Clock;
}

export interface UpgradeRequest {
  release: string;
  chart: string;
  namespace: string;
  timeoutMs: number;
  valuesFiles?: string[];
  /** Non-secret overrides only; helm types them (true, 42, null). */
  set?: Record<string, string | number>;
  /**
   * Non-secret overrides that must stay strings. Image tags above all: an all-digit content tag
   * sent with --set becomes a number, and after a --reuse-values round trip renders as 8.36e+11.
   */
  setString?: Record<string, string>;
  install?: boolean;
  atomic?: boolean;
  /**
   * helm 4 only (ignored on helm 3, which has no such flag): let server-side apply take over fields
   * another manager owns — a `.spec.replicas` set by `kubectl scale` otherwise fails the upgrade
   * with "Apply failed with 1 conflict … with subresource "scale" … .spec.replicas".
   */
  forceConflicts?: boolean;
  reuseValues?: boolean;
  createNamespace?: boolean;
}

export interface ReleaseStatus {
  name: string;
  namespace: string;
  version: number;
  status: string;
  description: string;
  lastDeployed: string;
  manifest: string;
}

export interface ReleaseListing {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: string;
}

export interface HistoryEntry {
  revision: number;
  status: string;
  description: string;
  updated: string;
}

export class Helm {
  constructor(
    private readonly exec: Exec,
    private readonly options: HelmOptions,
  ) {}

  installed(): boolean {
    return this.exec.which('helm') !== undefined;
  }

  private cluster(args: string[]): string[] {
    return [...args, '--kube-context', this.options.kubeContext];
  }

  private read(args: string[]): Promise<ExecResult> {
    return runWithRetry(this.exec, this.options.clock, { tool: 'helm', args: this.cluster(args), timeoutMs: 60_000, quiet: true });
  }

  private versionText?: string;

  async version(): Promise<string> {
    if (this.versionText) return this.versionText;
    const r = ensureOk(
      await this.exec.run({ tool: 'helm', args: ['version', '--template', '{{.Version}}'], timeoutMs: 20_000, quiet: true }),
      `reinstall helm (≥ ${HELM_MINIMUM.version})`,
    );
    this.versionText = r.stdout.trim();
    return this.versionText;
  }

  /** helm 4 applies server-side (pkg/cmd/install.go --server-side defaults to true; upgrade "auto"). */
  async major(): Promise<number> {
    return parseHelmVersion(await this.version())?.major ?? 3;
  }

  /**
   * helm upgrade [--install] … --wait: returns once the release is deployed and ready; throws
   * CommandFailed with helm's reason otherwise (with --atomic the release is then rolled back or
   * uninstalled already: the caller's diagnosis must not depend on the pods still being there).
   */
  async upgrade(request: UpgradeRequest): Promise<void> {
    const helm4 = (await this.major()) >= 4;
    const args = ['upgrade'];
    if (request.install) args.push('--install');
    args.push(request.release, request.chart, '-n', request.namespace);
    if (request.createNamespace) args.push('--create-namespace');
    // helm 4 renamed --atomic (still accepted, with a deprecation notice): pkg/cmd/upgrade.go
    if (request.atomic) args.push(helm4 ? '--rollback-on-failure' : '--atomic');
    if (request.forceConflicts && helm4) args.push('--force-conflicts');
    if (request.reuseValues) args.push('--reuse-values');
    args.push('--wait', '--timeout', seconds(request.timeoutMs));
    for (const file of request.valuesFiles ?? []) args.push('-f', file);
    for (const [key, value] of Object.entries(request.set ?? {})) args.push('--set', `${key}=${value}`);
    for (const [key, value] of Object.entries(request.setString ?? {})) args.push('--set-string', `${key}=${value}`);
    const r = await this.exec.run({
      tool: 'helm',
      args: this.cluster(args),
      timeoutMs: request.timeoutMs + 60_000,
      why: request.install ? `install or upgrade release ${request.release}` : `upgrade release ${request.release}`,
    });
    ensureOk(
      r,
      `see what held it up: helm status ${request.release} -n ${request.namespace} --kube-context ${this.options.kubeContext}; raise --timeout on a slow cluster`,
    );
  }

  /** undefined when the release does not exist. */
  async status(release: string, namespace: string): Promise<ReleaseStatus | undefined> {
    const r = await this.read(['status', release, '-n', namespace, '-o', 'json']);
    if (r.exitCode !== 0 && /not found/.test(r.stderr)) return undefined;
    ensureOk(r, 'check that the cluster is running: minikube status');
    const raw = parseJson<{
      name: string;
      namespace: string;
      version: number;
      manifest?: string;
      info: { status: string; description: string; last_deployed: string };
    }>(r, 'helm status');
    return {
      name: raw.name,
      namespace: raw.namespace,
      version: raw.version,
      status: raw.info.status,
      description: raw.info.description,
      lastDeployed: raw.info.last_deployed,
      manifest: raw.manifest ?? '',
    };
  }

  async list(namespace: string): Promise<ReleaseListing[]> {
    const r = await this.read(['list', '-n', namespace, '-o', 'json']);
    ensureOk(r, 'check that the cluster is running: minikube status');
    return parseJson<Array<{ name: string; namespace: string; revision: string; status: string; chart: string }>>(r, 'helm list').map(
      (x) => ({ ...x, revision: Number(x.revision) }),
    );
  }

  /** The release's revisions. A release that does not exist, or a cluster that does not answer, throws (it once read as "no revisions"). */
  async history(release: string, namespace: string): Promise<HistoryEntry[]> {
    const r = ensureOk(
      await this.read(['history', release, '-n', namespace, '-o', 'json']),
      `check the release exists: helm list -n ${namespace} --kube-context ${this.options.kubeContext}`,
    );
    return parseJson<Array<{ revision: number; status: string; description: string; updated: string }>>(r, 'helm history');
  }

  /** The release's values (`all`: computed, the chart's defaults included), of the last revision or of `revision`. */
  async values(release: string, namespace: string, all = false, revision?: number): Promise<Record<string, unknown>> {
    const args = ['get', 'values', release, '-n', namespace, '-o', 'json'];
    if (all) args.push('--all');
    if (revision !== undefined) args.push('--revision', String(revision));
    const r = await this.read(args);
    ensureOk(r, `check the release exists: helm list -n ${namespace} --kube-context ${this.options.kubeContext}`);
    return parseJson<Record<string, unknown> | null>(r, 'helm get values') ?? {};
  }

  async manifest(release: string, namespace: string, revision?: number): Promise<string> {
    const r = await this.read([
      'get',
      'manifest',
      release,
      '-n',
      namespace,
      ...(revision === undefined ? [] : ['--revision', String(revision)]),
    ]);
    return ensureOk(r, `check the release exists: helm list -n ${namespace} --kube-context ${this.options.kubeContext}`).stdout;
  }

  /** forceConflicts: as for upgrade — helm 4's rollback applies server-side too (pkg/cmd/rollback.go). Throws CommandFailed when it fails. */
  async rollback(
    release: string,
    revision: number,
    namespace: string,
    timeoutMs: number,
    options: { forceConflicts?: boolean } = {},
  ): Promise<void> {
    const args = ['rollback', release, String(revision), '-n', namespace, '--wait', '--timeout', seconds(timeoutMs)];
    if (options.forceConflicts && (await this.major()) >= 4) args.push('--force-conflicts');
    const r = await this.exec.run({
      tool: 'helm',
      args: this.cluster(args),
      timeoutMs: timeoutMs + 60_000,
      why: `roll ${release} back to revision ${revision}`,
    });
    ensureOk(r, `see the revisions: helm history ${release} -n ${namespace} --kube-context ${this.options.kubeContext}`);
  }

  /**
   * Idempotent: a release that is already gone counts as uninstalled (`existed: false`;
   * --ignore-not-found needs helm ≥ 3.13). Any other failure throws CommandFailed.
   */
  async uninstall(release: string, namespace: string, timeoutMs: number): Promise<{ existed: boolean }> {
    const r = await this.exec.run({
      tool: 'helm',
      args: this.cluster(['uninstall', release, '-n', namespace, '--wait', '--timeout', seconds(timeoutMs)]),
      timeoutMs: timeoutMs + 60_000,
      why: `uninstall release ${release}`,
    });
    if (r.exitCode !== 0 && RELEASE_NOT_FOUND.test(r.stderr)) return { existed: false };
    ensureOk(
      r,
      `helm status ${release} -n ${namespace} --kube-context ${this.options.kubeContext}; if it is stuck in pending-*, helm rollback it first`,
    );
    return { existed: true };
  }

  /** Runs the chart's test pods; throws CommandFailed when one fails or does not finish in time. */
  async test(release: string, namespace: string, timeoutMs: number): Promise<void> {
    const r = await this.exec.run({
      tool: 'helm',
      args: this.cluster(['test', release, '-n', namespace, '--timeout', seconds(timeoutMs)]),
      timeoutMs: timeoutMs + 60_000,
      why: `run the chart's own test pod`,
    });
    ensureOk(r, `see the test pod's log: helm test ${release} -n ${namespace} --kube-context ${this.options.kubeContext} --logs`);
  }
}
