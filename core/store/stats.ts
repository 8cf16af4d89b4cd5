import type { Database } from 'better-sqlite3';
import type { RunStats, Totals } from '../api';
import type { SuppressedCandidate } from '../changes/types';
import { ProjectFileError } from './db';

function group(db: Database, sql: string, runId: number): Record<string, Totals> {
  const rows = db.prepare(sql).all(runId) as { k: string | null; count: number; volume: number; area: number }[];
  const out: Record<string, Totals> = {};
  for (const r of rows)
    out[r.k ?? 'none'] = { count: r.count, volume_m3: Math.round(r.volume * 10) / 10, area_m2: Math.round(r.area * 100) / 100 };
  return out;
}

const AGG = 'COUNT(*) AS count, SUM(ch.volume_m3) AS volume, SUM(ch.area_m2) AS area';

/** Counts, volumes and areas of one run by type, verdict, case status, zone and sub-district. */
export function runStats(db: Database, runId: number): RunStats {
  const run = db.prepare('SELECT suppressed, uncertain FROM runs WHERE id = ?').get(runId) as
    { suppressed: string; uncertain: string } | undefined;
  if (!run) throw new ProjectFileError('stats', `no run ${runId} in this project`);
  const suppressed: RunStats['suppressed'] = {};
  for (const s of JSON.parse(run.suppressed) as SuppressedCandidate[]) suppressed[s.reason] = (suppressed[s.reason] ?? 0) + 1;
  return {
    runId,
    byType: group(db, `SELECT ch.type AS k, ${AGG} FROM changes ch WHERE ch.run_id = ? GROUP BY k`, runId),
    byVerdict: group(
      db,
      `SELECT COALESCE(rv.verdict, 'unreviewed') AS k, ${AGG} FROM changes ch LEFT JOIN reviews rv ON rv.change_id = ch.id WHERE ch.run_id = ? GROUP BY k`,
      runId,
    ),
    byCaseStatus: group(
      db,
      `SELECT cs.status AS k, ${AGG} FROM changes ch LEFT JOIN reviews rv ON rv.change_id = ch.id LEFT JOIN cases own ON own.change_id = ch.id
       JOIN cases cs ON cs.id = COALESCE(own.id, rv.case_id) WHERE ch.run_id = ? GROUP BY k`,
      runId,
    ),
    byZone: group(
      db,
      `SELECT json_extract(z.value, '$.name') AS k, ${AGG} FROM changes ch, json_each(ch.zones) z
       WHERE ch.run_id = ? AND json_extract(z.value, '$.kind') <> 'admin' GROUP BY k`,
      runId,
    ),
    bySubDistrict: group(db, `SELECT ch.sub_district AS k, ${AGG} FROM changes ch WHERE ch.run_id = ? GROUP BY k`, runId),
    suppressed,
    uncertain: (JSON.parse(run.uncertain) as unknown[]).length,
  };
}
