import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseDuration, SETTINGS, usageText } from '../../src/config.ts';
import { UsageError } from '../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'cfg-'));

test('precedence: flag > environment > env file > default', () => {
  writeFileSync(join(dir, '.env'), 'K8S_NAMESPACE=from-file\nMINIKUBE_PROFILE=file-profile\nMINIKUBE_CPUS=4\n');
  const c = loadConfig(['--namespace', 'from-flag'], [], { K8S_NAMESPACE: 'from-env', MINIKUBE_PROFILE: 'env-profile' }, dir);
  assert.equal(c.settings.namespace, 'from-flag');
  assert.equal(c.sources.namespace, 'flag');
  assert.equal(c.settings.profile, 'env-profile');
  assert.equal(c.sources.profile, 'environment');
  assert.equal(c.settings.cpus, 4);
  assert.equal(c.sources.cpus, 'env-file');
  assert.equal(c.settings.release, 'todo-chatbot');
  assert.equal(c.sources.release, 'default');
});

test('--settings-file names the settings file (Node 20 intercepts --env-file; the old name stays accepted, unadvertised)', () => {
  writeFileSync(join(dir, 'other.env'), 'K8S_NAMESPACE=from-other-file\n');
  for (const flag of ['--settings-file', '--env-file']) {
    const c = loadConfig([flag, 'other.env'], [], {}, dir);
    assert.equal(c.settings.namespace, 'from-other-file');
    assert.equal(c.envFile, join(dir, 'other.env'));
  }
  assert.equal(loadConfig([], [], { ENV_FILE: 'other.env' }, dir).settings.namespace, 'from-other-file');
  const help = usageText('00-setup', 't', 's', []);
  assert.match(help, /--settings-file <value> .*\[ENV_FILE, default \.env/);
  assert.doesNotMatch(help, /--env-file/);
});

function usage(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (e: unknown) => e instanceof UsageError && pattern.test(e.message) && e.remedy.length > 0);
}

test('bad input is a UsageError with a remedy', () => {
  usage(() => loadConfig(['--bogus'], [], {}, dir), /unknown option --bogus/);
  usage(() => loadConfig(['--namespace', 'Bad_NS'], [], {}, dir), /not a valid Kubernetes name/);
  usage(() => loadConfig(['--timeout', 'abc'], [], {}, dir), /not a duration/);
  usage(() => loadConfig(['--timeout', '-5'], [], {}, dir), /needs a value|not a duration/);
  usage(() => loadConfig(['--settings-file', 'missing.env'], [], {}, dir), /does not exist/);
  usage(() => loadConfig(['--env-file', 'missing.env'], [], {}, dir), /does not exist/);
  usage(() => loadConfig([], [], { ENV_FILE: 'missing.env' }, dir), /does not exist/);
  usage(() => loadConfig([], [], { MINIKUBE_CPUS: 'abc' }, dir), /MINIKUBE_CPUS "abc" is not a whole number/);
  usage(() => loadConfig([], [], { MINIKUBE_MEMORY: '512' }, dir), /below minikube's minimum/);
  usage(() => loadConfig([], [], { MINIKUBE_DRIVER: 'dockr' }, dir), /not a minikube driver/);
  usage(() => loadConfig(['--profile', '../x'], [], {}, dir), /not a valid minikube profile/);
  usage(() => loadConfig(['extra'], [], {}, dir), /unexpected argument/);
  usage(() => loadConfig(['--namespace'], [], {}, dir), /needs a value/);
  usage(() => loadConfig([], [], { HELM_CHART_DIR: '/nonexistent' }, dir), /HELM_CHART_DIR "\/nonexistent" is not a Helm chart/);
  usage(() => loadConfig([], [], { HELM_CHART_DIR: 'helm' }, dir), /no Chart\.yaml/);
  usage(() => loadConfig([], [], { KUBECTL_AI_PROVIDER: 'chatgpt' }, dir), /KUBECTL_AI_PROVIDER "chatgpt" is not allowed/);
  // The values kubectl-ai knows are accepted, and so is the chart given by an absolute path.
  assert.equal(loadConfig([], [], { KUBECTL_AI_PROVIDER: 'openai-compatible' }, dir).settings.kubectlAiProvider, 'openai-compatible');
  assert.equal(
    loadConfig([], [], { HELM_CHART_DIR: new URL('../../helm/todo-chatbot', import.meta.url).pathname }, dir).sources.chartDir,
    'environment',
  );
});

test('durations', () => {
  assert.equal(parseDuration('300', 'x'), 300_000);
  assert.equal(parseDuration('90s', 'x'), 90_000);
  assert.equal(parseDuration('5m', 'x'), 300_000);
  assert.equal(parseDuration('1.5h', 'x'), 5_400_000);
  assert.throws(() => parseDuration('0', 'x'), UsageError);
});

test('--yes, CI=true and a non-TTY stdin all mean non-interactive; a terminal alone is interactive', () => {
  const onTerminal = (argv: string[], env: NodeJS.ProcessEnv) => loadConfig(argv, [], env, dir, true).yes;
  assert.equal(onTerminal([], {}), false, 'a terminal, no --yes, no CI: questions are asked');
  assert.equal(onTerminal([], { CI: 'false' }), false);
  assert.equal(onTerminal(['--yes'], {}), true);
  assert.equal(onTerminal([], { CI: 'true' }), true);
  assert.equal(loadConfig([], [], {}, dir, false).yes, true, 'stdin not a terminal');
});

test('.env.example documents every setting', () => {
  const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
  for (const s of SETTINGS) assert.match(example, new RegExp(`^#? ?${s.env}=`, 'm'), `${s.env} missing from .env.example`);
});
