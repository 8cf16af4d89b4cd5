/**
 * HTTP byte ranges for octree files (potree-core reads octree.bin and hierarchy.bin node by node with
 * `Range: bytes=first-last`). One parser for both shells: `voxwatch serve` and Electron's protocol handler.
 */

export type RangeAnswer =
  | { kind: 'whole' }
  | { kind: 'range'; start: number; end: number }
  /** 416: the range does not overlap the file, or asks for several parts (never sent by potree-core). */
  | { kind: 'unsatisfiable' };

/** Reads a Range header against a file of `size` bytes; `end` is inclusive, as in the header. */
export function parseByteRange(header: string | null | undefined, size: number): RangeAnswer {
  if (header === null || header === undefined || header.trim() === '') return { kind: 'whole' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'unsatisfiable' };
  let start: number;
  let end: number;
  if (m[1] === '') {
    // A suffix: the last n bytes.
    const n = Number(m[2]);
    if (n === 0) return { kind: 'unsatisfiable' };
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end };
}
