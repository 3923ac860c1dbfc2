// docs/ai-prompts.md, the table of uses in src/ai-prompts.ts and the runbooks agree: every prompt
// on the page has one runbook that asks or shows it, says so on its "Used by" line and in the
// stage table, the runbook's code names it, and it fills in with what that runbook gives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROMPT_LIBRARY, PROMPT_USES, kubectlAiCommand, loadPrompt, type PromptId } from '../../src/ai-prompts.ts';
import { PROJECT_ROOT } from '../../src/runbook.ts';

const page = readFileSync(PROMPT_LIBRARY, 'utf8');
const sections = page.split(/^## /m).slice(1);
const idOf = (section: string) => section.split('\n')[0]!.trim();
const ids = Object.keys(PROMPT_USES) as PromptId[];

/** What each runbook fills in: the same names it passes (checked against the code below). */
const VARS = {
  namespace: 'todo-app',
  release: 'todo-chatbot',
  findings: '- [critical] pod/x (backend): CrashLoopBackOff — exit 1',
  finding: '- [critical] pod/x: OOMKilled',
  dockerfile: 'backend.Dockerfile',
  component: 'backend',
  chart: 'helm/todo-chatbot',
  context: 'minikube',
  replicas: '2',
  usage:
    'todo-chatbot-backend-x/backend (backend): CPU 3m used (6% of the request), request 50m, limit 500m; memory 40Mi used, request 128Mi, limit 512Mi',
};

test('the page has exactly the prompts of the table of uses, each once', () => {
  assert.deepEqual(sections.map(idOf).sort(), [...ids].sort());
});

test('each prompt\'s "Used by" line names its runbook, its tool and whether it is asked or shown', () => {
  for (const section of sections) {
    const id = idOf(section) as PromptId;
    const use = PROMPT_USES[id];
    const line = /^Used by: (.*)$/m.exec(section)?.[1];
    assert.ok(line, `${id} has a "Used by:" line`);
    assert.ok(line.startsWith(`\`${use.runbook}\` — `), `${id}: ${line}`);
    const tool = { 'kubectl-ai': 'kubectl-ai', kagent: 'kagent', gordon: 'Gordon' }[use.tool];
    assert.match(line, new RegExp(`— ${tool}, ${use.how}`), `${id}: ${line}`);
  }
});

test('the stage table covers deploying, scaling and debugging, with each prompt in its row', () => {
  const rows = page
    .split('\n')
    .filter((l) => /^\| (deploying|scaling|debugging) \|/.test(l))
    .map((l) => l.split('|').map((c) => c.trim()));
  assert.deepEqual([...new Set(rows.map((r) => r[1]))].sort(), ['debugging', 'deploying', 'scaling']);
  for (const id of ids) {
    const row = rows.find((r) => r[2]!.includes(`\`${id}\``));
    assert.ok(row, `${id} in the stage table`);
    assert.equal(row[1], PROMPT_USES[id].stage, id);
    assert.equal(row[3], PROMPT_USES[id].runbook, id);
    assert.ok(row[4]!.startsWith(PROMPT_USES[id].how), `${id}: ${row[4]}`);
  }
});

test("each runbook's code names the prompts it uses, and shows (never sends) those that change the cluster", () => {
  for (const id of ids) {
    const { runbook, how } = PROMPT_USES[id];
    const code = readFileSync(join(PROJECT_ROOT, 'src', 'runbooks', `${runbook}.ts`), 'utf8');
    assert.ok(code.includes(`'${id}'`), `${runbook}.ts names '${id}'`);
    if (how === 'shown') assert.match(code, new RegExp(`showKubectlAiPrompt\\(\\s*ctx,\\s*'${id}'`), `${runbook}.ts shows ${id}`);
  }
  for (const runbook of ['03-install', '05-scaling']) {
    const code = readFileSync(join(PROJECT_ROOT, 'src', 'runbooks', `${runbook}.ts`), 'utf8');
    assert.ok(!code.includes('kubectlAi.ask'), `${runbook} never sends a prompt`);
  }
});

test('every prompt fills in completely', () => {
  for (const id of ids) {
    const text = loadPrompt(id, VARS);
    assert.ok(text.length > 80, `${id} is too short`);
    assert.doesNotMatch(text, /\{[a-z]+\}/, `${id} has an unfilled placeholder`);
  }
  assert.match(loadPrompt('deploy-release', VARS), /--context minikube.*helm upgrade todo-chatbot helm\/todo-chatbot --reuse-values/);
  assert.match(loadPrompt('scale-component', VARS), /component of the Helm release "todo-chatbot".* to 2 replicas/);
});

test('the printed kubectl-ai command is interactive (kubectl-ai asks before each change) and pastes back unchanged', () => {
  const command = kubectlAiCommand('gemini', 'gemini-2.5-flash', "scale it; don't wait");
  assert.equal(command, `kubectl-ai --llm-provider gemini --model gemini-2.5-flash 'scale it; don'\\''t wait'`);
  assert.doesNotMatch(command, /--quiet|--skip-permissions/);
});
