import { availableParallelism } from 'node:os';
import { LasFile } from '../../core/io/las/reader';
import { count, timingLine } from '../format';
import { runIsolated } from '../isolate';
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
    const job = (copies: number, t: number) => runIsolated({ kind: 'laz-read', file, copies, threads: t, repeats }, log);
    const one1 = await job(1, 1);
    log(timingLine('one file, 1 thread', one1));
    const oneN = await job(1, threads);
    log(timingLine(`one file, ${threads} threads`, oneN));
    const many1 = await job(COPIES, 1);
    log(timingLine(`${COPIES} files at once, 1 thread`, many1));
    const manyN = await job(COPIES, threads);
    log(timingLine(`${COPIES} files at once, ${threads} threads`, manyN));
    const r = {
      file,
      points: pointCount,
      pointFormat,
      chunks,
      oneFile: { singleThread: one1, allCores: oneN, speedUp: ratio(one1, oneN) },
      severalFiles: { copies: COPIES, singleThread: many1, allCores: manyN, speedUp: ratio(many1, manyN) },
    };
    log(`  speed-up with ${threads} threads: one file ×${r.oneFile.speedUp}, ${COPIES} files ×${r.severalFiles.speedUp}`);
    results.push(r);
  }
  return { threads, files: results };
}
