import type { Database } from 'better-sqlite3';
import type { DetectionResult } from '../detect';
import { bboxOf } from '../geo/polygons';
import { packPatch } from './pack';

export interface RunToSave {
  beforeEpoch: number;
  afterEpoch: number;
  software: string;
  startedAt: string;
  summary: unknown;
  result: Pick<DetectionResult, 'parameters' | 'timings' | 'suppressed' | 'uncertain' | 'changes' | 'views'>;
}

/** Stores a detection run and its change objects (with their height windows); returns the run id. Call inside a transaction. */
export function insertRun(db: Database, r: RunToSave): number {
  const { result } = r;
  const id = Number(
    db
      .prepare(
        'INSERT INTO runs (before_epoch, after_epoch, parameters, software, started_at, finished_at, timings, summary, suppressed, uncertain, overview) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        r.beforeEpoch,
        r.afterEpoch,
        JSON.stringify(result.parameters),
        r.software,
        r.startedAt,
        new Date().toISOString(),
        JSON.stringify(result.timings),
        JSON.stringify(r.summary),
        JSON.stringify(result.suppressed),
        JSON.stringify(result.uncertain),
        packPatch(result.views.overview),
      ).lastInsertRowid,
  );
  const insert =
    db.prepare(`INSERT INTO changes (run_id, code, type, volume_m3, area_m2, height_change_max_m, height_change_mean_m, storeys,
    confidence, cx, cy, min_x, min_y, max_x, max_y, object) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertView = db.prepare('INSERT INTO change_views (change_id, view) VALUES (?, ?)');
  for (const c of result.changes) {
    const b = bboxOf(c.footprint);
    const view = result.views.changes[c.id];
    const changeId = insert.run(
      id,
      c.id,
      c.type,
      c.volume_m3,
      c.area_m2,
      c.height_change_max_m,
      c.height_change_mean_m,
      c.storeys,
      c.confidence,
      c.centroid[0],
      c.centroid[1],
      b.minX,
      b.minY,
      b.maxX,
      b.maxY,
      JSON.stringify(c),
    ).lastInsertRowid;
    if (view) insertView.run(changeId, packPatch(view));
  }
  return id;
}
