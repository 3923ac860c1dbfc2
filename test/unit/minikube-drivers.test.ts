// The minikube driver names live twice, by design: the runbooks check MINIKUBE_DRIVER without the
// simulator (src/ must work in a copy without sim/), and the simulated minikube refuses names the
// real one does not know (sim/ is plain JavaScript that Node runs without a TypeScript loader).
// This test keeps the two lists equal, and both equal to what minikube registers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MINIKUBE_DRIVERS, driver } from '../../src/config/value-parsers.ts';
// @ts-expect-error the simulator is plain JavaScript
import { KNOWN_DRIVERS } from '../../sim/lib/tools/minikube/start.mjs';
// @ts-expect-error the simulator is plain JavaScript
import { prepareSimulation } from '../../sim/lib/setup.mjs';
import { spawnSync } from 'node:child_process';

// minikube's registered drivers: one package imported per driver in pkg/minikube/registry/drvs/init.go
// (docker, hyperkit, hyperv, krunkit, kvm2, none, parallels, podman, qemu2, ssh, vfkit, virtualbox,
// vmware; the names are the constants of pkg/minikube/driver/driver.go), and `qemu`, the alias the
// qemu2 driver registers (pkg/minikube/registry/drvs/qemu2/qemu2.go, driver.AliasQEMU).
const REGISTERED = [
  'docker',
  'hyperkit',
  'hyperv',
  'krunkit',
  'kvm2',
  'none',
  'parallels',
  'podman',
  'qemu2',
  'ssh',
  'vfkit',
  'virtualbox',
  'vmware',
];
const ALIASES = ['qemu'];

test("the runbooks' driver check and the simulated minikube know the same drivers", () => {
  assert.deepEqual([...MINIKUBE_DRIVERS].sort(), [...KNOWN_DRIVERS].sort());
});

test("both are minikube's registered drivers and qemu2's alias", () => {
  assert.deepEqual([...MINIKUBE_DRIVERS].sort(), [...REGISTERED, ...ALIASES].sort());
});

test('every listed driver is accepted as MINIKUBE_DRIVER; a name minikube does not register is refused', () => {
  for (const name of MINIKUBE_DRIVERS) assert.equal(driver(name, 'MINIKUBE_DRIVER'), name);
  assert.throws(() => driver('kvm3', 'MINIKUBE_DRIVER'), /"kvm3" is not a minikube driver/);
});

test("the simulated minikube refuses a name outside the list as minikube's validateDriver does", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-drivers-'));
  try {
    const sim = await prepareSimulation({ stateDir: dir, speed: 0 });
    const r = spawnSync(join(sim.binDir, 'minikube'), ['start', '-p', 'minikube', '--driver=kvm3'], {
      encoding: 'utf8',
      env: { ...process.env, ...sim.env, PATH: `${sim.binDir}:${process.env.PATH}` },
    });
    assert.equal(r.status, 56, r.stderr);
    assert.match(r.stderr, /Exiting due to DRV_UNSUPPORTED_OS: The driver 'kvm3' is not supported/);
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 }); // a daemon of the machine may write as it goes
  }
});
