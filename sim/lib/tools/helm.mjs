// @ts-check
// Simulated helm (v3.16.2 unless SIM_FAULTS=helm-version=…): rendering is done by the real helm binary (helm template); releases,
// revisions and their effect on the cluster are modelled here.
import { parseOrFail, notImplemented } from '../common.mjs';

export const HELM_VERSION = 'v3.16.2';

/**
 * The helm version modelled: v3.16.2, or SIM_FAULTS=helm-version=<v> (e.g. 3.6.3, 3.7.0, 4.0.0).
 * @param {import('../faults.mjs').Faults} faults
 */
export function helmVersion(faults) {
  const v = faults.values('helm-version')[0];
  return v ? (v.startsWith('v') ? v : `v${v}`) : HELM_VERSION;
}
/** @param {string} v */
export function parseVersion(v) {
  const [major, minor, patch] = v.replace(/^v/, '').split('.').map(Number);
  return { major, minor, patch };
}
/** helm 4 (pkg/cmd/*.go, v4.0.0) applies server-side by default. */
export const isHelm4 = (faults) => parseVersion(helmVersion(faults)).major >= 4;

/**
 * The flags of each command as that version has them: a flag newer than the version is unknown
 * (pflag: "unknown flag: --wait"), a flag helm 4 deprecated warns on stderr.
 *   uninstall --wait: helm 3.7.0 (cmd/helm/uninstall.go); --ignore-not-found, --cascade: 3.13.0.
 *   helm 4 (pkg/cmd/install.go, upgrade.go, rollback.go): --server-side, --force-conflicts,
 *   --force-replace, --rollback-on-failure, --take-ownership; --atomic and --force deprecated.
 * @param {string} cmd @param {import('../faults.mjs').Faults} faults
 */
export function specFor(cmd, faults) {
  const spec = { ...SPECS[cmd] };
  const { major, minor } = parseVersion(helmVersion(faults));
  const atLeast = (a, b) => major > a || (major === a && minor >= b);
  if (cmd === 'uninstall') {
    if (!atLeast(3, 7)) delete spec.wait;
    if (!atLeast(3, 13)) {
      delete spec['ignore-not-found'];
      delete spec.cascade;
    }
  }
  if (major >= 4 && (cmd === 'upgrade' || cmd === 'install' || cmd === 'rollback')) {
    Object.assign(spec, {
      'force-conflicts': { type: 'bool' },
      'force-replace': { type: 'bool' },
      'server-side': cmd === 'install' ? { type: 'bool', def: true } : { type: 'string', def: 'auto' },
    });
    if (cmd !== 'rollback') Object.assign(spec, { 'rollback-on-failure': { type: 'bool' }, 'take-ownership': { type: 'bool' } });
  }
  return spec;
}

