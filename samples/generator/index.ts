/**
 * VoxWatch's synthetic district: a deterministic urban-village scene surveyed three times by UAV
 * photogrammetry, with the changes between surveys known (the truth). Usable in memory (point chunks
 * and truth for tests) or written as LAS files, GeoTIFF orthophotos and JSON truth for demos.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeGeoTiffHeights, writeGeoTiffRgb } from '../../core/io/geotiff/writer';
import { createLasWriter } from '../../core/io/las/writer';
import type { PointChunk } from '../../core/io/types';
import { renderDsm, type DsmRaster } from './dsm';
import { round3, type BBox } from './geometry';
import { layoutDistrict, type DistrictPlan } from './layout';
import { meshScene } from './mesh';
import { writeObjWithMetadata, writeTileset } from './mesh-files';
import { renderOrthophoto, type Orthophoto } from './orthophoto';
import { rngFor } from './rng';
import { buildScenario, type DataHole } from './scenario';
import { groundZ, type Scene } from './scene';
import { SceneIndex } from './surface';
import { surveyEpoch } from './survey';
import type { EpochSurveyInfo, TransitionTruth } from './truth';
import { reviewLayers } from './zones';

export type { Scene, DataHole, Orthophoto, DistrictPlan, DsmRaster };
export type { TransitionTruth, TruthChange, TruthDistractor, ChangeType, DistractorKind } from './truth';

export const CRS = { epsg: 4547, name: 'CGCS2000 / 3-degree Gauss-Kruger CM 114E' } as const;

export interface DistrictOptions {
  /** Seed of every random choice; default 1. */
  seed?: number;
  /** Side of the square district in metres (≥ 80); default 300. */
  size?: number;
  /** Lower-left corner in EPSG:4547; default Luohu, Shenzhen (513200, 2494300). */
  origin?: [number, number];
  /** Epoch-1 points per m² on roofs and ground; epochs 2 and 3 use 0.75× and 1.25×. Default 20. */
  density?: number;
  /** Vertical noise σ in metres (horizontal σ is two thirds of it); default 0.03. */
  noise?: number;
  /** Scale of the per-epoch misregistration (1 → up to ±5 cm per axis); default 1. */
  shift?: number;
  /** Render orthophotos when writing files; default true. */
  withOrthophoto?: boolean;
  /** Orthophoto pixel size in metres; default 0.1. */
  orthoPixelSize?: number;
  /** Write epoch 2 also as a 3D model (an OBJ and a 3D Tiles tileset); default true. */
  withMesh?: boolean;
  /** Write a DSM GeoTIFF per epoch when writing files; default true. */
  withDsm?: boolean;
  /** DSM pixel size in metres; default 0.25. */
  dsmPixelSize?: number;
}

export type ResolvedDistrictOptions = Required<DistrictOptions>;

export interface GeneratedEpoch extends EpochSurveyInfo {
  orthophotoFile: string;
  dsmFile: string;
  las: { version: '1.2' | '1.4'; pointFormat: 3 | 7 };
  scene: Scene;
  holes: DataHole[];
  /** The survey as a stream of chunks; deterministic, may be iterated again. */
  chunks(): Generator<PointChunk>;
  orthophoto(): Orthophoto;
  /** The epoch's DSM: highest surface per pixel, NaN where the flight saw nothing. */
  dsm(): DsmRaster;
}

export interface GeneratedDistrict {
  options: ResolvedDistrictOptions;
  crs: typeof CRS;
  extent: BBox;
  groundZ(x: number, y: number): number;
  plan: DistrictPlan;
  epochs: [GeneratedEpoch, GeneratedEpoch, GeneratedEpoch];
  /** Index 0: epochs 1→2, index 1: epochs 2→3. */
  truths: [TransitionTruth, TransitionTruth];
}

/**
 * Names what this generator writes. Raise the number whenever its output changes (a test pins the
 * bytes it writes to this name): `voxwatch demo` regenerates a sample folder written under
 * another name instead of running on a district whose truth no longer matches the code.
 */
export const SAMPLE_GENERATOR = 'VoxWatch sample generator 2';

