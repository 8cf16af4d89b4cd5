import type { CoarseSums } from '../tiles/coarse';
import type { EpochSurface } from './surfaces';
import { quantile } from './raster';

export interface Alignment {
  /** Vertical offset applied to the later epoch, metres (added to its heights). */
  dz: number;
  /** Stable coarse (2 m) cells used, and the residual of their height differences before and after. */
  stableCells: number;
  residualBefore: { medianAbs: number; rms: number };
  residualAfter: { medianAbs: number; rms: number };
}

/** Differences this far from the common offset are real change or occlusion, not misregistration. */
const STABLE_BAND = 0.5;
/** Width of the bins the common offset is sought in, metres. */
const MODE_BIN = 0.1;
/** Points a coarse cell needs in each epoch (a point cloud's), and the largest vertical spread of a flat one. */
export const MIN_POINTS = 8;
const FLAT_SPREAD = 0.1;

/**
 * Vertical fine alignment of the later epoch on the earlier one over stable surfaces: coarse
 * cells (2 m) both epochs saw densely, flat in both (roofs, roads, yards: the points' vertical
 * spread is small) and unchanged. A vertical offset of a few cm biases every volume by
 * area × offset, so it is estimated (robust median, then a Huber mean) and removed. It is
 * estimated once for the whole run, from the first pass's coarse statistics, before any tile
 * is modelled: one dz for every tile, whatever the tiling. Horizontal offsets up to a cell are
 * absorbed by the diff's one-cell tolerance: at 0.5 m columns a sub-cell shift cannot be
 * measured reliably, so none is claimed. `a` and `b` are the sums of the same sampled cells,
 * every `step`-th of the area. The stable cells are those near the most common difference, not
 * near zero: epochs on different height datums (ellipsoidal against orthometric heights) differ
 * by metres everywhere, and a band around zero found no stable surface at all.
 */
export function estimateAlignment(
  a: SampledSums,
  b: SampledSums,
  step: number,
  /** Points a coarse cell needs in each epoch: fewer for a DSM, whose 1 m pixels put four in a 2 m cell. */
  minPoints: [number, number] = [MIN_POINTS, MIN_POINTS],
): Alignment {
  const flatDiffs: number[] = [];
  for (let k = 0; k < a.count.length; k++) {
    const na = a.count[k];
    const nb = b.count[k];
    if (na < minPoints[0] || nb < minPoints[1]) continue;
    // The sums are in millimetres.
    const ma = a.sum[k] / na;
    const mb = b.sum[k] / nb;
    // Flat in both epochs: edges would mix horizontal misregistration into the estimate.
    const va = (a.sumSq[k] - na * ma * ma) / (na - 1);
    const vb = (b.sumSq[k] - nb * mb * mb) / (nb - 1);
    const flat = (FLAT_SPREAD * 1000) ** 2;
    if (!(va < flat && vb < flat)) continue;
    flatDiffs.push((mb - ma) / 1000);
  }
  // The most common difference, when it clearly outweighs the differences near zero (a datum
  // apart); otherwise zero: new slab roofs or fill must not pass for the stable ground.
  const near = (c: number) => flatDiffs.filter((d) => Math.abs(d - c) < STABLE_BAND).length;
  const mode = mostCommon(flatDiffs);
  const centre = Math.abs(mode) < STABLE_BAND || near(mode) >= Math.max(2 * near(0), 0.5 * flatDiffs.length) ? mode : 0;
  const diffs = Float32Array.from(flatDiffs.filter((d) => Math.abs(d - centre) < STABLE_BAND));
  const residuals = (dz: number) => {
    const out = new Float32Array(diffs.length);
    let n = 0;
    for (let i = 0; i < diffs.length; i++) {
      const r = diffs[i] + dz;
      if (Math.abs(r) < STABLE_BAND) out[n++] = r;
    }
    return out.subarray(0, n);
  };
  let dz = -(quantile(diffs, 0.5) || 0);
  for (let iter = 0; iter < 5; iter++) {
    let sw = 0;
    let sr = 0;
    for (const r of residuals(dz)) {
      const w = Math.abs(r) <= 0.03 ? 1 : 0.03 / Math.abs(r);
      sw += w;
      sr += w * r;
    }
    if (sw === 0) break;
    dz -= sr / sw;
  }
  const stats = (r: Float32Array) => {
    let ss = 0;
    const abs = new Float32Array(r.length);
    for (let i = 0; i < r.length; i++) {
      ss += r[i] * r[i];
      abs[i] = Math.abs(r[i]);
    }
    return { medianAbs: round(quantile(abs, 0.5) || 0), rms: round(Math.sqrt(ss / Math.max(1, r.length))) };
  };
  const after = residuals(dz);
  return { dz: round(dz), stableCells: after.length * step, residualBefore: stats(diffs), residualAfter: stats(after) };
}

/** The centre of the most populated MODE_BIN-wide bin (with its neighbours), metres; 0 for none. */
function mostCommon(values: number[]): number {
  const bins = new Map<number, number>();
  for (const v of values) {
    const k = Math.round(v / MODE_BIN);
    bins.set(k, (bins.get(k) ?? 0) + 1);
  }
  let [best, bestCount] = [0, 0];
  for (const k of bins.keys()) {
    const n = (bins.get(k - 1) ?? 0) + (bins.get(k) ?? 0) + (bins.get(k + 1) ?? 0);
    // Ties go to the bin nearest zero: misregistration is small more often than not.
    if (n > bestCount || (n === bestCount && Math.abs(k) < Math.abs(best))) [best, bestCount] = [k, n];
  }
  return best * MODE_BIN;
}

/** Coarse sums of sampled cells (EpochCoarse.samples). */
export type SampledSums = Pick<CoarseSums, 'count' | 'sum' | 'sumSq'>;

const round = (v: number) => Math.round(v * 1000) / 1000;

/** Applies a vertical offset (metres) to the later epoch's surfaces. */
export function applyAlignment(b: EpochSurface, dz: number): void {
  if (dz === 0) return;
  for (let k = 0; k < b.top.length; k++) {
    b.top[k] += dz;
    b.mean[k] += dz;
    b.low[k] += dz;
  }
}
