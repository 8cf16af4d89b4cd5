/**
 * A detection worker thread: runs first-pass scans (part of an epoch into coarse statistics, and
 * spill files or a block index), the ground model and tile jobs, one at a time, as the pool
 * hands them out. Its buffers stay allocated from one part, and one tile, to the next.
 */
import { parentPort } from 'node:worker_threads';
import { SourceError } from '../io/types';
import type { PoolReply, PoolRequest } from './pool';
import { CoarseBlocks } from './coarse';
import { runGroundStep } from './ground-job';
import { partRecord } from './part-record';
import { scanEpoch } from './scan';
import { runTileJob, TileWorkspace } from './tile-job';

const workspace = new TileWorkspace();
/** The first pass's coarse blocks, kept from one part to the next: only the crop a part touched is sent. */
let coarse: CoarseBlocks | null = null;
const post = (m: PoolReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);

parentPort!.on('message', (m: PoolRequest) => void handle(m));

async function handle(m: PoolRequest): Promise<void> {
  try {
    if (m.kind === 'scan') {
      let last = 0;
      if (!coarse?.fits(m.job.grid)) coarse = new CoarseBlocks(m.job.grid);
      const result = await scanEpoch(
        m.job,
        {
          onPoints: (n) => {
            // Progress a few times per second is plenty; every chunk would flood the channel.
            if (n - last >= 1_000_000) {
              last = n;
              post({ id: m.id, kind: 'progress', points: n });
            }
          },
        },
        { coarse, workspace: workspace.read },
      );
      const record = partRecord(result);
      post(
        { id: m.id, kind: 'done', result: record },
        [record.count, record.sum, record.sumSq, record.min1, record.min2, ...(record.blocks ? [record.blocks] : [])].map(
          (a) => a.buffer as ArrayBuffer,
        ),
      );
    } else if (m.kind === 'ground') {
      coarse = null;
      post({ id: m.id, kind: 'done', result: runGroundStep(m.job) });
    } else {
      // The first pass is over: its coarse blocks are not kept beside the tile buffers.
      coarse = null;
      post({ id: m.id, kind: 'done', result: await runTileJob(m.job, workspace) });
    }
  } catch (e) {
    // A scan that failed half-way leaves its coarse buffer dirty.
    if (m.kind === 'scan') coarse = null;
    const err = e as Error;
    post({
      id: m.id,
      kind: 'error',
      message: err.message,
      file: e instanceof SourceError ? e.file : undefined,
      problem: e instanceof SourceError ? e.problem : undefined,
    });
  }
}
