// Secret values end up in the Secret and nowhere else: not in the ConfigMap, not in a pod spec,
// not in the test pod, not in NOTES.txt - in clear, base64 or URL-encoded form.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type K8sObject, render, renderNotes, type Rendered, type RenderOptions } from './helm.ts';

// Each value carries a distinctive core that survives URL encoding, so a leak is found in any form.
const CORES = {
  BETTER_AUTH_SECRET: 'AuthCoreQ7x1e40aa9b',
  OPENAI_API_KEY: 'OpenaiCoreW42ab99',
  POSTGRES_PASSWORD: 'PgCoreZ5d2f0',
  JWT_SECRET: 'JwtCoreK81f0',
  DATABASE_URL: 'DbCoreV9f3c',
};
const VALUES = {
  BETTER_AUTH_SECRET: `${CORES.BETTER_AUTH_SECRET}-and-more-entropy-0123456789`,
  OPENAI_API_KEY: `sk-${CORES.OPENAI_API_KEY}`,
  POSTGRES_PASSWORD: `${CORES.POSTGRES_PASSWORD}:@/ &`,
  JWT_SECRET: CORES.JWT_SECRET,
};
const EXTERNAL_DB = `postgresql://app:${CORES.DATABASE_URL}@db.example.com:5432/todo?sslmode=require`;
const USER_APP = { backend: { secretKeys: ['DATABASE_URL', 'BETTER_AUTH_SECRET', 'OPENAI_API_KEY', 'JWT_SECRET'] } };

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

/** Every form in which a secret could leak: its core (clear or URL-encoded) and full base64. */
function leakForms(secretData: Record<string, string>): string[] {
  const forms: string[] = Object.values(CORES);
  for (const encoded of Object.values(secretData)) if (encoded) forms.push(encoded);
  for (const value of Object.values(VALUES)) forms.push(b64(value));
  forms.push(b64(EXTERNAL_DB));
  return forms;
}

function assertOnlyInSecret(r: Rendered, notes: string, secretName = 'todo-chatbot-secrets'): void {
  const secret = r.get('Secret', secretName);
  const forms = leakForms(secret.data ?? {});
  const others: K8sObject[] = r.objects.filter((o) => o !== secret);
  assert.ok(others.length >= 8, 'the other objects were rendered');
  for (const o of others) {
    const text = JSON.stringify(o);
    for (const f of forms) assert.ok(!text.includes(f), `${o.kind}/${o.metadata.name} contains secret material (${f.slice(0, 6)}…)`);
  }
  // The raw helm output outside the Secret's document too (comments included).
  const outside = r.text
    .split(/^---$/m)
    .filter((doc) => !/^kind: Secret$/m.test(doc))
    .join('\n');
  for (const f of forms) assert.ok(!outside.includes(f), `helm output outside the Secret contains ${f.slice(0, 6)}…`);
  for (const f of forms) assert.ok(!notes.includes(f), `NOTES.txt contains ${f.slice(0, 6)}…`);
}

function decoded(r: Rendered, secretName = 'todo-chatbot-secrets'): Record<string, string> {
  const data = r.get('Secret', secretName).data ?? {};
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

describe('secret values stay in the Secret', () => {
  it('with the in-chart PostgreSQL', () => {
    const opts: RenderOptions = { values: [{ secrets: VALUES }, USER_APP] };
    const r = render(opts);
    const data = decoded(r);
    assert.deepEqual(Object.keys(data).sort(), ['BETTER_AUTH_SECRET', 'DATABASE_URL', 'JWT_SECRET', 'OPENAI_API_KEY', 'POSTGRES_PASSWORD']);
    for (const [k, v] of Object.entries(VALUES)) assert.equal(data[k], v, k);
    assert.ok(data.DATABASE_URL.includes(encodeURIComponent(CORES.POSTGRES_PASSWORD)));
    assertOnlyInSecret(r, renderNotes(opts));
  });

  it('with an external database', () => {
    const opts: RenderOptions = {
      values: [{ postgresql: { enabled: false }, secrets: { ...VALUES, DATABASE_URL: EXTERNAL_DB } }, USER_APP],
    };
    const r = render(opts);
    const data = decoded(r);
    assert.equal(data.DATABASE_URL, EXTERNAL_DB);
    assert.equal(data.OPENAI_API_KEY, VALUES.OPENAI_API_KEY);
    assertOnlyInSecret(r, renderNotes(opts));
  });

  it('nowhere at all when existingSecret is used (values under `secrets` are ignored)', () => {
    const opts: RenderOptions = {
      values: [{ existingSecret: 'made-outside', secrets: { ...VALUES, DATABASE_URL: EXTERNAL_DB } }, USER_APP],
    };
    const r = render(opts);
    assert.equal(r.all('Secret').length, 0);
    const notes = renderNotes(opts);
    const forms = leakForms({});
    for (const f of forms) {
      assert.ok(!r.text.includes(f), `rendered manifests contain ${f.slice(0, 6)}…`);
      assert.ok(!notes.includes(f), `NOTES.txt contains ${f.slice(0, 6)}…`);
    }
    assert.match(
      notes,
      /ignored: BETTER_AUTH_SECRET, DATABASE_URL, JWT_SECRET, OPENAI_API_KEY, POSTGRES_PASSWORD/,
      'NOTES names, never shows, the ignored values',
    );
  });

  it('never as a literal env value: containers get secrets only by secretKeyRef', () => {
    const r = render({ values: [{ secrets: VALUES }, USER_APP] });
    let secretRefs = 0;
    for (const { owner, spec } of r.podSpecs()) {
      for (const c of spec.containers) {
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) secretRefs++;
          if (['DATABASE_URL', 'BETTER_AUTH_SECRET', 'OPENAI_API_KEY', 'POSTGRES_PASSWORD', 'JWT_SECRET'].includes(e.name)) {
            assert.ok(e.valueFrom?.secretKeyRef, `${owner} ${c.name} ${e.name} must come from the Secret`);
          }
        }
      }
    }
    assert.equal(secretRefs, 7);
  });
});
