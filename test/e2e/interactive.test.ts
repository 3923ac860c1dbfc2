// The interactive path through a real pseudo-terminal: a question answered, the spinner shown,
// a secret typed and masked on screen (never echoed), and Ctrl-C at a prompt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PtySession, plain } from './pty.ts';
import { newStateDir, readCalls } from './harness.ts';

const DOWN = '\u001b[B';

function session(runbook: string, stateDir: string, reportDir: string) {
  return new PtySession(runbook, ['--simulate', '--report-dir', reportDir], { SIM_STATE_DIR: stateDir, ENV_FILE: '' });
}

test('00-setup interactively: asks before starting minikube, shows a spinner, exits 0 after "y"', async () => {
  const stateDir = newStateDir();
  const reports = mkdtempSync(join(tmpdir(), 'pty-reports-'));
  const s = session('00-setup', stateDir, reports);
  try {
    await s.waitFor(/Create and start minikube profile "minikube".*\?/);
    s.type('y\r');
    assert.equal(await s.exited, 0, plain(s.output));
    assert.match(s.output, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/, 'an ora spinner frame was drawn');
    assert.ok(readCalls(stateDir).some((c) => c.argv[1] === 'start'));
    assert.match(plain(s.output), /All checks passed/);
  } finally {
    s.kill();
  }
});

test('03-install interactively: secrets are typed masked and never echoed; declining a prerequisite stops cleanly', async () => {
  const stateDir = newStateDir();
  const reports = mkdtempSync(join(tmpdir(), 'pty-reports-'));
  const secret = { pg: 'pg-pass-Zq81xkT0p', auth: 'auth-secret-0123456789abcdefghijklmnopq', openai: 'sk-test-K3yK3yK3yK3yK3yK3yK3y' };
  const s = session('03-install', stateDir, reports);
  try {
    let at = await s.waitFor(/Which database\?/);
    s.type('\r'); // the default: PostgreSQL inside the cluster
    at = await s.waitFor(/POSTGRES_PASSWORD[^\n]*\n[^\n]*generate a strong random value/, 30_000, at);
    s.type(`${DOWN}\r`); // not the offered generated value: type my own
    at = await s.waitFor(/POSTGRES_PASSWORD[^\n]*:\S*$/m, 30_000, at);
    s.type(`${secret.pg}\r`);
    at = await s.waitFor(/BETTER_AUTH_SECRET[^\n]*\n[^\n]*generate a strong random value/, 30_000, at);
    s.type(`${DOWN}\r`);
    at = await s.waitFor(/BETTER_AUTH_SECRET[^\n]*:\S*$/m, 30_000, at);
    s.type('too-short\r'); // refused by validation, asked again
    at = await s.waitFor(/too short/, 30_000, at);
    s.type('\u0015'); // Ctrl-U clears the field
    s.type(`${secret.auth}\r`);
    at = await s.waitFor(/OPENAI_API_KEY/, 30_000, at);
    s.type(`${secret.openai}\r`);
    at = await s.waitFor(/Save .* for next time\?/, 30_000, at);
    s.type('n\r');
    at = await s.waitFor(/Run 00-setup now\?/, 30_000, at);
    s.type('n\r');
    assert.equal(await s.exited, 1, plain(s.output));
    const screen = plain(s.output);
    assert.match(screen, /\*{8,}/, 'typed characters show as *');
    for (const value of Object.values(secret)) assert.ok(!s.output.includes(value), `secret ${value.slice(0, 6)}… appeared on screen`);
    // The command carries this run's settings, so it sets up the same cluster and reports in the same folder.
    assert.ok(
      screen.includes(`run npx zx runbooks/00-setup.mjs --simulate --report-dir ${reports} first`),
      "the remedy names 00-setup with this run's settings",
    );
    assert.ok(!readCalls(stateDir).some((c) => c.argv[0] === 'helm' && c.argv[1] === 'upgrade'), 'nothing was installed');
    const md = readdirSync(reports).filter((f) => f.endsWith('.md'));
    assert.equal(md.length, 1);
  } finally {
    s.kill();
  }
});

test('Ctrl-C at a prompt exits 130 after writing the report', async () => {
  const stateDir = newStateDir();
  const reports = mkdtempSync(join(tmpdir(), 'pty-reports-'));
  const s = session('00-setup', stateDir, reports);
  try {
    await s.waitFor(/Create and start minikube profile/);
    s.type('\u0003');
    assert.equal(await s.exited, 130, plain(s.output));
    assert.match(plain(s.output), /INTERRUPTED|interrupted/);
    assert.equal(readdirSync(reports).filter((f) => f.endsWith('-00-setup.json')).length, 1);
  } finally {
    s.kill();
  }
});
