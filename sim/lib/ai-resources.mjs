// @ts-check
// kagent's answer to 06's agent-resources task in the simulator.

/**
 * A deterministic stand-in for an agent's resource suggestions: it reads the per-container lines
 * 06 puts in the agent-resources prompt ("<pod>/<container> (<component>): CPU 3m used (6% of the
 * request), request 50m, …; memory 40Mi used (31% of the request), request 128Mi, limit 512Mi")
 * and sizes each component from them. undefined for any other task.
 */
export function resourceAdvice(task) {
  if (!/Suggest resource settings/.test(task)) return undefined;
  const rows = [
    ...task.matchAll(
      /^\S+\/\S+ \((\S+)\): CPU (\d+)m used[^,]*, request (\S+), limit (\S+); memory (\d+)(Mi|Gi) used[^,]*, request (\S+), limit (\S+)$/gm,
    ),
  ];
  if (!rows.length) return 'I could not read any measured use in the task.';
  const seen = new Set();
  const lines = [];
  for (const [, comp, cpu, cpuReq, , mem, unit, memReq, memLim] of rows) {
    if (seen.has(comp)) continue;
    seen.add(comp);
    const memMi = Number(mem) * (unit === 'Gi' ? 1024 : 1);
    const reqMi = /^(\d+)Mi$/.exec(memReq)?.[1];
    const reqM = /^(\d+)m$/.exec(cpuReq)?.[1];
    const limMi = /^(\d+)Mi$/.exec(memLim)?.[1];
    const advice = [];
    if (reqM && Number(cpu) * 4 < Number(reqM))
      advice.push(`${comp}.resources.requests.cpu=${Math.max(10, Number(cpu) * 2)}m (uses ${cpu}m of ${cpuReq})`);
    if (reqMi && memMi * 2 < Number(reqMi))
      advice.push(`${comp}.resources.requests.memory=${Math.max(32, Math.ceil((memMi * 1.5) / 16) * 16)}Mi (uses ${memMi}Mi of ${memReq})`);
    if (limMi && memMi > Number(limMi) * 0.8)
      advice.push(`${comp}.resources.limits.memory=${Number(limMi) * 2}Mi (uses ${memMi}Mi of its ${memLim} limit)`);
    lines.push(advice.length ? `- ${comp}: set ${advice.join(' and ')}.` : `- ${comp}: well sized for its measured use.`);
  }
  return `Resource suggestions from the measured use:\n${lines.join('\n')}`;
}
