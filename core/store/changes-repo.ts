import type { Database } from 'better-sqlite3';
import type { ChangePage, ChangeQuery, ChangeRecord, ChangeSort } from '../api';
import type { ChangeObject } from '../changes/types';
import { ofRun } from '../review/run-ref';
import type { CaseStatus, PermitStatus, Priority, Verdict, ZoneTag } from '../review/types';
import { ProjectFileError } from './db';

/** The columns a ChangeRecord is built from: the change, its review, its carried source, its case (its own, or its structure's: cases-repo caseOfChange). */
const SELECT = `
  SELECT ch.id, ch.run_id, ch.object, ch.zones, ch.sub_district, ch.community, ch.permit_status, ch.priority,
         rv.verdict, rv.note, cf.run_id AS cf_run, cf.code AS cf_code,
         cs.id AS case_id, cs.status AS case_status, cs.due_date, cs.sub_district AS case_sub_district,
         CASE WHEN json_extract(cs.proposal, '$.runId') = ch.run_id AND json_extract(cs.proposal, '$.status') != cs.status
              THEN json_extract(cs.proposal, '$.status') END AS case_proposed,
         (SELECT json_group_array(json_object('caseId', cl.case_id, 'outcome', cl.outcome)) FROM case_links cl
          WHERE cl.run_id = ch.run_id AND cl.change_code = ch.code) AS case_checks
  FROM changes ch
  LEFT JOIN reviews rv ON rv.change_id = ch.id
  LEFT JOIN changes cf ON cf.id = rv.carried_from
  LEFT JOIN cases own ON own.change_id = ch.id
  LEFT JOIN cases cs ON cs.id = COALESCE(own.id, rv.case_id)`;

export interface ChangeRow {
  id: number;
  run_id: number;
  object: string;
  zones: string;
  sub_district: string | null;
  community: string | null;
  permit_status: PermitStatus;
  priority: Priority;
  verdict: Verdict | null;
  note: string | null;
  cf_run: number | null;
  cf_code: string | null;
  case_id: number | null;
  case_status: CaseStatus | null;
  case_proposed: CaseStatus | null;
  due_date: string | null;
  case_sub_district: string | null;
  /** JSON array of { caseId, outcome }. */
  case_checks: string;
}

export function toRecord(r: ChangeRow): ChangeRecord {
  const verdict = r.verdict ?? 'unreviewed';
  return {
    ...(JSON.parse(r.object) as ChangeObject),
    key: r.id,
    runId: r.run_id,
    verdict,
    note: r.note,
    verdictCarriedFrom: r.cf_run !== null && verdict !== 'unreviewed' ? ofRun(r.cf_run, r.cf_code!) : null,
    zones: JSON.parse(r.zones) as ZoneTag[],
    subDistrict: r.sub_district,
    community: r.community,
    permitStatus: r.permit_status,
    priority: r.priority,
    case:
      r.case_id === null
        ? null
        : {
            id: r.case_id,
            status: r.case_status!,
            dueDate: r.due_date,
            subDistrict: r.case_sub_district,
            ...(r.case_proposed ? { proposed: r.case_proposed } : {}),
          },
    caseChecks: JSON.parse(r.case_checks) as ChangeRecord['caseChecks'],
  };
}

const ORDER: Record<ChangeSort, string> = {
  code: 'ch.code',
  volume: 'ch.volume_m3',
  '-volume': 'ch.volume_m3 DESC',
  area: 'ch.area_m2',
  '-area': 'ch.area_m2 DESC',
  confidence: 'ch.confidence',
  '-confidence': 'ch.confidence DESC',
  height: 'ch.height_change_max_m',
  '-height': 'ch.height_change_max_m DESC',
  priority: "CASE ch.priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, ABS(ch.volume_m3) DESC",
};

/** Filters, sorts and pages the changes of one run in SQL (a project may hold 100 000 of them). */
export function queryChanges(db: Database, runId: number, q: ChangeQuery): ChangePage {
  const where = ['ch.run_id = ?'];
  const args: unknown[] = [runId];
  if (q.types?.length) {
    where.push(`ch.type IN (${q.types.map(() => '?').join(',')})`);
    args.push(...q.types);
  }
  if (q.verdicts?.length) {
    where.push(`COALESCE(rv.verdict, 'unreviewed') IN (${q.verdicts.map(() => '?').join(',')})`);
    args.push(...q.verdicts);
  }
  if (q.zone) {
    where.push(
      "EXISTS (SELECT 1 FROM json_each(ch.zones) z WHERE json_extract(z.value, '$.name') = ? OR json_extract(z.value, '$.category') = ?)",
    );
    args.push(q.zone, q.zone);
  }
  if (q.subDistrict) {
    where.push('ch.sub_district = ?');
    args.push(q.subDistrict);
  }
  if (q.minVolume !== undefined) {
    where.push('ABS(ch.volume_m3) >= ?');
    args.push(q.minVolume);
  }
  const sort = q.sort ?? 'code';
  if (!Object.hasOwn(ORDER, sort))
    throw new ProjectFileError('query', `unknown sort "${String(sort)}"; use one of ${Object.keys(ORDER).join(', ')}`);
  const filter = where.join(' AND ');
  // The reviews table only joins in when a verdict is filtered on.
  const from = q.verdicts?.length ? 'changes ch LEFT JOIN reviews rv ON rv.change_id = ch.id' : 'changes ch';
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM ${from} WHERE ${filter}`).get(...args) as { n: number }).n;
  const limit = Math.max(0, Math.min(q.limit ?? 10_000, 100_000));
  // Sort and page the keys alone, then fetch the page's rows: sorting whole rows would drag
  // every change's JSON through the sorter.
  const keys = (
    db
      .prepare(`SELECT ch.id FROM ${from} WHERE ${filter} ORDER BY ${ORDER[sort]}, ch.id LIMIT ? OFFSET ?`)
      .all(...args, limit, q.offset ?? 0) as { id: number }[]
  ).map((r) => r.id);
  const rows = new Map<number, ChangeRow>();
  for (let i = 0; i < keys.length; i += 500) {
    const slice = keys.slice(i, i + 500);
    for (const r of db.prepare(`${SELECT} WHERE ch.id IN (${slice.map(() => '?').join(',')})`).all(...slice) as ChangeRow[])
      rows.set(r.id, r);
  }
  return { total, items: keys.map((k) => toRecord(rows.get(k)!)) };
}

export function getChangeRow(db: Database, key: number): ChangeRow | undefined {
  return db.prepare(`${SELECT} WHERE ch.id = ?`).get(key) as ChangeRow | undefined;
}
