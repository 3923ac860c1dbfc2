// The kube-context guard: mutating runbooks act only on the configured minikube profile's
// context, or on a context the user named explicitly with --context / KUBE_CONTEXT.
import type { RunbookContext } from '../runbook.ts';

export interface ContextVerdict {
  current: string | undefined;
  allowed: boolean;
  reason: string;
}

export function judgeContext(current: string | undefined, profile: string, explicit: string): ContextVerdict {
  if (current === undefined) return { current, allowed: true, reason: 'no current context (minikube start will set it)' };
  if (current === profile) return { current, allowed: true, reason: `the "${profile}" profile's context` };
  if (explicit && current === explicit) return { current, allowed: true, reason: `named explicitly with --context ${explicit}` };
  return { current, allowed: false, reason: `"${current}" is not the "${profile}" profile's context` };
}

/** Records the check and stops the run (before any change) when the current context is foreign. */
export async function guardContext(ctx: RunbookContext): Promise<string | undefined> {
  const { profile, context } = ctx.settings;
  const current = await ctx.tools.kubectl.currentContext();
  const verdict = judgeContext(current, profile, context);
  ctx.fact('kube-context', current ?? '(none)');
  ctx.require({
    id: 'SAFE-CONTEXT',
    title: context ? `kube-context is the minikube profile's or the one named with --context` : "kube-context is the minikube profile's",
    expected: context ? `"${profile}" or "${context}"` : `"${profile}"`,
    measured: current ? `"${current}" — ${verdict.reason}` : verdict.reason,
    pass: verdict.allowed,
    remedy: `switch with: kubectl config use-context ${profile}; or, if you really mean "${current}", run again with --context ${current}`,
  });
  return current;
}
