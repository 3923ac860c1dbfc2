// What a runbook is (its definition) and what the framework hands it and gives back: the seven
// tool modules, a check's input, the simulation it may run on, and a run's outcome.
import type { FlagSpec } from '../config.ts';
import type { CheckRecord, CheckStatus } from '../events.ts';
import type { ReportData } from '../report/model.ts';
import type { Docker } from '../tools/docker.ts';
import type { DockerRegistry } from '../tools/docker-registry.ts';
import type { Minikube } from '../tools/minikube.ts';
import type { Kubectl } from '../tools/kubectl.ts';
import type { Helm } from '../tools/helm.ts';
import type { KubectlAi } from '../tools/kubectl-ai.ts';
import type { Kagent } from '../tools/kagent.ts';
import type { Gordon } from '../tools/gordon.ts';
import type { RunbookContext } from '../runbook.ts';

export interface Tools {
  docker: Docker;
  registry: DockerRegistry;
  minikube: Minikube;
  kubectl: Kubectl;
  helm: Helm;
  kubectlAi: KubectlAi;
  kagent: Kagent;
  gordon: Gordon;
}

export interface RunbookDefinition {
  /** File name without extension, e.g. `00-setup`. */
  id: string;
  title: string;
  summary: string;
  flags?: FlagSpec[];
  run(ctx: RunbookContext): Promise<void>;
}

export interface CheckInput {
  id: string;
  title: string;
  expected: string;
  measured: string;
  pass: boolean | CheckStatus;
  remedy?: string;
  value?: number;
  unit?: CheckRecord['unit'];
}

export interface Simulation {
  stateDir: string;
  binDir: string;
  env: Record<string, string>;
}

export interface RunOutcome {
  exitCode: number;
  /** Absent when the run stopped at argument parsing or --help. */
  report?: ReportData;
  paths?: { markdown: string; json: string };
}
