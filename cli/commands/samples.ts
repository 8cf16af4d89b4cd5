import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SAMPLE_GENERATOR, writeSampleDistrict, type DistrictOptions } from '../../samples/generator/index';
import { UsageError } from '../usage-error';
import { progressBar } from '../progress';

export interface SamplesCliOptions {
  out: string;
  seed?: string;
  size?: string;
  density?: string;
  orthophoto?: boolean;
  dsm?: boolean;
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} expects a whole number ≥ ${min}, got "${v}"`);
  return n;
}

/** Writes the synthetic district (three epochs, orthophotos, DSMs, truth) into a folder. */
export async function samplesCommand(o: SamplesCliOptions): Promise<number> {
  const options: DistrictOptions = {
    seed: int('seed', o.seed, 0),
    size: int('size', o.size, 80),
    density: int('density', o.density, 1),
    withOrthophoto: o.orthophoto !== false,
    withDsm: o.dsm !== false,
  };
  const t0 = performance.now();
  const bar = progressBar('samples', 'files');
  const manifest = await writeSampleDistrict(o.out, options, (e) => bar.update(e.done, e.total, e.file));
  bar.stop();
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  process.stdout.write(
    `wrote the sample district to ${o.out} in ${secs} s (seed ${manifest.seed}, ${manifest.size_m} m, ${manifest.crs.name})\n`,
  );
  for (const e of manifest.epochs)
    process.stdout.write(
      `  ${e.file}: ${e.point_count.toLocaleString('en-US')} points, LAS ${e.las_version} format ${e.point_format}, ${e.date}\n`,
    );
  return 0;
}

/**
 * Why `dir` cannot serve as the sample district as it is, or null when it can: a complete
 * district written by this generator. A folder from another generator revision is stale (its
 * truth, leads and zones may no longer match what the code makes), so the demo rewrites it.
 */
export async function sampleDistrictProblem(dir: string): Promise<string | null> {
  let manifest: { generator?: unknown; epochs?: unknown[]; review_layers?: unknown };
  try {
    manifest = JSON.parse(await readFile(join(dir, 'district.json'), 'utf8')) as typeof manifest;
  } catch {
    return `no sample district in ${dir} yet`;
  }
  if (manifest.generator !== SAMPLE_GENERATOR)
    return `the sample district in ${dir} was written by ${String(manifest.generator ?? 'an unnamed generator')}, not ${SAMPLE_GENERATOR}`;
  const complete =
    Array.isArray(manifest.epochs) &&
    manifest.epochs.length === 3 &&
    manifest.review_layers !== undefined &&
    (manifest.epochs as { dsm?: unknown }[]).every((e) => e.dsm !== undefined);
  return complete ? null : `the sample district in ${dir} was written without its DSMs or review layers`;
}
