/** A project as an older VoxWatch wrote it, for the tests of opening and migrating one. */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPLICATION_ID } from '../../core/store/db';
import { migrate } from '../../core/store/migrations';
import { syntheticChange } from '../../samples/synthetic-project';

/** A project as VoxWatch with schema 1 wrote it: one change, marked a false positive with a note. */
export function schema1Project(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'voxwatch-migrate-')), 'old.voxwatch');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`application_id = ${APPLICATION_ID}`);
  migrate(db, 1);
  db.prepare("INSERT INTO meta VALUES ('name', 'old')").run();
  const stats = JSON.stringify({ points: 1, bounds: {} });
  db.prepare("INSERT INTO epochs (label, survey_date, sources, stats, added_at) VALUES ('a', '2023-01-01', '[]', ?, 'x')").run(stats);
  db.prepare("INSERT INTO epochs (label, survey_date, sources, stats, added_at) VALUES ('b', '2023-06-01', '[]', ?, 'x')").run(stats);
  db.prepare(
    "INSERT INTO runs (before_epoch, after_epoch, parameters, software, started_at, finished_at, timings, summary, suppressed, uncertain) VALUES (1, 2, '{}', 'v0', 'x', 'x', '{}', '{}', '[]', '[]')",
  ).run();
  const c = syntheticChange('C001', 100, 100, 10, 300, 'new_building');
  db.prepare(
    'INSERT INTO changes (run_id, code, type, volume_m3, area_m2, height_change_max_m, height_change_mean_m, storeys, confidence, cx, cy, min_x, min_y, max_x, max_y, object) VALUES (1, ?, ?, ?, ?, 3, 3, 1, 0.9, 105, 105, 100, 100, 110, 110, ?)',
  ).run(c.id, c.type, c.volume_m3, c.area_m2, JSON.stringify(c));
  db.prepare("INSERT INTO reviews VALUES (1, 'false_positive', '彩钢棚已拆除', NULL, 'x', 'someone')").run();
  db.close();
  return path;
}
