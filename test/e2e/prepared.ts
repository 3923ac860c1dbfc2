// The simulated cluster the e2e files of 04, 05, 06 and 07 start from (00 → 03, the release
// deployed), prepared once per suite run and cloned for each file. Preparing it costs four runbook
// runs and about a hundred tool calls; every file used to pay that itself. A clone
// (sim cloneMachine) is the same machine on loopback addresses of its own, so the files that use
// one run at the same time. test/run.mjs names the folder the suite's files share in
// E2E_SHARED_DIR; a file run alone prepares its own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newStateDir, removedOnExit, runRunbook, stopNodePortDaemon } from './harness.ts';
// @ts-expect-error the simulator is plain JavaScript
import { cloneMachine } from '../../sim/lib/setup.mjs';

/** The release's secrets in the prepared cluster (so in every clone of it). */
export const SECRETS = {
  POSTGRES_PASSWORD: 'e2e-postgres-password-1',
  BETTER_AUTH_SECRET: 'e2e-better-auth-secret-0123456789abcdef',
  OPENAI_API_KEY: 'sk-e2e-not-a-real-key',
};
/** No provider key from the developer's own shell reaches the runs that prepare it. */
const NO_KEYS = { GEMINI_API_KEY: '', SIM_GORDON: '' };

let privateHome = '';
const home = () => process.env.E2E_SHARED_DIR || (privateHome ||= removedOnExit(mkdtempSync(join(tmpdir(), 'e2e-shared-'))));

/** Runs 00→03 into `stateDir` and checks that the release is deployed. */
async function prepareInstalled(stateDir: string): Promise<void> {
  for (const id of ['00-setup', '01-build', '02-load', '03-install']) {
    const r = await runRunbook(id, id === '03-install' ? ['--yes', '--no-screenshot'] : ['--yes'], {
      stateDir,
      env: { ...NO_KEYS, ...SECRETS },
      timeoutMs: 240_000,
    });
    if (id === '00-setup' || id === '02-load') assert.equal(r.exitCode, 0, `${id} failed:\n${r.stdout.slice(-3000)}`);
    // 01 may miss an image-size budget and 03 a response-time target on a busy machine (real HTTP
    // latency): neither matters to the files that start from here, which need the images on the
    // node and the release deployed.
    if (id === '03-install' && r.exitCode !== 0) {
      const failed = r.json.checks.filter((c: { status: string }) => c.status === 'fail').map((c: { id: string }) => c.id);
      assert.ok(
        failed.every((c: string) => c.startsWith('SMOKE-')),
        `03-install failed:\n${r.stdout.slice(-3000)}`,
      );
    }
  }
  const status = spawnSync(
    join(stateDir, 'bin', 'helm'),
    ['status', 'todo-chatbot', '-n', 'todo-app', '-o', 'json', '--kube-context', 'minikube'],
    {
      env: { ...process.env, SIM_STATE_DIR: stateDir },
      encoding: 'utf8',
    },
  );
  assert.equal(status.status, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout).info.status, 'deployed');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The prepared machine's folder, made by the first file that asks (under a lock; the others wait
 * for it). A failed preparation is remembered, so every file that needed it fails with its reason.
 */
async function preparedTemplate(): Promise<string> {
  const dir = join(home(), 'installed');
  const outcome = `${dir}.outcome`;
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(outcome)) {
      const text = readFileSync(outcome, 'utf8');
      if (text !== 'ok') throw new Error(`the shared 00 → 03 preparation failed:\n${text}`);
      return dir;
    }
    try {
      closeSync(openSync(lock, 'wx'));
      writeFileSync(lock, String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(readFileSync(lock, 'utf8') || 0);
    if (holder && !alive(holder) && !existsSync(outcome)) unlinkSync(lock); // its preparer died: take over
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    rmSync(dir, { recursive: true, force: true }); // half made by a preparer that died
    await prepareInstalled(dir);
    // each clone starts its own NodePort daemon on its own addresses; the original's is not needed
    stopNodePortDaemon(dir);
    writeFileSync(outcome, 'ok');
    return dir;
  } catch (e) {
    writeFileSync(outcome, e instanceof Error ? e.message : String(e));
    throw e;
  }
}

/** A new simulated machine with the release deployed by 00 → 03 (its secrets are SECRETS). */
export async function installedCluster(): Promise<string> {
  const stateDir = newStateDir();
  cloneMachine(await preparedTemplate(), stateDir);
  return stateDir;
}
