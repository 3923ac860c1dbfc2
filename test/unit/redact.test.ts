import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { clearSecrets, redact, registerSecret, REDACTION_MASK } from '../../src/redact.ts';

beforeEach(() => clearSecrets());

test('a registered secret is masked in plain, base64 and URL-encoded forms', () => {
  registerSecret('s3cr3t-value/with+chars');
  const b64 = Buffer.from('s3cr3t-value/with+chars').toString('base64');
  const out = redact(`plain s3cr3t-value/with+chars b64 ${b64} url ${encodeURIComponent('s3cr3t-value/with+chars')}`);
  assert.ok(!out.includes('s3cr3t'));
  assert.ok(!out.includes(b64));
  assert.equal(out.split(REDACTION_MASK).length - 1, 3);
});

test('the password inside a database URL is masked on its own too', () => {
  registerSecret('postgresql://todo:p%40ss%2Fword@db:5432/todo');
  assert.equal(redact('PGPASSWORD=p@ss/word'), `PGPASSWORD=${REDACTION_MASK}`);
  assert.equal(redact('pw p%40ss%2Fword'), `pw ${REDACTION_MASK}`);
});

test('nothing is masked without registered secrets; short values are not registered', () => {
  assert.equal(redact('hello'), 'hello');
  registerSecret('ab');
  assert.equal(redact('abc ab'), 'abc ab');
});

test('a secret containing another secret is masked whole', () => {
  registerSecret('abcd');
  registerSecret('abcdefgh');
  assert.equal(redact('x abcdefgh y'), `x ${REDACTION_MASK} y`);
});
