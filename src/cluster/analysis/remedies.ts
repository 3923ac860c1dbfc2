// The remedy catalogue: every remedy an analyzer gives, in one place, in this project's terms
// (which runbook or command fixes it). Each text is built from the run's context, so a command a
// person copies acts on the same profile, namespace, release and chart as the run that found it:
// a runbook command carries --profile / --namespace (and HELM_RELEASE / HELM_CHART_DIR) when they
// differ from the defaults, and a helm or kubectl command that changes something names its context.
import { shellWord } from '../../shell-word.ts';
import { SETTINGS } from '../../config.ts';
import { formatMemory, parseMemory } from '../quantity.ts';
import type { ProbeKind } from '../kube-types.ts';
import type { Finding } from './finding.ts';
import { DELETE_LOSES } from '../../tools/minikube.ts';

export interface RemedyContext {
  /** minikube profile, which is also the kube-context name. */
  profile: string;
  namespace: string;
  release: string;
  /** Chart path as the user gave it (HELM_CHART_DIR). */
  chartDir: string;
}

/** The runbooks a remedy may send the user to, and the settings each one needs to act on the same release. */
type RunbookId = '00-setup' | '02-load' | '03-install' | '08-backup';
const RELEASE_RUNBOOKS: ReadonlySet<RunbookId> = new Set(['03-install', '08-backup']);

function defaultOf(key: keyof RemedyContext): string {
  return SETTINGS.find((s) => s.key === key)!.default;
}

/** `frontend.resources.limits.memory`, or `<component>.…` when the object carries no component label. */
export function componentPath(component: string | undefined, path: string): string {
  return `${component ?? '<component>'}.${path}`;
}

export class Remedies {
  constructor(private readonly c: RemedyContext) {}

  // ------------------------------------------------------------ commands

  /** `npx zx runbooks/<id>.mjs` with the settings that point it at this run's cluster and release. */
  runbook(id: RunbookId, env: Record<string, string> = {}): string {
    const vars = { ...env };
    const flags: string[] = [];
    if (this.c.profile !== defaultOf('profile')) flags.push('--profile', this.c.profile);
    if (RELEASE_RUNBOOKS.has(id)) {
      if (this.c.namespace !== defaultOf('namespace')) flags.push('--namespace', this.c.namespace);
      if (this.c.release !== defaultOf('release')) vars.HELM_RELEASE = this.c.release;
      if (this.c.chartDir !== defaultOf('chartDir')) vars.HELM_CHART_DIR = this.c.chartDir;
    }
    const prefix = Object.entries(vars)
      .map(([k, v]) => `${k}=${shellWord(v)} `)
      .join('');
    return `${prefix}npx zx runbooks/${id}.mjs${flags.map((f) => ` ${shellWord(f)}`).join('')}`;
  }

  private upgrade(assignment: string): string {
    return `helm upgrade ${this.c.release} ${shellWord(this.c.chartDir)} -n ${this.c.namespace} --reuse-values --set ${assignment} --kube-context ${this.c.profile}`;
  }

  private deletePod(pod: string): string {
    return `kubectl delete pod ${pod} -n ${this.c.namespace} --context ${this.c.profile}`;
  }

  private recreateCluster(env: Record<string, string>): string {
    // A new profile first: a delete loses everything in the cluster (issue 10).
    const sized = Object.entries(env)
      .map(([k, v]) => `${k}=${shellWord(v)}`)
      .join(' ');
    return `a new cluster under another profile name (00-setup with --profile <new-name>${sized ? ` and ${sized}` : ''}); or, knowing that ${DELETE_LOSES}: minikube delete -p ${this.c.profile}, then ${this.runbook('00-setup', env)}`;
  }

  // ------------------------------------------------------------ nodes

  nodeNotReady(): string {
    const p = this.c.profile;
    return `the node is down or its kubelet is unhealthy: minikube status -p ${p}; restart it with minikube stop -p ${p} && ${this.runbook('00-setup')}; details: minikube logs -p ${p}`;
  }

