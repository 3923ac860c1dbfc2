// The settings catalogue: every setting with its environment variable, flag, default, description
// and parser. The single source of truth that --help, .env.example and the docs are checked against.
import { UsageError } from '../errors.ts';
import { parseExtraSecretKeys } from '../runbooks/steps/extra-secrets.ts';
import { argsTemplate, restPath, toolName } from '../cluster/data-check.ts';
import { chatHeaders, chatSmokePath } from '../cluster/chat-smoke.ts';
import { budgetSetting } from '../size-budgets.ts';
import { registryPrefix } from '../registry/reference.ts';
import type { Key, SettingSpec } from './settings-types.ts';
import {
  text,
  dnsLabel,
  profileName,
  integer,
  parseDuration,
  memory,
  driver,
  oneOf,
  valuesFileList,
  chartFolder,
} from './value-parsers.ts';

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
    key: 'imageRegistry',
    env: 'IMAGE_REGISTRY',
    flag: 'registry',
    default: '',
    description:
      'push the images to this registry (host[:port][/namespace], e.g. ghcr.io/you) and let the cluster pull them; empty: the images stay on the minikube node',
    parse: registryPrefix,
  }),
  spec({
    key: 'registryUsername',
    env: 'REGISTRY_USERNAME',
    default: '',
    description: 'registry user for docker login and the pull secret (the password: REGISTRY_PASSWORD, or asked); empty: no login',
    parse: text,
  }),
  spec({
    key: 'registryPullSecret',
    env: 'REGISTRY_PULL_SECRET',
    default: 'regcred',
    description: "name of the docker-registry Secret 03 creates from the registry's credentials for the pods to pull with",
    parse: dnsLabel,
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
    key: 'sizeBudgetTotal',
    env: 'SIZE_BUDGET_TOTAL',
    default: '',
    description: 'runbook 01: budget in MB for the three images together, the sum of their sizes (empty: 500)',
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
