import { availableParallelism } from 'node:os';
import { LasFile } from '../../core/io/las/reader';
import { count, timingLine } from '../format';
import { canPin, runIsolated } from '../isolate';
import type { LazFileResult, LazSection, Timing } from '../types';

/** The real LAZ files the bench decodes (shared test data beside the repository). */
export const LAZ_FILES = [
  '/work/shared/data/red-rocks-uav-photogrammetry/lidar_medium_subset_las1pt2_utmzone13N_compressed.laz',
  '/work/shared/data/las-conformance/pdal/laz_las_with_several_extra_byte_bloc.laz',
];
const COPIES = 4;

const ratio = (one: Timing, many: Timing) => Math.round((many.pointsPerSec / one.pointsPerSec) * 100) / 100;

/** Section b: LAZ decoding on one thread against all cores, for one file and for several at once. */
export async function lazSection(files: string[], repeats: number, log: (line: string) => void): Promise<LazSection> {
  const threads = availableParallelism();
  log(`LAZ decode throughput (1 decoder thread vs ${threads}; best of ${repeats} after a warm-up that starts the threads)`);
  const results: LazFileResult[] = [];
  for (const file of files) {
    const f = await LasFile.open(file);
    const { pointCount, pointFormat } = f.info.header;
    const chunks = f.info.chunkTable?.counts.length ?? 0;
    await f.close();
    log(`  ${file}\n  (${count(pointCount)} points, format ${pointFormat}, ${chunks} chunks)`);
    const job = (copies: number, t: number, cpus?: string) =>
      runIsolated({ kind: 'laz-read', file, copies, threads: t, repeats }, log, cpus);
    // The single-core speed: the whole process (reader and decoder thread) on CPU 0.
    const pinned = canPin();
    const measure = async (copies: number, label: string) => {
      const singleThread = await job(copies, 1);
      log(timingLine(`${label}, 1 thread`, singleThread));
      const singleCore = pinned ? await job(copies, 1, '0') : null;
      if (singleCore) log(timingLine(`${label}, 1 core (pinned)`, singleCore));
      const allCores = await job(copies, threads);
      log(timingLine(`${label}, ${threads} threads`, allCores));
      const speedUp = ratio(singleThread, allCores);
      return { singleThread, singleCore, allCores, speedUp, speedUpOverOneCore: singleCore && ratio(singleCore, allCores) };
    };
    const oneFile = await measure(1, 'one file');
    const severalFiles = { copies: COPIES, ...(await measure(COPIES, `${COPIES} files at once`)) };
    const r = { file, points: pointCount, pointFormat, chunks, oneFile, severalFiles };
    log(`  speed-up with ${threads} threads over 1 thread: one file ×${oneFile.speedUp}, ${COPIES} files ×${severalFiles.speedUp}`);
    if (pinned) {
      log(`  over one core: one file ×${oneFile.speedUpOverOneCore}, ${COPIES} files ×${severalFiles.speedUpOverOneCore}`);
    } else log('  (taskset is missing: no single-core figure)');
    results.push(r);
  }
  return { threads, files: results };
}
