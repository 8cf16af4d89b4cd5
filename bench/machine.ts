import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** Busy and total jiffies of all CPUs from /proc/stat (Linux); null elsewhere. */
export async function cpuJiffies(): Promise<{ busy: number; total: number; cpus: number } | null> {
  try {
    const stat = await readFile('/proc/stat', 'utf8');
    const lines = stat.split('\n');
    const f = lines[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = f[3] + f[4]; // idle + iowait
    return { busy: total - idle, total, cpus: lines.filter((l) => /^cpu\d/.test(l)).length };
  } catch {
    return null;
  }
}

/**
 * How many cores the machine kept busy over `ms` (0 to the core count): sampled while this
 * process is idle, it is what other work takes from a measurement. Null where /proc is absent.
 */
export async function busyCores(ms: number): Promise<number | null> {
  const a = await cpuJiffies();
  await sleep(ms);
  const b = await cpuJiffies();
  if (!a || !b || b.total === a.total) return null;
  return Math.round(((b.busy - a.busy) / (b.total - a.total)) * b.cpus * 100) / 100;
}

/**
 * Cores that other processes kept busy between two snapshots, given this process's own CPU
 * time over the same span: the noise a figure carries on a shared machine.
 */
export function otherCores(a: Jiffies | null, b: Jiffies | null, ownCpuMs: number, wallMs: number): number | null {
  if (!a || !b || b.total === a.total || wallMs <= 0) return null;
  const busy = ((b.busy - a.busy) / (b.total - a.total)) * b.cpus;
  return Math.round(Math.max(0, busy - ownCpuMs / wallMs) * 100) / 100;
}

export type Jiffies = NonNullable<Awaited<ReturnType<typeof cpuJiffies>>>;

const QUIET = 0.25;

/** Waits (up to `maxMs`) for other work to leave the CPUs alone; returns the last busy figure. */
export async function waitForQuiet(maxMs: number, log: (line: string) => void): Promise<number | null> {
  const t0 = performance.now();
  let busy = await busyCores(250);
  if (busy === null || busy < QUIET) return busy;
  log(`  waiting for the machine to quieten (other work keeps ${busy} cores busy)…`);
  while (busy !== null && busy >= QUIET && performance.now() - t0 < maxMs) busy = await busyCores(1000);
  if (busy !== null && busy >= QUIET)
    log(`  still ${busy} cores busy with other work after ${Math.round(maxMs / 1000)} s: measuring anyway`);
  return busy;
}
