// The options and phases of a detection run, apart from detect.ts so that pure consumers (ProjectApi's types, the
// renderer) can name them without pulling in the readers and worker threads.
import type { ClassifyOptions } from './changes/types';

export interface DetectOptions extends ClassifyOptions {
  /** Cell (voxel column) size, metres. */
  voxel: number;
  /** Fine-align the later epoch's heights on the earlier one over stable surfaces. */
  align: boolean;
  /** Smallest unseen patch reported as an uncertain area, m². */
  minUncertainArea: number;
  /** Side of a ground tile, cells: what one worker models at a time (memory per worker). */
  tileCells: number;
  /**
   * Halo around each tile, metres: the context its filters see, and how far past its tile an
   * object (with its height window) may reach and still be measured whole.
   */
  halo: number;
  /**
   * Reproject an epoch whose CRS differs to the other's (the earlier epoch's, or the projected
   * one's when the earlier is geographic) while reading it, instead of refusing the pair.
   */
  reproject?: boolean;
}

/** Voxel sizes detection accepts, metres: finer is noise, coarser no longer resolves a building. */
export const VOXEL_RANGE = { min: 0.05, max: 10 } as const;
/** Tile sides detection accepts, cells. */
export const TILE_CELLS_RANGE = { min: 16, max: 4096 } as const;

export type DetectPhase = 'open' | 'read' | 'ground' | 'align' | 'diff' | 'objects';
