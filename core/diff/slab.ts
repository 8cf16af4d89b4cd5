/**
 * Typed arrays carved out of one ArrayBuffer, for a set of buffers that live and die together.
 *
 * A worker's tile buffers are hundreds of MB in a few dozen arrays. Allocated one by one (a few
 * MB each), glibc (Linux) may serve them from its per-thread arenas, which keep freed memory resident
 * after the worker ends; as one block above glibc's largest mmap threshold (32 MiB), they are
 * always mapped on their own and handed back to the system when the worker ends. Which way the
 * separate arrays went depended on timing: the end of an 81 km² run peaked 350 MB higher when
 * they stayed (docs/BENCHMARKS.md, section k).
 */
export class Slab {
  private used = 0;
  private readonly buffer: ArrayBuffer;

  constructor(readonly bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }

  f32(n: number): Float32Array {
    return new Float32Array(this.buffer, this.take(n * 4), n);
  }

  u32(n: number): Uint32Array {
    return new Uint32Array(this.buffer, this.take(n * 4), n);
  }

  i32(n: number): Int32Array {
    return new Int32Array(this.buffer, this.take(n * 4), n);
  }

  u8(n: number): Uint8Array {
    return new Uint8Array(this.buffer, this.take(n), n);
  }

  /** The offset of `size` bytes not yet handed out (8-byte aligned). */
  private take(size: number): number {
    const at = this.used;
    const end = at + Math.ceil(size / 8) * 8;
    if (end > this.bytes) throw new Error(`slab of ${this.bytes} bytes cannot hold ${end}`);
    this.used = end;
    return at;
  }
}

/** Fresh arrays, for buffers that are not part of a slab. */
export const FRESH = {
  f32: (n: number) => new Float32Array(n),
  u32: (n: number) => new Uint32Array(n),
  i32: (n: number) => new Int32Array(n),
  u8: (n: number) => new Uint8Array(n),
};

/** Where a set of buffers takes its arrays from. */
export type ArraySource = Pick<Slab, 'f32' | 'u32' | 'i32' | 'u8'>;