export interface DistrictManifest {
  name: string;
  generator: string;
  seed: number;
  size_m: number;
  crs: { epsg: number; name: string; urn: string };
  extent: BBox;
  epochs: (EpochSurveyInfo & {
    las_version: string;
    point_format: number;
    point_count: number;
    orthophoto: string | null;
    dsm: string | null;
    data_holes: number;
  })[];
  orthophoto_pixel_size_m: number | null;
  /** Epoch MESH_EPOCH as a model: the OBJ and the tileset (paths relative to the folder), when written. */
  mesh: { epoch: number; obj: string; tileset: string } | null;
  dsm_pixel_size_m: number | null;
  truth: string[];
  review_layers: typeof REVIEW_FILES;
}

/** Zone layers and complaint leads written beside the epochs (see zones.ts). */
export const REVIEW_FILES = {
  subDistricts: 'zones-sub-districts.geojson',
  protectedZones: 'zones-ecological-control-line.geojson',
  permits: 'zones-permits.geojson',
  leads: 'leads.csv',
} as const;

/** The epoch also written as a model (the middle one, so it is compared with points on both sides). */
export const MESH_EPOCH = 2;
export const MESH_FILES = {
  obj: `epoch-${MESH_EPOCH}-mesh/epoch-${MESH_EPOCH}.obj`,
  tileset: `epoch-${MESH_EPOCH}-tiles/tileset.json`,
} as const;

export interface ProgressEvent {
  file: string;
  /** Files finished so far and in all. */
  done: number;
  total: number;
}

const EPOCHS = [
  { epoch: 1, date: '2024-03-01', densityFactor: 1, noiseFactor: 1, version: '1.2', pointFormat: 3 },
  { epoch: 2, date: '2024-09-01', densityFactor: 0.75, noiseFactor: 1.15, version: '1.4', pointFormat: 7 },
  { epoch: 3, date: '2025-03-01', densityFactor: 1.25, noiseFactor: 0.9, version: '1.2', pointFormat: 3 },
] as const;

export function resolveOptions(options: DistrictOptions = {}): ResolvedDistrictOptions {
  return {
    seed: options.seed ?? 1,
    size: options.size ?? 300,
    origin: options.origin ?? [513200, 2494300],
    density: options.density ?? 20,
    noise: options.noise ?? 0.03,
    shift: options.shift ?? 1,
    withOrthophoto: options.withOrthophoto ?? true,
    orthoPixelSize: options.orthoPixelSize ?? 0.1,
    withMesh: options.withMesh ?? true,
    withDsm: options.withDsm ?? true,
    dsmPixelSize: options.dsmPixelSize ?? 0.25,
  };
}

