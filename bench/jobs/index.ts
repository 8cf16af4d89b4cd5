import type { PointField } from '../../core/io/las/records';
import type { Timing } from '../types';

/** A measurement that runs in a fresh child process (see isolate.ts). */
export type Job =
  | { kind: 'las-read'; file: string; fields?: PointField[]; reuseBuffers: boolean; repeats: number }
  | { kind: 'laz-read'; file: string; copies: number; threads: number; repeats: number }
  | { kind: 'read-floor'; files: string[]; threadPerFile: boolean }
  | { kind: 'detect'; before: string; after: string; voxel?: number }
  | { kind: 'ortho-crops'; file: string; crops: number }
  | { kind: 'tiles-sample'; file: string; triangles: number }
  | {
      kind: 'report';
      dir: string;
      extent: { minX: number; minY: number; maxX: number; maxY: number };
      changes: number;
      lang: 'zh-CN' | 'en';
      out: string;
    };

export interface DetectJobResult {
  timing: Timing;
  timings: Record<string, number>;
  gridCells: number;
  changes: number;
  suppressed: number;
  uncertain: number;
  warnings: string[];
}

export interface ReportJobResult {
  timing: Timing;
  pages: number;
  bytes: number;
  changes: number;
  /** Real changes of the district, before replication. */
  districtChanges: number;
}

export type JobResult<J extends Job> = J extends { kind: 'detect' }
  ? DetectJobResult
  : J extends { kind: 'report' }
    ? ReportJobResult
    : J extends { kind: 'ortho-crops' }
      ? Timing & { bytes: number; missing: number }
      : J extends { kind: 'tiles-sample' }
        ? Timing & { triangles: number }
        : Timing;
