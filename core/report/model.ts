import type { HeightPatch } from '../changes/patches';
import type { ChangeObject } from '../changes/types';
import type { CrsInfo } from '../io/types';
import type { ChangeReview } from '../review/types';

export type ReportLang = 'zh-CN' | 'en';

export interface ReportEpoch {
  label: string;
  /** Survey date, ISO yyyy-mm-dd, when known. */
  date: string | null;
  files: string[];
  points: number;
  /** A georeferenced orthophoto GeoTIFF of this epoch, when the project has one. */
  orthophoto: string | null;
}

/**
 * What a case's status rests on (the store's caseBasisOf): the run whose finding last moved it
 * and that run's later epoch, or (runId null) a move by hand at the time `date`.
 */
export interface CaseBasis {
  runId: number | null;
  /** The epoch's label, or the day for a status set by hand. */
  label: string;
  date: string | null;
}

/** One change as the report shows it: the detected object plus its review. */
export type ReportChange = ChangeObject &
  ChangeReview & {
    /** PNG snapshots of the 3D view from the app's viewer; the CLI renders its own oblique view. */
    snapshot?: Uint8Array;
    /** What the status of its case rests on, when the store says (a later run's finding: the report names it). */
    caseBasis?: CaseBasis | null;
  };

/** Everything a report needs, gathered by the project store: the renderer reads no other file but orthophotos and fonts. */
export interface ReportInput {
  lang: ReportLang;
  project: { name: string; district: string | null; author: string | null; crs: CrsInfo | null };
  run: {
    id: number;
    before: ReportEpoch;
    after: ReportEpoch;
    parameters: Record<string, unknown>;
    software: string;
    createdAt: string;
    alignment: { dz: number; residualMedianAbs: number } | null;
    warnings: string[];
  };
  /** The changes to list (all, or a filtered selection, described by `filter`). */
  changes: ReportChange[];
  filter: string | null;
  views: { overview: HeightPatch; changes: Record<string, HeightPatch> };
  generatedAt: string;
}