export function generateDistrict(options: DistrictOptions = {}): GeneratedDistrict {
  const o = resolveOptions(options);
  const layout = layoutDistrict(o.seed, o.size, o.origin[0], o.origin[1]);
  const scenario = buildScenario(layout, o.seed, o.size);
  const epochs = EPOCHS.map((spec, i): GeneratedEpoch => {
    const shiftRng = rngFor(o.seed, 'misregistration', spec.epoch);
    const shift = [0, 1, 2].map(() => round3(shiftRng.range(-0.05, 0.05) * o.shift)) as [number, number, number];
    const noise = { horizontal: round3((o.noise * 2 * spec.noiseFactor) / 3), vertical: round3(o.noise * spec.noiseFactor) };
    const density = round3(o.density * spec.densityFactor);
    const scene = scenario.scenes[i];
    const holes = scenario.holes[i];
    return {
      epoch: spec.epoch,
      date: spec.date,
      file: `epoch-${spec.epoch}.las`,
      orthophotoFile: `ortho-${spec.epoch}.tif`,
      dsmFile: `dsm-${spec.epoch}.tif`,
      las: { version: spec.version, pointFormat: spec.pointFormat },
      density,
      noise,
      shift,
      scene,
      holes,
      chunks: () =>
        surveyEpoch(scene, {
          seed: o.seed,
          epoch: spec.epoch,
          density,
          noise,
          shift,
          holes: holes.map((h) => h.box),
          gpsTimeStart: adjustedGpsTime(spec.date),
        }),
      orthophoto: () => renderOrthophoto(scene, o.seed, spec.epoch, o.orthoPixelSize),
      dsm: () =>
        renderDsm(scene, {
          seed: o.seed,
          epoch: spec.epoch,
          pixelSize: o.dsmPixelSize,
          noise: noise.vertical,
          shift,
          holes: holes.map((h) => h.box),
        }),
    };
  }) as [GeneratedEpoch, GeneratedEpoch, GeneratedEpoch];

  const info = (e: GeneratedEpoch): EpochSurveyInfo => ({
    epoch: e.epoch,
    date: e.date,
    file: e.file,
    density: e.density,
    noise: e.noise,
    shift: e.shift,
  });
  const truth = (k: 0 | 1): TransitionTruth => ({
    from: k + 1,
    to: k + 2,
    crs: `EPSG:${CRS.epsg}`,
    seed: o.seed,
    epochs: [info(epochs[k]), info(epochs[k + 1])],
    changes: scenario.changes[k],
    distractors: scenario.distractors[k],
  });
  const terrain = layout.scene.terrain;
  return {
    options: o,
    crs: CRS,
    extent: layout.scene.extent,
    groundZ: (x, y) => groundZ(terrain, x, y),
    plan: layout.plan,
    epochs,
    truths: [truth(0), truth(1)],
  };
}

