import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LasFile, type ReadOptions } from '../../core/io/las/reader';
import type { PointChunk } from '../../core/io/types';

/** The shared real-data corpus, beside the repository (never copied into it). */
export const SHARED_DATA = resolve(import.meta.dirname, '../../../shared/data');
export const CONFORMANCE = join(SHARED_DATA, 'las-conformance');

if (!existsSync(CONFORMANCE)) throw new Error(`the shared data corpus is missing: expected ${CONFORMANCE}`);

export function listPointFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listPointFiles(p));
    else if (/\.(las|laz)$/i.test(name)) out.push(p);
  }
  return out;
}

/** Reads a whole (small) file into one chunk, for comparisons in tests. */
export async function readAll(path: string, options: ReadOptions = {}): Promise<{ file: LasFile; points: PointChunk }> {
  const file = await LasFile.open(path);
  try {
    const chunks: PointChunk[] = [];
    for await (const c of file.chunks(options)) chunks.push(c);
    return { file, points: concatChunks(chunks) };
  } finally {
    await file.close();
  }
}

export function concatChunks(chunks: PointChunk[]): PointChunk {
  const count = chunks.reduce((n, c) => n + c.count, 0);
  const cat = <T extends Float64Array | Uint8Array | Uint16Array>(pick: (c: PointChunk) => T | undefined, per = 1): T | undefined => {
    const first = chunks.find((c) => pick(c));
    if (!first && chunks.length > 0) return undefined;
    const Ctor = (first ? pick(first)!.constructor : Float64Array) as new (n: number) => T;
    const out = new Ctor(count * per);
    let at = 0;
    for (const c of chunks) {
      out.set(pick(c)!, at);
      at += c.count * per;
    }
    return out;
  };
  return {
    count,
    x: cat((c) => c.x)!,
    y: cat((c) => c.y)!,
    z: cat((c) => c.z)!,
    intensity: cat((c) => c.intensity),
    classification: cat((c) => c.classification),
    returnNumber: cat((c) => c.returnNumber),
    numberOfReturns: cat((c) => c.numberOfReturns),
    rgb: cat((c) => c.rgb, 3),
    gpsTime: cat((c) => c.gpsTime),
  };
}
