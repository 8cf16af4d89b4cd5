import { spawnWorker } from '../workers/spawn';
import { SourceError } from '../io/types';
import type { ColumnStats } from './columns';
import type { Grid } from './grid';

export interface AggregateJob {
  files: string[];
  grid: Grid;
  zBase: number;
  zToMetres: number;
}

export type AggregateMessage =
  | { kind: 'progress'; points: number }
  | { kind: 'done'; totals: ColumnStats['totals']; buffers: ArrayBuffer[] }
  | { kind: 'error'; message: string; file?: string; problem?: string };

const WORKER_URL = new URL('./aggregate-worker.ts', import.meta.url);

/**
 * Reads one epoch into column statistics on a worker thread (one per epoch, so both epochs
 * bin at once). Cancelling terminates the thread.
 */
export function aggregateEpochInWorker(job: AggregateJob, hooks: { onPoints?: (n: number) => void; signal?: AbortSignal } = {}): Promise<ColumnStats> {
  return new Promise((resolve, reject) => {
    const worker = spawnWorker(WORKER_URL, { job });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      hooks.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      void worker.terminate();
      const e = new Error('cancelled');
      e.name = 'AbortError';
      finish(() => reject(e));
    };
    if (hooks.signal?.aborted) return onAbort();
    hooks.signal?.addEventListener('abort', onAbort);
    worker.on('message', (m: AggregateMessage) => {
      if (m.kind === 'progress') hooks.onPoints?.(m.points);
      else if (m.kind === 'error') finish(() => reject(m.file ? new SourceError(m.file, m.problem ?? m.message) : new Error(m.message)));
      else finish(() => resolve(fromBuffers(job, m)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`epoch reader thread exited (code ${code})`))));
  });
}

function fromBuffers(job: AggregateJob, m: Extract<AggregateMessage, { kind: 'done' }>): ColumnStats {
  const [count, max1, max2, min1, min2, mean, m2, greenSum, colourCount, vegetationCount, groundCount] = m.buffers;
  return {
    grid: job.grid,
    zBase: job.zBase,
    count: new Uint32Array(count),
    max1: new Float32Array(max1),
    max2: new Float32Array(max2),
    min1: new Float32Array(min1),
    min2: new Float32Array(min2),
    mean: new Float32Array(mean),
    m2: new Float32Array(m2),
    greenSum: new Float32Array(greenSum),
    colourCount: new Uint32Array(colourCount),
    vegetationCount: new Uint32Array(vegetationCount),
    groundCount: new Uint32Array(groundCount),
    totals: m.totals,
  };
}
