/**
 * ProjectApi: the one typed API both shells expose (DESIGN.md). The CLI calls it directly,
 * Electron through ipcMain/contextBridge and `voxwatch serve` over HTTP, so every method is
 * async and takes and returns plain, structured-cloneable data.
 */
import type { DateSource } from './review/survey-order';
import type { HeightPatch } from './changes/patches';
import type { ChangeObject, ChangeType, SuppressedCandidate, SuppressionReason, UncertainArea } from './changes/types';
import type { DetectOptions, DetectPhase } from './detect-options';
import type { Bounds3, CrsInfo } from './io/types';
import type { ReportInput, ReportLang } from './report/model';
import type { CaseOutcome, CaseStatus, ChangeReview, Verdict, ZoneKind } from './review/types';

export interface ProjectInfo {
  path: string;
  name: string;
  district: string | null;
  author: string | null;
  crs: CrsInfo | null;
  createdAt: string;
  schemaVersion: number;
  epochs: EpochRecord[];
  runs: RunRecord[];
}

export interface EpochRecord {
  id: number;
  label: string;
  date: string | null;
  /** Where the date came from (null: a project from before this was recorded). */
  dateFrom: DateSource | null;
  files: string[];
  orthophoto: string | null;
  crs: CrsInfo | null;
  points: number;
  bounds: Bounds3;
}

export interface AddEpochInput {
  label: string;
  files: string[];
  /** Survey date, yyyy-mm-dd; taken from the files' creation dates when omitted. */
  date?: string;
  orthophoto?: string;
  /** EPSG code of sources that declare no CRS. */
  crs?: number;
  /** Accept an epoch in another CRS than the project's: detection reprojects it to the project's. */
  reproject?: boolean;
}

export interface RunRecord {
  id: number;
  before: { id: number; label: string; date: string | null };
  after: { id: number; label: string; date: string | null };
  parameters: DetectOptions;
  software: string;
  startedAt: string;
  finishedAt: string;
  changeCount: number;
  warnings: string[];
  alignment: { dz: number; residualMedianAbs: number } | null;
  timings: Record<string, number>;
}

/** A stored change: the detected object, its review and where it lives. */
export type ChangeRecord = ChangeObject &
  ChangeReview & {
    /** The project-wide key of this change (ids like C004 repeat across runs). */
    key: number;
    runId: number;
    /** Site photos and documents attached to it (paths); filled by getChange. */
    attachments?: string[];
  };

export type ChangeSort =
  'code' | 'volume' | '-volume' | 'area' | '-area' | 'confidence' | '-confidence' | 'height' | '-height' | 'priority';

export interface ChangeQuery {
  runId?: number;
  types?: ChangeType[];
  verdicts?: Verdict[];
  /** A zone name or category the change must fall in (e.g. 'farmland', '莲塘街道'). */
  zone?: string;
  subDistrict?: string;
  /** Smallest absolute volume, m³. */
  minVolume?: number;
  sort?: ChangeSort;
  limit?: number;
  offset?: number;
}

export interface ChangePage {
  total: number;
  items: ChangeRecord[];
}

export interface CaseRecord {
  id: number;
  changeKey: number;
  code: string;
  runId: number;
  type: ChangeType;
  volume_m3: number;
  centroid: [number, number];
  status: CaseStatus;
  dueDate: string | null;
  subDistrict: string | null;
  openedAt: string;
  updatedAt: string;
  note: string | null;
  /** What the latest later epoch suggests, awaiting the analyst's decision. */
  proposal: CaseProposal | null;
  history: { at: string; actor: string; from: CaseStatus | null; to: CaseStatus; runId: number | null; detail: string | null }[];
}

export interface CaseProposal {
  runId: number;
  outcome: CaseOutcome;
  /** The status accepting the proposal leads to. */
  status: CaseStatus | null;
  detail: string;
  /** Ids of the run's changes the proposal rests on (removals, additions); absent in projects checked before they were kept. */
  changes?: string[];
}

