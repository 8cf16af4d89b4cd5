/**
 * Step 3 of the octree build (convert.ts), for one chunk: its records are read back and its subtree built top-down
 * in memory. A node keeps the point nearest each sampling cell's centre (sampler.ts) and passes the rest to its
 * children, until a node has at most `leafPoints` points and keeps them all. Chunks are independent: convert.ts runs
 * them on worker threads (index-worker.ts) and writes their nodes in chunk order.
 */
import { readFileSync, rmSync } from 'node:fs';
import type { RecordLayout } from './format';
import type { Quantization } from './quantize';
import type { GridSampler } from './sampler';

/** No node deeper than this: identical points beyond it stay together in one leaf. */
const MAX_LEVEL = 24;

/** A chunk: the octree node whose subtree it becomes. */
export interface IndexedChunk {
  name: string;
  level: number;
}

export interface IndexOptions {
  leafPoints: number;
  nodePoints: number;
  signal?: AbortSignal;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Throws an AbortError once `signal` is aborted (the build checks between steps). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const e = new Error('octree build cancelled');
    e.name = 'AbortError';
    throw e;
  }
}

/** Reads a chunk's spilled records (removing the file: they are in memory now) and builds its subtree. */
export async function indexChunkFile(
  path: string,
  layout: RecordLayout,
  q: Quantization,
  chunk: IndexedChunk,
  sampler: GridSampler,
  o: IndexOptions,
  emit: (name: string, records: Uint8Array) => void,
): Promise<void> {
  const records = readFileSync(path);
  rmSync(path);
  await indexChunk(records, layout, q, chunk, sampler, o, emit);
}

/** Builds one chunk's subtree, handing each node's records to `emit` (the node first, then its children in order). */
export async function indexChunk(
  records: Uint8Array,
  layout: RecordLayout,
  q: Quantization,
  chunk: IndexedChunk,
  sampler: GridSampler,
  o: IndexOptions,
  emit: (name: string, records: Uint8Array) => void,
): Promise<void> {
  const rb = layout.bytes;
  const count = records.length / rb;
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const qx = new Int32Array(count);
  const qy = new Int32Array(count);
  const qz = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    qx[i] = view.getInt32(i * rb, true);
    qy[i] = view.getInt32(i * rb + 4, true);
    qz[i] = view.getInt32(i * rb + 8, true);
  }
  const all = new Uint32Array(count);
  for (let i = 0; i < count; i++) all[i] = i;

  const visit = async (idx: Uint32Array, level: number, name: string): Promise<void> => {
    throwIfAborted(o.signal);
    const shift = q.bits - level;
    if (idx.length <= o.leafPoints || shift <= 0 || level >= MAX_LEVEL) {
      emit(name, gatherRecords(records, rb, idx, null, idx.length));
      return;
    }
    const keep = new Uint8Array(idx.length);
    const kept = sampler.sample(idx, qx, qy, qz, shift, o.nodePoints, keep);
    emit(name, gatherRecords(records, rb, idx, keep, kept));
    // The rest go to the children, split on the next bit of each integer coordinate.
    const bit = shift - 1;
    const sizes = new Int32Array(8);
    const childOf = new Uint8Array(idx.length);
    for (let j = 0; j < idx.length; j++) {
      if (keep[j]) continue;
      const i = idx[j];
      const c = (((qx[i] >>> bit) & 1) << 2) | (((qy[i] >>> bit) & 1) << 1) | ((qz[i] >>> bit) & 1);
      childOf[j] = c;
      sizes[c]++;
    }
    const children = Array.from(sizes, (n) => new Uint32Array(n));
    const fill = new Int32Array(8);
    for (let j = 0; j < idx.length; j++) if (!keep[j]) children[childOf[j]][fill[childOf[j]]++] = idx[j];
    for (let c = 0; c < 8; c++) {
      if (children[c].length === 0) continue;
      await nextTurn(); // let a server or the UI breathe between nodes
      await visit(children[c], level + 1, name + c);
    }
  };
  await visit(all, chunk.level, chunk.name);
}

/**
 * The records of the points `idx` (only those marked in `keep`, when given) in one array. A byte loop: a
 * subarray a point (a Buffer slice when the records came from a file) cost more than the copy itself.
 */
function gatherRecords(records: Uint8Array, rb: number, idx: Uint32Array, keep: Uint8Array | null, n: number): Uint8Array {
  const out = new Uint8Array(n * rb);
  const from = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const to = new DataView(out.buffer);
  // Four bytes at a time, then the rest.
  const words = rb & ~3;
  let at = 0;
  for (let j = 0; j < idx.length; j++) {
    if (keep && keep[j] !== 1) continue;
    const i = idx[j] * rb;
    let b = 0;
    for (; b < words; b += 4) to.setUint32(at + b, from.getUint32(i + b));
    for (; b < rb; b++) out[at + b] = records[i + b];
    at += rb;
  }
  return out;
}
