// Typed settings from flags > environment > .env > defaults, validated before anything runs.
// The table below is the single source of truth: --help, .env.example and docs are checked against it.
import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseDotenv } from 'dotenv';
import { UsageError } from './errors.ts';
import { parseExtraSecretKeys, type ExtraSecretKey } from './runbooks/steps/extra-secrets.ts';
import { argsTemplate, restPath, toolName } from './cluster/data-check.ts';
import { chatHeaders, chatSmokePath, type ChatSmokeSettings } from './cluster/chat-smoke.ts';
import { budgetSetting } from './size-budgets.ts';

export interface Settings extends ChatSmokeSettings {
  profile: string;
  namespace: string;
  release: string;
  chartDir: string;
  /** The user's own values files (probe paths, limits, extra settings), applied by every upgrade. */
  valuesFiles: string[];
  /** Secret keys beyond the runbooks' own, with the components that read them. */
  extraSecretKeys: ExtraSecretKey[];
  cpus: number;
  memoryMb: number;
  driver: string;
  reportDir: string;
  /** Deadline for each wait, in milliseconds. */
  timeoutMs: number;
  /** --request-timeout for every kubectl call, in seconds. */
  requestTimeoutS: number;
  /** A kube-context the user named explicitly, allowing runbooks to act on it. */
  context: string;
  appSource: 'demo' | 'custom';
  frontendDir: string;
  backendDir: string;
  mcpDir: string;
  frontendDockerfile: string;
  backendDockerfile: string;
  mcpDockerfile: string;
  /** Image size budgets in MB; undefined: the default for the image's runtime (size-budgets.ts). */
  sizeBudgetFrontend: number | undefined;
  sizeBudgetBackend: number | undefined;
  sizeBudgetMcp: number | undefined;
  kubectlAiProvider: string;
  kubectlAiModel: string;
  kagentNamespace: string;
  kagentAgent: string;
}

type Key = keyof Settings;
type Source = 'flag' | 'environment' | 'env-file' | 'default';

interface SettingSpec<K extends Key = Key> {
  key: K;
  env: string;
  flag?: string;
  default: string;
  description: string;
  parse(raw: string, name: string): Settings[K];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DRIVERS = [
  'docker',
  'podman',
  'kvm2',
  'qemu2',
  'qemu',
  'virtualbox',
  'hyperkit',
  'vfkit',
  'hyperv',
  'parallels',
  'vmware',
  'none',
  'ssh',
];

const text = (raw: string) => raw;

function dnsLabel(raw: string, name: string): string {
  if (raw.length > 63 || !DNS_LABEL.test(raw)) {
    throw new UsageError(
      `${name} "${raw}" is not a valid Kubernetes name`,
      'use lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
    );
  }
  return raw;
}

function profileName(raw: string, name: string): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/.test(raw)) {
    throw new UsageError(
      `${name} "${raw}" is not a valid minikube profile name`,
      'use letters, digits, ".", "_" or "-", e.g. --profile minikube',
    );
  }
  return raw;
}

function integer(min: number, max: number) {
  return (raw: string, name: string): number => {
    if (!/^\d+$/.test(raw.trim()))
      throw new UsageError(`${name} "${raw}" is not a whole number`, `give a number between ${min} and ${max}`);
    const value = Number(raw);
    if (value < min || value > max) throw new UsageError(`${name} "${raw}" is out of range`, `give a number between ${min} and ${max}`);
    return value;
  };
}

/** Accepts 300, 300s, 5m, 1h (seconds when no unit), returns milliseconds. */
export function parseDuration(raw: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  const value = match ? Number(match[1]) : NaN;
  if (!match || !(value > 0)) {
    throw new UsageError(`${name} "${raw}" is not a duration`, 'give seconds (300) or a number with a unit: 90s, 5m, 1h');
  }
  const unit = match[2] ?? 's';
  return value * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
}

function memory(raw: string, name: string): number {
  const match = /^(\d+)\s*(mb|m|gb|g)?$/i.exec(raw.trim());
  if (!match) throw new UsageError(`${name} "${raw}" is not a memory size`, 'give megabytes (4096) or gigabytes (4g)');
  const mb = /^g/i.test(match[2] ?? '') ? Number(match[1]) * 1024 : Number(match[1]);
  if (mb < 1800)
    throw new UsageError(
      `${name} "${raw}" (${mb} MB) is below minikube's minimum of 1800 MB`,
      'give at least 2048, e.g. MINIKUBE_MEMORY=4096',
    );
  return mb;
}

