import type { Database } from 'better-sqlite3';
import { existsSync, rmSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type {
  AddEpochInput,
  AuditEntry,
  CaseRecord,
  ChangeCrops,
  CaseUpdate,
  ChangeEvent,
  ChangePage,
  ChangeQuery,
  ChangeRecord,
  EpochRecord,
  ExportFormat,
  LeadRecord,
  ProgressHooks,
  ProjectApi,
  ProjectInfo,
  ReportRequest,
  ReportResult,
  RunRecord,
  RunStats,
  ViewImage,
  ZoneImportOptions,
  ZoneImportResult,
  ZoneRecord,
} from '../api';
import type { HeightPatch } from '../changes/patches';
import type { ChangeObject, SuppressedCandidate, UncertainArea } from '../changes/types';
import { detectChanges, type DetectOptions } from '../detect';
import { checkOrthophoto } from '../changes/greenness';
import { describeCrs } from '../geo/crs';
import { crsFromEpsg } from '../geo/reproject';
import { acquisitionDate } from '../io/inspect';
import { laterFirst, type DateSource } from '../review/survey-order';
import { describeSource } from '../io/formats';
import { SourceError, type Bounds3, type CrsInfo } from '../io/types';
import type { WorldBox } from '../io/geotiff/reader';
import { buildSummary } from '../output/summary';
import { SYSTEM_ACTOR, TERMS } from '../review/terms';
import type { ReportInput, ReportLang } from '../report/model';
import { renderReport } from '../report/render';
import { checkCase, type CaseCheckContext } from '../review/case-check';
import { changeCrops, orthophotoImage } from '../view/view-images';
import type { CaseStatus, Verdict } from '../review/types';
import { audit, readAudit } from './audit';
import {
  ACTIVE_STATUSES,
  acceptProposal,
  getCase,
  latestSurveyOf,
  listCases,
  noteEvidenceForCase,
  proposeForCase,
  updateCase,
  type SurveyRef,
} from './cases-repo';
import { getChangeRow, queryChanges, toRecord } from './changes-repo';
import { changeHistory } from './history-repo';
import { createProjectDb, openProjectDb, ProjectFileError, writeTransaction, type OpenOptions } from './db';
import { exportChanges, refuseProjectFiles } from './export';
import { refuseToReplace } from '../io/replace-guard';
import type { TextEncoding } from '../io/vector';
import { failureOf } from '../api-failure';
import { SCHEMA_VERSION } from './migrations';
import { unpackPatch } from './pack';
import { insertRun } from './runs-repo';
import { buildReportInput } from './report-input';
import { carryVerdicts, setNote, setVerdicts } from './reviews-repo';
import { runStats } from './stats';
import { answerLeads, importLeads, importZones, listLeads, listZones, removeZoneLayer, retagChanges } from './zones-repo';

export interface ProjectMeta {
  name: string;
  district?: string;
  author?: string;
}

interface EpochRow {
  id: number;
  label: string;
  survey_date: string | null;
  date_source: DateSource | null;
  sources: string;
  orthophoto: string | null;
  crs: string | null;
  stats: string;
}

function defaultActor(): string {
  try {
    return userInfo().username;
  } catch {
    return 'analyst';
  }
}

/** A yyyy-mm-dd day of the calendar (2025-02-30 parses, as 2 March). */
function isCalendarDay(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

/**
 * A project on this machine: one SQLite file holding epochs, runs, changes, verdicts, cases,
 * zones, leads and the audit log. Implements ProjectApi for the CLI, Electron and `serve`.
 */
export class LocalProject implements ProjectApi {
  private constructor(
    readonly path: string,
    private readonly db: Database,
    private readonly software: string,
  ) {}

  static create(path: string, meta: ProjectMeta, software: string): LocalProject {
    const db = createProjectDb(path, {
      name: meta.name,
      district: meta.district ?? '',
      author: meta.author ?? '',
      created_at: new Date().toISOString(),
      software,
    });
    audit(db, defaultActor(), 'project_created', meta.name, meta);
    return new LocalProject(resolve(path), db, software);
  }

  static open(path: string, software: string, options: OpenOptions = {}): LocalProject {
    return new LocalProject(resolve(path), openProjectDb(path, options), software);
  }

  private meta(key: string): string | null {
    const r = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return r && r.value !== '' ? r.value : null;
  }

  private get crs(): CrsInfo | null {
    const c = this.meta('crs');
    return c ? (JSON.parse(c) as CrsInfo) : null;
  }

  async info(): Promise<ProjectInfo> {
    return {
      path: this.path,
      name: this.meta('name') ?? '',
      district: this.meta('district'),
      author: this.meta('author'),
      crs: this.crs,
      createdAt: this.meta('created_at') ?? '',
      schemaVersion: SCHEMA_VERSION,
      epochs: this.epochs(),
      runs: this.runs(),
    };
  }

  private epochs(): EpochRecord[] {
    return (this.db.prepare('SELECT * FROM epochs ORDER BY survey_date, id').all() as EpochRow[]).map(toEpoch);
  }

  private epoch(ref: number | string): EpochRecord {
    const row = (
      typeof ref === 'number'
        ? this.db.prepare('SELECT * FROM epochs WHERE id = ?').get(ref)
        : this.db.prepare('SELECT * FROM epochs WHERE label = ?').get(ref)
    ) as EpochRow | undefined;
    if (!row) {
      const known = this.epochs().map((e) => e.label);
      throw new ProjectFileError(
        this.path,
        `no epoch "${ref}" in this project (it has ${known.length ? known.join(', ') : 'no epochs yet'})`,
      );
    }
    return toEpoch(row);
  }

  async addEpoch(input: AddEpochInput): Promise<EpochRecord> {
    if (!input.label.trim()) throw new ProjectFileError(this.path, 'an epoch needs a label');
    if (this.db.prepare('SELECT 1 FROM epochs WHERE label = ?').get(input.label)) {
      throw new ProjectFileError(this.path, `an epoch labelled "${input.label}" already exists`);
    }
    if (input.date !== undefined && !isCalendarDay(input.date))
      throw new ProjectFileError(this.path, `survey date "${input.date}" is not yyyy-mm-dd`);
    if (input.files.length === 0) throw new ProjectFileError(this.path, `epoch "${input.label}" has no files`);
    const infos = [];
    for (const f of input.files) {
      const info = await describeSource(resolve(f));
      // A source that declares no CRS takes the one named for it.
      infos.push(!info.crs && input.crs !== undefined ? { ...info, crs: crsFromEpsg(input.crs) } : info);
    }
    const bounds: Bounds3 = { minX: Infinity, minY: Infinity, minZ: Infinity, maxX: -Infinity, maxY: -Infinity, maxZ: -Infinity };
    let points = 0;
    let crs: CrsInfo | null = null;
    for (const i of infos) {
      points += i.pointCount;
      for (const k of ['minX', 'minY', 'minZ'] as const) bounds[k] = Math.min(bounds[k], i.bounds[k]);
      for (const k of ['maxX', 'maxY', 'maxZ'] as const) bounds[k] = Math.max(bounds[k], i.bounds[k]);
      crs ??= i.crs ?? null;
    }
    const projectCrs = this.crs;
    if (crs?.epsg !== undefined && projectCrs?.epsg !== undefined && crs.epsg !== projectCrs.epsg && !input.reproject) {
      throw new SourceError(
        input.files[0],
        `is in ${describeCrs(crs)}, the project in ${describeCrs(projectCrs)}; reproject it first, or add it with --reproject (detection then reprojects it)`,
      );
    }
    if (input.orthophoto) await checkOrthophoto(resolve(input.orthophoto), input.label, crs ?? undefined, bounds, []);
    // When it was flown (the points' GPS time), before when the file was written (its header).
    const las = infos.find((i) => i.format === 'las');
    const flown = input.date === undefined && las ? await acquisitionDate(las.file) : null;
    const date = input.date ?? flown ?? infos[0].created ?? null;
    const dateFrom: DateSource | null = input.date !== undefined ? 'given' : flown !== null ? 'gps' : date !== null ? 'file' : null;
    const actor = defaultActor();
    const id = writeTransaction(this.db, () => {
      if (!projectCrs && crs)
        this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('crs', ?)").run(JSON.stringify({ ...crs, wkt: undefined }));
      const r = this.db
        .prepare(
          'INSERT INTO epochs (label, survey_date, date_source, sources, orthophoto, crs, stats, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          input.label,
          date,
          dateFrom,
          JSON.stringify(input.files.map((f) => resolve(f))),
          input.orthophoto ? resolve(input.orthophoto) : null,
          crs ? JSON.stringify({ ...crs, wkt: undefined }) : null,
          JSON.stringify({ points, bounds }),
          new Date().toISOString(),
        );
      audit(this.db, actor, 'epoch_added', input.label, { files: input.files, date, dateFrom });
      return Number(r.lastInsertRowid);
    });
    return this.epoch(id);
  }

  /**
   * Corrects an epoch's survey date (one read from a file's creation date can be months late):
   * which survey came first decides which runs are allowed and which cases a run checks.
   */
  async setEpochDate(ref: number | string, date: string): Promise<EpochRecord> {
    if (!isCalendarDay(date)) throw new ProjectFileError(this.path, `survey date "${date}" is not yyyy-mm-dd`);
    const e = this.epoch(ref);
    writeTransaction(this.db, () => {
      this.db.prepare("UPDATE epochs SET survey_date = ?, date_source = 'given' WHERE id = ?").run(date, e.id);
      audit(this.db, defaultActor(), 'epoch_date', e.label, { from: e.date, to: date });
    });
    return this.epoch(e.id);
  }

  private runs(): RunRecord[] {
    return (this.db.prepare('SELECT id FROM runs ORDER BY id').all() as { id: number }[]).map((r) => this.run(r.id));
  }

  private run(id: number): RunRecord {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as
      | {
          id: number;
          before_epoch: number;
          after_epoch: number;
          parameters: string;
          software: string;
          started_at: string;
          finished_at: string;
          timings: string;
          summary: string;
        }
      | undefined;
    if (!r) throw new ProjectFileError(this.path, `no run ${id} in this project`);
    const summary = JSON.parse(r.summary) as { warnings: string[]; alignment: { dz: number; residualAfter: { medianAbs: number } } | null };
    const [b, a] = [this.epoch(r.before_epoch), this.epoch(r.after_epoch)];
    return {
      id: r.id,
      before: { id: b.id, label: b.label, date: b.date },
      after: { id: a.id, label: a.label, date: a.date },
      parameters: JSON.parse(r.parameters) as DetectOptions,
      software: r.software,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      changeCount: (this.db.prepare('SELECT COUNT(*) AS n FROM changes WHERE run_id = ?').get(id) as { n: number }).n,
      warnings: summary.warnings ?? [],
      alignment: summary.alignment ? { dz: summary.alignment.dz, residualMedianAbs: summary.alignment.residualAfter.medianAbs } : null,
      timings: JSON.parse(r.timings) as Record<string, number>,
    };
  }

  /** The run a call means when it names none: the newest. */
  /** The run asked for (refused by name when the project has none of that id), or the newest. */
  private runIdOf(runId: number | undefined): number {
    if (runId === undefined) return this.latestRunId();
    if (!Number.isInteger(runId) || !this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId)) {
      throw new ProjectFileError(this.path, `no run ${runId} in this project`);
    }
    return runId;
  }

  private latestRunId(): number {
    const r = this.db.prepare('SELECT MAX(id) AS id FROM runs').get() as { id: number | null };
    if (r.id === null) throw new ProjectFileError(this.path, 'the project has no detection runs yet; run detection first');
    return r.id;
  }

  async detect(
    beforeRef: number | string,
    afterRef: number | string,
    options: Partial<DetectOptions> = {},
    hooks: ProgressHooks = {},
  ): Promise<RunRecord> {
    const [before, after] = [this.epoch(beforeRef), this.epoch(afterRef)];
    if (before.id === after.id) throw new ProjectFileError(this.path, 'a run compares two different epochs');
    if (laterFirst(before, after) === 'refused')
      throw new ProjectFileError(
        this.path,
        `${before.label} was surveyed on ${before.date}, after ${after.label} (${after.date}): a run compares an earlier survey (before) with a later one (after); give ${after.label} first, or correct a wrong date (voxwatch project set-date)`,
      );
    const startedAt = new Date().toISOString();
    // Open cases confirmed on an earlier epoch than `after`: this run shows whether they still stand.
    const watched = this.casesToCheck(before, after);
    const epochInput = (e: EpochRecord) => ({
      files: e.files,
      label: e.label,
      orthophoto: e.orthophoto ?? undefined,
      crs: e.crs?.epsg,
      // A date from a file's creation day is no survey's: detection reads the points' GPS time instead.
      date: e.dateFrom === 'file' ? undefined : (e.date ?? undefined),
    });
    // Epochs added in another CRS (with reproject) are read into the earlier one's.
    const differ = before.crs?.epsg !== undefined && after.crs?.epsg !== undefined && before.crs.epsg !== after.crs.epsg;
    const result = await detectChanges(epochInput(before), epochInput(after), differ ? { ...options, reproject: true } : options, {
      ...hooks,
      watch: watched.map((c) => ({ id: String(c.id), footprint: c.object.footprint })),
    });
    const summary = buildSummary(result, { software: this.software, createdAt: startedAt });
    const runId = writeTransaction(this.db, () => {
      const id = insertRun(this.db, { beforeEpoch: before.id, afterEpoch: after.id, software: this.software, startedAt, summary, result });
      retagChanges(this.db, id);
      // Carried verdicts and case checks are the software's doing, not the analyst's who ran detection.
      const carried = carryVerdicts(this.db, id, SYSTEM_ACTOR);
      audit(this.db, defaultActor(), 'detect', `run ${id}`, {
        before: before.label,
        after: after.label,
        changes: result.changes.length,
        ...carried,
      });
      const laterChanges = result.changes.map((c) => ({ code: c.id, type: c.type, footprint: c.footprint, volume_m3: c.volume_m3 }));
      // The cases as they stand now, not when the run started: the analyst may have closed one (or moved it on) while
      // it was computed. A case opened meanwhile has no view in this run; the next run checks it.
      const standing = new Map(this.casesToCheck(before, after).map((c) => [c.id, c]));
      for (const started of watched) {
        const w = standing.get(started.id);
        if (!w) continue;
        const view = result.views.watched[String(w.id)] ?? null;
        const finding = { runId: id, ...checkCase(w.object, laterChanges, view, { ...w.context, run: id }) };
        if (w.olderThan) {
          const why = `${after.label} was surveyed before ${w.olderThan.label}, which the case rests on`;
          noteEvidenceForCase(this.db, w.id, finding, why, SYSTEM_ACTOR);
        } else proposeForCase(this.db, w.id, finding, SYSTEM_ACTOR);
      }
      answerLeads(this.db);
      return id;
    });
    return this.run(runId);
  }

  /**
   * Cases a run from `before` to `after` checks: those not closed whose violation was seen in an
   * epoch surveyed before `after` (rectified ones too: a structure can stand again). Whether the
   * run's changes are measured from that epoch or a later one (`before` is it, or surveyed no
   * earlier) serves checkCase when the heights cannot tell. A run to a survey older than the
   * latest one a case rests on only records its evidence (see latestSurveyOf).
   */
  private casesToCheck(
    before: EpochRecord,
    after: EpochRecord,
  ): { id: number; object: ChangeObject; context: CaseCheckContext; olderThan: SurveyRef | null }[] {
    const statuses = [...ACTIVE_STATUSES, 'rectified'];
    const rows = this.db
      .prepare(
        `SELECT cs.id, cs.status, ch.object, e.survey_date, e.id AS epoch_id FROM cases cs JOIN changes ch ON ch.id = cs.change_id
         JOIN runs r ON r.id = ch.run_id JOIN epochs e ON e.id = r.after_epoch WHERE cs.status IN (${statuses.map(() => '?').join(',')})`,
      )
      .all(...statuses) as { id: number; status: CaseStatus; object: string; survey_date: string | null; epoch_id: number }[];
    return rows
      .filter((r) => r.epoch_id !== after.id && (r.survey_date === null || after.date === null || r.survey_date < after.date))
      .map((r) => {
        const latest = latestSurveyOf(this.db, r.id);
        const older = latest.epochId !== after.id && latest.date !== null && after.date !== null && after.date < latest.date;
        return {
          id: r.id,
          object: JSON.parse(r.object) as ChangeObject,
          context: {
            changesSinceCase: r.epoch_id === before.id || (r.survey_date !== null && before.date !== null && before.date >= r.survey_date),
            rectified: r.status === 'rectified' && !older,
          },
          olderThan: older ? latest : null,
        };
      });
  }

  async listChanges(query: ChangeQuery = {}): Promise<ChangePage> {
    return queryChanges(this.db, this.runIdOf(query.runId), query);
  }

  async getChange(key: number): Promise<ChangeRecord> {
    const row = getChangeRow(this.db, key);
    if (!row) throw new ProjectFileError(this.path, `no change with key ${key} in this project`);
    const attachments = (
      this.db.prepare('SELECT path FROM attachments WHERE change_id = ? ORDER BY id').all(key) as { path: string }[]
    ).map((a) => a.path);
    return { ...toRecord(row), attachments };
  }

  async getChangeView(key: number): Promise<HeightPatch | null> {
    const r = this.db.prepare('SELECT view FROM change_views WHERE change_id = ?').get(key) as { view: Buffer | null } | undefined;
    return r?.view ? unpackPatch(r.view) : null;
  }

  async getChangeCrops(key: number, options: { pixels?: number } = {}): Promise<ChangeCrops> {
    const change = await this.getChange(key);
    const run = this.run(change.runId);
    const [before, after] = [this.epoch(run.before.id), this.epoch(run.after.id)];
    return changeCrops(key, change.footprint, before, after, this.crs, options.pixels);
  }

  async getOrthophotoImage(epochId: number, options: { box?: WorldBox; pixels?: number } = {}): Promise<ViewImage> {
    const epoch = this.epoch(epochId);
    const all = this.epochs();
    const box = options.box ?? {
      minX: Math.min(...all.map((e) => e.bounds.minX)),
      minY: Math.min(...all.map((e) => e.bounds.minY)),
      maxX: Math.max(...all.map((e) => e.bounds.maxX)),
      maxY: Math.max(...all.map((e) => e.bounds.maxY)),
    };
    return orthophotoImage(epoch.orthophoto, this.crs, box, options.pixels);
  }

  async setVerdict(keys: number[], verdict: Verdict, options: { note?: string; actor?: string; expected?: Verdict } = {}): Promise<number> {
    return setVerdicts(this.db, keys, verdict, options.actor ?? defaultActor(), options.note, options.expected);
  }

  async setNote(key: number, note: string, actor?: string): Promise<void> {
    setNote(this.db, key, note, actor ?? defaultActor());
    return;
  }

  async addAttachment(key: number, path: string, actor?: string): Promise<void> {
    writeTransaction(this.db, () => {
      if (!this.db.prepare('SELECT 1 FROM changes WHERE id = ?').get(key))
        throw new ProjectFileError(this.path, `no change with key ${key} in this project`);
      this.db
        .prepare('INSERT INTO attachments (change_id, path, added_at) VALUES (?, ?, ?)')
        .run(key, resolve(path), new Date().toISOString());
      audit(this.db, actor ?? defaultActor(), 'attachment', `change ${key}`, { path: resolve(path) });
    });
    return;
  }

  async listCases(filter: { status?: CaseStatus[] } = {}): Promise<CaseRecord[]> {
    return listCases(this.db, filter.status);
  }

  async updateCase(id: number, update: CaseUpdate, actor?: string): Promise<CaseRecord> {
    return updateCase(this.db, id, update, actor ?? defaultActor());
  }

  async acceptProposal(id: number, actor?: string): Promise<CaseRecord> {
    getCase(this.db, id);
    return writeTransaction(this.db, () => acceptProposal(this.db, id, actor ?? defaultActor()));
  }

  async importZones(file: string, options: ZoneImportOptions, actor?: string): Promise<ZoneImportResult> {
    return importZones(this.db, file, options, this.crs?.epsg ?? null, actor ?? defaultActor());
  }

  async listZones(): Promise<ZoneRecord[]> {
    return listZones(this.db);
  }

  async removeZoneLayer(layer: string, actor?: string): Promise<{ removed: number }> {
    const r = removeZoneLayer(this.db, layer, actor ?? defaultActor());
    if (r.removed === 0) {
      const layers = [...new Set((await this.listZones()).map((z) => z.layer))];
      throw new ProjectFileError(this.path, `no zone layer "${layer}" in this project (it has: ${layers.join(', ') || 'none'})`);
    }
    return r;
  }

  async importLeads(file: string, actor?: string): Promise<{ imported: number; encoding: TextEncoding }> {
    return importLeads(this.db, file, actor ?? defaultActor(), this.crs?.epsg ?? null);
  }

  async listLeads(): Promise<LeadRecord[]> {
    return listLeads(this.db);
  }

  async stats(runId?: number): Promise<RunStats> {
    return runStats(this.db, runId ?? this.latestRunId());
  }

  async exportChanges(format: ExportFormat, outPath: string, query: ChangeQuery = {}): Promise<{ path: string; features: number }> {
    refuseProjectFiles(this.path, outPath);
    refuseToReplace(outPath, format);
    const page = queryChanges(this.db, this.runIdOf(query.runId), { ...query, limit: 100_000 });
    return exportChanges(format, outPath, page.items, this.crs);
  }

  /**
   * A whole copy of the project at this moment, the latest verdicts included: copying the file while VoxWatch has it
   * open can miss those still in its -wal. Never written over a file that exists, nor over the project's own files.
   */
  async backup(outPath: string): Promise<{ path: string; bytes: number }> {
    refuseProjectFiles(this.path, outPath);
    if (existsSync(outPath)) throw new ProjectFileError(outPath, 'already exists: back up to a new file (a backup never replaces one)');
    try {
      this.db.prepare('VACUUM INTO ?').run(outPath);
    } catch (e) {
      // A partial copy (the disk filled up) would be no backup, and would block the next try as "already exists".
      rmSync(outPath, { force: true });
      const full = /disk is full|database or disk is full/i.test((e as Error).message);
      throw new ProjectFileError(
        outPath,
        full ? 'cannot be written: the disk is full (no backup was made)' : `cannot be written (${(e as Error).message})`,
      );
    }
    this.auditWritten('backup', outPath, {});
    return { path: outPath, bytes: statSync(outPath).size };
  }

  async reportInput(runId: number | undefined, options: { lang: ReportLang; query?: ChangeQuery; author?: string }): Promise<ReportInput> {
    const id = runId ?? this.latestRunId();
    const run = this.run(id);
    const page = queryChanges(this.db, id, { ...options.query, limit: 100_000 });
    const info = await this.info();
    return buildReportInput(this.db, {
      info,
      run,
      before: this.epoch(run.before.id),
      after: this.epoch(run.after.id),
      changes: page.items,
      lang: options.lang,
      author: options.author ?? info.author,
      filtered: page.total !== run.changeCount ? describeQuery(options.query ?? {}, options.lang) : null,
    });
  }

  async exportReport(
    runId: number | undefined,
    options: ReportRequest & { outPath: string },
    hooks: { onProgress?: (p: { done: number; total: number }) => void; signal?: AbortSignal } = {},
  ): Promise<ReportResult> {
    refuseProjectFiles(this.path, options.outPath);
    refuseToReplace(options.outPath, 'pdf');
    const input = await this.reportInput(runId, options);
    for (const c of input.changes) {
      const png = options.snapshots?.[c.id];
      if (png) c.snapshot = Buffer.from(png, 'base64');
    }
    const r = await renderReport(input, options.outPath, hooks);
    this.auditWritten('report', options.outPath, { run: input.run.id, lang: options.lang, changes: input.changes.length });
    return { path: options.outPath, runId: input.run.id, changes: input.changes.length, ...r };
  }

  /**
   * Logs a file written from the project. The file is whole by then: a project that cannot take the log entry (a
   * read-only file, a full disk) must not make a written report or backup look failed, so that refusal is let go.
   */
  private auditWritten(action: 'report' | 'backup', path: string, detail: Record<string, unknown>): void {
    try {
      writeTransaction(this.db, () => audit(this.db, defaultActor(), action, path, detail));
    } catch (e) {
      if (failureOf(e).ourBug) throw e;
    }
  }

  async auditLog(limit = 100): Promise<AuditEntry[]> {
    return readAudit(this.db, limit);
  }

  async changeHistory(key: number): Promise<ChangeEvent[]> {
    if (!getChangeRow(this.db, key)) throw new ProjectFileError(this.path, `no change with key ${key} in this project`);
    return changeHistory(this.db, key);
  }

  async uncertainAreas(runId?: number): Promise<UncertainArea[]> {
    const r = this.db.prepare('SELECT uncertain FROM runs WHERE id = ?').get(this.runIdOf(runId)) as { uncertain: string };
    return JSON.parse(r.uncertain) as UncertainArea[];
  }

  async suppressedCandidates(runId?: number): Promise<SuppressedCandidate[]> {
    const r = this.db.prepare('SELECT suppressed FROM runs WHERE id = ?').get(this.runIdOf(runId)) as { suppressed: string };
    return JSON.parse(r.suppressed) as SuppressedCandidate[];
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    return;
  }
}

function toEpoch(r: EpochRow): EpochRecord {
  const stats = JSON.parse(r.stats) as { points: number; bounds: Bounds3 };
  return {
    id: r.id,
    label: r.label,
    date: r.survey_date,
    dateFrom: r.date_source,
    files: JSON.parse(r.sources) as string[],
    orthophoto: r.orthophoto,
    crs: r.crs ? (JSON.parse(r.crs) as CrsInfo) : null,
    points: stats.points,
    bounds: stats.bounds,
  };
}

/** The report's filter line, in the report's language and the bureau's terms. */
function describeQuery(q: ChangeQuery, lang: ReportLang): string {
  const terms = TERMS[lang];
  const zh = lang === 'zh-CN';
  const [sep, list, colon] = zh ? ['；', '、', '：'] : ['; ', ', ', ': '];
  const parts: string[] = [];
  if (q.types?.length) parts.push(`${zh ? '类型' : 'type'}${colon}${q.types.map((t) => terms.types[t]).join(list)}`);
  if (q.verdicts?.length) parts.push(`${zh ? '审核结论' : 'verdict'}${colon}${q.verdicts.map((v) => terms.verdicts[v]).join(list)}`);
  if (q.zone) parts.push(`${zh ? '区域' : 'zone'}${colon}${q.zone}`);
  if (q.subDistrict) parts.push(`${zh ? '街道' : 'sub-district'}${colon}${q.subDistrict}`);
  if (q.minVolume !== undefined) parts.push(`|${zh ? '体积' : 'volume'}| ≥ ${q.minVolume} m³`);
  return parts.join(sep);
}
