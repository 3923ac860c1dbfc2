// The pflag-compatible parser and the Go duration parser behind every stand-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, parseGoDuration, FlagError } from '../../../sim/lib/argv.mjs';
import { parseFaults } from '../../../sim/lib/faults.mjs';

const spec = {
  namespace: { type: 'string', short: 'n' },
  wait: { type: 'bool' },
  set: { type: 'stringArray' },
  replicas: { type: 'int' },
  timeout: { type: 'duration', def: 30000 },
  output: { type: 'string', short: 'o' },
  all: { type: 'bool', short: 'A' },
  quiet: { type: 'bool', short: 'q' },
};

test('both --flag=value and --flag value, shorthands in every pflag form', () => {
  const p = parseArgs(
    ['get', '--namespace=a', 'pods', '-o', 'json', '--set', 'x=1', '--set=y=2', '-Aq', '--timeout', '5m', '--replicas=3', '--wait=false'],
    spec,
  );
  assert.deepEqual(p.args, ['get', 'pods']);
  assert.equal(p.flags.namespace, 'a');
  assert.equal(p.flags.output, 'json');
  assert.deepEqual(p.flags.set, ['x=1', 'y=2']);
  assert.equal(p.flags.all, true);
  assert.equal(p.flags.quiet, true);
  assert.equal(p.flags.timeout, 300000);
  assert.equal(p.flags.replicas, 3);
  assert.equal(p.flags.wait, false);
  assert.equal(parseArgs(['-ntodo'], spec).flags.namespace, 'todo');
  assert.equal(parseArgs(['-n=todo'], spec).flags.namespace, 'todo');
});

test('-- stops flag parsing', () => {
  const p = parseArgs(['exec', 'pod', '--', 'printenv', '--wait'], spec);
  assert.deepEqual(p.args, ['exec', 'pod']);
  assert.deepEqual(p.dash, ['printenv', '--wait']);
});

test('unknown flags and bad values are rejected with pflag texts', () => {
  const msg = (argv) => {
    try {
      parseArgs(argv, spec);
    } catch (e) {
      assert.ok(e instanceof FlagError);
      return e.message;
    }
    return null;
  };
  assert.equal(msg(['--foo']), 'unknown flag: --foo');
  assert.equal(msg(['-Z']), "unknown shorthand flag: 'Z' in -Z");
  assert.equal(msg(['-AZ']), "unknown shorthand flag: 'Z' in -AZ");
  assert.equal(msg(['--namespace']), 'flag needs an argument: --namespace');
  assert.equal(msg(['-n']), "flag needs an argument: 'n' in -n");
  assert.equal(msg(['--replicas=abc']), 'invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax');
  assert.equal(msg(['--timeout=5']), 'invalid argument "5" for "--timeout" flag: time: missing unit in duration "5"');
  assert.equal(msg(['--wait=maybe']), 'invalid argument "maybe" for "--wait" flag: strconv.ParseBool: parsing "maybe": invalid syntax');
});

test('Go durations', () => {
  assert.equal(parseGoDuration('300s'), 300000);
  assert.equal(parseGoDuration('5m0s'), 300000);
  assert.equal(parseGoDuration('1h30m'), 5400000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('0'), 0);
  assert.throws(() => parseGoDuration('10x'), /unknown unit "x"/);
});

test('fault catalogue: valid entries parse, unknown ones are refused', () => {
  const f = parseFaults('crashloop=backend, slow-start=postgresql:20s,docker-down,missing=helm');
  assert.ok(f.has('docker-down'));
  assert.ok(f.forComponent('crashloop', 'backend'));
  assert.equal(f.slowStartMs('postgresql'), 20000);
  assert.deepEqual(f.values('missing'), ['helm']);
  assert.throws(() => parseFaults('crashloop=db'), /component must be one of/);
  assert.throws(() => parseFaults('explode'), /unknown fault/);
  assert.throws(() => parseFaults('slow-start=backend:20'), /slow-start=<component>:<seconds>s/);
  assert.throws(() => parseFaults('missing=terraform'), /tool must be one of/);
});
