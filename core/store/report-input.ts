import type { Database } from 'better-sqlite3';
import type { ChangeRecord, EpochRecord, ProjectInfo, RunRecord } from '../api';
import type { HeightPatch } from '../changes/patches';
import type { ReportEpoch, ReportInput, ReportLang } from '../report/model';
import { caseBasisOf } from './cases-repo';
import { unpackPatch } from './pack';

export interface ReportSources {
  info: ProjectInfo;
  run: RunRecord;
  before: EpochRecord;
  after: EpochRecord;
  changes: ChangeRecord[];
  lang: ReportLang;
  author: string | null;
  filtered: string | null;
}

const reportEpoch = (e: EpochRecord): ReportEpoch => ({
  label: e.label,
  date: e.date,
  files: e.files,
  points: e.points,
  orthophoto: e.orthophoto,
});

/** Gathers everything the PDF renderer needs from the project, so it reads nothing else but orthophotos. */
export function buildReportInput(db: Database, s: ReportSources): ReportInput {
  const overviewRow = db.prepare('SELECT overview FROM runs WHERE id = ?').get(s.run.id) as { overview: Buffer | null };
  const viewOf = db.prepare('SELECT view FROM change_views WHERE change_id = ?');
  const views: Record<string, HeightPatch> = {};
  for (const c of s.changes) {
    const v = viewOf.get(c.key) as { view: Buffer | null } | undefined;
    if (v?.view) views[c.id] = unpackPatch(v.view);
  }
  return {
    lang: s.lang,
    project: { name: s.info.name, district: s.info.district, author: s.author, crs: s.info.crs },
    run: {
      id: s.run.id,
      before: reportEpoch(s.before),
      after: reportEpoch(s.after),
      parameters: { ...s.run.parameters },
      software: s.run.software,
      createdAt: s.run.finishedAt,
      alignment: s.run.alignment,
      warnings: s.run.warnings,
    },
    // A case's status may rest on a later survey than this run's: the report names it.
    changes: s.changes.map((c) => ({ ...c, caseBasis: c.case ? caseBasisOf(db, c.case.id) : null })),
    filter: s.filtered,
    views: { overview: unpackPatch(overviewRow.overview!), changes: views },
    generatedAt: new Date().toISOString(),
  };
}
