// The Go tools the tests run for real (actionlint, kustomize, the Distribution registry), built once by go-tool.sh into the
// cache outside the work tree. A warm call only checks that the binary is there.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./go-tool.sh', import.meta.url));

/** The absolute path of the tool's binary, built first when the cache does not have it. */
export function goTool(name: 'actionlint' | 'kustomize' | 'registry'): string {
  // A cold build takes under a minute on two idle cores (docs/ci-cd.md); allow for a busy machine.
  const run = spawnSync('bash', [SCRIPT, name], { encoding: 'utf8', timeout: 15 * 60_000 });
  const path = run.stdout?.trim().split('\n').at(-1);
  if (run.status !== 0 || !path) {
    throw new Error(`bash test/tools/go-tool.sh ${name} exited ${run.status ?? run.signal}:\n${(run.stderr ?? '').trim().slice(-2000)}`);
  }
  return path;
}
