/**
 * laz-perf can abort its whole host on a corrupt stream. It only runs in worker threads, so a
 * corrupt chunk fails (or decodes garbage) without taking the process down, and the decoder
 * pool keeps working for the next file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LasFile } from '../../core/io/las/reader';
import { LazDecoderPool } from '../../core/io/laz/decoder-pool';
import { SourceError } from '../../core/io/types';
import { CONFORMANCE, readAll } from '../helpers/data';

describe('LAZ decoding is isolated in worker threads', () => {
  it('survives chunks of garbage, then decodes a good file', async () => {
    const source = join(CONFORMANCE, 'pdal/laz_las_with_several_extra_byte_bloc.laz');
    const bytes = new Uint8Array(readFileSync(source));
    const info = (await LasFile.open(source)).info;
    const dir = mkdtempSync(join(tmpdir(), 'voxwatch-laz-'));
    const corrupt = join(dir, 'garbage-chunks.laz');
    // Overwrite the inside of every chunk with pseudo-random bytes; the chunk table stays valid.
    let s = 12345;
    const starts = info.chunkTable!.starts;
    for (let c = 0; c + 1 < starts.length; c++) {
      for (let i = starts[c] + 4; i < starts[c + 1]; i++) bytes[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
    }
    writeFileSync(corrupt, bytes);
    const outcome = await readAll(corrupt).then(
      (r) => ({ ok: true as const, count: r.points.count }),
      (e: unknown) => ({ ok: false as const, error: e }),
    );
    // Either the decoder reports the chunk, or it returns (meaningless) points: never a crash.
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(SourceError);
      expect((outcome.error as SourceError).message).toMatch(/garbage-chunks\.laz: LAZ chunk \d+ of \d+ cannot be decoded/);
    } else {
      expect(outcome.count).toBe(697_721);
    }
    const good = await readAll(join(CONFORMANCE, 'lazperf/1815.laz'));
    expect(good.points.count).toBe(1247);
  });
});

describe('LAZ read-ahead', () => {
  it('reports a chunk that fails while earlier ones are still being consumed, by file and chunk', async () => {
    const path = join(CONFORMANCE, 'pdal/laz_las_with_several_extra_byte_bloc.laz');
    const real = new LazDecoderPool(1);
    const file = await LasFile.open(path);
    // A pool that fails chunk 2 at once (known by its bytes: reads finish in any order) while
    // the others take their time.
    const t = file.info.chunkTable!;
    const second = new Uint8Array(readFileSync(path)).slice(t.starts[1], t.starts[2]);
    const flaky = {
      size: 2,
      decodePoints: (...args: Parameters<LazDecoderPool['decodePoints']>) => {
        if (Buffer.from(args[3]).equals(second)) return Promise.reject(new Error('simulated decoder failure'));
        return new Promise((resolve, reject) => setTimeout(() => real.decodePoints(...args).then(resolve, reject), 100));
      },
    } as unknown as LazDecoderPool;
    const seen: number[] = [];
    const run = (async () => {
      for await (const c of file.chunks({ lazPool: flaky })) seen.push(c.count);
    })();
    await expect(run).rejects.toThrow(
      /laz_las_with_several_extra_byte_bloc\.laz: LAZ chunk 2 of 14 cannot be decoded \(simulated decoder failure\)/,
    );
    expect(seen).toEqual([50_000]);
    await file.close();
    await real.close();
  });

  it('closing the pool fails the decodes still in flight instead of leaving them pending', async () => {
    const pool = new LazDecoderPool(1);
    const file = await LasFile.open(join(CONFORMANCE, 'lazperf/1815.laz'));
    const t = file.info.chunkTable!;
    const bytes = new Uint8Array(readFileSync(join(CONFORMANCE, 'lazperf/1815.laz'))).slice(t.starts[0], t.starts[1]);
    // Warm the pool up so the next job is really in a thread when the pool closes.
    const { pointFormat, recordLength, scale, offset } = file.info.header;
    const decode = () =>
      pool.decodePoints(pointFormat, recordLength, t.counts[0], bytes.slice(), { fields: [], scale: [...scale], offset: [...offset] });
    await decode();
    const inFlight = decode();
    const outcome = expect(inFlight).rejects.toThrow(/closed/);
    await pool.close();
    await outcome;
    await file.close();
  });
});
