// One quantity parser for the analyzers and runbook 05's proofs. Before it there were two, and
// they disagreed on the inputs in DISAGREED below; each now gets the value Kubernetes gives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMemory, parseCpu, parseMemory, parseQuantity, sameQuantity } from '../../src/cluster/quantity.ts';

test('CPU in millicores, memory in bytes, as Kubernetes writes them', () => {
  assert.equal(parseCpu('500m'), 500);
  assert.equal(parseCpu('2'), 2000);
  assert.equal(parseCpu('0.25'), 250);
  assert.ok(Math.abs(parseCpu('463118907n')! - 463.118907) < 1e-6);
  assert.equal(parseMemory('384Mi'), 384 * 2 ** 20);
  assert.equal(parseMemory('331776Ki'), 324 * 2 ** 20);
  assert.equal(parseMemory('1Gi'), 2 ** 30);
  assert.equal(parseMemory('128M'), 128e6);
  assert.equal(parseQuantity('500m'), 0.5);
  assert.equal(parseMemory('lots'), undefined);
  assert.equal(parseMemory(''), undefined);
  assert.equal(parseMemory(undefined), undefined);
  assert.equal(formatMemory(2 ** 31), '2Gi');
  assert.equal(formatMemory(768 * 2 ** 20), '768Mi');
});

// [input, value in base units]: the parsers of analyzers.ts and of the old drills.ts gave different answers for each.
const DISAGREED: [string, number | undefined][] = [
  ['250u', 250e-6], // micro: the metrics API writes CPU like this; drills.ts did not know it
  ['463118907n', 0.463118907], // nano, ditto
  ['1E3', 1000], // an upper-case exponent; drills.ts refused it
  ['1e-3', 0.001], // a negative exponent; drills.ts refused it
  ['+1Gi', 2 ** 30], // a sign; drills.ts refused it
  ['.5', 0.5], // Kubernetes' grammar allows a number without its integer part; analyzers.ts refused it
  ['5.', 5], // ... and without its fraction; analyzers.ts refused it
  ['1.2.3', undefined], // drills.ts returned NaN
];

for (const [input, expected] of DISAGREED) {
  test(`"${input}" parses as Kubernetes reads it`, () => {
    const got = parseQuantity(input);
    if (expected === undefined) assert.equal(got, undefined);
    else assert.ok(got !== undefined && Math.abs(got - expected) <= Math.abs(expected) * 1e-12, `${input}: ${got}`);
  });
}

test('a suffix wins over an exponent: 1E is one exa, 1Ei one exbi', () => {
  assert.equal(parseQuantity('1E'), 1e18);
  assert.equal(parseQuantity('1Ei'), 2 ** 60);
});

test('sameQuantity: 1Gi = 1024Mi, 250u = 0.25m, text compares as text', () => {
  assert.ok(sameQuantity('1Gi', '1024Mi'));
  assert.ok(!sameQuantity('1Gi', '384Mi'));
  assert.ok(!sameQuantity('1Gi', '1G'));
  assert.ok(sameQuantity('250u', '0.25m'), 'the drills compared these as text');
  assert.ok(sameQuantity('weird', 'weird'));
  assert.ok(!sameQuantity('1.2.3', '1.2.4'));
});
