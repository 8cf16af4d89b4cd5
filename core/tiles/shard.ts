/**
 * Sharding a run over machines: which tiles a shard does, and the partial result it leaves for
 * `merge`. A share is a run of consecutive tiles (row by row) holding about 1/N of the spilled
 * points, decided from the prepared run alone, so every shard computes the same split.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSealed, seal, unseal, writeAtomic } from './checkpoint';

/** `i/N` as given on a command line (i from 0), or a message saying what is wrong. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(count >= 1 && index >= 0 && index < count)) {
    throw new RangeError(`--shard expects i/N with 0 ≤ i < N (e.g. 0/4 … 3/4), got "${text}"`);
  }
  return { index, count };
}

/**
 * The tiles of shard `index` of `count`: tile t goes to the shard in whose 1/N of the total
 * weight its midpoint falls (weight: its spilled points, plus one so empty tiles spread too).
 */
export function shareOf(weights: number[], index: number, count: number): number[] {
  const total = weights.reduce((s, w) => s + w + 1, 0);
  const out: number[] = [];
  let before = 0;
  weights.forEach((w, t) => {
    const mid = before + (w + 1) / 2;
    before += w + 1;
    if (Math.min(count - 1, Math.floor((mid / total) * count)) === index) out.push(t);
  });
  return out;
}

/** The first-pass parts a shard reads during a sharded prepare: every N-th, by position. */
export function partShare(parts: number, index: number, count: number): number[] {
  return Array.from({ length: parts }, (_, p) => p).filter((p) => p % count === index);
}

const PARTIAL = 'partial.bin';

export interface PartialHeader<P> {
  key: string;
  shard: { index: number; count: number };
  tiles: number[];
  /** What the merge needs of the prepared run (the plan without its ground raster). */
  plan: P;
}

/** Writes a shard's partial result: the header, then each tile's sealed result as the run folder holds it. */
export async function writePartial<P>(dir: string, header: PartialHeader<P>, tileBytes: (t: number) => Promise<Buffer>): Promise<void> {
  await mkdir(join(dir, 'tiles'), { recursive: true });
  for (const t of header.tiles) await writeAtomic(join(dir, 'tiles', `t${t}.bin`), await tileBytes(t));
  // The header last: a partial result without it is unfinished and is refused by merge.
  await writeAtomic(join(dir, PARTIAL), seal(header));
}

export class PartialError extends Error {
  override name = 'PartialError';
}

/**
 * Reads partial results for a merge, checking that they are whole, of one run, and cover every
 * tile exactly once; anything else is refused naming the folder and what to rerun.
 */
export async function readPartials<P, T>(dirs: string[], tileCount: (plan: P) => number): Promise<{ plan: P; tiles: T[] }> {
  if (dirs.length === 0) throw new PartialError('give the partial results to merge (the --out folders of voxwatch detect --shard)');
  const headers: PartialHeader<P>[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      throw new PartialError(`${dir}: no such folder`);
    }
    const h = names.includes(PARTIAL) ? await readSealed<PartialHeader<P>>(join(dir, PARTIAL)) : null;
    if (!h) throw new PartialError(`${dir} holds no finished partial result (${PARTIAL} missing or damaged): run its shard again`);
    headers.push(h);
  }
  const [first] = headers;
  const n = first.shard.count;
  headers.forEach((h, i) => {
    if (h.key !== first.key) throw new PartialError(`${dirs[i]} is a shard of another run than ${dirs[0]} (other inputs or options)`);
    if (h.shard.count !== n) throw new PartialError(`${dirs[i]} is shard ${h.shard.index}/${h.shard.count}, ${dirs[0]} one of ${n}`);
  });
  const seen = new Map<number, string>();
  headers.forEach((h, i) => {
    const other = seen.get(h.shard.index);
    if (other) throw new PartialError(`${other} and ${dirs[i]} are both shard ${h.shard.index}/${n}: give each shard once`);
    seen.set(h.shard.index, dirs[i]);
  });
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length)
    throw new PartialError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${n}`).join(', ')} missing: run and pass every shard`,
    );
  const total = tileCount(first.plan);
  const covered = new Uint8Array(total);
  const tiles: T[] = [];
  for (let i = 0; i < headers.length; i++) {
    for (const t of headers[i].tiles) {
      const path = join(dirs[i], 'tiles', `t${t}.bin`);
      let value: T | null = null;
      try {
        value = unseal<T>(await readFile(path));
      } catch {
        value = null;
      }
      if (!value) throw new PartialError(`${path} is missing or damaged: run shard ${headers[i].shard.index}/${n} again`);
      if (t < 0 || t >= total || covered[t]) throw new PartialError(`${path}: tile ${t} is not this run's or is given twice`);
      covered[t] = 1;
      tiles.push(value);
    }
  }
  const gap = covered.indexOf(0);
  if (gap >= 0) throw new PartialError(`no shard holds tile ${gap}: the partial results are incomplete`);
  return { plan: first.plan, tiles };
}