function driver(raw: string, name: string): string {
  if (raw === '' || raw === 'auto') return '';
  if (!DRIVERS.includes(raw)) throw new UsageError(`${name} "${raw}" is not a minikube driver`, `use one of: auto, ${DRIVERS.join(', ')}`);
  return raw;
}

function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string, name: string): T => {
    if (!values.includes(raw as T)) throw new UsageError(`${name} "${raw}" is not allowed`, `use one of: ${values.join(', ')}`);
    return raw as T;
  };
}

/** Relative chart folders are read from the project, as runbook 03 does. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Comma-separated values files, each relative to the working directory; every one must exist, so a
 * typo stops the run before helm changes anything. Applied before the runbook's own secrets file
 * and --set-string overrides (helm merges -f files left to right; --set wins over all).
 */
function valuesFileList(raw: string, name: string): string[] {
  const files = raw
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(resolve(file))) {
      throw new UsageError(
        `${name}: values file ${file} does not exist`,
        'give existing files, comma-separated (e.g. --values my-values.yaml,limits.yaml), or leave it unset',
      );
    }
  }
  return files.map((file) => resolve(file));
}

function chartFolder(raw: string, name: string): string {
  const folder = resolve(PROJECT_ROOT, raw);
  if (!existsSync(join(folder, 'Chart.yaml'))) {
    throw new UsageError(
      `${name} "${raw}" is not a Helm chart (no Chart.yaml in ${folder})`,
      'point it at the chart folder, or unset it to use helm/todo-chatbot',
    );
  }
  return raw;
}

/**
 * kubectl-ai's --llm-provider values: the ids its gollm package registers (RegisterProvider in
 * gollm/gemini.go, openai.go, azopenai.go, grok.go, ollama.go, llamacpp.go, bedrock.go). Any other
 * value makes kubectl-ai fail only after the cluster has been read.
 */
export const KUBECTL_AI_PROVIDERS = [
  'gemini',
  'vertexai',
  'openai',
  'openai-compatible',
  'azopenai',
  'grok',
  'ollama',
  'llamacpp',
  'bedrock',
] as const;

function spec<K extends Key>(s: SettingSpec<K>): SettingSpec<K> {
  return s;
}