export interface CaseUpdate {
  status?: CaseStatus;
  dueDate?: string | null;
  subDistrict?: string | null;
  note?: string | null;
}

export interface ZoneImportOptions {
  kind: ZoneKind;
  /** e.g. farmland, ecological_control_line, water_protection, sub_district, community, permit. */
  category?: string;
  /** The property holding each feature's name (default: name, NAME, 名称). */
  nameField?: string;
  /** The name the zones are kept under (default: the file's name, with the table's). */
  layer?: string;
  /** The feature table of a GeoPackage holding several (each is a layer of its own kind). */
  table?: string;
}

export interface ZoneImportResult {
  imported: number;
  layer: string;
  /** Zones of an earlier import of the same layer, replaced. */
  replaced: number;
  /** Features the file holds without a geometry: not imported. */
  withoutGeometry: number;
}

export interface ZoneRecord {
  id: number;
  layer: string;
  kind: ZoneKind;
  category: string;
  name: string;
  properties: Record<string, unknown>;
}

export interface LeadRecord {
  id: number;
  code: string;
  x: number;
  y: number;
  reportedOn: string | null;
  text: string;
  answer: LeadAnswer | null;
}

export interface LeadAnswer {
  runId: number;
  /** The changes linked to the lead, with their verdict and case as they stand when the leads are read. */
  found: {
    key: number;
    code: string;
    type: ChangeType;
    distance_m: number;
    verdict?: Verdict;
    case?: { id: number; status: CaseStatus } | null;
  }[];
  /** When nothing was found: what the run knows about that spot, in plain words. */
  evidence: string[];
  /** When no building change was found: the changes near the spot judged not a building (absent from answers stored before it was kept: read as 0). */
  judgedNotBuilding?: number;
}

export interface RunStats {
  runId: number;
  byType: Record<string, Totals>;
  byVerdict: Record<string, Totals>;
  byCaseStatus: Record<string, Totals>;
  byZone: Record<string, Totals>;
  bySubDistrict: Record<string, Totals>;
  suppressed: Partial<Record<SuppressionReason, number>>;
  uncertain: number;
}

export interface Totals {
  count: number;
  volume_m3: number;
  area_m2: number;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
}

/** One step in a change's review history (ProjectApi.changeHistory). */
export interface ChangeEvent {
  /** ISO time. */
  at: string;
  actor: string;
  /** A verdict set, one carried from an earlier run, a note, an attachment, or an event of the change's case. */
  kind: 'verdict' | 'carried' | 'note' | 'attachment' | 'case';
  /** Verdicts (verdict) or case statuses (case) before and after; null where there is none. */
  from: string | null;
  to: string | null;
  /** The note (verdict, note), the earlier change ('run 1 C002', carried), the file (attachment), the case event's detail. */
  text: string | null;
  caseId: number | null;
}

export type ExportFormat = 'gpkg' | 'geojson' | 'csv';

/** An image for the review UI: a data: URL (JPEG) with the world box it shows, or why there is none. */
export type ViewImage =
  | { image: string; box: { minX: number; minY: number; maxX: number; maxY: number }; width: number; height: number }
  | { image: null; missing: 'none' | 'outside' | 'unreadable'; detail: string };

/** The before and after orthophoto crops of one change (the footprint is drawn by the UI over `box`). */
export interface ChangeCrops {
  key: number;
  before: ViewImage & { epoch: string };
  after: ViewImage & { epoch: string };
}

/** What the UI may ask of a report: everything but where it goes (the shell decides that). */
export interface ReportRequest {
  lang: ReportLang;
  query?: ChangeQuery;
  author?: string;
  /** PNG or JPEG views from the app's 3D viewer, base64, by change id. */
  snapshots?: Record<string, string>;
}

export interface ReportResult {
  path: string;
  runId: number;
  changes: number;
  pages: number;
  bytes: number;
}

export interface ProgressHooks {
  onProgress?: (p: { phase: DetectPhase; done: number; total: number }) => void;
  signal?: AbortSignal;
}

