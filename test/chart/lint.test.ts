// `helm lint --strict` passes without a single warning over the whole values matrix.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHART_DIR, ciValuesFiles, lint } from './helm.ts';

const CI_SECRETS = join(CHART_DIR, 'ci', 'default-values.yaml');

// Lint renders in "lint mode", where the chart's `required` and `fail` checks only print
// "[INFO] Missing required value" / "[INFO] Fail" and pass. A values set meant to install must not
// trip them, so those lines count as failures too (except for the bare defaults, which lack the
// one required password by design).
function assertClean(args: string[], label: string, allowMissingRequired = false): void {
  const r = lint(args);
  const output = r.stdout + r.stderr;
  assert.equal(r.status, 0, `${label}: helm lint --strict failed:\n${output}`);
  assert.doesNotMatch(output, /\[WARNING\]/, `${label}: lint warned:\n${output}`);
  assert.doesNotMatch(output, /\[ERROR\]/, `${label}: lint reported an error:\n${output}`);
  assert.doesNotMatch(output, /\[INFO\] Fail:/, `${label}: a template check failed:\n${output}`);
  if (!allowMissingRequired) assert.doesNotMatch(output, /Missing required value/, `${label}: a required value is missing:\n${output}`);
  assert.match(output, /1 chart\(s\) linted, 0 chart\(s\) failed/, label);
}

describe('helm lint --strict', () => {
  const files = ciValuesFiles();

  it('has a ci/*-values.yaml matrix covering the main set-ups', () => {
    const names = files.map((f) => f.slice(f.lastIndexOf('/') + 1));
    for (const expected of [
      'default-values.yaml',
      'external-db-values.yaml',
      'existing-secret-values.yaml',
      'scaled-values.yaml',
      'byo-app-values.yaml',
    ]) {
      assert.ok(names.includes(expected), `ci/${expected} is missing`);
    }
  });

  for (const file of files) {
    it(`is clean with ci/${file.slice(file.lastIndexOf('/') + 1)}`, () => assertClean(['-f', file], file));
  }

  it('is clean with values-dev.yaml (plus the ci secrets)', () => {
    assertClean(['-f', join(CHART_DIR, 'values-dev.yaml'), '-f', CI_SECRETS], 'values-dev.yaml');
  });

  it('is clean with values-staging.yaml (plus the ci secrets)', () => {
    assertClean(['-f', join(CHART_DIR, 'values-staging.yaml'), '-f', CI_SECRETS], 'values-staging.yaml');
  });

  it('is clean with values-prod.yaml', () => {
    assertClean(['-f', join(CHART_DIR, 'values-prod.yaml')], 'values-prod.yaml');
  });

  it('is clean with the bare chart defaults (the missing password is only INFO in lint mode)', () => {
    assertClean([], 'defaults', true);
    assert.match(lint([]).stderr, /\[INFO\] Missing required value: secrets\.POSTGRES_PASSWORD is required/);
  });

  it('fails, and says why, on a value the schema refuses', () => {
    const r = lint(['-f', CI_SECRETS, '--set', 'frontend.replicaCount=-2']);
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /\[ERROR\][\s\S]*frontend\.replicaCount: Must be greater than or equal to 0/);
  });

  it('shows a template check that trips (a secret under env), which assertClean treats as a failure', () => {
    const r = lint(['-f', CI_SECRETS, '--set', 'backend.env.BETTER_AUTH_SECRET=x']);
    assert.match(r.stdout + r.stderr, /\[INFO\] Fail: backend\.env\.BETTER_AUTH_SECRET: BETTER_AUTH_SECRET is a secret/);
    assert.throws(
      () => assertClean(['-f', CI_SECRETS, '--set', 'backend.env.BETTER_AUTH_SECRET=x'], 'secret under env'),
      /a template check failed/,
    );
  });
});
