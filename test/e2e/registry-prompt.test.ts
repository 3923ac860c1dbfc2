// The registry password asked interactively: with REGISTRY_USERNAME set and no REGISTRY_PASSWORD,
// 01 asks for it with a masked prompt (@inquirer/prompts' password, through the runbook's
// secretPrompt), before anything is built; what is typed shows as "*", reaches `docker login` on
// stdin only, and appears in no output, argv or report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PtySession, plain } from './pty.ts';
import { newStateDir, readCalls, runRunbook } from './harness.ts';

const USER = 'ci-pusher';
const PASSWORD = 'typed-Reg1stry-Pa55word';
const FAULTS = `registry-auth=${USER}:${PASSWORD}`;

test('01 asks for REGISTRY_PASSWORD masked, before building, and logs in with what was typed', { timeout: 600_000 }, async () => {
  const stateDir = newStateDir();
  assert.equal((await runRunbook('00-setup', ['--yes'], { stateDir, faults: FAULTS })).exitCode, 0);
  const reports = mkdtempSync(join(tmpdir(), 'pty-reports-'));
  const s = new PtySession('01-build', ['--simulate', '--report-dir', reports], {
    SIM_STATE_DIR: stateDir,
    SIM_FAULTS: FAULTS,
    ENV_FILE: '',
    IMAGE_REGISTRY: 'registry.test:5000/team',
    REGISTRY_USERNAME: USER,
    REGISTRY_PASSWORD: '',
  });
  try {
    const at = await s.waitFor(/REGISTRY_PASSWORD — password or access token of ci-pusher at registry\.test:5000[^\n]*:\S*$/m, 60_000);
    assert.equal(
      readCalls(stateDir).filter((c) => c.argv[1] === 'build' || c.argv[1] === 'login').length,
      0,
      'asked before any build or login',
    );
    s.type(`${PASSWORD}\r`);
    await s.waitFor(/Push mcp/, 120_000, at);
    assert.equal(await s.exited, 0, plain(s.output));
    const screen = plain(s.output);
    assert.match(screen, /\*{8,}/, 'typed characters show as *');
    assert.ok(!screen.includes(PASSWORD), 'the password is never echoed');
    const login = readCalls(stateDir).find((c) => c.argv[1] === 'login');
    assert.deepEqual(login?.argv, ['docker', 'login', 'registry.test:5000', '--username', USER, '--password-stdin']);
    for (const file of readdirSync(reports)) assert.ok(!readFileSync(join(reports, file), 'utf8').includes(PASSWORD), file);
  } finally {
    s.kill();
  }
});
