// @ts-check
// kubectl exec: `printenv [KEY]` and `env`, which see the environment the container was created
// with (a ConfigMap change without a rollout is not visible, as in reality), and PostgreSQL's
// client programs (pg-exec.mjs), whose stdout may be bytes and which read stdin with -i: kubectl
// streams stdin to the remote process and closes it at EOF, and passes the remote exit code on
// as "command terminated with exit code N" (k8s.io/kubectl pkg/cmd/exec/exec.go, pkg/cmd/util/helpers.go checkErr).
import { getObject } from '../model.mjs';
import { podState } from './views.mjs';
import { mainContainer } from './lifecycle.mjs';
import { notImplemented } from '../common.mjs';
import { isDatabaseCommand, runDatabaseCommand } from './pg-exec.mjs';
import { isRotationCommand, runRotationCommand } from './pg-role.mjs';
import { withCluster } from '../tools/kubectl/with-cluster.mjs';

export async function kubectlExec(K) {
  const { ctx, p, pos } = K;
  const cmd = p.dash;
  if (!pos.length) {
    ctx.err('error: pod, type/name or --filename must be specified\n');
    return 1;
  }
  if (!cmd || !cmd.length) {
    if (pos.length > 1) {
      ctx.err(
        "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n",
      );
      return 1;
    }
    ctx.err('error: you must specify at least one command for the container\n');
    return 1;
  }
  const database = isDatabaseCommand(cmd);
  if (p.flags.tty || (p.flags.stdin && !database)) notImplemented(ctx, 'kubectl', 'exec -i/-t');
  if (!(cmd[0] === 'printenv' || cmd[0] === 'env' || database))
    notImplemented(ctx, 'kubectl', `exec of "${cmd.join(' ')}" (only printenv/env and PostgreSQL's client programs are modelled)`);
  const stdin = database && p.flags.stdin ? await ctx.readStdin() : Buffer.alloc(0);
  const name = pos[0].replace(/^(pods?|po)\//, '');
  const res = await withCluster(K, (c, state, ns, now) => {
    const pod = getObject(c, 'Pod', ns, name);
    if (!pod) return { err: `Error from server (NotFound): pods "${name}" not found` };
    const cname = p.flags.container ?? mainContainer(pod).name;
    const ct = pod.spec.containers.find((x) => x.name === cname);
    if (!ct) return { err: `Error from server (BadRequest): container ${cname} is not valid for pod ${name}` };
    const st = podState(c, pod, now, ctx.faults);
    if (st.phase === 'Succeeded' || st.phase === 'Failed')
      return { err: `error: cannot exec into a container in a completed pod; current phase is ${st.phase}` };
    const cs = st.containerStatuses.find((x) => x.name === cname);
    if (!cs?.state?.running) return { err: `error: unable to upgrade connection: container not found ("${cname}")` };
    const run = pod._sim.runs[pod._sim.runs.length - 1];
    const base = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOSTNAME: name, HOME: '/root' };
    const env = { ...base, ...(run.env?.[cname] ?? {}), KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const x = { c, ns, now, faults: ctx.faults, env, image: ct.image, stdin };
    if (isRotationCommand(cmd)) return runRotationCommand(ctx, cmd, x);
    if (database) return runDatabaseCommand(ctx, cmd, x);
    return { env };
  });
  if (res.err) {
    ctx.err(res.err + '\n');
    return 1;
  }
  if (database) {
    ctx.out(res.stdout);
    ctx.err(res.stderr);
    if (res.code) ctx.err(`command terminated with exit code ${res.code}\n`);
    return res.code;
  }
  if (cmd[0] === 'env' || cmd.length === 1) {
    ctx.out(
      Object.entries(res.env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    return 0;
  }
  let code = 0;
  for (const k of cmd.slice(1)) {
    if (k in res.env) ctx.out(res.env[k] + '\n');
    else code = 1;
  }
  if (code) ctx.err('command terminated with exit code 1\n');
  return code;
}
