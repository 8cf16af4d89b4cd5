import { detectChanges } from '../../core/detect';
import { LasFile } from '../../core/io/las/reader';
import { spawnWorker } from '../../core/workers/spawn';
import { timeJob } from '../measure';
import type { Timing } from '../types';
import type { DetectJobResult } from './index';
import { streamFile } from './las-read';

/** The fields the first pass (scanEpoch) asks for (with reused buffers, as it reads). */
const DETECTION_FIELDS = ['classification', 'rgb'] as const;

const STREAM_WORKER = new URL('./stream-worker.ts', import.meta.url);

/** Streams one file on its own thread, as detectChanges reads each epoch. */
function streamInWorker(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = spawnWorker(STREAM_WORKER, { file, fields: [...DETECTION_FIELDS] });
    worker.once('message', (n: number) => resolve(n));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`stream worker exited (code ${code})`)));
  });
}

/**
 * The floor under detection: both files streamed at once with detection's fields, points
 * dropped; either on this thread or one thread per file (how detectChanges reads them).
 */
export function readFloorJob(files: string[], threadPerFile: boolean): Promise<Timing> {
  const read = (f: string) => (threadPerFile ? streamInWorker(f) : streamFile(f, [...DETECTION_FIELDS], { reuseBuffers: true }));
  const run = async () => (await Promise.all(files.map(read))).reduce((a, b) => a + b, 0);
  return timeJob(run, { repeats: 1, warmup: false });
}

/** detectChanges end to end, cold (one run: it is what a user waits for). */
export async function detectJob(before: string, after: string, voxel?: number): Promise<DetectJobResult> {
  let points = 0;
  for (const path of [before, after]) {
    const f = await LasFile.open(path);
    points += f.info.header.pointCount;
    await f.close();
  }
  let result: Awaited<ReturnType<typeof detectChanges>> | undefined;
  const timing = await timeJob(
    async () => {
      result = await detectChanges({ files: [before] }, { files: [after] }, voxel ? { voxel } : {});
      return points;
    },
    { repeats: 1, warmup: false },
  );
  const r = result!;
  return {
    timing,
    timings: r.timings,
    gridCells: r.grid.nx * r.grid.ny,
    changes: r.changes.length,
    suppressed: r.suppressed.length,
    uncertain: r.uncertain.length,
    warnings: r.warnings,
  };
}