/** pflag's notice for a deprecated flag (helm 4: MarkDeprecated in pkg/cmd/install.go, upgrade.go). */
export function deprecationNotices(ctx, p) {
  if (!isHelm4(ctx.faults)) return;
  if (p.set.has('atomic')) ctx.err('Flag --atomic has been deprecated, use --rollback-on-failure instead\n');
  if (p.set.has('force')) ctx.err('Flag --force has been deprecated, use --force-replace instead\n');
}
const GLOBAL = {
  'burst-limit': { type: 'int', def: 100 },
  qps: { type: 'string' },
  debug: { type: 'bool' },
  'kube-apiserver': { type: 'string' },
  'kube-as-group': { type: 'stringArray' },
  'kube-as-user': { type: 'string' },
  'kube-ca-file': { type: 'string' },
  'kube-context': { type: 'string' },
  'kube-insecure-skip-tls-verify': { type: 'bool' },
  'kube-tls-server-name': { type: 'string' },
  'kube-token': { type: 'string' },
  kubeconfig: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'registry-config': { type: 'string' },
  'repository-cache': { type: 'string' },
  'repository-config': { type: 'string' },
  help: { type: 'bool', short: 'h' },
};
const OUT = { type: 'string', short: 'o', def: 'table', choices: ['table', 'json', 'yaml'], choiceError: 'invalid format type' };
const VALUES = {
  set: { type: 'stringArray' },
  'set-string': { type: 'stringArray' },
  'set-json': { type: 'stringArray' },
  'set-file': { type: 'stringArray' },
  'set-literal': { type: 'stringArray' },
  values: { type: 'stringArray', short: 'f' },
};
const CHART = {
  version: { type: 'string' },
  repo: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'ca-file': { type: 'string' },
  'cert-file': { type: 'string' },
  'key-file': { type: 'string' },
  'insecure-skip-tls-verify': { type: 'bool' },
  'pass-credentials': { type: 'bool' },
  verify: { type: 'bool' },
  keyring: { type: 'string' },
  devel: { type: 'bool' },
  'plain-http': { type: 'bool' },
};
const INSTALLISH = {
  ...VALUES,
  ...CHART,
  wait: { type: 'bool' },
  'wait-for-jobs': { type: 'bool' },
  atomic: { type: 'bool' },
  timeout: { type: 'duration', def: 300000 },
  'create-namespace': { type: 'bool' },
  output: OUT,
  'dry-run': { type: 'bool' },
  description: { type: 'string' },
  'disable-openapi-validation': { type: 'bool' },
  'no-hooks': { type: 'bool' },
  'post-renderer': { type: 'string' },
  'post-renderer-args': { type: 'stringArray' },
  'render-subchart-notes': { type: 'bool' },
  'skip-crds': { type: 'bool' },
  'dependency-update': { type: 'bool' },
  'enable-dns': { type: 'bool' },
  labels: { type: 'string', short: 'l' },
  'skip-schema-validation': { type: 'bool' },
  'hide-notes': { type: 'bool' },
  'hide-secret': { type: 'bool' },
  force: { type: 'bool' },
};
/** @type {Record<string, import('../argv.mjs').Spec>} */
export const SPECS = {
  version: { client: { type: 'bool', short: 'c' }, short: { type: 'bool' }, template: { type: 'string' } },
  upgrade: {
    ...INSTALLISH,
    install: { type: 'bool', short: 'i' },
    'reuse-values': { type: 'bool' },
    'reset-values': { type: 'bool' },
    'reset-then-reuse-values': { type: 'bool' },
    'cleanup-on-fail': { type: 'bool' },
    'history-max': { type: 'int', def: 10 },
  },
  install: { ...INSTALLISH, 'generate-name': { type: 'bool', short: 'g' }, 'name-template': { type: 'string' }, replace: { type: 'bool' } },
  status: { output: OUT, revision: { type: 'int', def: 0 }, 'show-desc': { type: 'bool' }, 'show-resources': { type: 'bool' } },
  list: {
    output: OUT,
    'all-namespaces': { type: 'bool', short: 'A' },
    all: { type: 'bool', short: 'a' },
    pending: { type: 'bool' },
    deployed: { type: 'bool' },
    failed: { type: 'bool' },
    uninstalled: { type: 'bool' },
    superseded: { type: 'bool' },
    uninstalling: { type: 'bool' },
    short: { type: 'bool', short: 'q' },
    max: { type: 'int', short: 'm', def: 256 },
    offset: { type: 'int', def: 0 },
    reverse: { type: 'bool', short: 'r' },
    date: { type: 'bool', short: 'd' },
    filter: { type: 'string', short: 'f' },
    selector: { type: 'string', short: 'l' },
    'no-headers': { type: 'bool' },
    'time-format': { type: 'string' },
  },
  history: { output: OUT, max: { type: 'int', def: 256 } },
  'get values': { output: OUT, all: { type: 'bool', short: 'a' }, revision: { type: 'int', def: 0 } },
  'get manifest': { revision: { type: 'int', def: 0 } },
  'get notes': { revision: { type: 'int', def: 0 } },
  'get all': { revision: { type: 'int', def: 0 }, template: { type: 'string' } },
  'get hooks': { revision: { type: 'int', def: 0 } },
  rollback: {
    wait: { type: 'bool' },
    'wait-for-jobs': { type: 'bool' },
    timeout: { type: 'duration', def: 300000 },
    'cleanup-on-fail': { type: 'bool' },
    'dry-run': { type: 'bool' },
    force: { type: 'bool' },
    'history-max': { type: 'int', def: 10 },
    'no-hooks': { type: 'bool' },
    'recreate-pods': { type: 'bool' },
  },
  uninstall: {
    wait: { type: 'bool' },
    timeout: { type: 'duration', def: 300000 },
    'ignore-not-found': { type: 'bool' },
    'keep-history': { type: 'bool' },
    'no-hooks': { type: 'bool' },
    'dry-run': { type: 'bool' },
    cascade: { type: 'string', def: 'background' },
    description: { type: 'string' },
  },
  test: { timeout: { type: 'duration', def: 300000 }, logs: { type: 'bool' }, filter: { type: 'stringArray' } },
  template: {
    ...INSTALLISH,
    'api-versions': { type: 'stringArray', short: 'a' },
    'include-crds': { type: 'bool' },
    'is-upgrade': { type: 'bool' },
    'kube-version': { type: 'string' },
    'output-dir': { type: 'string' },
    'release-name': { type: 'bool' },
    'show-only': { type: 'stringArray', short: 's' },
    'skip-tests': { type: 'bool' },
    validate: { type: 'bool' },
    'generate-name': { type: 'bool', short: 'g' },
    'name-template': { type: 'string' },
    replace: { type: 'bool' },
  },
  lint: {
    ...VALUES,
    strict: { type: 'bool' },
    'with-subcharts': { type: 'bool' },
    quiet: { type: 'bool' },
    'kube-version': { type: 'string' },
    'skip-schema-validation': { type: 'bool' },
  },
};
const ALIASES = { ls: 'list', hist: 'history', un: 'uninstall', del: 'uninstall', delete: 'uninstall', uninstal: 'uninstall' };
const KNOWN = [
  'completion',
  'create',
  'dependency',
  'env',
  'get',
  'help',
  'history',
  'install',
  'lint',
  'list',
  'package',
  'plugin',
  'pull',
  'push',
  'registry',
  'repo',
  'rollback',
  'search',
  'show',
  'status',
  'template',
  'test',
  'uninstall',
  'upgrade',
  'verify',
  'version',
  ...Object.keys(ALIASES),
];

