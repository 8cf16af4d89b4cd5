import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DistrictOptions } from '../../samples/generator/index';
import { MESH_FILES, writeSampleDistrict } from '../../samples/generator/index';
import type { TruthChangeLike, TruthDistractorLike } from '../../samples/evaluate';

export interface WrittenDistrict {
  dir: string;
  epoch: (n: 1 | 2 | 3) => string;
  /** Epoch 2 as an OBJ and as a 3D Tiles tileset (written with `withMesh: true`). */
  mesh: { obj: string; tileset: string };
  /** The epoch's DSM GeoTIFF (written only when asked: `withDsm: true`). */
  dsm: (n: 1 | 2 | 3) => string;
  ortho: (n: 1 | 2 | 3) => string;
  truth: (from: 1 | 2) => Promise<{ changes: TruthChangeLike[]; distractors: TruthDistractorLike[] }>;
}

/** Generates a district into a fresh temporary folder (no orthophotos, DSMs or mesh epoch unless asked). */
export async function writeDistrict(options: DistrictOptions): Promise<WrittenDistrict> {
  const dir = mkdtempSync(join(tmpdir(), `voxwatch-district-${options.seed ?? 1}-`));
  await writeSampleDistrict(dir, { withOrthophoto: false, withMesh: false, withDsm: false, ...options });
  return {
    dir,
    epoch: (n) => join(dir, `epoch-${n}.las`),
    mesh: { obj: join(dir, MESH_FILES.obj), tileset: join(dir, MESH_FILES.tileset) },
    dsm: (n) => join(dir, `dsm-${n}.tif`),
    ortho: (n) => join(dir, `ortho-${n}.tif`),
    truth: async (from) => JSON.parse(await readFile(join(dir, `truth-${from}-${from + 1}.json`), 'utf8')),
  };
}
