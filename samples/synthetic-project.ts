/**
 * A project filled with synthetic runs and change objects, without any point cloud: for the
 * store's reliability tests and its benchmark (100 000 changes), where detection is not the point.
 */
import type { Database } from 'better-sqlite3';
import type { HeightPatch } from '../core/changes/patches';
import { CHANGE_TYPES, type ChangeObject } from '../core/changes/types';
import { DEFAULT_OPTIONS } from '../core/detect';
import { createProjectDb } from '../core/store/db';
import { insertRun } from '../core/store/runs-repo';
import { Rng } from './generator/rng';

const X0 = 513_000;
const Y0 = 2_494_000;

function patch(): HeightPatch {
  const n = 16 * 16;
  return {
    x0: X0,
    y0: Y0,
    cell: 2,
    width: 16,
    height: 16,
    before: new Float32Array(n).fill(30),
    after: new Float32Array(n).fill(33),
    ground: new Float32Array(n).fill(30),
  };
}

/** A square change of side `s` at (x, y). */
export function syntheticChange(id: string, x: number, y: number, s: number, volume: number, type: ChangeObject['type']): ChangeObject {
  return {
    id,
    type,
    footprint: [
      [
        [
          [x, y],
          [x + s, y],
          [x + s, y + s],
          [x, y + s],
          [x, y],
        ],
      ],
    ],
    centroid: [x + s / 2, y + s / 2],
    area_m2: s * s,
    volume_m3: volume,
    height_change_max_m: volume / (s * s) + 0.5,
    height_change_mean_m: volume / (s * s),
    storeys: Math.round(volume / (s * s) / 3),
    ground_z: 30,
    before_top_z: 30,
    after_top_z: 30 + volume / (s * s),
    before_height_m: 0,
    after_height_m: volume / (s * s),
    confidence: 0.9,
    evidence: {
      pointsBefore: 100,
      pointsAfter: 120,
      coverage: 1,
      supportShare: 1,
      greenness: 0,
      roughness: 0.05,
      planarShare: 0.9,
      curvedShare: 0,
      verticalSpread: 0.1,
      vegetationClassShare: null,
      reasons: ['synthetic'],
    },
  };
}

/**
 * Stores a run from epoch 1 to `afterEpoch` holding `changes` as if detection had found them (default parameters, no
 * suppressed candidates or uncertain areas); returns its id.
 */
export function storeSyntheticRun(
  db: Database,
  r: { afterEpoch: number; software: string; changes: ChangeObject[]; overview: HeightPatch; views?: Record<string, HeightPatch> },
): number {
  return db.transaction(() =>
    insertRun(db, {
      beforeEpoch: 1,
      afterEpoch: r.afterEpoch,
      software: r.software,
      startedAt: new Date().toISOString(),
      summary: { warnings: [], alignment: null },
      result: {
        parameters: DEFAULT_OPTIONS,
        timings: {},
        suppressed: [],
        uncertain: [],
        changes: r.changes,
        views: { overview: r.overview, changes: r.views ?? {}, watched: {} },
      },
    }),
  )();
}

/** Creates `path` with two epochs and `runs` runs of `perRun` changes each, scattered over a district. */
export function seedProject(path: string, runs: number, perRun: number, seed = 1): void {
  const db = createProjectDb(path, { name: 'synthetic', created_at: new Date().toISOString() });
  const random = new Rng(seed);
  const rng = () => random.next();
  try {
    const epoch = db.prepare(
      'INSERT INTO epochs (label, survey_date, sources, orthophoto, crs, stats, added_at) VALUES (?, ?, ?, NULL, NULL, ?, ?)',
    );
    const stats = JSON.stringify({ points: 0, bounds: { minX: X0, minY: Y0, minZ: 0, maxX: X0 + 9000, maxY: Y0 + 9000, maxZ: 100 } });
    epoch.run('a', '2024-01-01', '[]', stats, new Date().toISOString());
    epoch.run('b', '2024-07-01', '[]', stats, new Date().toISOString());
    const width = Math.max(3, String(perRun).length); // as detection pads its ids
    for (let r = 0; r < runs; r++) {
      const changes: ChangeObject[] = [];
      const views: Record<string, HeightPatch> = {};
      for (let i = 0; i < perRun; i++) {
        const id = `C${String(i + 1).padStart(width, '0')}`;
        const type = CHANGE_TYPES[Math.floor(rng() * CHANGE_TYPES.length)];
        const s = 3 + rng() * 20;
        const v = (type === 'demolished' || type === 'height_decrease' ? -1 : 1) * s * s * (1 + rng() * 8);
        changes.push(syntheticChange(id, X0 + rng() * 9000, Y0 + rng() * 9000, s, Math.round(v * 10) / 10, type));
        if (i < 50) views[id] = patch();
      }
      storeSyntheticRun(db, { afterEpoch: 2, software: 'synthetic', changes, overview: patch(), views });
    }
  } finally {
    db.close();
  }
}
