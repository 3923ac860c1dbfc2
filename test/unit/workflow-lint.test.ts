// The GitHub Actions workflow users can adopt (.github/workflows/deploy-validate.yml, its local
// action and the CD script) is linted with the real actionlint (github.com/rhysd/actionlint,
// built by test/tools/go-tool.sh): syntax, expressions and their types, job `needs`, the inputs of
// known actions and of the local action, and — when shellcheck is on PATH, as in CI (.ci/run) —
// every `run:` script. A deliberately broken copy proves the lint fails when it should.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { goTool } from '../tools/go-tool.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKFLOW = join(ROOT, '.github', 'workflows', 'deploy-validate.yml');
const ACTIONLINT = goTool('actionlint');
const SHELLCHECK = spawnSync('sh', ['-c', 'command -v shellcheck'], { encoding: 'utf8' }).stdout.trim();

/** actionlint run from a project root (a folder with .git and .github/workflows), one line per error. */
function actionlint(root: string): { status: number | null; out: string } {
  const r = spawnSync(ACTIONLINT, ['-no-color', '-oneline', `-shellcheck=${SHELLCHECK}`, '-pyflakes='], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const scratch = mkdtempSync(join(tmpdir(), 'workflow-lint-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the project's .github in a fresh project root, with `edit` applied to the workflow. */
function brokenCopy(name: string, edit: (text: string) => string, file = 'workflows/deploy-validate.yml'): string {
  const root = join(scratch, name);
  mkdirSync(join(root, '.git'), { recursive: true });
  cpSync(join(ROOT, '.github'), join(root, '.github'), { recursive: true });
  const path = join(root, '.github', file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, `the edit "${name}" changed nothing: the test would prove nothing`);
  writeFileSync(path, after);
  return root;
}

describe('the GitHub Actions workflow', () => {
  test(`actionlint passes on .github/ (shellcheck ${SHELLCHECK ? 'on' : 'not on PATH: run: scripts unchecked'})`, (t) => {
    t.diagnostic(`actionlint: ${ACTIONLINT}; shellcheck: ${SHELLCHECK || 'none'}`);
    const r = actionlint(ROOT);
    assert.equal(r.status, 0, r.out);
  });

  const breakages: Array<[string, (text: string) => string, RegExp, string?]> = [
    ['a job needs a job that does not exist', (s) => s.replace('needs: test', 'needs: tset'), /needs.*tset|"tset"/i],
    ['a misspelt input of a known action', (s) => s.replace('if-no-files-found:', 'if-no-file-found:'), /if-no-file-found/],
    ['a misspelt input of the local action', (s) => s.replace('minikube-version: v', 'minikube-versoin: v'), /minikube-versoin/],
    ['an expression with an unknown context', (s) => s.replace('{{ github.sha }}', '{{ gihtub.sha }}'), /gihtub/],
    [
      'a YAML syntax error',
      (s) => s.replace('    steps:\n      - uses: actions/checkout@v4', '    steps:\n     - uses: actions/checkout@v4'),
      /yaml|syntax|expect/i,
    ],
  ];
  for (const [name, edit, expected] of breakages) {
    test(`a broken copy fails the lint: ${name}`, () => {
      const r = actionlint(brokenCopy(name.replace(/\W+/g, '-'), edit));
      assert.equal(r.status, 1, `actionlint should report an error:\n${r.out}`);
      assert.match(r.out, expected);
    });
  }

  // actionlint checks how the workflow calls the local action, not the action's own script:
  // that script, like the CD script, is a file shellcheck reads directly.
  const SCRIPTS = ['.github/actions/k8s-tools/install.sh', '.github/scripts/helm-deploy.sh'];
  test('the scripts under .github pass shellcheck, and a broken one does not', { skip: !SHELLCHECK && 'no shellcheck on PATH' }, () => {
    const ok = spawnSync(SHELLCHECK, SCRIPTS, { cwd: ROOT, encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const root = brokenCopy(
      'install-sh',
      (s) => s.replace('install -m 0755 "$work/kubectl"', 'install -m 0755 $work/kubectl'),
      'actions/k8s-tools/install.sh',
    );
    const broken = spawnSync(SHELLCHECK, ['.github/actions/k8s-tools/install.sh'], { cwd: root, encoding: 'utf8' });
    assert.equal(broken.status, 1, broken.stdout);
    assert.match(broken.stdout, /SC2086/);
  });

  test('a shell bug in a run: script fails the lint (when shellcheck is on PATH)', { skip: !SHELLCHECK && 'no shellcheck on PATH' }, () => {
    const r = actionlint(
      brokenCopy('shellcheck', (s) =>
        s.replace('for report in reports/*validate-all*.md; do cat "$report"', 'for report in reports/*validate-all*.md; do cat $report'),
      ),
    );
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /SC2086/);
  });

  const workflow = parse(readFileSync(WORKFLOW, 'utf8'));
  /** Names of the steps whose run: script holds a ${{ }} expression (expanded into the script text). */
  const interpolating = (text: string) =>
    Object.values(parse(text).jobs as Record<string, { steps: Array<Record<string, unknown>> }>)
      .flatMap((job) => job.steps)
      .filter((step) => typeof step.run === 'string' && step.run.includes('${{'))
      .map((step) => String(step.name ?? step.run));

  test('no run: script interpolates an expression: secrets and inputs reach scripts only through env', () => {
    assert.deepEqual(interpolating(readFileSync(WORKFLOW, 'utf8')), []);
    // The same check on a copy that echoes a secret straight into a script.
    const echoing = readFileSync(WORKFLOW, 'utf8').replace(
      'run: npx zx runbooks/validate-all.mjs --yes',
      `run: echo "$\{{ secrets.POSTGRES_PASSWORD }}"`,
    );
    assert.deepEqual(interpolating(echoing), ['Validate (validate-all runs 00 → 06)']);
  });

  test('validate runs validate-all and 07 with --yes and uploads reports/ whatever happened', () => {
    const validate = workflow.jobs.validate.steps as Array<Record<string, any>>;
    const runs = validate.map((step) => step.run ?? '');
    assert.ok(runs.includes('npx zx runbooks/validate-all.mjs --yes'));
    const teardown = validate.find((step) => String(step.run).includes('runbooks/07-teardown.mjs --yes'));
    assert.equal(teardown?.if, 'always()');
    const upload = validate.find((step) => String(step.uses).startsWith('actions/upload-artifact@'));
    assert.equal(upload?.if, 'always()');
    assert.equal(upload?.with.path, 'reports/');
    assert.equal(upload?.with['if-no-files-found'], 'error');
  });
});
