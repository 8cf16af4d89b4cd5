import { LasFile } from '../../core/io/las/reader';
import type { PointField } from '../../core/io/las/records';
import { timeJob } from '../measure';
import type { Timing } from '../types';

/** Streams a whole file; returns the points seen. Touches each chunk so nothing is optimised away. */
export async function streamFile(
  path: string,
  fields?: readonly PointField[],
  options: Parameters<LasFile['chunks']>[0] = {},
): Promise<number> {
  const file = await LasFile.open(path);
  let points = 0;
  let sink = 0;
  try {
    for await (const chunk of file.chunks({ ...options, fields })) {
      points += chunk.count;
      sink += chunk.x[chunk.count - 1] ?? 0;
    }
  } finally {
    await file.close();
  }
  if (Number.isNaN(sink)) throw new Error(`${path}: NaN coordinate`);
  return points;
}

/**
 * Section a: one core reading an uncompressed file, warm page cache; with fresh arrays per chunk
 * (any consumer) or with the reader's reused buffers (a streaming consumer, as detection).
 */
export function lasReadJob(file: string, fields: PointField[] | undefined, reuseBuffers: boolean, repeats: number): Promise<Timing> {
  return timeJob(() => streamFile(file, fields, { reuseBuffers }), { repeats, warmup: true });
}
