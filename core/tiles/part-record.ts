import type { CoarseCrop } from './coarse';
import type { ScanResult } from './scan';

/**
 * What a finished first-pass part keeps in its marker: its totals and its coarse sums, cropped
 * to the coarse cells it touched. A part of a tiled survey covers a small patch of the area, so
 * its marker is small however large the area (a part of one big unsorted file may cover it all).
 */
export interface PartRecord extends CoarseCrop {
  totals: ScanResult['totals'];
  /** An indexed part's blocks (ScanResult.blocks): what its tiles read again. */
  blocks?: Float64Array;
}

/** A scanned part as its record; the part's coarse blocks are emptied for the next part. */
export function partRecord(part: ScanResult): PartRecord {
  return { totals: part.totals, ...part.coarse.take(), ...(part.blocks ? { blocks: part.blocks } : {}) };
}
