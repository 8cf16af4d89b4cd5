import type { PointField } from '../../core/io/las/records';
import type { Timing } from '../types';

/** A measurement that runs in a fresh child process (see isolate.ts). */
export type Job =
  | { kind: 'las-read'; file: string; fields?: PointField[]; reuseBuffers: boolean; repeats: number }
  | { kind: 'laz-read'; file: string; copies: number; threads: number; repeats: number }
  | { kind: 'read-floor'; files: string[]; threadPerFile: boolean }
  | { kind: 'detect'; before: string; after: string };

export interface DetectJobResult {
  timing: Timing;
  timings: Record<string, number>;
  gridCells: number;
  changes: number;
  suppressed: number;
  uncertain: number;
  warnings: string[];
}

export type JobResult<J extends Job> = J extends { kind: 'detect' } ? DetectJobResult : Timing;
