import { LazDecoderPool } from '../../core/io/laz/decoder-pool';
import { timeJob } from '../measure';
import type { Timing } from '../types';
import { streamFile } from './las-read';

/**
 * Section b: `copies` concurrent reads of one LAZ file through a pool of `threads` decoders.
 * The warm-up run starts the threads (tsx + laz-perf's WebAssembly), which is not decode time.
 * Buffers are reused as detection's first pass reads (each chunk's memory goes back to the
 * decoders once the next one is asked for).
 */
export async function lazReadJob(file: string, copies: number, threads: number, repeats: number): Promise<Timing> {
  const pool = new LazDecoderPool(threads);
  try {
    const readAll = async () => {
      const counts = await Promise.all(
        Array.from({ length: copies }, () => streamFile(file, undefined, { lazPool: pool, reuseBuffers: true })),
      );
      return counts.reduce((a, b) => a + b, 0);
    };
    return await timeJob(readAll, { repeats, warmup: true });
  } finally {
    await pool.close();
  }
}
