/**
 * A detection worker thread: runs first-pass scans (one epoch into spill files and coarse
 * statistics) and tile jobs, one at a time, as the pool hands them out. Its tile buffers stay
 * allocated from one tile to the next.
 */
import { parentPort } from 'node:worker_threads';
import { SourceError } from '../io/types';
import type { PoolReply, PoolRequest } from './pool';
import { scanEpoch } from './scan';
import { runTile, tileOrthoGreenness, TileWorkspace } from './tile-job';

const workspace = new TileWorkspace();
const post = (m: PoolReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);

parentPort!.on('message', (m: PoolRequest) => void handle(m));

async function handle(m: PoolRequest): Promise<void> {
  try {
    if (m.kind === 'scan') {
      let last = 0;
      const result = await scanEpoch(m.job, {
        onPoints: (n) => {
          // Progress a few times per second is plenty; every chunk would flood the channel.
          if (n - last >= 1_000_000) {
            last = n;
            post({ id: m.id, kind: 'progress', points: n });
          }
        },
      });
      const c = result.coarse;
      post(
        { id: m.id, kind: 'done', result },
        [c.count, c.sum, c.sumSq, c.min1, c.min2].map((a) => a.buffer as ArrayBuffer),
      );
    } else {
      post({ id: m.id, kind: 'done', result: runTile(m.job, workspace, await tileOrthoGreenness(m.job)) });
    }
  } catch (e) {
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