/** Writes epoch-N.las, ortho-N.tif, dsm-N.tif, truth-1-2.json, truth-2-3.json and district.json into `dir`. */
export async function writeSampleDistrict(
  dir: string,
  options: DistrictOptions = {},
  onProgress?: (event: ProgressEvent) => void,
): Promise<DistrictManifest> {
  const district = generateDistrict(options);
  const o = district.options;
  await mkdir(dir, { recursive: true });
  const total = district.epochs.length * (1 + (o.withOrthophoto ? 1 : 0) + (o.withDsm ? 1 : 0)) + 3 + (o.withMesh ? 2 : 0);
  let done = 0;
  const finished = (file: string) => onProgress?.({ file, done: ++done, total });

  const counts: number[] = [];
  for (const epoch of district.epochs) {
    const writer = createLasWriter(join(dir, epoch.file), {
      version: epoch.las.version,
      pointFormat: epoch.las.pointFormat,
      scale: [0.001, 0.001, 0.001],
      offset: [Math.floor(district.extent.minX / 1000) * 1000, Math.floor(district.extent.minY / 1000) * 1000, 0],
      epsg: CRS.epsg,
      creationDate: new Date(`${epoch.date}T00:00:00Z`),
    });
    try {
      for (const chunk of epoch.chunks()) await writer.write(chunk);
    } finally {
      await writer.close();
    }
    counts.push(writer.pointCount);
    finished(epoch.file);
    if (o.withOrthophoto) {
      const image = epoch.orthophoto();
      // zlib level 3: the pixel noise barely compresses, and level 6 takes twice as long for 5 % less.
      await writeGeoTiffRgb(join(dir, epoch.orthophotoFile), { ...image, epsg: CRS.epsg, compressionLevel: 3 });
      finished(epoch.orthophotoFile);
    }
    if (o.withDsm) {
      const dsm = epoch.dsm();
      await writeGeoTiffHeights(join(dir, epoch.dsmFile), {
        ...dsm,
        epsg: CRS.epsg,
        date: new Date(`${epoch.date}T00:00:00Z`),
        compressionLevel: 3,
      });
      finished(epoch.dsmFile);
    }
  }

  if (o.withMesh) await writeMeshEpoch(dir, district, finished);

  const truthFiles = ['truth-1-2.json', 'truth-2-3.json'];
  const layers = reviewLayers(
    district.extent,
    CRS.epsg,
    district.truths[0],
    district.truths[1],
    district.plan.streets,
    bareInEvery(district),
  );
  await writeFile(join(dir, REVIEW_FILES.subDistricts), `${JSON.stringify(layers.subDistricts, null, 1)}\n`);
  await writeFile(join(dir, REVIEW_FILES.protectedZones), `${JSON.stringify(layers.protectedZones, null, 1)}\n`);
  await writeFile(join(dir, REVIEW_FILES.permits), `${JSON.stringify(layers.permits, null, 1)}\n`);
  await writeFile(join(dir, REVIEW_FILES.leads), layers.leadsCsv);
  for (let k = 0; k < 2; k++) {
    await writeFile(join(dir, truthFiles[k]), `${JSON.stringify(district.truths[k], null, 2)}\n`);
    finished(truthFiles[k]);
  }
  const manifest: DistrictManifest = {
    name: 'VoxWatch synthetic district',
    generator: SAMPLE_GENERATOR,
    seed: o.seed,
    size_m: o.size,
    crs: { ...CRS, urn: `urn:ogc:def:crs:EPSG::${CRS.epsg}` },
    extent: district.extent,
    epochs: district.epochs.map((e, i) => ({
      epoch: e.epoch,
      date: e.date,
      file: e.file,
      las_version: e.las.version,
      point_format: e.las.pointFormat,
      point_count: counts[i],
      orthophoto: o.withOrthophoto ? e.orthophotoFile : null,
      dsm: o.withDsm ? e.dsmFile : null,
      density: e.density,
      noise: e.noise,
      shift: e.shift,
      data_holes: e.holes.length,
    })),
    orthophoto_pixel_size_m: o.withOrthophoto ? o.orthoPixelSize : null,
    mesh: o.withMesh ? { epoch: MESH_EPOCH, ...MESH_FILES } : null,
    dsm_pixel_size_m: o.withDsm ? o.dsmPixelSize : null,
    truth: truthFiles,
    review_layers: REVIEW_FILES,
  };
  await writeFile(join(dir, 'district.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  finished('district.json');
  return manifest;
}

/**
 * Epoch MESH_EPOCH's scene as a model, as photogrammetry tools export it: an OBJ with vertex
 * colours (local coordinates, metadata.xml) and an Earth-centred 3D Tiles tileset textured
 * from a 0.2 m orthophoto. Both carry the epoch's misregistration shift, like its survey.
 */
async function writeMeshEpoch(dir: string, district: GeneratedDistrict, finished: (file: string) => void): Promise<void> {
  const epoch = district.epochs[MESH_EPOCH - 1];
  const mesh = meshScene(epoch.scene, epoch.shift);
  const origin: [number, number, number] = [Math.floor(district.extent.minX / 100) * 100, Math.floor(district.extent.minY / 100) * 100, 0];
  await writeObjWithMetadata(join(dir, dirname(MESH_FILES.obj)), basename(MESH_FILES.obj), mesh, CRS.epsg, origin);
  finished(MESH_FILES.obj);
  const coarse = meshScene({ ...epoch.scene, buildings: [], trees: [], cars: [] }, epoch.shift);
  const ortho = renderOrthophoto(epoch.scene, district.options.seed, epoch.epoch, 0.2);
  await writeTileset(join(dir, dirname(MESH_FILES.tileset)), mesh, coarse, ortho, CRS.epsg, epoch.shift);
  finished(MESH_FILES.tileset);
}

/** Adjusted standard GPS time (GPS seconds − 1e9) of 10:00 China time on a date. */
function adjustedGpsTime(date: string): number {
  const unix = Date.parse(`${date}T02:00:00Z`) / 1000;
  const gpsEpoch = Date.parse('1980-01-06T00:00:00Z') / 1000;
  const leapSeconds = 18; // GPS − UTC since 2017
  return unix - gpsEpoch + leapSeconds - 1e9;
}

/** Whether a point is bare ground (no building, tree or car) in every epoch of the district. */
export function bareInEvery(district: GeneratedDistrict): (x: number, y: number) => boolean {
  const scenes = district.epochs.map((e) => new SceneIndex(e.scene));
  return (x, y) =>
    scenes.every((s) => {
      s.topAt(x, y);
      return s.hit === -1;
    });
}
