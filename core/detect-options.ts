// The options and phases of a detection run, apart from detect.ts so that pure consumers (ProjectApi's types, the
// renderer) can name them without pulling in the readers and worker threads.
import type { ClassifyOptions } from './changes/classify';

export interface DetectOptions extends ClassifyOptions {
  /** Cell (voxel column) size, metres. */
  voxel: number;
  /** Fine-align the later epoch's heights on the earlier one over stable surfaces. */
  align: boolean;
  /** Smallest unseen patch reported as an uncertain area, m². */
  minUncertainArea: number;
}

export type DetectPhase = 'open' | 'read' | 'ground' | 'align' | 'diff' | 'objects';
