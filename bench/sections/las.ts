import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PointField } from '../../core/io/las/records';
import { patternLas } from '../fixtures/pattern';
import { secs, timingLine } from '../format';
import { runIsolated } from '../isolate';
import type { LasReadSection } from '../types';

const POINTS = 10_000_000;

/** Section a: uncompressed LAS reading on one core, all fields and detection's fields. */
export async function lasSection(workDir: string, repeats: number, log: (line: string) => void): Promise<LasReadSection> {
  log('LAS reader throughput (10 M points, LAS 1.2 format 3, warm page cache, one core)');
  const { dir, manifest, fresh } = await patternLas(workDir, POINTS);
  const file = join(dir, manifest.file);
  const fileMiB = (await stat(file)).size / 2 ** 20;
  log(`  ${file} (${fileMiB.toFixed(0)} MiB) ${fresh ? `generated in ${secs(manifest.generatedMs)}` : 'from the cache'}`);
  const measure = async (label: string, fields: PointField[] | undefined) => {
    const fresh = await runIsolated({ kind: 'las-read', file, fields, reuseBuffers: false, repeats }, log);
    log(timingLine(`${label}, fresh arrays`, fresh));
    const reused = await runIsolated({ kind: 'las-read', file, fields, reuseBuffers: true, repeats }, log);
    log(timingLine(`${label}, reused buffers`, reused));
    return { fresh, reused };
  };
  const allFields = await measure('all fields', undefined);
  const detectionFields = await measure('xyz + class + rgb', ['classification', 'rgb']);
  return {
    file,
    points: manifest.points,
    fileMiB: Math.round(fileMiB),
    ...(fresh ? { generatedMs: manifest.generatedMs } : {}),
    allFields,
    detectionFields,
  };
}
