import { stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { districtPair } from '../fixtures/district-pair';
import { count, secs, timingLine } from '../format';
import { runIsolated } from '../isolate';
import type { DetectionRun } from '../types';

/**
 * The issue's floors are for 0.5 m voxels: given, not left to the density rule, which could pick
 * a coarser (and faster) voxel for a pair near 16 points/m².
 */
export const BENCH_VOXEL = 0.5;

/** Section c: detectChanges end to end on a tiled district pair, against the read-only floor. */
export async function detectionSection(workDir: string, targetPoints: number, log: (line: string) => void): Promise<DetectionRun> {
  log(`Detection end to end (tiled district, ≥ ${count(targetPoints)} points per file)`);
  const { dir, manifest, fresh } = await districtPair(workDir, targetPoints, log);
  const paths = manifest.files.map((f) => join(dir, f.name));
  const files = await Promise.all(
    manifest.files.map(async (f, i) => ({ path: paths[i], points: f.points, fileMiB: Math.round((await stat(paths[i])).size / 2 ** 20) })),
  );
  log(
    `  ${manifest.tiles} tiles (${manifest.cols} columns): ${files.map((f) => `${count(f.points)} pts, ${f.fileMiB} MiB`).join(' / ')}` +
      ` ${fresh ? `generated in ${secs(manifest.generatedMs)}` : 'from the cache'}`,
  );
  const oneThread = await runIsolated({ kind: 'read-floor', files: paths, threadPerFile: false }, log);
  log(timingLine('read-only floor, one thread', oneThread));
  const threadPerFile = await runIsolated({ kind: 'read-floor', files: paths, threadPerFile: true }, log);
  log(timingLine('read-only floor, thread per file', threadPerFile));
  const readFloor = { oneThread, threadPerFile };
  const d = await runIsolated({ kind: 'detect', before: paths[0], after: paths[1], voxel: BENCH_VOXEL }, log);
  log(timingLine('detectChanges end to end', d.timing));
  log(
    `  phases: ${Object.entries(d.timings)
      .map(([k, v]) => `${k} ${secs(v)}`)
      .join(', ')}; grid ${count(d.gridCells)} cells`,
  );
  log(`  changes found: ${d.changes} (expected about ${manifest.expectedChanges}); suppressed ${d.suppressed}, uncertain ${d.uncertain}`);
  for (const w of d.warnings) log(`  warning: ${w}`);
  const loadAvg = loadavg().map((l) => Math.round(l * 100) / 100);
  log(`  load average after the run: ${loadAvg.join(' ')} (a shared machine: see otherCoresDuring)`);
  return {
    targetPointsPerFile: targetPoints,
    tiles: manifest.tiles,
    cols: manifest.cols,
    files,
    ...(fresh ? { generatedMs: manifest.generatedMs } : {}),
    readFloor,
    endToEnd: d.timing,
    timings: d.timings,
    gridCells: d.gridCells,
    changes: d.changes,
    expectedChanges: manifest.expectedChanges,
    suppressed: d.suppressed,
    uncertain: d.uncertain,
    warnings: d.warnings,
    loadAvg,
  };
}
