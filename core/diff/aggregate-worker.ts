/**
 * Worker thread that reads one epoch into column statistics and models its surfaces, so the
 * two epochs of a run are read, binned and modelled on two cores at once. Posts progress,
 * then the surfaces' buffers (the statistics themselves never leave the thread).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SourceError } from '../io/types';
import { aggregateEpoch } from './aggregate';
import type { AggregateJob, AggregateMessage } from './parallel';
import { buildSurface, classesPlausible, SURFACE_RASTERS } from './surfaces';

const job = workerData.job as AggregateJob;
const post = (m: AggregateMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);

try {
  let last = 0;
  const stats = await aggregateEpoch(job.files, job.grid, job.zBase, job.zToMetres, {
    onPoints: (n) => {
      // Progress a few times per second is plenty; every chunk would flood the channel.
      if (n - last >= 1_000_000) {
        last = n;
        post({ kind: 'progress', points: n });
      }
    },
  });
  const useClasses = classesPlausible(stats);
  const surface = buildSurface(stats, { useClasses });
  const buffers = [...SURFACE_RASTERS.map((key) => surface[key].buffer as ArrayBuffer), stats.count.buffer as ArrayBuffer];
  post(
    { kind: 'done', totals: stats.totals, useClasses, typicalCount: surface.typicalCount, minCount: surface.minCount, buffers },
    buffers,
  );
} catch (e) {
  const err = e as Error;
  post({
    kind: 'error',
    message: err.message,
    file: e instanceof SourceError ? e.file : undefined,
    problem: e instanceof SourceError ? e.problem : undefined,
  });
}
