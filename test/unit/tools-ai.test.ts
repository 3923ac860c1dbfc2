// The failure cases of the AI wrappers (kagent, kubectl-ai, Gordon): not installed, a non-zero
// exit, output they cannot read, a timeout. Each is typed (ToolMissing, CommandFailed and its
// subclasses) with a remedy, so runbook 06 can say what happened without reading raw results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingExec } from './helpers/fake-exec.ts';
import { Kagent } from '../../src/tools/kagent.ts';
import { ChangeRefused, KubectlAi } from '../../src/tools/kubectl-ai.ts';
import { Gordon } from '../../src/tools/gordon.ts';
import { type CommandFailed, ToolMissing, UnreadableOutput, attempt } from '../../src/errors.ts';

async function failure(operation: Promise<unknown>): Promise<CommandFailed> {
  const outcome = await attempt(operation);
  assert.ok(!outcome.ok, 'expected the operation to throw CommandFailed');
  return outcome.error;
}

const QUERY = { question: 'why?', provider: 'gemini', model: 'gemini-2.5-flash', maxIterations: 10, timeoutMs: 120_000 };

// ---------------------------------------------------------------- kagent

test('kagent not installed: installed() is false and a call is a ToolMissing, not a result', async () => {
  const exec = new RecordingExec();
  exec.missing.add('kagent');
  const k = new Kagent(exec);
  assert.equal(k.installed(), false);
  await assert.rejects(k.version(), ToolMissing);
  await assert.rejects(k.invoke('kagent', 'k8s-agent', 'x', 60_000), ToolMissing);
  assert.equal(exec.calls.length, 0);
});

test("kagent non-zero exit, or exit 0 with an error on stderr: CommandFailed with kagent's error as the reason", async () => {
  const k = new Kagent(
    new RecordingExec()
      .on(['kagent', 'version'], { exitCode: 1, stderr: 'Error: unknown command "version" for "kagent"' })
      .on(['kagent', 'invoke'], { exitCode: 0, stdout: '{"ok":true}', stderr: 'Error: agent "k8s-agent" not found in namespace kagent' }),
  );
  const version = await failure(k.version());
  assert.equal(version.exitCode, 1);
  assert.match(version.reason, /unknown command/);
  assert.match(version.remedy, /run kagent version yourself/);
  const invoke = await failure(k.invoke('kagent', 'k8s-agent', 'x', 60_000));
  assert.equal(invoke.exitCode, 0, 'kagent exits 0 on most failures: stderr decides');
  assert.equal(invoke.reason, 'Error: agent "k8s-agent" not found in namespace kagent');
  assert.match(invoke.remedy, /kagent get agent -n kagent/);
});

test('kagent output that is not JSON is an UnreadableOutput naming the command', async () => {
  const k = new Kagent(
    new RecordingExec()
      .on(['kagent', 'version'], { stdout: 'kagent version 0.9.12\n' })
      .on(['kagent', 'invoke'], { stdout: 'Task submitted.\n' }),
  );
  const version = await failure(k.version());
  assert.ok(version instanceof UnreadableOutput);
  assert.match(version.message, /^kagent version … printed "kagent version 0\.9\.12", not the JSON of kagent version$/);
  const invoke = await failure(k.invoke('kagent', 'k8s-agent', 'x', 60_000));
  assert.ok(invoke instanceof UnreadableOutput);
  assert.match(invoke.reason, /printed "Task submitted\.", not the JSON of an A2A answer/);
});

test('kagent killed at its deadline: CommandFailed marked timedOut', async () => {
  const k = new Kagent(new RecordingExec().on(['kagent', 'invoke'], { exitCode: 124, timedOut: true, stdout: '{"partial":' }));
  const e = await failure(k.invoke('kagent', 'k8s-agent', 'x', 60_000));
  assert.equal(e.timedOut, true);
  assert.equal(e.exitCode, 124);
  assert.match(e.reason, /timed out: killed at its deadline/);
});

// ---------------------------------------------------------------- kubectl-ai

