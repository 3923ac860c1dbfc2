// --simulate: loads the simulated toolchain from sim/ (a product feature, so nothing under test/),
// prepares its shared state directory and takes the virtual clock the run will use.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { UsageError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import type { Simulation } from './types.ts';
import { PROJECT_ROOT } from '../project-root.ts';

export async function prepareSimulation(): Promise<{ simulation: Simulation; clock: Clock }> {
  const setupPath = join(PROJECT_ROOT, 'sim', 'lib', 'setup.mjs');
  if (!existsSync(setupPath))
    throw new UsageError(
      '--simulate needs the simulated toolchain in sim/, which is not in this copy',
      'use a full clone of the repository',
    );
  const sim = (await import(setupPath)) as {
    prepareSimulation(o: { stateDir?: string; faults?: string; speed?: number }): Promise<Simulation> | Simulation;
    drivingClock(stateDir: string): Promise<Clock>;
  };
  const speed = process.env.SIM_SPEED ? Number(process.env.SIM_SPEED) : undefined;
  if (speed !== undefined && !(speed >= 0))
    throw new UsageError(`SIM_SPEED "${process.env.SIM_SPEED}" is not a number ≥ 0`, 'unset it or give e.g. SIM_SPEED=20');
  // Default state: one persistent simulated machine per user, so 00 → 01 → 02 → 03 run one after
  // another build on each other as they would on a real machine (SIM_STATE_DIR picks another).
  const stateDir = process.env.SIM_STATE_DIR || join(os.tmpdir(), 'todo-chatbot-sim');
  let simulation: Simulation;
  try {
    simulation = await sim.prepareSimulation({ stateDir, faults: process.env.SIM_FAULTS, speed });
  } catch (error) {
    throw new UsageError(
      `the simulation could not start: ${error instanceof Error ? error.message : String(error)}`,
      'check SIM_FAULTS against the fault catalogue in docs/simulator.md',
    );
  }
  return { simulation, clock: await sim.drivingClock(simulation.stateDir) };
}
