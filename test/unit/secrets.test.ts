import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { randomSecret, resolveSecrets, saveToEnvFile, validatePostgresUrl, minLength } from '../../src/secrets.ts';
import { secretSpecs } from '../../src/runbooks/steps/app-secrets.ts';
import { UsageError } from '../../src/errors.ts';
import { clearSecrets, redact } from '../../src/redact.ts';

const good = { POSTGRES_PASSWORD: 'a-long-enough-pass', BETTER_AUTH_SECRET: 'x'.repeat(32), OPENAI_API_KEY: 'sk-abc' };

test('environment wins over the env file; every value is registered for redaction', async () => {
  clearSecrets();
  const r = await resolveSecrets(secretSpecs(false), {
    env: { ...good },
    fileEnv: { BETTER_AUTH_SECRET: 'y'.repeat(40) },
    interactive: false,
  });
  assert.equal(r.BETTER_AUTH_SECRET!.source, 'environment');
  assert.equal(redact(`p=${good.POSTGRES_PASSWORD}`), 'p=••••••');
  const fromFile = await resolveSecrets(secretSpecs(false), {
    env: { POSTGRES_PASSWORD: good.POSTGRES_PASSWORD, OPENAI_API_KEY: 'k' },
    fileEnv: { BETTER_AUTH_SECRET: 'y'.repeat(40) },
    interactive: false,
  });
  assert.equal(fromFile.BETTER_AUTH_SECRET!.source, 'env-file');
  clearSecrets();
});

test('non-interactive: a missing or invalid secret is a UsageError naming it', async () => {
  await assert.rejects(
    resolveSecrets(secretSpecs(false), { env: { ...good, BETTER_AUTH_SECRET: '' }, fileEnv: {}, interactive: false }),
    (e: unknown) => e instanceof UsageError && /BETTER_AUTH_SECRET is not set/.test(e.message),
  );
  await assert.rejects(
    resolveSecrets(secretSpecs(false), { env: { ...good, BETTER_AUTH_SECRET: 'short' }, fileEnv: {}, interactive: false }),
    (e: unknown) => e instanceof UsageError && /too short \(5 characters; at least 32/.test(e.message) && /openssl rand/.test(e.remedy),
  );
  await assert.rejects(
    resolveSecrets(secretSpecs(true), { env: { ...good, DATABASE_URL: 'mysql://u:p@h/db' }, fileEnv: {}, interactive: false }),
    /scheme "mysql"/,
  );
});

test('interactive: the prompter is used, and an empty answer keeps the env-file value', async () => {
  const asked: string[] = [];
  const answers: Record<string, string> = { POSTGRES_PASSWORD: '', BETTER_AUTH_SECRET: 'z'.repeat(33), OPENAI_API_KEY: 'sk-x' };
  const r = await resolveSecrets(secretSpecs(false), {
    env: {},
    fileEnv: { POSTGRES_PASSWORD: 'from-the-env-file' },
    interactive: true,
    prompter: {
      password: async (message, validate) => {
        const key = message.split(' ')[0]!;
        asked.push(key);
        assert.equal(validate(answers[key]!), true);
        return answers[key]!;
      },
    },
  });
  assert.deepEqual(asked, ['POSTGRES_PASSWORD', 'BETTER_AUTH_SECRET', 'OPENAI_API_KEY']);
  assert.equal(r.POSTGRES_PASSWORD!.value, 'from-the-env-file');
  assert.equal(r.BETTER_AUTH_SECRET!.source, 'prompt');
});

test('validators', () => {
  assert.equal(validatePostgresUrl('postgresql://u:p@host:5432/db?sslmode=require'), undefined);
  assert.match(validatePostgresUrl('not a url')!, /not a URL/);
  assert.match(validatePostgresUrl('postgresql://host:5432/db')!, /no user/);
  assert.match(validatePostgresUrl('postgresql://u:p@host:5432')!, /no database/);
  assert.equal(minLength(3)('abc'), undefined);
});

test('saveToEnvFile writes mode 0600, updates in place and round-trips through dotenv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'envf-'));
  const file = join(dir, '.env');
  writeFileSync(file, '# settings\nK8S_NAMESPACE=todo-app\nOPENAI_API_KEY=old\n', { mode: 0o644 });
  saveToEnvFile(file, { OPENAI_API_KEY: "sk-'quoted' value", BETTER_AUTH_SECRET: 'a b#c$d' });
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const parsed = parse(readFileSync(file));
  assert.equal(parsed.OPENAI_API_KEY, "sk-'quoted' value");
  assert.equal(parsed.BETTER_AUTH_SECRET, 'a b#c$d');
  assert.equal(parsed.K8S_NAMESPACE, 'todo-app');
  assert.equal(readFileSync(file, 'utf8').match(/OPENAI_API_KEY/g)!.length, 1);
});

test('randomSecret: the requested length, letters and digits only, never the same twice', () => {
  const values = Array.from({ length: 200 }, () => randomSecret(32));
  for (const v of values) assert.match(v, /^[A-Za-z0-9]{32}$/);
  assert.equal(new Set(values).size, values.length);
  // Every character of the alphabet turns up: the draw covers all 62 symbols.
  assert.equal(new Set(values.join('')).size, 62);
});

test('interactive: a key that can be generated is offered generation; the value is strong, valid and marked generated', async () => {
  const offered: Record<string, string[]> = {};
  const typed: string[] = [];
  const r = await resolveSecrets(secretSpecs(false), {
    env: {},
    fileEnv: { BETTER_AUTH_SECRET: 'k'.repeat(40) },
    interactive: true,
    prompter: {
      password: async (message) => {
        typed.push(message.split(' ')[0]!);
        return 'sk-typed';
      },
      choose: async (message, choices) => {
        offered[message.split(' ')[0]!] = choices.map((c) => c.value);
        return message.startsWith('POSTGRES') ? 'generate' : choices[0]!.value;
      },
    },
  });
  assert.deepEqual(
    offered,
    { POSTGRES_PASSWORD: ['generate', 'type'], BETTER_AUTH_SECRET: ['keep', 'generate', 'type'] },
    'generation is offered for what can be made, and the env file value comes first',
  );
  assert.deepEqual(typed, ['OPENAI_API_KEY'], 'an API key issued elsewhere is typed, never generated');
  assert.equal(r.POSTGRES_PASSWORD!.source, 'generated');
  assert.match(r.POSTGRES_PASSWORD!.value, /^[A-Za-z0-9]{32}$/);
  assert.equal(r.BETTER_AUTH_SECRET!.source, 'env-file');
  assert.match(redact(`x ${r.POSTGRES_PASSWORD!.value} y`), /^x •+ y$/, 'a generated value is registered for redaction at once');
  const auth = secretSpecs(false).find((s) => s.key === 'BETTER_AUTH_SECRET')!;
  const made = auth.generate!();
  assert.match(made, /^[A-Za-z0-9]{48}$/);
  assert.equal(auth.validate(made), undefined);
});
