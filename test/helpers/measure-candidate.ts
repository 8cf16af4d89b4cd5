// Measures the candidate two epoch surfaces make on a flat ground, as the segmentation would give
// it: every cell whose top moved by more than the 1.2 m threshold in the direction of `sign`.
import { measure, type MeasureContext, type Measurement } from '../../core/changes/measure';
import type { Candidate } from '../../core/changes/segment';
import type { Grid } from '../../core/diff/grid';
import type { EpochSurface } from '../../core/diff/surfaces';

export const THRESHOLD = 1.2;

export function measureCandidate(
  grid: Grid,
  a: EpochSurface,
  b: EpochSurface,
  ground: number,
  sign: 1 | -1,
): { m: Measurement; ctx: MeasureContext } {
  const n = grid.nx * grid.ny;
  const diff = Float32Array.from(b.top, (z, k) => z - a.top[k]);
  const ctx: MeasureContext = {
    grid,
    a,
    b,
    countsA: new Uint32Array(n).fill(12),
    countsB: new Uint32Array(n).fill(12),
    diff,
    ground: new Float32Array(n).fill(ground),
    threshold: THRESHOLD,
  };
  const cells = Int32Array.from({ length: n }, (_, k) => k).filter((k) => diff[k] * sign > THRESHOLD);
  const candidate: Candidate = { sign, cells, enclosedUnseen: new Int32Array(0) };
  return { m: measure(candidate, ctx), ctx };
}