export const SETTINGS: SettingSpec[] = [
  spec({
    key: 'profile',
    env: 'MINIKUBE_PROFILE',
    flag: 'profile',
    default: 'minikube',
    description: 'minikube profile (and kube-context) the runbooks act on',
    parse: profileName,
  }),
  spec({
    key: 'namespace',
    env: 'K8S_NAMESPACE',
    flag: 'namespace',
    default: 'todo-app',
    description: 'Kubernetes namespace of the release',
    parse: dnsLabel,
  }),
  spec({ key: 'release', env: 'HELM_RELEASE', default: 'todo-chatbot', description: 'Helm release name', parse: dnsLabel }),
  spec({ key: 'chartDir', env: 'HELM_CHART_DIR', default: 'helm/todo-chatbot', description: 'path of the Helm chart', parse: chartFolder }),
  spec({
    key: 'valuesFiles',
    env: 'HELM_VALUES_FILES',
    flag: 'values',
    default: '',
    description:
      'your own Helm values files, comma-separated, applied by every runbook that upgrades the release (before its secrets file and image tags)',
    parse: valuesFileList,
  }),
  spec({
    key: 'extraSecretKeys',
    env: 'EXTRA_SECRET_KEYS',
    default: '',
    description:
      'more secret keys for the app, comma-separated KEY or KEY:component+component (backend by default); values from the environment or .env',
    parse: parseExtraSecretKeys,
  }),
  spec({ key: 'cpus', env: 'MINIKUBE_CPUS', default: '2', description: 'CPUs for minikube start (at least 2)', parse: integer(2, 256) }),
  spec({
    key: 'memoryMb',
    env: 'MINIKUBE_MEMORY',
    default: '4096',
    description: 'memory for minikube start, in MB (or 4g)',
    parse: memory,
  }),
  spec({
    key: 'driver',
    env: 'MINIKUBE_DRIVER',
    default: 'auto',
    description: 'minikube driver: auto (docker preferred), docker, podman, kvm2, hyperkit, …',
    parse: driver,
  }),
  spec({
    key: 'reportDir',
    env: 'REPORT_DIR',
    flag: 'report-dir',
    default: 'reports',
    description: 'folder the markdown and JSON reports are written to',
    parse: text,
  }),
  spec({
    key: 'timeoutMs',
    env: 'RUNBOOK_TIMEOUT',
    flag: 'timeout',
    default: '300s',
    description: 'deadline for each wait (seconds, or 90s / 5m)',
    parse: parseDuration,
  }),
  spec({
    key: 'requestTimeoutS',
    env: 'KUBECTL_REQUEST_TIMEOUT',
    default: '20',
    description: '--request-timeout, in seconds, on every kubectl call',
    parse: integer(1, 600),
  }),
  spec({
    key: 'context',
    env: 'KUBE_CONTEXT',
    flag: 'context',
    default: '',
    description: "a kube-context other than the profile's that you explicitly allow the runbooks to act on",
    parse: text,
  }),
  spec({
    key: 'appSource',
    env: 'APP_SOURCE',
    default: 'demo',
    description: 'demo (the bundled app/) or custom (your own app, see docs/bring-your-own-app.md)',
    parse: oneOf(['demo', 'custom'] as const),
  }),
  spec({
    key: 'frontendDir',
    env: 'APP_FRONTEND_DIR',
    default: '',
    description: 'custom app: build context of the Next.js frontend',
    parse: text,
  }),
  spec({
    key: 'backendDir',
    env: 'APP_BACKEND_DIR',
    default: '',
    description: 'custom app: build context of the FastAPI backend',
    parse: text,
  }),
  spec({ key: 'mcpDir', env: 'APP_MCP_DIR', default: '', description: 'custom app: build context of the MCP server', parse: text }),
  spec({
    key: 'frontendDockerfile',
    env: 'FRONTEND_DOCKERFILE',
    default: '',
    description: 'custom app: Dockerfile of the frontend (default docker/templates/…)',
    parse: text,
  }),
  spec({
    key: 'backendDockerfile',
    env: 'BACKEND_DOCKERFILE',
    default: '',
    description: 'custom app: Dockerfile of the backend',
    parse: text,
  }),
  spec({ key: 'mcpDockerfile', env: 'MCP_DOCKERFILE', default: '', description: 'custom app: Dockerfile of the MCP server', parse: text }),
  spec({
    key: 'sizeBudgetFrontend',
    env: 'SIZE_BUDGET_FRONTEND',
    default: '',
    description: 'runbook 01: frontend image size budget in MB (empty: 500)',
    parse: budgetSetting,
  }),
  spec({
    key: 'sizeBudgetBackend',
    env: 'SIZE_BUDGET_BACKEND',
    default: '',
    description: 'runbook 01: backend image size budget in MB (empty: 300 on a Node base, 400 on a Python base)',
    parse: budgetSetting,
  }),
  spec({
    key: 'sizeBudgetMcp',
    env: 'SIZE_BUDGET_MCP',
    default: '',
    description: 'runbook 01: MCP image size budget in MB (empty: 150 on a Node base, 300 on a Python base)',
    parse: budgetSetting,
  }),
  spec({
    key: 'dataCheck',
    env: 'DATA_CHECK',
    default: 'mcp',
    description:
      "how 04 writes its todo and reads it back: mcp (the MCP tools every Phase III app has) or rest (the backend's todo collection)",
    parse: oneOf(['mcp', 'rest'] as const),
  }),
  spec({
    key: 'dataCheckAddTool',
    env: 'DATA_CHECK_MCP_ADD_TOOL',
    default: 'add_task',
    description: 'data check (mcp): the tool that adds a task',
    parse: toolName(false),
  }),
  spec({
    key: 'dataCheckAddArgs',
    env: 'DATA_CHECK_MCP_ADD_ARGS',
    default: '{"user_id":"runbook-drill","title":"{title}"}',
    description: "data check (mcp): its arguments as JSON; {title} is the drill task's title",
    parse: argsTemplate('{title}'),
  }),
  spec({
    key: 'dataCheckListTool',
    env: 'DATA_CHECK_MCP_LIST_TOOL',
    default: 'list_tasks',
    description: 'data check (mcp): the tool that lists tasks',
    parse: toolName(false),
  }),
  spec({
    key: 'dataCheckListArgs',
    env: 'DATA_CHECK_MCP_LIST_ARGS',
    default: '{"user_id":"runbook-drill"}',
    description: 'data check (mcp): its arguments as JSON',
    parse: argsTemplate(),
  }),
  spec({
    key: 'dataCheckDeleteTool',
    env: 'DATA_CHECK_MCP_DELETE_TOOL',
    default: 'delete_task',
    description: 'data check (mcp): the tool that deletes the drill task afterwards (none: it stays)',
    parse: (raw, name) => toolName(true)(raw === 'none' ? '' : raw, name),
  }),
  spec({
    key: 'dataCheckDeleteArgs',
    env: 'DATA_CHECK_MCP_DELETE_ARGS',
    default: '{"user_id":"runbook-drill","task_id":"{id}"}',
    description: 'data check (mcp): its arguments as JSON; "{id}" is the id the add tool returned',
    parse: argsTemplate('{id}'),
  }),
  spec({
    key: 'dataCheckRestPath',
    env: 'DATA_CHECK_REST_PATH',
    default: '/api/todos',
    description: "data check (rest): the backend's todo collection (POST {title} → 201 with an id, GET → list, DELETE <path>/<id>)",
    parse: restPath,
  }),
  spec({
    key: 'chatSmoke',
    env: 'CHAT_SMOKE',
    default: '0',
    description:
      "runbook 03: 1 sends one chat message that must make the agent add a task through the MCP tools (off by default: it spends the model's tokens)",
    parse: (raw, name) => {
      if (['1', 'true', 'on', 'yes'].includes(raw.toLowerCase())) return true;
      if (['0', 'false', 'off', 'no', ''].includes(raw.toLowerCase())) return false;
      throw new UsageError(`${name} "${raw}" is not on or off`, `${name}=1 turns the chat smoke check on, ${name}=0 leaves it off`);
    },
  }),
  spec({
    key: 'chatSmokePath',
    env: 'CHAT_SMOKE_PATH',
    default: '/api/chat',
    description: "chat smoke check: the backend's chat path (POST)",
    parse: chatSmokePath,
  }),
  spec({
    key: 'chatSmokeBody',
    env: 'CHAT_SMOKE_BODY',
    default: '{"message":"Add {title} to my list"}',
    description: 'chat smoke check: the JSON body; {title} is a task title unique to the run, which the MCP list tool must then show',
    parse: argsTemplate('{title}'),
  }),
  spec({
    key: 'chatSmokeHeaders',
    env: 'CHAT_SMOKE_HEADERS',
    default: '{"X-User-Id":"runbook-drill"}',
    description:
      'chat smoke check: extra request headers as JSON (the chat must act for the user DATA_CHECK_MCP_LIST_ARGS lists; no secrets here)',
    parse: chatHeaders,
  }),
  spec({
    key: 'kubectlAiProvider',
    env: 'KUBECTL_AI_PROVIDER',
    default: 'gemini',
    description: `kubectl-ai --llm-provider: ${KUBECTL_AI_PROVIDERS.join(', ')}`,
    parse: oneOf(KUBECTL_AI_PROVIDERS),
  }),
  spec({ key: 'kubectlAiModel', env: 'KUBECTL_AI_MODEL', default: 'gemini-2.5-flash', description: 'kubectl-ai --model', parse: text }),
  spec({
    key: 'kagentNamespace',
    env: 'KAGENT_NAMESPACE',
    default: 'kagent',
    description: 'namespace where the kagent controller runs',
    parse: dnsLabel,
  }),
  spec({ key: 'kagentAgent', env: 'KAGENT_AGENT', default: 'k8s-agent', description: 'kagent agent asked for a diagnosis', parse: text }),
];

