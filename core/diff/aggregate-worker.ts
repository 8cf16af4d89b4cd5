/**
 * Worker thread that reads one epoch into column statistics, so the two epochs of a run are
 * read and binned on two cores at once. Posts progress, then the statistics' buffers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SourceError } from '../io/types';
import { aggregateEpoch } from './aggregate';
import { columnBuffers } from './columns';
import type { AggregateJob, AggregateMessage } from './parallel';

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
  post({ kind: 'done', totals: stats.totals, buffers: columnBuffers(stats) }, columnBuffers(stats));
} catch (e) {
  const err = e as Error;
  post({ kind: 'error', message: err.message, file: e instanceof SourceError ? e.file : undefined, problem: e instanceof SourceError ? e.problem : undefined });
}
