import type { EpochSourceInfo } from '../io/formats';
import type { EpochTotals, ScanResult, ScanSource } from './scan';

/** Points per first-pass job: enough to amortise a job, few enough to spread an epoch over cores. */
export const PART_POINTS = 12_000_000;

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
      current.push({ path: f.file, range: { first, count } });
      size += count;
      first += count;
      if (size >= partPoints) close();
    }
  }
  close();
  return parts;
}

/**
 * Adds one part's first-pass results to its epoch's: counts, integer sums and minima do not
 * depend on the order, so parts are added as they arrive and never held.
 */
export function addPart(into: ScanResult, part: ScanResult): void {
  const totals = into.totals;
  for (const k of Object.keys(totals) as (keyof EpochTotals)[]) totals[k] += part.totals[k];
  const c = into.coarse;
  const q = part.coarse;
  for (let i = 0; i < c.count.length; i++) {
    if (q.count[i] === 0) continue;
    c.count[i] += q.count[i];
    c.sum[i] += q.sum[i];
    c.sumSq[i] += q.sumSq[i];
    // The two lowest of four values.
    const second = c.min1[i] <= q.min1[i] ? Math.min(c.min2[i], q.min1[i]) : Math.min(q.min2[i], c.min1[i]);
    c.min1[i] = Math.min(c.min1[i], q.min1[i]);
    c.min2[i] = second;
  }
}
