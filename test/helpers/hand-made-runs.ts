/**
 * A project with epochs and runs made by hand (no detection): stored changes at chosen places, for the tests of what
 * the store does with verdicts across runs (reviews-repo.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { HeightPatch } from '../../core/changes/patches';
import type { ChangeObject } from '../../core/changes/types';
import { createProjectDb } from '../../core/store/db';
import { carryVerdicts } from '../../core/store/reviews-repo';
import { storeSyntheticRun } from '../../samples/synthetic-project';

export const X0 = 513_000;
export const Y0 = 2_494_000;

const overview: HeightPatch = {
  x0: X0,
  y0: Y0,
  cell: 2,
  width: 4,
  height: 4,
  before: new Float32Array(16).fill(30),
  after: new Float32Array(16).fill(30),
  ground: new Float32Array(16).fill(30),
};

/**
 * A project with one epoch per date and `run(after, changes)`, which stores a run from the first epoch to epoch
 * `after` (1-based) and, unless told not to, carries the earlier runs' verdicts to it as detection does.
 */
export function handMadeProject(dates: string[]): {
  file: string;
  db: Database;
  run: (after: number, changes: ChangeObject[], carry?: boolean) => number;
} {
  const file = join(mkdtempSync(join(tmpdir(), 'voxwatch-hand-made-')), 'p.voxwatch');
  const db = createProjectDb(file, { name: 'hand-made', created_at: new Date().toISOString() });
  const stats = JSON.stringify({ points: 0, bounds: { minX: X0, minY: Y0, minZ: 0, maxX: X0 + 200, maxY: Y0 + 200, maxZ: 100 } });
  const epoch = db.prepare(
    'INSERT INTO epochs (label, survey_date, sources, orthophoto, crs, stats, added_at) VALUES (?, ?, ?, NULL, NULL, ?, ?)',
  );
  dates.forEach((date, i) => epoch.run(String.fromCharCode(97 + i), date, '[]', stats, new Date().toISOString()));
  const run = (after: number, changes: ChangeObject[], carry = true) => {
    const id = storeSyntheticRun(db, { afterEpoch: after, software: 'test', changes, overview });
    if (carry) carryVerdicts(db, id, 'VoxWatch');
    return id;
  };
  return { file, db, run };
}
