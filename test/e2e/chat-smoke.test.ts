// 03's optional chat smoke check (CHAT_SMOKE=1) on the simulator. The demo app has no chat
// endpoint (its backend answers 404), so the check fails there with a remedy that names the
// settings; pointed at a request that does add a task (the demo's REST collection standing in
// for a chat endpoint) it passes only once the MCP list tool shows the task, which it deletes
// again. The real chat path (model → agent → MCP) is proven against examples/todo-chatbot in the
// Docker lane (test/docker/example-app.test.ts) and on the real node (test/cluster).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { newStateDir, runRunbook, setUpThroughLoad } from './harness.ts';

const env = {
  POSTGRES_PASSWORD: 'pg-Pa55word-e2e-8830',
  BETTER_AUTH_SECRET: 'auth-secret-e2e-chat-0123456789abcdef',
  OPENAI_API_KEY: 'sk-e2e-Ch4tSm0k3Qw9Er1Ty5',
};
let stateDir = '';

before(async () => {
  stateDir = newStateDir();
  await setUpThroughLoad(stateDir, env);
});

const check = (r: { json: any }, id: string) => r.json?.checks.find((c: { id: string }) => c.id === id);

test('CHAT_SMOKE=1 against an app without the chat endpoint: SMOKE-CHAT fails with the status and a remedy naming the settings', async () => {
  const r = await runRunbook('03-install', ['--yes', '--no-screenshot'], { stateDir, env: { ...env, CHAT_SMOKE: '1' } });
  assert.equal(r.exitCode, 1, r.stdout);
  const chat = check(r, 'SMOKE-CHAT');
  assert.equal(chat?.status, 'fail', JSON.stringify(chat));
  assert.match(chat.measured, /^404 in \d+ ms, POST \/api\/chat answered 404/);
  assert.match(chat.remedy, /CHAT_SMOKE_PATH/);
  for (const id of ['SMOKE-BACKEND-HEALTH', 'SMOKE-MCP']) assert.equal(check(r, id)?.status, 'pass', id);
});

test('off by default: no chat message is sent and the report says how to turn it on', async () => {
  const r = await runRunbook('03-install', ['--yes', '--no-screenshot'], { stateDir, env });
  assert.equal(r.exitCode, 0, r.stdout);
  assert.equal(check(r, 'SMOKE-CHAT'), undefined);
  assert.match(r.markdown, /chat smoke check off \(CHAT_SMOKE=1/);
});

test('the check passes only when the MCP list tool shows the task the request asked for, unique to the run, and deletes it', async () => {
  const r = await runRunbook('03-install', ['--yes', '--no-screenshot'], {
    stateDir,
    env: { ...env, CHAT_SMOKE: '1', CHAT_SMOKE_PATH: '/api/todos', CHAT_SMOKE_BODY: '{"title":"{title}"}' },
  });
  assert.equal(r.exitCode, 0, r.stdout);
  const chat = check(r, 'SMOKE-CHAT');
  assert.equal(chat?.status, 'pass', JSON.stringify(chat));
  const title = /"(runbook chat check [0-9a-f]{8})"/.exec(chat.expected)?.[1];
  assert.ok(title, chat.expected);
  assert.match(
    chat.measured,
    new RegExp(`^201 in \\d+ ms, task "${title}" among \\d+ task\\(s\\) listed by list_tasks.* \\(deleted again\\)$`),
  );
});

test('a body template without {title} stops 03 with exit 2 before anything runs', async () => {
  const r = await runRunbook('03-install', ['--yes'], {
    stateDir: newStateDir(),
    env: { ...env, CHAT_SMOKE: '1', CHAT_SMOKE_BODY: '{"message":"hello"}' },
  });
  assert.equal(r.exitCode, 2, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /CHAT_SMOKE_BODY does not contain \{title\}/);
  assert.deepEqual(r.calls, []);
});
