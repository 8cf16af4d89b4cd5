import { closeSync, openSync, writeSync } from 'node:fs';

/** All chunk write buffers together stay under this, however many chunks there are. */
const BUFFER_BUDGET = 32 << 20;

/**
 * Appends fixed-size point records to one temporary file per chunk. Each chunk has a small buffer; a full one is
 * written out in one call, and a file is opened only while being written, so hundreds of chunks need no hundreds
 * of open descriptors and memory stays bounded by BUFFER_BUDGET.
 */
export class ChunkSpill {
  private buffer: Uint8Array;
  /** Where callers write the record `next` placed (empty once closed). */
  view: DataView;
  private readonly fill: Int32Array;
  private readonly created: Uint8Array;
  /** Records per chunk buffer. */
  private readonly capacity: number;
  readonly written: Float64Array;

  constructor(
    private readonly paths: string[],
    private readonly recordBytes: number,
  ) {
    this.capacity = Math.max(64, Math.min(65536, Math.floor(BUFFER_BUDGET / recordBytes / Math.max(1, paths.length))));
    this.buffer = new Uint8Array(paths.length * this.capacity * recordBytes);
    this.view = new DataView(this.buffer.buffer);
    this.fill = new Int32Array(paths.length);
    this.created = new Uint8Array(paths.length);
    this.written = new Float64Array(paths.length);
  }

  /** The byte position where chunk c's next record goes (the caller writes it there). */
  next(c: number): number {
    if (this.fill[c] === this.capacity) this.flush(c);
    const at = (c * this.capacity + this.fill[c]) * this.recordBytes;
    this.fill[c]++;
    this.written[c]++;
    return at;
  }

  flush(c: number): void {
    const n = this.fill[c] * this.recordBytes;
    if (n === 0) return;
    const fd = openSync(this.paths[c], this.created[c] ? 'a' : 'w');
    this.created[c] = 1;
    try {
      const start = c * this.capacity * this.recordBytes;
      let done = 0;
      while (done < n) done += writeSync(fd, this.buffer, start + done, n - done);
    } finally {
      closeSync(fd);
    }
    this.fill[c] = 0;
  }

  /** Writes what is buffered and lets the buffers go (the index step that follows needs the memory). */
  close(): void {
    for (let c = 0; c < this.paths.length; c++) this.flush(c);
    this.buffer = new Uint8Array(0);
    this.view = new DataView(this.buffer.buffer);
  }
}
