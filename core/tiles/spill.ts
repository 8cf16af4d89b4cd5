import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * Points binned to their tiles, written to one spill file per (part of an epoch, tile) so a tile
 * job reads only its own points. A record is three 32-bit words: the cell within the tile's
 * window with the class kind and a colour flag in its top bits, the height in metres above the
 * run's base (f32), and the colour as 8-bit r, g, b. Coordinates are not kept: the cell is all
 * the columns need. Every byte counts: the spill is written once and read once, and on this
 * kind of machine fresh page-cache pages cost as much as fresh process memory.
 */
export const RECORD_WORDS = 3;
export const RECORD_BYTES = 4 * RECORD_WORDS;
/** Bits of word 0 that hold the cell: windows must have fewer cells than this. */
export const CELL_BITS = 26;
export const CELL_MASK = (1 << CELL_BITS) - 1;
/** LAS noise classes (low and high): never surfaces, so they never reach the spill or the columns. */
export const NOISE_LOW = 7;
export const NOISE_HIGH = 18;
/** Class kinds in bits 26–27 (noise never reaches the spill). */
export const KIND_GROUND = 1 << CELL_BITS;
export const KIND_VEGETATION = 2 << CELL_BITS;
export const KIND_MASK = 3 << CELL_BITS;
/** Bit 28: the point has a colour. */
export const FLAG_RGB = 1 << 28;

/** Typed views over one buffer of records (word w of record r at RECORD_WORDS × r + w). */
export interface RecordViews {
  u8: Uint8Array;
  u32: Uint32Array;
  f32: Float32Array;
}

export function recordViews(buffer: ArrayBuffer): RecordViews {
  return { u8: new Uint8Array(buffer), u32: new Uint32Array(buffer), f32: new Float32Array(buffer) };
}

/** Write buffers take at most this much memory in all, however many tiles there are. */
const BUFFER_BUDGET = 64 << 20;

/**
 * Per-tile write buffers in one block (tile t's records at t × capacity): appending is a few
 * stores, and a full buffer is written out in one call. A file is created on its first write
 * and opened only while being written, so thousands of tiles need no thousands of descriptors.
 */
export class SpillWriter {
  readonly views: RecordViews;
  readonly fill: Int32Array;
  readonly capacity: number;
  private readonly created: Uint8Array;

  constructor(private readonly paths: string[]) {
    this.capacity = Math.max(256, Math.min(8192, Math.floor(BUFFER_BUDGET / RECORD_BYTES / Math.max(1, paths.length))));
    this.views = recordViews(new ArrayBuffer(paths.length * this.capacity * RECORD_BYTES));
    this.fill = new Int32Array(paths.length);
    this.created = new Uint8Array(paths.length);
  }

  /** Writes tile t's buffered records out and empties its buffer. */
  flush(t: number): void {
    const n = this.fill[t];
    if (n === 0) return;
    const fd = openSync(this.paths[t], this.created[t] ? 'a' : 'w');
    this.created[t] = 1;
    try {
      const start = t * this.capacity * RECORD_BYTES;
      let done = 0;
      while (done < n * RECORD_BYTES) done += writeSync(fd, this.views.u8, start + done, n * RECORD_BYTES - done);
    } finally {
      closeSync(fd);
    }
    this.fill[t] = 0;
  }

  close(): void {
    for (let t = 0; t < this.paths.length; t++) this.flush(t);
  }
}

/**
 * Reads a spill file block by block into `views` (reused), calling `use` with each block's
 * record count. A missing file is an empty tile.
 */
export function readSpill(path: string, views: RecordViews, use: (records: number) => void): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    const bytes = views.u8.byteLength - (views.u8.byteLength % RECORD_BYTES);
    for (;;) {
      let got = 0;
      while (got < bytes) {
        const n = readSync(fd, views.u8, got, bytes - got, null);
        if (n === 0) break;
        got += n;
      }
      if (got % RECORD_BYTES !== 0) throw new Error(`spill file ${path} is truncated`);
      if (got > 0) use(got / RECORD_BYTES);
      if (got < bytes) return;
    }
  } finally {
    closeSync(fd);
  }
}
