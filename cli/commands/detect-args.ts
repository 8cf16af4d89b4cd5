// What `voxwatch detect` and `voxwatch project detect` take from their arguments: light (no
// detection code), so that defining the commands costs nothing at start-up.
import type { DetectOptions, DetectPhase } from '../../core/detect';
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
  set('voxel', num('voxel', o.voxel));
  set('minArea', num('min-area', o.minArea));
  set('minVolume', num('min-volume', o.minVolume));
  set('minHeight', num('min-height', o.minHeight));
  set('storeyHeight', num('storey-height', o.storeyHeight));
  set('halo', num('halo', o.halo));
  set('tileCells', num('tile-cells', o.tileCells));
  if (o.align === false) options.align = false;
  if (o.reproject) options.reproject = true;
  return options;
}