  nodePressure(pressure: string): string {
    const p = this.c.profile;
    if (pressure === 'DiskPressure') {
      return `free space on the node: minikube ssh -p ${p} -- docker image prune -a (old image tags pile up with every build; on the containerd runtime: minikube ssh -p ${p} -- sudo crictl rmi --prune), or a new profile with a bigger disk (minikube start -p <new-name> --disk-size=40g; ${DELETE_LOSES}, so delete this one only once you no longer need it)`;
    }
    return `the node is short of ${pressure === 'MemoryPressure' ? 'memory' : 'process ids'} and will evict pods: lower the replicas or limits, or recreate the cluster bigger: ${this.recreateCluster({ MINIKUBE_MEMORY: '8192' })}`;
  }

  nodeCordoned(node: string): string {
    return `kubectl uncordon ${node} --context ${this.c.profile}`;
  }

  // ------------------------------------------------------------ pods

  evicted(component: string | undefined, pod: string): string {
    return `the node ran short of a resource and evicted the pod (its replacement is listed separately); give the node more room (${this.recreateCluster({ MINIKUBE_MEMORY: '8192' })}) or lower ${componentPath(component, 'resources.requests.memory')}; remove the leftover with ${this.deletePod(pod)}`;
  }

  unboundClaim(): string {
    return `its volume claim is not bound (see the PersistentVolumeClaim finding): kubectl get pvc -n ${this.c.namespace}`;
  }

  clusterTooSmall(component: string | undefined): string {
    return `the cluster is too small for the requests: recreate it with more --cpus/--memory (${this.recreateCluster({ MINIKUBE_CPUS: '4', MINIKUBE_MEMORY: '8192' })}) or lower the requests, e.g. ${this.upgrade(`${componentPath(component, 'resources.requests.memory')}=128Mi`)}`;
  }

  noMatchingNode(component: string | undefined): string {
    return `no node matches the pod's node selector, affinity or tolerations: check ${componentPath(component, 'nodeSelector')} / tolerations / affinity in your values`;
  }

  imageNotOnNode(image: string): string {
    return `the image is not on the node: run ${this.runbook('02-load')} (check with minikube image ls -p ${this.c.profile}: the exact tag ${image} must be listed; an image built into the host's Docker is not on the node)`;
  }

  localImageNotPullable(component: string | undefined, image: string): string {
    return `${image} is not in any registry: a local image needs ${componentPath(component, 'image.pullPolicy')}=Never and must be on the node (${this.runbook('02-load')}); also check the tag in ${componentPath(component, 'image.tag')} matches what 01-build produced`;
  }

  registryImageNotPullable(component: string | undefined, image: string): string {
    return `check ${componentPath(component, 'image.repository')} and ${componentPath(component, 'image.tag')}, and that the node can reach the registry (minikube ssh -p ${this.c.profile} -- docker pull ${image})`;
  }

  /**
   * The registry answered 401/403: the pods' imagePullSecrets (none, missing or wrong) do not let
   * them pull. 03 with IMAGE_REGISTRY makes the Secret from REGISTRY_USERNAME / REGISTRY_PASSWORD.
   */
  registryRefusedPull(image: string, pullSecrets: string[]): string {
    const host = image.split('/')[0];
    const named = pullSecrets.length
      ? `the pull secret ${pullSecrets.join(', ')} holds no valid login for ${host}`
      : 'the pods have no imagePullSecrets';
    return `${named}: set IMAGE_REGISTRY, REGISTRY_USERNAME and REGISTRY_PASSWORD (a token that may pull) and run ${this.runbook('03-install')}, which creates the docker-registry Secret (REGISTRY_PULL_SECRET) and names it in imagePullSecrets; check it with kubectl get secret ${pullSecrets[0] ?? 'regcred'} -n ${this.c.namespace} --context ${this.c.profile}`;
  }

  invalidImageName(component: string | undefined): string {
    return `fix ${componentPath(component, 'image.repository')} / ${componentPath(component, 'image.tag')} (lowercase name, tag after ":") and run ${this.runbook('03-install')}`;
  }

