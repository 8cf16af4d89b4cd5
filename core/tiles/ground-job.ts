// The run's ground model, worked out on the worker threads: it needs the whole area's lowest
// heights (9 bytes a coarse cell an epoch) and several temporary rasters of the same size.
// Handed over rather than copied, the epochs' rasters are gone from the main thread the moment
// the first step is sent; the rasters shared between the steps are SharedArrayBuffers, and the
// workers' temporaries go once they start their tiles (the main thread, idle during the tiles,
// would otherwise hold them as garbage to the end of the run).
import { fillNaN } from '../diff/raster';
import { groundFromFlags, groundOpenings, nonGroundRows, openingsReach, type GroundModel, type Opening } from '../diff/ground';
import type { EpochCoarse } from './coarse';

/** An epoch's lowest heights per coarse cell (EpochCoarse's). */
export type EpochLows = Pick<EpochCoarse, 'min1' | 'min2' | 'count8'>;

export interface GroundJob {
  /** Both epochs' (emptied once read: see runGroundStep). */
  epochs: EpochLows[];
  cx: number;
  cy: number;
  /** Grid cell size, metres, and grid cells per coarse cell side. */
  cell: number;
  factor: number;
  zBase: number;
}

/**
 * The three steps of a run's ground, each a job for one worker: the lowest heights with their
 * holes filled (one thread), the filter's openings on bands of rows (one band a worker: each
 * reads its rows' neighbourhood, and the flags are exactly those of the whole area at once),
 * and the bare earth from the flags (one thread).
 */
export type GroundStep =
  | { step: 'lows'; job: GroundJob }
  | { step: 'band'; surface: Float32Array; cx: number; cy: number; y0: number; y1: number; openings: Opening[]; nonGround: Uint8Array }
  | { step: 'earth'; measured: Float32Array; nonGround: Uint8Array; cx: number; cy: number; factor: number };

/** What a 'lows' step gives: the measured lowest heights and the same with holes filled, both shared. */
export interface GroundLows {
  measured: Float32Array;
  surface: Float32Array;
}

/** The buffers a ground step hands over to its worker. */
export function groundTransfer(s: GroundStep): ArrayBuffer[] {
  return s.step === 'lows' ? s.job.epochs.flatMap((e) => [e.min1.buffer, e.min2.buffer, e.count8.buffer] as ArrayBuffer[]) : [];
}

/** What a step gives: the lows, nothing (a band writes its flags in place), or the model. */
export type GroundStepResult = GroundLows | null | GroundModel;

/** Runs one step on the calling thread (a worker's). */
export function runGroundStep(s: GroundStep): GroundStepResult {
  if (s.step === 'lows') {
    const lows = coarseLows(s.job);
    // The epochs' rasters are not read past this point: let them go before the filling makes its own.
    s.job.epochs.length = 0;
    return { measured: shared(lows), surface: shared(fillNaN(lows, s.job.cx, s.job.cy)) };
  }
  if (s.step === 'band') {
    const { surface, cx, cy, y0, y1, openings, nonGround } = s;
    nonGroundRows(surface, cx, cy, y0, y1, openings, nonGround.subarray(y0 * cx, y1 * cx));
    return null;
  }
  const m = groundFromFlags(s.measured, s.nonGround, s.cx, s.cy, s.factor);
  return { ...m, values: shared(m.values) };
}

/**
 * The ground model of a run, its steps given to `run` (the worker pool): bands of rows on up
 * to `workers` threads at once. The result does not depend on how many.
 */
export async function groundOnWorkers(
  job: GroundJob,
  workers: number,
  run: (s: GroundStep) => Promise<GroundStepResult>,
): Promise<GroundModel> {
  const { cx, cy, cell, factor } = job;
  const { measured, surface } = (await run({ step: 'lows', job })) as GroundLows;
  const openings = groundOpenings(cx, cy, cell * factor);
  const nonGround = new Uint8Array(new SharedArrayBuffer(cx * cy));
  await Promise.all(
    groundBands(cy, openingsReach(openings), workers).map(([y0, y1]) =>
      run({ step: 'band', surface, cx, cy, y0, y1, openings, nonGround }),
    ),
  );
  return (await run({ step: 'earth', measured, nonGround, cx, cy, factor })) as GroundModel;
}

/**
 * Rows [y0, y1) of each band: as many as workers, unless the rows each band would read around
 * its own (`reach` each side) outnumber them.
 */
export function groundBands(cy: number, reach: number, workers: number): [number, number][] {
  const count = Math.max(1, Math.min(workers, Math.floor(cy / Math.max(1, reach))));
  return Array.from({ length: count }, (_, i) => [Math.floor((i * cy) / count), Math.floor(((i + 1) * cy) / count)]);
}

function shared(a: Float32Array): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
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
