import { busyCores, cpuJiffies, otherCores } from './machine';
import type { Timing } from './types';

const MiB = 1024 * 1024;
const SAMPLE_MS = 50;

/**
 * Peak RSS while a job runs. The interval only fires when the event loop is free (between
 * chunks), so long synchronous phases are caught by maxRSS rather than by the samples.
 */
export class RssSampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.peak = process.memoryUsage().rss;
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }
}

export interface TimeOptions {
  /** Timed runs; the best and the median are reported. */
  repeats: number;
  /** Run once untimed first (JIT, page cache, decoder threads). */
  warmup: boolean;
}

/** Times `run` (which returns the points it streamed) and samples memory throughout. */
export async function timeJob(run: () => Promise<number>, options: TimeOptions): Promise<Timing> {
  const busy = await busyCores(250);
  const baseline = process.memoryUsage().rss;
  const sampler = new RssSampler();
  sampler.start();
  let warmupMs: number | undefined;
  if (options.warmup) warmupMs = (await timed(run)).ms;
  const runsMs: number[] = [];
  let points = 0;
  const cpu0 = cpuMs();
  const jiffies0 = await cpuJiffies();
  const wall0 = performance.now();
  for (let i = 0; i < Math.max(1, options.repeats); i++) {
    const r = await timed(run);
    runsMs.push(r.ms);
    points = r.points;
  }
  const ownCpu = cpuMs() - cpu0;
  const others = otherCores(jiffies0, await cpuJiffies(), ownCpu, performance.now() - wall0);
  const cpuPerRun = ownCpu / runsMs.length;
  const peak = sampler.stop();
  const sorted = [...runsMs].sort((a, b) => a - b);
  const bestMs = sorted[0];
  const medianMs = sorted[Math.floor((sorted.length - 1) / 2)];
  return {
    points,
    runsMs: runsMs.map(round1),
    bestMs: round1(bestMs),
    pointsPerSec: Math.round((points * 1000) / bestMs),
    medianMs: round1(medianMs),
    medianPointsPerSec: Math.round((points * 1000) / medianMs),
    cpuMsPerRun: round1(cpuPerRun),
    busyCoresBefore: busy,
    otherCoresDuring: others,
    ...(warmupMs !== undefined ? { warmupMs: round1(warmupMs) } : {}),
    baselineRssMiB: round1(baseline / MiB),
    peakRssMiB: round1(peak / MiB),
    // maxRSS is in kilobytes (KiB).
    maxRssMiB: round1(process.resourceUsage().maxRSS / 1024),
  };
}

async function timed(run: () => Promise<number>): Promise<{ ms: number; points: number }> {
  const t0 = performance.now();
  const points = await run();
  return { ms: performance.now() - t0, points };
}

function cpuMs(): number {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1000;
}

const round1 = (v: number) => Math.round(v * 10) / 10;
