/**
 * Section i: memory against the compared area. A pair the size of a district (900 copies of the
 * 300 m district: 81 km², Luohu is 79 km²; one point in 8 kept so it stays cheap: 13 GB of LAS
 * in the bench cache, written once) detected at 1 m voxels: with the whole-area rasters gone
 * and the findings held compactly, peak RSS should stay under 1.5 GB at a district's area (what
 * still grows with the area is the result itself: docs/BENCHMARKS.md, section k).
 */
import { join } from 'node:path';
import { widePair } from '../fixtures/district-pair';
import { count, secs, timingLine } from '../format';
import { runIsolated } from '../isolate';
import type { AreaRun } from '../types';

const TILES = 900;
const THIN = 8;
const VOXEL = 1;

export async function areaSection(workDir: string, log: (line: string) => void): Promise<AreaRun> {
  const { dir, manifest, fresh } = await widePair(workDir, TILES, THIN, log);
  const areaKm2 = (manifest.tiles * manifest.tileSize ** 2) / 1e6;
  log(
    `Memory against area: ${areaKm2.toFixed(1)} km² (${manifest.tiles} district copies, one point in ${THIN}), ${VOXEL} m voxels, ` +
      `${manifest.files.map((f) => count(f.points)).join(' + ')} points ${fresh ? `generated in ${secs(manifest.generatedMs)}` : 'from the cache'}`,
  );
  const [before, after] = manifest.files.map((f) => join(dir, f.name));
  const d = await runIsolated({ kind: 'detect', before, after, voxel: VOXEL }, log);
  log(timingLine('detectChanges end to end', d.timing));
  log(
    `  phases: ${Object.entries(d.timings)
      .map(([k, v]) => `${k} ${secs(v)}`)
      .join(', ')}; grid ${count(d.gridCells)} cells; ${d.changes} changes`,
  );
  return {
    areaKm2,
    voxel: VOXEL,
    points: manifest.files.reduce((n, f) => n + f.points, 0),
    endToEnd: d.timing,
    timings: d.timings,
    changes: d.changes,
  };
}
