// A new user's first run of 03, through a real pseudo-terminal: 03 finds no images and offers 02,
// which offers 01. The nested runbook must own the terminal (the parent's spinner stopped, so its
// question stays on screen), 01 must run once for all three images, and the time a person takes
// to answer is not counted in the step's time. The two secrets that can be made are generated on
// request: strong, saved 0600 to the settings file, never on screen or in any report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PtySession, plain } from './pty.ts';
import { latestReport, newStateDir, readCalls, runRunbook } from './harness.ts';

const SPINNER_FRAME = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
const THINKING_MS = 3000;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('03 on a fresh cluster: 02 and 01 run nested, once each, with their questions visible; typing time is not step time', {
  timeout: 600_000,
}, async () => {
  const stateDir = newStateDir();
  const reports = mkdtempSync(join(tmpdir(), 'pty-nested-'));
  const setup = await runRunbook('00-setup', ['--yes'], { stateDir, reportDir: reports });
  assert.equal(setup.exitCode, 0, setup.stdout);

  const settings = join(mkdtempSync(join(tmpdir(), 'pty-settings-')), 'my.env');
  writeFileSync(settings, '# mine\n');
  const s = new PtySession('03-install', ['--simulate', '--report-dir', reports, '--no-screenshot', '--settings-file', settings], {
    SIM_STATE_DIR: stateDir,
  });
  try {
    let at = await s.waitFor(/Which database\?/);
    s.type('\r');
    at = await s.waitFor(/POSTGRES_PASSWORD[^\n]*\n[^\n]*generate a strong random value/, 30_000, at);
    await pause(THINKING_MS); // a person thinking: this is not the step's time
    s.type('\r'); // the first choice: generate
    at = await s.waitFor(/BETTER_AUTH_SECRET[^\n]*\n[^\n]*generate a strong random value/, 30_000, at);
    s.type('\r');
    at = await s.waitFor(/OPENAI_API_KEY/, 30_000, at);
    s.type('sk-test-K3yK3yK3y\r');
    at = await s.waitFor(/for next time\? Generated values are kept/, 30_000, at); // (the line wraps on a 160-column screen)
    at = await s.waitFor(/\(Y\/n\)/, 5000, at); // saving is the default once something was generated
    s.type('\r'); // the default, after generating: save
    at = await s.waitFor(/Run 02-load now\?/, 60_000, at);
    s.type('y\r');
    at = await s.waitFor(/Run 01-build now\?/, 60_000, at);

    // The question must stay on screen: nothing may redraw over it while it waits for an answer.
    await pause(1500);
    const whileAsking = plain(s.output.slice(at));
    assert.doesNotMatch(whileAsking, SPINNER_FRAME, `a spinner kept drawing over the 01 question:\n${whileAsking}`);
    s.type('y\r');

    at = await s.waitFor(/Check reproducibility/, 400_000, at);
    s.type('n\r');
    assert.equal(await s.exited, 0, plain(s.output).slice(-3000));
  } finally {
    s.kill();
  }

  const saved = parse(readFileSync(settings));
  assert.equal(statSync(settings).mode & 0o777, 0o600);
  assert.match(saved.POSTGRES_PASSWORD ?? '', /^[A-Za-z0-9]{32}$/);
  assert.match(saved.BETTER_AUTH_SECRET ?? '', /^[A-Za-z0-9]{48}$/);
  const everything = [
    s.output,
    readFileSync(join(stateDir, 'calls.jsonl'), 'utf8'),
    ...readdirSync(reports).map((f) => readFileSync(join(reports, f), 'utf8')),
  ].join('\n');
  for (const key of ['POSTGRES_PASSWORD', 'BETTER_AUTH_SECRET'])
    assert.ok(!everything.includes(saved[key]!), `the generated ${key} was printed or recorded`);

  const screen = plain(s.output);
  assert.equal(screen.match(/✔ [^\n]*Run 01-build now\? Yes/g)?.length, 1, '01 is offered once, not once per image');
  // Each nested runbook is framed on screen: where it starts, and where the runbook that started it goes on.
  assert.match(
    screen,
    /── 02-load starts, from 03-install ──[\s\S]*── 01-build starts, from 02-load ──[\s\S]*── back in 02-load ──[\s\S]*── back in 03-install ──/,
  );
  assert.equal(readdirSync(reports).filter((f) => f.endsWith('-01-build.json')).length, 1, '01 ran once');
  assert.equal(readdirSync(reports).filter((f) => f.endsWith('-02-load.json')).length, 1, '02 ran once');
  const builds = readCalls(stateDir).filter((c) => c.argv[0] === 'docker' && c.argv[1] === 'build');
  assert.equal(builds.length, 3, 'each image built once');

  const report = latestReport(reports, '03-install').json;
  // The cluster got exactly the values that were saved (the runbook compares its Secret with them).
  assert.equal(report.checks.find((c: { id: string }) => c.id === 'SECRETS-IN-SECRET')?.status, 'pass');
  assert.equal(report.environment['secret POSTGRES_PASSWORD'], 'from generated (value masked)');
  const secretsStep = report.steps.find((x: { name: string }) => x.name === 'Gather and validate the secrets');
  assert.ok(secretsStep.waitedMs >= THINKING_MS, `the wait for answers is recorded apart: ${JSON.stringify(secretsStep)}`);
  // No tool runs in this step: without the wait, only a few seconds of (simulated) work are left.
  // Counting the wait would give at least THINKING_MS × the simulator's speed.
  assert.ok(secretsStep.ms < THINKING_MS, `the step's time excludes the typing: ${JSON.stringify(secretsStep)}`);
  const imagesStep = report.steps.find((x: { name: string }) => x.name === 'Check the images on the node');
  assert.ok(imagesStep.waitedMs > 0, "the nested runbooks' questions are waits of the parent step too");
  assert.match(latestReport(reports, '03-install').markdown, /Gather and validate the secrets \| ok \| [^|]*waiting for answers/);
});
