/**
 * A ReportInput straight from a detection result, without a project store: for tests, benches and
 * `voxwatch detect --report`. Reviews not given are the store's defaults (unreviewed, no case).
 */
import { VERSION } from '../version';
import type { DetectionResult } from '../detect';
import type { ChangeReview } from '../review/types';
import type { ReportChange, ReportEpoch, ReportInput, ReportLang } from './model';

export interface DetectionReportMeta {
  projectName: string;
  district?: string | null;
  author?: string | null;
  lang: ReportLang;
  /** Per epoch: a label (default the first file's name), survey date and orthophoto. */
  before?: Partial<Pick<ReportEpoch, 'label' | 'date' | 'orthophoto'>>;
  after?: Partial<Pick<ReportEpoch, 'label' | 'date' | 'orthophoto'>>;
  runId?: number;
  /** When the detection ran (ISO); default now. */
  createdAt?: string;
  software?: string;
  filter?: string | null;
  /** Only these change ids, in this order (default all, in the run's order). */
  only?: string[];
  generatedAt?: string;
  /** 3D snapshots from the app's viewer, by change id. */
  snapshots?: Map<string, Uint8Array>;
}

export const DEFAULT_REVIEW: ChangeReview = {
  verdict: 'unreviewed',
  note: null,
  verdictCarriedFrom: null,
  zones: [],
  subDistrict: null,
  community: null,
  permitStatus: 'none',
  priority: 'normal',
  case: null,
  caseChecks: [],
};

/** "VoxWatch 0.1.0", from the package this module ships in. */
export function softwareVersion(): string {
  return `VoxWatch ${VERSION}`;
}

export function reportInputFromDetection(
  result: DetectionResult,
  meta: DetectionReportMeta,
  reviews: Map<string, Partial<ChangeReview>> = new Map(),
): ReportInput {
  const epoch = (i: 0 | 1, given: DetectionReportMeta['before']): ReportEpoch => {
    const e = result.epochs[i];
    return {
      label: given?.label ?? e.label,
      date: given?.date ?? null,
      files: e.files.map((f) => f.path),
      points: e.points,
      orthophoto: given?.orthophoto ?? null,
    };
  };
  const byId = new Map(result.changes.map((c) => [c.id, c]));
  const selected = meta.only ? meta.only.map((id) => byId.get(id)).filter((c) => c !== undefined) : result.changes;
  const changes: ReportChange[] = selected.map((c) => {
    const review = { ...DEFAULT_REVIEW, ...reviews.get(c.id) };
    const snapshot = meta.snapshots?.get(c.id);
    return { ...c, ...review, ...(snapshot ? { snapshot } : {}) };
  });
  const a = result.alignment;
  return {
    lang: meta.lang,
    project: { name: meta.projectName, district: meta.district ?? null, author: meta.author ?? null, crs: result.crs },
    run: {
      id: meta.runId ?? 1,
      before: epoch(0, meta.before),
      after: epoch(1, meta.after),
      parameters: { ...result.parameters },
      software: meta.software ?? softwareVersion(),
      createdAt: meta.createdAt ?? new Date().toISOString(),
      alignment: a ? { dz: a.dz, residualMedianAbs: a.residualAfter.medianAbs } : null,
      warnings: [...result.warnings],
    },
    changes,
    filter: meta.filter ?? null,
    views: { overview: result.views.overview, changes: result.views.changes },
    generatedAt: meta.generatedAt ?? new Date().toISOString(),
  };
}