test('kubectl-ai not installed: a question is a ToolMissing, and nothing runs', async () => {
  const exec = new RecordingExec();
  exec.missing.add('kubectl-ai');
  const ai = new KubectlAi(exec);
  assert.equal(ai.installed(), false);
  await assert.rejects(ai.ask(QUERY), ToolMissing);
  assert.equal(exec.calls.length, 0);
});

test('kubectl-ai non-zero exit: CommandFailed with its last error line, colour stripped, and a remedy for the key', async () => {
  const ai = new KubectlAi(
    new RecordingExec().on(['kubectl-ai'], {
      exitCode: 1,
      stdout: '\u001b[1mLooking at the pods\u001b[0m\n',
      stderr: '\u001b[31mcreating llm client: GEMINI_API_KEY environment variable not set\u001b[0m\n',
    }),
  );
  const e = await failure(ai.ask(QUERY));
  assert.ok(!(e instanceof ChangeRefused));
  assert.equal(e.exitCode, 1);
  assert.equal(e.reason, 'creating llm client: GEMINI_API_KEY environment variable not set');
  assert.match(e.stderr, /^Looking at the pods\ncreating llm client/, 'a partial answer on stdout stays in the evidence');
  assert.match(e.remedy, /check the gemini key \(GEMINI_API_KEY\)/);
});

test('kubectl-ai refusing a change (read-only) is a ChangeRefused, a CommandFailed that says so', async () => {
  const ai = new KubectlAi(
    new RecordingExec().on(['kubectl-ai'], {
      exitCode: 1,
      stderr:
        'RunOnce mode cannot handle permission requests. The following commands require approval:\n* kubectl delete pod x\nUse --skip-permissions flag to bypass permission checks in RunOnce mode.\n',
    }),
  );
  const e = await failure(ai.ask(QUERY));
  assert.ok(e instanceof ChangeRefused, e.name);
  assert.equal(e.reason, 'it wanted to run a command that changes the cluster and was refused (read-only mode)');
});

test('kubectl-ai exit 0 with no answer (only colour codes) is an UnreadableOutput', async () => {
  const ai = new KubectlAi(new RecordingExec().on(['kubectl-ai'], { stdout: '\u001b[0m\u001b[?25h\n' }));
  const e = await failure(ai.ask(QUERY));
  assert.ok(e instanceof UnreadableOutput, e.name);
  assert.match(e.reason, /not an answer/);
});

test('kubectl-ai killed at its deadline: CommandFailed marked timedOut with the "faster model" remedy', async () => {
  const ai = new KubectlAi(new RecordingExec().on(['kubectl-ai'], { exitCode: 124, timedOut: true, stdout: 'Thinking…\n' }));
  const e = await failure(ai.ask(QUERY));
  assert.equal(e.timedOut, true);
  assert.equal(e.reason, 'timed out: killed at its deadline');
  assert.match(e.remedy, /did not answer in time.*KUBECTL_AI_MODEL/);
});

test('kubectl-ai answers: the text without colour, and whether it stopped at --max-iterations', async () => {
  const full = await new KubectlAi(new RecordingExec().on(['kubectl-ai'], { stdout: '\u001b[1mThe backend\u001b[0m crashes.\n' })).ask(
    QUERY,
  );
  assert.deepEqual(full, { text: 'The backend crashes.', durationMs: 1, complete: true });
  const cut = await new KubectlAi(
    new RecordingExec().on(['kubectl-ai'], { stdout: 'Partial.\nMaximum number of iterations reached.\n' }),
  ).ask(QUERY);
  assert.equal(cut.complete, false);
});

// ---------------------------------------------------------------- Gordon

test('Gordon: left with /exit or Ctrl+C is a session; any other exit or the hour passing is a CommandFailed', async () => {
  const session = (canned: Parameters<RecordingExec['on']>[1]) =>
    new Gordon(new RecordingExec().on(['docker', 'ai', '-C'], canned)).openInTerminal('docker', 'review');
  assert.deepEqual(await session({ exitCode: 0 }), { exitCode: 0 });
  assert.deepEqual(await session({ exitCode: 130 }), { exitCode: 130 });
  const disabled = await failure(session({ exitCode: 1 }));
  assert.match(disabled.remedy, /Gordon enabled/);
  assert.equal((await failure(session({ exitCode: 124, timedOut: true }))).timedOut, true);
});
