import { detectPointFormat } from '../io/formats';
import { addChunk, createColumnStats, type ColumnStats } from './columns';
import type { Grid } from './grid';

export interface AggregateHooks {
  /** Called after each chunk with the points read so far. */
  onPoints?: (pointsRead: number) => void;
  signal?: AbortSignal;
}

/** Streams every file of one epoch, whatever its format, into column statistics on the shared grid. */
export async function aggregateEpoch(
  files: string[],
  grid: Grid,
  zBase: number,
  zToMetres: number,
  hooks: AggregateHooks = {},
): Promise<ColumnStats> {
  const stats = createColumnStats(grid, zBase);
  let read = 0;
  for (const path of files) {
    const format = await detectPointFormat(path);
    for await (const chunk of format.parseInBatches(path, {
      fields: ['classification', 'rgb'],
      signal: hooks.signal,
      reuseBuffers: true,
    })) {
      addChunk(stats, chunk, zToMetres);
      read += chunk.count;
      hooks.onPoints?.(read);
    }
  }
  return stats;
}
