import { LasFile } from '../io/las/reader';
import { addChunk, createColumnStats, type ColumnStats } from './columns';
import type { Grid } from './grid';

export interface AggregateHooks {
  /** Called after each chunk with the points read so far. */
  onPoints?: (pointsRead: number) => void;
  signal?: AbortSignal;
}

/** Streams every file of one epoch into per-cell column statistics on the shared grid. */
export async function aggregateEpoch(files: string[], grid: Grid, zBase: number, zToMetres: number, hooks: AggregateHooks = {}): Promise<ColumnStats> {
  const stats = createColumnStats(grid, zBase);
  let read = 0;
  for (const path of files) {
    const file = await LasFile.open(path);
    try {
      for await (const chunk of file.chunks({ fields: ['classification', 'rgb'], signal: hooks.signal, reuseBuffers: true })) {
        addChunk(stats, chunk, zToMetres);
        read += chunk.count;
        hooks.onPoints?.(read);
      }
    } finally {
      await file.close();
    }
  }
  return stats;
}