export interface ProjectApi {
  info(): Promise<ProjectInfo>;
  addEpoch(input: AddEpochInput): Promise<EpochRecord>;
  /** Runs detection between two epochs (by id or label), stores the run, carries verdicts and checks open cases. */
  detect(before: number | string, after: number | string, options?: Partial<DetectOptions>, hooks?: ProgressHooks): Promise<RunRecord>;
  listChanges(query?: ChangeQuery): Promise<ChangePage>;
  getChange(key: number): Promise<ChangeRecord>;
  getChangeView(key: number): Promise<HeightPatch | null>;
  /** Before and after orthophoto crops around a change, at most `pixels` across (default 320). */
  getChangeCrops(key: number, options?: { pixels?: number }): Promise<ChangeCrops>;
  /** An epoch's orthophoto downsampled over `box` (default: the project's area), at most `pixels` on its longer side. */
  getOrthophotoImage(
    epochId: number,
    options?: { box?: { minX: number; minY: number; maxX: number; maxY: number }; pixels?: number },
  ): Promise<ViewImage>;
  /** `expected`: the verdict the caller was shown; when it changed since, nothing is set and the call fails saying who. */
  setVerdict(keys: number[], verdict: Verdict, options?: { note?: string; actor?: string; expected?: Verdict }): Promise<number>;
  setNote(key: number, note: string, actor?: string): Promise<void>;
  addAttachment(key: number, path: string, actor?: string): Promise<void>;
  listCases(filter?: { status?: CaseStatus[] }): Promise<CaseRecord[]>;
  updateCase(id: number, update: CaseUpdate, actor?: string): Promise<CaseRecord>;
  /** Applies a case's pending proposal (rectified / not rectified). */
  acceptProposal(id: number, actor?: string): Promise<CaseRecord>;
  /** A layer of the same name is replaced (`replaced`: how many zones it held). */
  importZones(file: string, options: ZoneImportOptions, actor?: string): Promise<ZoneImportResult>;
  listZones(): Promise<ZoneRecord[]>;
  /** Deletes a zone layer (a wrong import) and re-tags every change; `removed`: how many zones it held. */
  removeZoneLayer(layer: string, actor?: string): Promise<{ removed: number }>;
  /** `encoding`: how the file's text was read (a CSV saved by Excel on a Chinese Windows is GB18030). */
  importLeads(file: string, actor?: string): Promise<{ imported: number; encoding: 'utf-8' | 'gb18030' }>;
  listLeads(): Promise<LeadRecord[]>;
  stats(runId?: number): Promise<RunStats>;
  exportChanges(format: ExportFormat, outPath: string, query?: ChangeQuery): Promise<{ path: string; features: number }>;
  reportInput(runId: number | undefined, options: { lang: ReportLang; query?: ChangeQuery; author?: string }): Promise<ReportInput>;
  /** Writes the PDF report of a run; `snapshots` are PNG views from the app's 3D viewer, by change id (base64). */
  exportReport(
    runId: number | undefined,
    options: ReportRequest & { outPath: string },
    hooks?: { onProgress?: (p: { done: number; total: number }) => void; signal?: AbortSignal },
  ): Promise<ReportResult>;
  auditLog(limit?: number): Promise<AuditEntry[]>;
  /** A change's verdicts, notes, attachments and case events, oldest first (from the audit log and the case ledger). */
  changeHistory(key: number): Promise<ChangeEvent[]>;
  /** The patches of a run (default: the newest) that one epoch did not see: change there is neither claimed nor ruled out. */
  uncertainAreas(runId?: number): Promise<UncertainArea[]>;
  /**
   * The candidates of a run (default: the newest) that looked like change but were judged not to be a building change
   * (vegetation, a vehicle, too small…), each with its reason and detail: what an analyst checks when something was
   * not flagged.
   */
  suppressedCandidates(runId?: number): Promise<SuppressedCandidate[]>;
  close(): Promise<void>;
}
