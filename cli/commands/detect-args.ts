// What `voxwatch detect` and `voxwatch project detect` take from their arguments: light (no
// detection code), so that defining the commands costs nothing at start-up.
import type { DetectOptions, DetectPhase } from '../../core/detect';
import { TILE_CELLS_RANGE, VOXEL_RANGE } from '../../core/detect-options';
import { crsFromEpsg, parseEpsg } from '../../core/geo/reproject';
import { UsageError } from '../usage-error';

export interface DetectCliOptions {
  out?: string;
  voxel?: string;
  minArea?: string;
  minVolume?: string;
  minHeight?: string;
  storeyHeight?: string;
  halo?: string;
  tileCells?: string;
  align?: boolean;
  quiet?: boolean;
  work?: string;
  fresh?: boolean;
  prepare?: boolean;
  shard?: string;
  beforeOrtho?: string;
  afterOrtho?: string;
  crs?: string;
  reproject?: boolean;
}

export const PHASE_LABEL: Record<DetectPhase, string> = {
  open: 'opening',
  read: 'reading the epochs into tiles',
  ground: 'modelling the ground',
  align: 'aligning',
  diff: 'comparing tile by tile',
  objects: 'joining the tiles',
};

/** An option's number, or a one-line usage error naming the option. */
export function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got "${v}"`);
  return n;
}

/** An option's number within [min, max] (above min when `above`), or a one-line usage error naming the option. */
function ranged(name: string, v: string | undefined, min: number, max = Infinity, above = false): number | undefined {
  const n = num(name, v);
  if (n === undefined || ((above ? n > min : n >= min) && n <= max)) return n;
  const want = max < Infinity ? `from ${min} to ${max}` : above ? `above ${min}` : `${min} or more`;
  throw new UsageError(`--${name} must be ${want}, got ${v}`);
}

/** `--crs EPSG:4547`: a code VoxWatch knows, or a one-line usage error. */
export function epsgOption(text: string): number {
  try {
    const epsg = parseEpsg(text);
    crsFromEpsg(epsg);
    return epsg;
  } catch (e) {
    throw new UsageError(`--crs: ${(e as Error).message}`);
  }
}

export function detectOptionsFrom(o: Omit<DetectCliOptions, 'out'>): Partial<DetectOptions> {
  const options: Partial<DetectOptions> = {};
  const set = <K extends keyof DetectOptions>(k: K, v: DetectOptions[K] | undefined) => {
    if (v !== undefined) options[k] = v;
  };
  set('voxel', ranged('voxel', o.voxel, VOXEL_RANGE.min, VOXEL_RANGE.max));
  set('minArea', ranged('min-area', o.minArea, 0));
  set('minVolume', ranged('min-volume', o.minVolume, 0));
  set('minHeight', ranged('min-height', o.minHeight, 0, Infinity, true));
  set('storeyHeight', ranged('storey-height', o.storeyHeight, 0, Infinity, true));
  set('halo', ranged('halo', o.halo, 0));
  set('tileCells', ranged('tile-cells', o.tileCells, TILE_CELLS_RANGE.min, TILE_CELLS_RANGE.max));
  if (o.align === false) options.align = false;
  if (o.reproject) options.reproject = true;
  return options;
}
