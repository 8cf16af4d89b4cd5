import type { Timing } from './types';

/** Human-readable figures for the log lines (the JSON report keeps the raw numbers). */
export const mpts = (perSec: number) => `${(perSec / 1e6).toFixed(2)} M pts/s`;
export const count = (n: number) => n.toLocaleString('en-US');
export const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export function timingLine(label: string, t: Timing): string {
  const runs = t.runsMs.length > 1 ? ` (median ${mpts(t.medianPointsPerSec)} over ${t.runsMs.length} runs)` : '';
  const warm = t.warmupMs !== undefined ? `, warm-up ${secs(t.warmupMs)}` : '';
  return (
    `  ${label.padEnd(36)}${count(t.points).padStart(12)} pts  ${secs(t.bestMs).padStart(8)}  ${mpts(t.pointsPerSec).padStart(15)}${runs}` +
    `\n  ${''.padEnd(36)}CPU ${secs(t.cpuMsPerRun)}/run, other work ${t.busyCoresBefore ?? '?'} cores before, ${t.otherCoresDuring ?? '?'} during; RSS ${t.baselineRssMiB.toFixed(0)} → peak ${t.peakRssMiB.toFixed(0)} MiB sampled, maxRSS ${t.maxRssMiB.toFixed(0)} MiB${warm}`
  );
}
