// The in-chart PostgreSQL's side of a password rotation. The database reads POSTGRES_PASSWORD only
// when it initialises an empty volume, so a new value in the Secret alone would lock the app out:
// the role's password is changed inside the database with ALTER ROLE (psql over the pod's local
// socket, the new password on stdin), and proven over TCP, where the server asks for it.
import type { RunbookContext } from '../../runbook.ts';
import type { DatabaseTarget } from '../../cluster/backup-target.ts';
import { alterRoleCommand, alterRoleInput, passwordCheckCommand } from '../../cluster/rotation-commands.ts';
import { CommandFailed, lastLine } from '../../errors.ts';
import { podState } from '../../cluster/pods.ts';

/** psql's own last line: kubectl adds "command terminated with exit code N" after it. */
const psqlSaid = (stderr: string) => lastLine(stderr.replace(/^command terminated with exit code \d+\s*$/gm, '').trim());

const target = (db: DatabaseTarget) => ({ pod: db.pod, container: db.container, namespace: db.namespace });

/** ALTER ROLE <POSTGRES_USER> PASSWORD <new>; throws CommandFailed (nothing changed) when psql fails. */
export async function setRolePassword(ctx: RunbookContext, db: DatabaseTarget, password: string, why: string): Promise<void> {
  await ctx.tools.kubectl.execIn(target(db), alterRoleCommand(), {
    timeoutMs: 60_000,
    why,
    remedy: `kubectl logs ${db.pod} -n ${db.namespace} --context ${ctx.tools.kubectl.context}`,
    input: alterRoleInput(password),
  });
}

export type Accepted = { accepted: true } | { accepted: false; reason: string };

/** Does the server take this password over TCP (the pod's own IP: not a trusted loopback)? */
export async function passwordAccepted(ctx: RunbookContext, db: DatabaseTarget, password: string, which: string): Promise<Accepted> {
  const pod = await ctx.tools.kubectl.get('pod', db.pod, db.namespace);
  const ip = pod?.status?.podIP as string | undefined;
  if (!ip) return { accepted: false, reason: `pod ${db.pod} has no IP` };
  try {
    const out = await ctx.tools.kubectl.execIn(target(db), passwordCheckCommand(ip), {
      timeoutMs: 60_000,
      why: `SELECT 1 over TCP to ${ip} with the ${which} password (sent on stdin)`,
      remedy: '',
      input: `${password}\n`,
    });
    return out.trim() === '1' ? { accepted: true } : { accepted: false, reason: `unexpected answer: ${out.trim().slice(0, 80)}` };
  } catch (error) {
    if (error instanceof CommandFailed) return { accepted: false, reason: psqlSaid(error.stderr) || error.reason };
    throw error;
  }
}

/** Until the database pod is Ready and not terminating (it restarts when its template changes). */
export async function waitDatabaseReady(ctx: RunbookContext, db: DatabaseTarget, timeoutMs: number): Promise<void> {
  const deadline = ctx.clock.now() + timeoutMs;
  for (;;) {
    const pod = await ctx.tools.kubectl.get('pod', db.pod, db.namespace);
    const state = pod && podState(pod);
    if ((state?.ready && !state.deleting) || ctx.clock.now() >= deadline) return;
    await ctx.clock.sleep(1000);
  }
}

/** Before: the role's password is the Secret's, or a rotation stopped half-way (this one finishes it). */
export async function checkDatabaseBefore(ctx: RunbookContext, db: DatabaseTarget, secretPassword: string): Promise<void> {
  const r = await passwordAccepted(ctx, db, secretPassword, "Secret's current");
  ctx.check({
    id: 'ROTATE-DB-BEFORE',
    title: "the database takes the Secret's current password",
    expected: 'accepted over TCP',
    measured: r.accepted ? 'accepted' : `refused: ${r.reason}`,
    pass: r.accepted ? 'pass' : 'warn',
    remedy:
      'the role has another password than the Secret: an earlier rotation stopped between ALTER ROLE and the Secret update; this run sets both to the new value',
  });
}

