import { spawnWorker } from '../workers/spawn';
import { SourceError } from '../io/types';
import type { ColumnStats } from './columns';
import type { Grid } from './grid';
import { SURFACE_RASTERS, type EpochSurface } from './surfaces';

export interface AggregateJob {
  files: string[];
  grid: Grid;
  zBase: number;
  zToMetres: number;
}

export type AggregateMessage =
  | { kind: 'progress'; points: number }
  | { kind: 'done'; totals: ColumnStats['totals']; useClasses: boolean; typicalCount: number; minCount: number; buffers: ArrayBuffer[] }
  | { kind: 'error'; message: string; file?: string; problem?: string };

/** One epoch as the diff needs it: its surfaces, its points per cell and its totals. */
export interface ObservedEpoch {
  surface: EpochSurface;
  counts: Uint32Array;
  totals: ColumnStats['totals'];
  useClasses: boolean;
}

const WORKER_URL = new URL('./aggregate-worker.ts', import.meta.url);

/**
 * Reads one epoch and models its surfaces on a worker thread (one per epoch, so both epochs
 * are processed at once). Cancelling terminates the thread.
 */
export function observeEpochInWorker(
  job: AggregateJob,
  hooks: { onPoints?: (n: number) => void; signal?: AbortSignal } = {},
): Promise<ObservedEpoch> {
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
      else finish(() => resolve(fromMessage(m)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`epoch reader thread exited (code ${code})`))));
  });
}

function fromMessage(m: Extract<AggregateMessage, { kind: 'done' }>): ObservedEpoch {
  const surface = { typicalCount: m.typicalCount, minCount: m.minCount } as EpochSurface;
  SURFACE_RASTERS.forEach((key, i) => {
    (surface as unknown as Record<string, unknown>)[key] =
      key === 'observed' ? new Uint8Array(m.buffers[i]) : new Float32Array(m.buffers[i]);
  });
  return { surface, counts: new Uint32Array(m.buffers[SURFACE_RASTERS.length]), totals: m.totals, useClasses: m.useClasses };
}
