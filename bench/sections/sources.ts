import { secs } from '../format';
import { cachedCog, cachedTileset } from '../fixtures/sources';
import { runIsolated } from '../isolate';
import type { SourcesSection } from '../types';

const CROPS = 200;

/**
 * Section f: epoch sources beyond point clouds (issue 4's figures): 200 change crops from a
 * 20 000 × 20 000 RGB COG in ≤ 5 s and ≤ 500 MB RSS, and a 3D Tiles epoch of 5 M triangles
 * sampled to points in ≤ 10 s.
 */
export async function sourcesSection(workDir: string, log: (line: string) => void): Promise<SourcesSection> {
  const out: SourcesSection = {};
  log(`Orthophoto crops (${CROPS} change crops from a 20 000 × 20 000 RGB COG, JPEG, 512 px tiles, overviews)`);
  const cog = await cachedCog(workDir);
  if ('skipped' in cog) {
    log(`  skipped: ${cog.skipped}`);
    out.crops = { skipped: cog.skipped };
  } else {
    log(`  COG ${cog.fresh ? `built in ${secs(cog.ms)}` : 'from the cache'}: ${cog.file}`);
    const r = await runIsolated({ kind: 'ortho-crops', file: cog.file, crops: CROPS }, log);
    log(
      `  ${r.points} crops (${(r.bytes / 1e6).toFixed(1)} MB of JPEG${r.missing ? `, ${r.missing} missing` : ''}) in ${secs(r.bestMs)}` +
        ` (floor 5 s; CPU ${secs(r.cpuMsPerRun)}, other work ${r.busyCoresBefore ?? '?'} cores before, ${r.otherCoresDuring ?? '?'} during; maxRSS ${r.maxRssMiB.toFixed(0)} MiB, floor 500)`,
    );
    out.crops = { file: cog.file, timing: r, bytes: r.bytes, missing: r.missing };
  }
  log('3D Tiles epoch sampled to points (about 5 M triangles, 64 leaf tiles, Earth-centred, textured; 0.5 m voxels)');
  const ts = await cachedTileset(workDir);
  log(`  tileset ${ts.fresh ? `built in ${secs(ts.ms)}` : 'from the cache'}: ${ts.file}`);
  const r = await runIsolated({ kind: 'tiles-sample', file: ts.file, triangles: ts.triangles }, log);
  log(
    `  ${ts.triangles.toLocaleString('en-US')} triangles → ${r.points.toLocaleString('en-US')} points in ${secs(r.bestMs)}` +
      ` (floor 10 s; CPU ${secs(r.cpuMsPerRun)}, other work ${r.busyCoresBefore ?? '?'} cores before, ${r.otherCoresDuring ?? '?'} during; maxRSS ${r.maxRssMiB.toFixed(0)} MiB)`,
  );
  out.tileset = { file: ts.file, triangles: ts.triangles, timing: r };
  return out;
}