/** ALTER ROLE to the new password, as a check that stops the run when psql fails (nothing changed then). */
export async function rotateRolePassword(ctx: RunbookContext, db: DatabaseTarget, password: string): Promise<void> {
  const started = ctx.clock.now();
  try {
    await setRolePassword(
      ctx,
      db,
      password,
      `ALTER ROLE … PASSWORD through psql on ${db.pod}'s local socket; the new password on stdin, never an argument`,
    );
  } catch (error) {
    if (!(error instanceof CommandFailed)) throw error;
    ctx.evidence('psql error output', error.stderr);
    ctx.require({
      id: 'ROTATE-DB-ALTER',
      title: 'ALTER ROLE … PASSWORD inside the database',
      expected: 'psql exit 0',
      measured: `exit ${error.exitCode}: ${psqlSaid(error.stderr)}`,
      pass: false,
      remedy: 'nothing was changed: the database, the Secret and the pods keep the old password; fix what psql said and run again',
    });
  }
  ctx.span('rotation', 'ALTER ROLE', started, ctx.clock.now());
  ctx.check({
    id: 'ROTATE-DB-ALTER',
    title: 'ALTER ROLE … PASSWORD inside the database',
    expected: 'psql exit 0',
    measured: 'exit 0',
    pass: true,
  });
}

/** After: the new password is accepted over TCP and every old one refused. */
export async function proveDatabasePassword(ctx: RunbookContext, db: DatabaseTarget, password: string, old: string[]): Promise<void> {
  const now = await passwordAccepted(ctx, db, password, 'new');
  const refused: string[] = [];
  for (const [i, value] of old.entries()) {
    const r = await passwordAccepted(ctx, db, value, 'old');
    refused.push(r.accepted ? `old password ${i + 1} ACCEPTED` : 'old password refused');
  }
  ctx.check({
    id: 'ROTATE-DB-PASSWORD',
    title: 'the database takes the new password and refuses the old one',
    expected: 'new: accepted over TCP; old: password authentication failed',
    measured: `new: ${now.accepted ? 'accepted' : `refused (${now.reason})`}; ${refused.join(', ') || 'no old password known'}`,
    pass: now.accepted && refused.every((r) => r.endsWith('refused')),
    remedy: 'run the rotation again: ALTER ROLE over the local socket needs no old password',
  });
}

/**
 * After a failed upgrade helm has put the old Secret back: the role gets the old password again,
 * so the pods and the database agree. A failure here is reported with how to finish by hand.
 */
export async function revertRolePassword(ctx: RunbookContext, db: DatabaseTarget, oldPassword: string): Promise<void> {
  let measured = 'ALTER ROLE back to the old password, exit 0';
  let pass = true;
  try {
    // the rollback changed the StatefulSet's template back, so the database restarts first
    await waitDatabaseReady(ctx, db, 180_000);
    await setRolePassword(ctx, db, oldPassword, 'put the old password back in the database: helm rolled the Secret back to it');
    const r = await passwordAccepted(ctx, db, oldPassword, 'old');
    if (!r.accepted) [measured, pass] = [`ALTER ROLE ran, but the old password is refused: ${r.reason}`, false];
  } catch (error) {
    if (!(error instanceof CommandFailed)) throw error;
    [measured, pass] = [`exit ${error.exitCode}: ${psqlSaid(error.stderr)}`, false];
  }
  ctx.check({
    id: 'ROTATE-DB-REVERTED',
    title: "the database's password is the Secret's again",
    expected: 'the old password accepted again (the rotation is undone)',
    measured,
    pass,
    remedy:
      'the Secret has the old password and the database the new one: run this runbook again (it sets both; ALTER ROLE over the local socket needs no old password)',
  });
}
