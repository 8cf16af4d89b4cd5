// The run's ground model as a job for a worker thread: it needs the whole area's lowest heights
// (9 bytes a coarse cell an epoch) and several temporary rasters of the same size. Handed over
// rather than copied, they are gone from the main thread the moment the job is sent, and the
// worker's temporaries go once it starts its tiles; the main thread, idle during the tiles,
// would otherwise hold them as garbage to the end of the run.
import { estimateGround, type GroundModel } from '../diff/ground';
import type { EpochCoarse } from './coarse';

/** An epoch's lowest heights per coarse cell (EpochCoarse's). */
export type EpochLows = Pick<EpochCoarse, 'min1' | 'min2' | 'count8'>;

export interface GroundJob {
  /** Both epochs' (emptied once read: see runGroundJob). */
  epochs: EpochLows[];
  cx: number;
  cy: number;
  /** Grid cell size, metres, and grid cells per coarse cell side. */
  cell: number;
  factor: number;
  zBase: number;
}

/** The buffers a ground job hands over to its worker. */
export function groundTransfer(job: GroundJob): ArrayBuffer[] {
  return job.epochs.flatMap((e) => [e.min1.buffer, e.min2.buffer, e.count8.buffer] as ArrayBuffer[]);
}

/** The ground model, its heights in shared memory: every tile job reads them, none copies them. */
export function runGroundJob(job: GroundJob): GroundModel {
  const lows = coarseLows(job);
  // The epochs' rasters are not read past this point: let them go before the filter makes its own.
  job.epochs.length = 0;
  const m = estimateGround(lows, job.cx, job.cy, job.cell, job.factor);
  const values = new Float32Array(new SharedArrayBuffer(m.values.byteLength));
  values.set(m.values);
  return { ...m, values };
}

/** Per coarse cell, the lowest absolute height either epoch saw (the second lowest of three or more points). */
function coarseLows(job: GroundJob): Float32Array {
  const out = new Float32Array(job.cx * job.cy).fill(NaN);
  for (const s of job.epochs) {
    for (let i = 0; i < out.length; i++) {
      const n = s.count8[i];
      if (n === 0) continue;
      const v = job.zBase + (n >= 3 ? s.min2[i] : s.min1[i]);
      if (!(out[i] <= v)) out[i] = v;
    }
  }
  return out;
}