export interface FlagSpec {
  name: string;
  type: 'boolean' | 'string';
  description: string;
  /** Accepted but left out of --help. */
  hidden?: boolean;
}

export const COMMON_FLAGS: FlagSpec[] = [
  { name: 'help', type: 'boolean', description: 'show this help and exit' },
  {
    name: 'yes',
    type: 'boolean',
    description: 'non-interactive: accept the default of every question (also when CI=true or stdin is not a terminal)',
  },
  { name: 'simulate', type: 'boolean', description: 'run against the simulated toolchain (sim) instead of your real tools' },
  {
    name: 'settings-file',
    type: 'string',
    description: 'the .env-style file to read settings and secrets from [ENV_FILE, default .env; a named file must exist]',
  },
  // The old name, still read where Node lets it through (Node >= 22); Node 20 intercepts it (see loadConfig).
  { name: 'env-file', type: 'string', description: 'old name of --settings-file', hidden: true },
  ...SETTINGS.filter((s) => s.flag).map((s) => ({
    name: s.flag!,
    type: 'string' as const,
    description: `${s.description} [${s.env}, default ${s.default || 'none'}]`,
  })),
];

export interface LoadedConfig {
  settings: Settings;
  sources: Record<Key, Source>;
  flags: Record<string, string | boolean | undefined>;
  /** Values read from the env file (secrets are resolved from here too). */
  fileEnv: Record<string, string>;
  envFile: string | undefined;
  help: boolean;
  yes: boolean;
  simulate: boolean;
}

