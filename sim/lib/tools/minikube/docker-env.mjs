// @ts-check
// minikube docker-env: the shell scripts and the --shell none forms (text, JSON, YAML) that point the
// docker CLI at the node's daemon, and the runtimes and drivers where it is refused.
import { notImplemented } from '../../common.mjs';
import { requireRunning } from './host.mjs';

/**
 * minikube docker-env, after dockerEnvCmd.Run and dockerSetScript (cmd/minikube/cmd/docker-env.go):
 * - the shell is --shell, else shell.Detect (pkg/minikube/shell/shell.go: $SHELL, "bash" when unset);
 * - -o/--output is read ONLY when the shell is "none" (text, json or yaml); for any other shell
 *   the export script of that shell is printed and -o is ignored;
 * - dockerEnvSupported: a runtime other than docker/containerd is refused, and containerd only
 *   with the docker driver (MK_USAGE, exit 14); containerd on the docker driver goes through
 *   nerdctld over SSH, "a highly experimental feature" (not modelled here);
 * - with stdout not a terminal, exit.SetShell makes a failure print "false exit code N" on stdout.
 */
export function dockerEnv(ctx, p, profile) {
  const shell = p.flags.shell ?? (ctx.env.SHELL ? ctx.env.SHELL.split('/').pop() : 'bash');
  const names = ['DOCKER_TLS_VERIFY', 'DOCKER_HOST', 'DOCKER_CERT_PATH', 'MINIKUBE_ACTIVE_DOCKERD'];
  if (p.flags.unset) {
    if (shell === 'none') ctx.out(names.map((k) => `${k}\n`).join(''));
    else ctx.out(`unset ${names.join(' ')};\n`);
    return 0;
  }
  const captured = !ctx.tty.stdout;
  const { prof } = requireRunning(ctx, profile, { dockerEnv: captured });
  const refuse = (message) => {
    ctx.err(`\nX Exiting due to MK_USAGE: ${message}\n\n`);
    if (captured) ctx.out('false exit code 14\n');
    return 14;
  };
  const runtime = prof.runtime ?? 'docker';
  if (runtime !== 'docker' && runtime !== 'containerd')
    return refuse('the docker-env command only supports the docker and containerd runtimes');
  if (runtime === 'containerd' && prof.driver !== 'docker')
    return refuse('the docker-env command only supports the containerd runtime with the docker driver');
  if (runtime === 'containerd') {
    ctx.err(
      '! Using the docker-env command with the containerd runtime is a highly experimental feature, please provide feedback or contribute to make it better\n',
    );
    notImplemented(ctx, 'minikube', 'docker-env with the containerd runtime (nerdctld over SSH)', 14);
  }
  const certPath = `${ctx.env.HOME ?? '/root'}/.minikube/certs`;
  // dockerEnvVars: the TCP set, SSH agent variables included (empty when no agent runs).
  const vars = {
    DOCKER_TLS_VERIFY: '1',
    DOCKER_HOST: `tcp://127.0.0.1:${prof.dockerEnvPort}`,
    DOCKER_CERT_PATH: certPath,
    MINIKUBE_ACTIVE_DOCKERD: profile,
    SSH_AUTH_SOCK: '',
    SSH_AGENT_PID: '',
  };
  if (shell === 'none') {
    const o = p.flags.output ?? '';
    // encoding/json sorts map keys
    if (o === 'json') {
      ctx.out(JSON.stringify(Object.fromEntries(Object.entries(vars).sort(([a], [b]) => a.localeCompare(b)))) + '\n');
      return 0;
    }
    if (o === 'text' || o === '') {
      ctx.out(names.map((k) => `${k}=${vars[k]}\n`).join(''));
      return 0;
    }
    if (o === 'yaml') {
      ctx.out(
        Object.entries(vars)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `${k}: "${v}"\n`)
          .join(''),
      );
      return 0;
    }
    ctx.err(`\nX Exiting due to MK_USAGE: error: --output must be 'text', 'yaml' or 'json'\n\n`);
    return 14;
  }
  if (shell !== 'bash' && shell !== 'sh' && shell !== 'zsh') notImplemented(ctx, 'minikube', `docker-env --shell ${shell}`, 14);
  ctx.out(
    names.map((k) => `export ${k}="${vars[k]}"`).join('\n') +
      `\n\n# To point your shell to minikube's docker-daemon, run:\n# eval $(minikube -p ${profile} docker-env)\n`,
  );
  return 0;
}