/** @param {import('../cli.mjs').Ctx} ctx */
export async function run(ctx) {
  const argv = ctx.argv;
  const words = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i];
    if (a.startsWith('-')) {
      if (/^(-n|--namespace|--kube-context|--kubeconfig|-f|--values|--set|-o|--output|--timeout)$/.test(a)) i++;
      continue;
    }
    words.push(a);
  }
  if (!words.length) {
    ctx.out('The Kubernetes package manager (simulated helm; see docs/simulator.md)\n');
    return 0;
  }
  let top = words[0];
  if (!KNOWN.includes(top)) {
    ctx.err(`Error: unknown command "${top}" for "helm"\nRun 'helm --help' for usage.\n`);
    return 1;
  }
  top = ALIASES[top] ?? top;
  let cmd = top;
  if (top === 'get') {
    if (!words[1] || !['values', 'manifest', 'notes', 'all', 'hooks', 'metadata'].includes(words[1])) {
      ctx.out(
        '\nThis command consists of multiple subcommands which can be used to\nget extended information about the release.\n\nUsage:\n  helm get [command]\n',
      );
      return 0;
    }
    cmd = `get ${words[1]}`;
  }
  if (!SPECS[cmd]) notImplemented(ctx, 'helm', `"${cmd}"`);
  const spec = specFor(cmd, ctx.faults);
  const p = parseOrFail(ctx, argv, { ...GLOBAL, ...spec }, (msg) => ({ text: `Error: ${msg}\n`, code: 1 }));
  deprecationNotices(ctx, p);
  if (p.flags.help) {
    ctx.out(`(simulated helm) Usage: helm ${cmd} [flags]\n`);
    return 0;
  }
  const pos = p.args.slice(cmd.split(' ').length);
  if (cmd === 'version') {
    if (p.flags.template !== undefined) {
      const data = {
        Version: helmVersion(ctx.faults),
        GitCommit: '13654a52f7c70a143b1dd51416d633e1071faffb',
        GitTreeState: 'clean',
        GoVersion: 'go1.22.7',
      };
      ctx.out(p.flags.template.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, k) => data[k] ?? '<no value>'));
      return 0;
    }
    if (p.flags.short) {
      ctx.out(`${helmVersion(ctx.faults)}+g13654a5\n`);
      return 0;
    }
    ctx.out(
      `version.BuildInfo{Version:"${helmVersion(ctx.faults)}", GitCommit:"13654a52f7c70a143b1dd51416d633e1071faffb", GitTreeState:"clean", GoVersion:"go1.22.7"}\n`,
    );
    return 0;
  }
  return (await import('../helm/ops.mjs')).helmCommand(ctx, cmd, p, pos);
}
