import type { EpochSourceInfo } from '../io/formats';
import type { ScanSource } from './scan';

/**
 * Points per first-pass job: enough to amortise a job, few enough that the last parts of a run
 * leave no core idle for long (at 12 M, 2 × 35 M points made 7 full parts for 2 cores).
 */
export const PART_POINTS = 4_000_000;

/**
 * Splits an epoch into first-pass parts of at most `partPoints` points, in file order: LAS files
 * are cut into point ranges; other sources (LAZ, decoded in parallel already; DSMs, meshes) stay whole. The parts depend
 * only on the files, never on the worker count, so every tile sees its points in file order.
 */
export function planParts(files: EpochSourceInfo[], partPoints = PART_POINTS): ScanSource[][] {
  const parts: ScanSource[][] = [];
  let current: ScanSource[] = [];
  let size = 0;
  const close = () => {
    if (current.length > 0) parts.push(current);
    current = [];
    size = 0;
  };
  for (const f of files) {
    const n = f.pointCount;
    if (!f.splittable) {
      if (size > 0 && size + n > partPoints) close();
      current.push({ path: f.file });
      size += n;
      continue;
    }
    for (let first = 0; first < n;) {
      const count = Math.min(n - first, partPoints - size);
      current.push({ path: f.file, range: { first, count }, rereadable: true });
      size += count;
      first += count;
      if (size >= partPoints) close();
    }
  }
  close();
  return parts;
}