/** `terminal`: whether stdin is a terminal (a parameter so that tests can give either answer). */
export function loadConfig(
  argv: string[],
  extraFlags: FlagSpec[] = [],
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
  terminal = Boolean(process.stdin.isTTY),
): LoadedConfig {
  const all = [...COMMON_FLAGS, ...extraFlags];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(all.map((f) => [f.name, { type: f.type }])),
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | boolean | undefined> });
  } catch (error) {
    throw new UsageError(cleanParseError(error), 'run with --help to see the accepted options');
  }
  const help = values.help === true;

  // --settings-file, not --env-file: Node 20 itself takes "--env-file" from anywhere on its command line,
  // even after the script (Dotenv::GetPathFromArgs in its src/node_dotenv.cc), loads that file into the
  // environment and exits 9 when it is missing, so the runbook never sees the flag. ENV_FILE is the same.
  const envFileFlag =
    (values['settings-file'] as string | undefined) ?? (values['env-file'] as string | undefined) ?? (env.ENV_FILE || undefined);
  const envFile = resolve(cwd, envFileFlag ?? '.env');
  let fileEnv: Record<string, string> = {};
  if (existsSync(envFile)) {
    fileEnv = parseDotenv(readFileSync(envFile));
  } else if (envFileFlag !== undefined && !help) {
    throw new UsageError(
      `env file ${envFileFlag} does not exist`,
      'create it from .env.example (cp .env.example .env) or leave out --settings-file / ENV_FILE',
    );
  }

  const settings = {} as Record<Key, unknown>;
  const sources = {} as Record<Key, Source>;
  for (const s of SETTINGS) {
    const fromFlag = s.flag ? (values[s.flag] as string | undefined) : undefined;
    const [raw, source, name]: [string, Source, string] =
      fromFlag !== undefined
        ? [fromFlag, 'flag', `--${s.flag}`]
        : env[s.env] !== undefined && env[s.env] !== ''
          ? [env[s.env]!, 'environment', s.env]
          : fileEnv[s.env] !== undefined && fileEnv[s.env] !== ''
            ? [fileEnv[s.env]!, 'env-file', `${s.env} in ${envFileFlag ?? '.env'}`]
            : [s.default, 'default', s.env];
    settings[s.key] = help ? raw : s.parse(raw, name);
    sources[s.key] = source;
  }
  const yes = values.yes === true || env.CI === 'true' || !terminal;
  return {
    settings: settings as unknown as Settings,
    sources,
    flags: values,
    fileEnv,
    envFile: existsSync(envFile) ? envFile : undefined,
    help,
    yes,
    simulate: values.simulate === true,
  };
}

function cleanParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // node:util parseArgs messages are long and mention parseArgs internals; keep the first sentence.
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /Option '([^']+)' argument missing/.exec(message);
  if (missing)
    return `option ${missing[1]
      .split(',')
      .pop()!
      .trim()
      .replace(/ <value>$/, '')} needs a value`;
  const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(message);
  if (ambiguous) return `option ${ambiguous[1]} needs a value (a value starting with "-" must be given as ${ambiguous[1]}=<value>)`;
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument "${positional[1]}"`;
  return message.split('.')[0]!;
}

export function usageText(id: string, title: string, summary: string, extraFlags: FlagSpec[]): string {
  const flags = [...COMMON_FLAGS, ...extraFlags].filter((f) => !f.hidden);
  const width = Math.max(...flags.map((f) => f.name.length + (f.type === 'string' ? 8 : 0))) + 4;
  const lines = flags.map((f) => `  --${(f.name + (f.type === 'string' ? ' <value>' : '')).padEnd(width)}${f.description}`);
  return [
    `${title}`,
    '',
    summary,
    '',
    `Usage: npx zx runbooks/${id}.mjs [options]`,
    '',
    'Options:',
    ...lines,
    '',
    'Settings are read from flags, then the environment, then the env file, then defaults (see .env.example).',
    'Exit codes: 0 all checks passed, 1 a check failed, 2 bad usage or configuration (nothing changed), 130 interrupted.',
  ].join('\n');
}
