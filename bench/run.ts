/**
 * `voxwatch bench`: reader, LAZ and detection throughput, report rendering time and the other epoch
 * sources (orthophoto crops, 3D Tiles sampling) on this machine. Prints figures and
 * returns them; never asserts (the floors to compare with are in docs/BENCHMARKS.md).
 */
import { mkdir } from 'node:fs/promises';
import { arch, availableParallelism, cpus, loadavg, platform, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { secs } from './format';
import { busyCores } from './machine';
import { sourceRevision } from './revision';
import { detectionSection } from './sections/detection';
import { lasSection } from './sections/las';
import { reportSection } from './sections/report';
import { areaSection } from './sections/area';
import { resumeSection } from './sections/resume';
import { LAZ_FILES, lazSection } from './sections/laz';
import { storeSection } from './sections/store';
import { sourcesSection } from './sections/sources';
import type { BenchReport } from './types';

export type { BenchReport } from './types';

export interface BenchOptions {
  /** Detection on 2 × 35 M and 2 × 150 M points instead of 2 × 5 M, and the resume-after-kill figure. */
  scale?: boolean;
  /** Detection pairs, points per file (overrides `scale`), e.g. to show memory staying flat. */
  pairs?: number[];
  /** Sections to run: any of SECTIONS; default all. */
  only?: string[];
  /** Where generated inputs are cached; default os.tmpdir()/voxwatch-bench. */
  workDir?: string;
  /** Timed runs of the read benchmarks (best and median reported); default 3. */
  repeats?: number;
  log: (line: string) => void;
}

export const SECTIONS = ['las', 'laz', 'detect', 'store', 'report', 'resume', 'area', 'sources'] as const;
export type Section = (typeof SECTIONS)[number];

const QUICK_POINTS = 5_000_000;
/** The report figure: 200 changes in ≤ 20 s and ≤ 30 MB. */
const REPORT_CHANGES = 200;
const SCALE_POINTS = [35_000_000, 150_000_000];

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const t0 = performance.now();
  const log = options.log;
  // Resuming after a kill (four detections of 2 × 35 M) and the wide area are scale figures: with --scale or asked for.
  const only = options.only?.length ? options.only : SECTIONS.filter((s) => !['resume', 'area'].includes(s) || options.scale);
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length) throw new RangeError(`unknown bench section ${unknown.join(', ')}: choose from ${SECTIONS.join(', ')}`);
  const wants = (s: Section) => only.includes(s);
  const workDir = options.workDir ?? join(tmpdir(), 'voxwatch-bench');
  const repeats = Math.max(1, options.repeats ?? 3);
  await mkdir(workDir, { recursive: true });

  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: platform(),
      arch: arch(),
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      availableParallelism: availableParallelism(),
      totalMemGiB: Math.round(totalmem() / 2 ** 30),
      loadAvgAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
      busyCoresAtStart: await busyCores(1000),
    },
    revision: sourceRevision(),
    options: { scale: options.scale ?? false, only, workDir, repeats },
    totalMs: 0,
  };
  const m = report.machine;
  const rev = report.revision ? ` at ${report.revision.commit}${report.revision.coreDirty ? ' (core/ modified)' : ''}` : '';
  log(
    `VoxWatch bench${rev}, ${report.date}: Node ${m.node}, ${m.cpu}, ${m.availableParallelism} cores, ${m.totalMemGiB} GiB; inputs cached in ${workDir}`,
  );
  if ((m.busyCoresAtStart ?? 0) >= 0.25)
    log(`note: other work keeps ${m.busyCoresAtStart} cores busy: each job waits (up to 60 s) for quiet`);

  if (wants('las')) report.las = await lasSection(workDir, repeats, log);
  if (wants('laz')) report.laz = await lazSection(LAZ_FILES, repeats, log);
  if (wants('detect')) {
    report.detection = [];
    for (const n of options.pairs ?? (options.scale ? SCALE_POINTS : [QUICK_POINTS]))
      report.detection.push(await detectionSection(workDir, n, log));
    const [small, large] = [report.detection[0], report.detection.at(-1)!];
    if (large !== small) {
      log(
        `  memory as input grows: peak RSS ${small.endToEnd.maxRssMiB.toFixed(0)} MiB at ${fmtPts(small)} → ${large.endToEnd.maxRssMiB.toFixed(0)} MiB at ${fmtPts(large)}` +
          ` (grid ${small.gridCells.toLocaleString('en-US')} → ${large.gridCells.toLocaleString('en-US')} cells)`,
      );
    }
  }
  if (wants('store')) report.store = await storeSection(workDir, log);
  if (wants('report')) report.report = await reportSection(workDir, REPORT_CHANGES, log);
  if (wants('resume')) {
    // At 2 × 35 M a run has four tiles, two in flight: a kill loses up to half the tile phase. --pairs
    // measures it on larger pairs too, where a tile is a smaller share of the run.
    report.resume = [];
    for (const n of options.pairs ?? [SCALE_POINTS[0]]) report.resume.push(await resumeSection(workDir, n, log));
  }
  if (wants('area')) report.area = await areaSection(workDir, log);
  if (wants('sources')) report.sources = await sourcesSection(workDir, log);
  report.totalMs = Math.round(performance.now() - t0);
  log(`done in ${secs(report.totalMs)}`);
  return report;
}

const fmtPts = (r: { files: { points: number }[] }) => `${(r.files.reduce((a, f) => a + f.points, 0) / 1e6).toFixed(1)} M points`;
