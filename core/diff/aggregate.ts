import { detectPointFormat } from '../io/formats';
import { SourceError } from '../io/types';
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
    try {
      const format = await detectPointFormat(path);
      const options = { fields: ['classification', 'rgb'] as const, signal: hooks.signal, reuseBuffers: true };
      for await (const chunk of format.parseInBatches(path, options)) {
        addChunk(stats, chunk, zToMetres);
        read += chunk.count;
        hooks.onPoints?.(read);
      }
    } catch (e) {
      // Whatever went wrong inside a file is reported with the file's name.
      if (e instanceof SourceError || (e as Error)?.name === 'AbortError') throw e;
      throw new SourceError(path, e instanceof Error ? e.message : String(e));
    }
  }
  return stats;
}