  /** CreateContainerConfigError messages name what is missing: a Secret, a ConfigMap, or one key of either. */
  missingConfig(message: string, pod: string): string {
    const key = /couldn't find key (\S+) in (Secret|ConfigMap) (?:[^/\s]+\/)?(\S+)/.exec(message);
    const object = /(secret|configmap) "([^"]+)" not found/i.exec(message);
    const install = this.runbook('03-install');
    const recreate = `once it exists, delete the pod so it is recreated at once: ${this.deletePod(pod)}`;
    if (key) {
      const [, name, kind, owner] = key;
      return kind === 'Secret'
        ? `the Secret ${owner} has no key ${name}: set ${name} in .env (or the environment) and run ${install}; with existingSecret, add the key to that Secret yourself (kubectl create secret generic … --from-env-file, never --from-literal); ${recreate}`
        : `the ConfigMap ${owner} has no key ${name}: set it under <component>.env in your values and run ${install}; ${recreate}`;
    }
    if (object) {
      const [, kind, name] = object;
      return /secret/i.test(kind!)
        ? `the Secret ${name} does not exist: run ${install} to create it from your .env; with existingSecret=${name}, create it first (kubectl create secret generic ${name} -n ${this.c.namespace} --context ${this.c.profile} --from-env-file=<private file>); ${recreate}`
        : `the ConfigMap ${name} does not exist: reinstall the release with ${install}; ${recreate}`;
    }
    return `kubectl describe pod ${pod} -n ${this.c.namespace} names the missing Secret or ConfigMap; run ${install} to recreate them`;
  }

  sandboxFailed(): string {
    const p = this.c.profile;
    return `the node could not set up the pod's network or sandbox: minikube logs -p ${p}; if it persists, restart the cluster (minikube stop -p ${p} && ${this.runbook('00-setup')})`;
  }

  mountFailed(message: string, pod: string): string {
    if (/(secret|configmap) "[^"]+" not found/i.test(message)) return this.missingConfig(message, pod);
    if (/persistentvolumeclaim/i.test(message) || /unbound/i.test(message))
      return `the volume claim is not bound: kubectl get pvc -n ${this.c.namespace}; on minikube the storage-provisioner addon must be on (minikube addons enable storage-provisioner -p ${this.c.profile})`;
    return `kubectl describe pod ${pod} -n ${this.c.namespace} shows which volume cannot be mounted`;
  }

  waiting(pod: string): string {
    return `kubectl describe pod ${pod} -n ${this.c.namespace} shows the cause in its Events`;
  }

  exited(pod: string, container: string): string {
    return `read why it exited: kubectl logs ${pod} -c ${container} -n ${this.c.namespace} (the tail is in the evidence)`;
  }

  crashed(pod: string, container: string): string {
    return `read why it exits: kubectl logs ${pod} -c ${container} -n ${this.c.namespace} --previous (the tail is in the evidence); a missing or wrong setting shows there: fix it in .env and run ${this.runbook('03-install')}`;
  }

  /** A limit twice the current one (1Gi when none is set), as a helm upgrade a person can run. */
  memory(component: string | undefined, limit: string | undefined): string {
    const bytes = limit ? parseMemory(limit) : undefined;
    const suggestion = bytes ? formatMemory(bytes * 2) : '1Gi';
    return `raise ${componentPath(component, 'resources.limits.memory')}${limit ? ` (now ${limit})` : ''}, e.g. ${this.upgrade(`${componentPath(component, 'resources.limits.memory')}=${suggestion}`)}`;
  }

  probe(component: string | undefined, pod: string, container: string, kind: ProbeKind, path: string | undefined): string {
    const meaning =
      path === '/ready' ? ' (/ready answers only when the database is reachable: check the postgresql pod and DATABASE_URL)' : '';
    return `the app does not answer its ${kind.toLowerCase()} probe${path ? ` ${path}` : ''}${meaning}: read kubectl logs ${pod} -c ${container} -n ${this.c.namespace}; if it is only slow to start, raise ${componentPath(component, `probes.${kind.toLowerCase()}.failureThreshold`)} or ${componentPath(component, 'probes.startup.failureThreshold')}`;
  }

  notReady(pod: string): string {
    return `it may still be starting: kubectl get pod ${pod} -n ${this.c.namespace} -w; if it stays so, kubectl describe pod ${pod} -n ${this.c.namespace}`;
  }

  restarted(pod: string, container: string): string {
    return `no action needed if the restarts stopped (a cluster restart also counts); otherwise kubectl logs ${pod} -c ${container} -n ${this.c.namespace} --previous`;
  }

  // ------------------------------------------------------------ workloads, services, storage

  seePods(kind: string, name: string, component: string | undefined): string {
    return `the pods say why: see the pod findings${component ? ` for ${component}` : ''}; kubectl describe ${kind} ${name} -n ${this.c.namespace}`;
  }

  rolloutStalled(kind: string, name: string, component: string | undefined): string {
    return `${this.seePods(kind, name, component)}; after fixing the cause, roll back or reinstall: helm rollback ${this.c.release} -n ${this.c.namespace} --kube-context ${this.c.profile}, or ${this.runbook('03-install')}`;
  }

  podsNotCreated(replicaSet: string, message: string): string {
    const ns = this.c.namespace;
    if (/quota/i.test(message))
      return `a ResourceQuota in ${ns} refuses the pods: kubectl describe resourcequota -n ${ns}; lower the requests/limits or the replicas`;
    if (/forbidden|admission|denied|security/i.test(message))
      return `an admission policy refuses the pod spec: read the message above and adjust the chart values (securityContext, resources)`;
    return `kubectl describe replicaset ${replicaSet} -n ${ns}`;
  }

  noPodSelected(component: string | undefined): string {
    return `no pod carries the labels the Service selects: compare kubectl get pods -n ${this.c.namespace} --show-labels with the selector${component ? `, and check that ${component} is deployed (${component}.replicaCount > 0)` : ''}`;
  }

  noPodReady(component: string | undefined): string {
    return `the Service has pods but none is Ready, so nothing answers on it: fix the pod findings${component ? ` for ${component}` : ''} first`;
  }

  claimNotBound(): string {
    const p = this.c.profile;
    return `minikube provisions volumes with its storage-provisioner and default-storageclass addons: minikube addons enable storage-provisioner -p ${p} && minikube addons enable default-storageclass -p ${p}; or set postgresql.persistence.storageClass to a class that exists (kubectl get storageclass)`;
  }

  // ------------------------------------------------------------ metrics and events

  metricsServer(): string {
    return `minikube addons enable metrics-server -p ${this.c.profile} (the first figures arrive about a minute later)`;
  }

  cpu(component: string | undefined): string {
    return `raise ${componentPath(component, 'resources.limits.cpu')} or spread the load over more pods, e.g. ${this.upgrade(`${componentPath(component, 'replicaCount')}=2`)}`;
  }

  describe(kind: string, name: string): string {
    return `kubectl describe ${kind.toLowerCase() || 'all'} ${name} -n ${this.c.namespace}`.replace(/\s+/g, ' ');
  }

  // ------------------------------------------------------------ scheduled backups

  backupRunFailed(job: string): string {
    return `read why the last backup failed: kubectl logs job/${job} -n ${this.c.namespace}; meanwhile take one by hand: ${this.runbook('08-backup')}`;
  }

  backupStale(cronJob: string): string {
    return `see whether it runs at all (suspended, schedule, missed deadlines): kubectl describe cronjob ${cronJob} -n ${this.c.namespace}; take one by hand now: ${this.runbook('08-backup')}`;
  }

  /** A Deployment or Service down because of a pod: its remedy is the pod's. */
  static causedBy(cause: Finding): string {
    return `caused by ${cause.object}: ${cause.reason} — fix that first (${cause.remedy})`;
  }
}
