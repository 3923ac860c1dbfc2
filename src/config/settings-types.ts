// The shape of the runbooks' settings: the typed Settings every runbook reads, where each value
// came from, and how one setting is described (its variable, flag, default, help and parser).
import type { ExtraSecretKey } from '../runbooks/steps/extra-secrets.ts';
import type { ChatSmokeSettings } from '../cluster/chat-smoke.ts';
import type { RegistryTarget } from '../registry/reference.ts';

export interface Settings extends ChatSmokeSettings {
  profile: string;
  namespace: string;
  release: string;
  chartDir: string;
  /** The user's own values files (probe paths, limits, extra settings), applied by every upgrade. */
  valuesFiles: string[];
  /** Secret keys beyond the runbooks' own, with the components that read them. */
  extraSecretKeys: ExtraSecretKey[];
  cpus: number;
  memoryMb: number;
  driver: string;
  reportDir: string;
  /** Deadline for each wait, in milliseconds. */
  timeoutMs: number;
  /** --request-timeout for every kubectl call, in seconds. */
  requestTimeoutS: number;
  /** A kube-context the user named explicitly, allowing runbooks to act on it. */
  context: string;
  /** IMAGE_REGISTRY: where 01 pushes the images and the cluster pulls them from; undefined: the minikube node's own images. */
  imageRegistry: RegistryTarget | undefined;
  /** The registry user; '' means no docker login (anonymous, or the user's own earlier login). */
  registryUsername: string;
  /** The docker-registry Secret the pods pull with. */
  registryPullSecret: string;
  appSource: 'demo' | 'custom';
  frontendDir: string;
  backendDir: string;
  mcpDir: string;
  frontendDockerfile: string;
  backendDockerfile: string;
  mcpDockerfile: string;
  /** Image size budgets in MB; undefined: the default for the image's runtime (size-budgets.ts). */
  sizeBudgetFrontend: number | undefined;
  sizeBudgetBackend: number | undefined;
  sizeBudgetMcp: number | undefined;
  /** All the images together, in MB; undefined: DEFAULT_TOTAL_BUDGET_MB. */
  sizeBudgetTotal: number | undefined;
  kubectlAiProvider: string;
  kubectlAiModel: string;
  kagentNamespace: string;
  kagentAgent: string;
}

export type Key = keyof Settings;
export type Source = 'flag' | 'environment' | 'env-file' | 'default';

export interface SettingSpec<K extends Key = Key> {
  key: K;
  env: string;
  flag?: string;
  default: string;
  description: string;
  parse(raw: string, name: string): Settings[K];
}
