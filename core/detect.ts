import { classify } from './changes/classify';
import { traceFootprint } from './changes/footprint';
import { measure, type MeasureContext, type Measurement } from './changes/measure';
import { findCandidates } from './changes/segment';
import type { ChangeObject, ChangeType, PolygonCoords, SuppressedCandidate, UncertainArea } from './changes/types';
import { findUncertainAreas } from './changes/uncertain';
import { overviewPatch, patchAround, type HeightPatch } from './changes/patches';
import { describeCrs } from './geo/crs';
import { applyAlignment, estimateAlignment, type Alignment } from './diff/align';
import { observeEpochInWorker, type ObservedEpoch } from './diff/parallel';
import type { ColumnStats } from './diff/columns';
import { estimateGround } from './diff/ground';
import { cellCentre, makeGrid, type Grid } from './diff/grid';
import { metresPerUnit } from './io/inspect';
import { LasFormat, type LasFileInfo } from './io/las/reader';
import { SourceError, type Bounds3, type CrsInfo } from './io/types';
import { totalmem } from 'node:os';
import type { DetectOptions, DetectPhase } from './detect-options';

export type { DetectOptions, DetectPhase } from './detect-options';

export interface EpochInput {
  /** One or more LAS/LAZ files of the same survey. */
  files: string[];
  label?: string;
}

export const DEFAULT_OPTIONS: DetectOptions = {
  voxel: 0.5,
  minArea: 6,
  minVolume: 10,
  minHeight: 1.2,
  storeyHeight: 3,
  minCoverage: 0.5,
  align: true,
  minUncertainArea: 25,
};

export interface DetectHooks {
  onProgress?: (p: { phase: DetectPhase; done: number; total: number }) => void;
  signal?: AbortSignal;
  /** Further areas to return height windows for (e.g. open cases, to see whether they still stand). */
  watch?: { id: string; footprint: PolygonCoords[] }[];
}

export interface EpochSummary {
  label: string;
  files: { path: string; points: number; version: string; pointFormat: number; compressed: boolean }[];
  points: number;
  pointsInArea: number;
  crs: CrsInfo | null;
  bounds: Bounds3;
  densityPerM2: number;
  classificationUsed: boolean;
}

export interface DetectionResult {
  crs: CrsInfo | null;
  grid: Grid;
  epochs: [EpochSummary, EpochSummary];
  alignment: Alignment | null;
  changes: ChangeObject[];
  suppressed: SuppressedCandidate[];
  uncertain: UncertainArea[];
  parameters: DetectOptions;
  /** Height windows: one per change (by id), one per watched area, and a coarse one of the whole area. */
  views: { overview: HeightPatch; changes: Record<string, HeightPatch>; watched: Record<string, HeightPatch> };
  warnings: string[];
  timings: Record<string, number>;
}

/** An input problem with the run as a whole (not one file): CRS mismatch, no overlap. */
export class DetectionInputError extends Error {
  override name = 'DetectionInputError';
}

interface OpenedEpoch {
  label: string;
  files: LasFileInfo[];
  crs: CrsInfo | undefined;
  bounds: Bounds3;
  points: number;
}

/**
 * Finds building changes between two epochs: the one call the CLI, the app and later batch
 * engines share. Streams both epochs into voxel columns, models what each epoch saw, aligns
 * them, diffs the surfaces where both saw, and turns the differences into change objects.
 */
export async function detectChanges(
  before: EpochInput,
  after: EpochInput,
  opts: Partial<DetectOptions> = {},
  hooks: DetectHooks = {},
): Promise<DetectionResult> {
  const options: DetectOptions = { ...DEFAULT_OPTIONS, ...opts };
  validateOptions(options);
  const timings: Record<string, number> = {};
  const warnings: string[] = [];
  let t0 = performance.now();
  const lap = (name: string) => {
    const t = performance.now();
    timings[name] = Math.round(t - t0);
    t0 = t;
  };

  const [a, b] = [await openEpoch(before, 'before'), await openEpoch(after, 'after')];
  const crs = checkCrs(a, b, warnings);
  const area = overlap(a.bounds, b.bounds);
  if (!area) {
    throw new DetectionInputError(`the epochs do not overlap: before covers ${fmtBounds(a.bounds)}, after covers ${fmtBounds(b.bounds)}`);
  }
  const grid = makeGrid(area.minX, area.minY, area.maxX, area.maxY, options.voxel);
  checkMemory(grid, area, options.voxel);
  const zBase = Math.floor(Math.min(a.bounds.minZ, b.bounds.minZ) * heightUnitToMetres(crs, []));
  hooks.onProgress?.({ phase: 'open', done: 1, total: 1 });
  lap('open');

  const total = a.points + b.points;
  const zToMetres = heightUnitToMetres(crs, warnings);
  // One thread per epoch: both are read, binned and modelled at once.
  let readA = 0;
  let readB = 0;
  const report = () => hooks.onProgress?.({ phase: 'read', done: readA + readB, total });
  // If either epoch fails (or the caller cancels), the other thread is stopped too.
  const both = new AbortController();
  const cancel = () => both.abort();
  hooks.signal?.addEventListener('abort', cancel);
  if (hooks.signal?.aborted) both.abort();
  let ea: ObservedEpoch;
  let eb: ObservedEpoch;
  try {
    [ea, eb] = await Promise.all([
      observeEpochInWorker(
        { files: before.files, grid, zBase, zToMetres },
        { signal: both.signal, onPoints: (n) => ((readA = n), report()) },
      ),
      observeEpochInWorker(
        { files: after.files, grid, zBase, zToMetres },
        { signal: both.signal, onPoints: (n) => ((readB = n), report()) },
      ),
    ]);
  } catch (e) {
    both.abort();
    throw e;
  } finally {
    hooks.signal?.removeEventListener('abort', cancel);
  }
  lap('read_and_model');
  const [sa, sb] = [ea.surface, eb.surface];
  const [countsA, countsB, totalsA, totalsB] = [ea.counts, eb.counts, ea.totals, eb.totals];
  const [useClassesA, useClassesB] = [ea.useClasses, eb.useClasses];
  const gridArea = grid.nx * grid.ny * grid.cell * grid.cell;
  checkDensity(totalsA, gridArea, a.label, options.voxel, warnings);
  checkDensity(totalsB, gridArea, b.label, options.voxel, warnings);
  const ground = estimateGround(grid, [sa.low, sb.low]);
  hooks.onProgress?.({ phase: 'ground', done: 1, total: 1 });
  lap('ground');

  let alignment: Alignment | null = null;
  if (options.align) {
    alignment = estimateAlignment(sa, sb);
    applyAlignment(sb, alignment);
    if (alignment.stableCells < 100) warnings.push('too few stable surfaces to check the alignment of the epochs');
    else if (alignment.residualAfter.medianAbs > 0.15) {
      warnings.push(
        `the epochs still differ by ${alignment.residualAfter.medianAbs.toFixed(2)} m (median) on stable surfaces after alignment: check their registration`,
      );
    }
  }
  hooks.onProgress?.({ phase: 'align', done: 1, total: 1 });
  lap('align');

  // The lowest surfaces only served the ground model: the diff works in their memory.
  const { candidates, diff } = findCandidates(grid, sa, sb, options.minHeight, [sa.low, sb.low]);
  hooks.onProgress?.({ phase: 'diff', done: 1, total: 1 });
  lap('diff');

  const ctx: MeasureContext = { grid, a: sa, b: sb, countsA, countsB, diff, ground, threshold: options.minHeight };
  const changes: ChangeObject[] = [];
  const suppressed: SuppressedCandidate[] = [];
  const tolerance = options.voxel * 0.75;
  // Fewer cells than half the smallest reportable area can be neither a change nor worth
  // listing as suppressed: skip them before any measuring.
  const crumbCells = options.minArea / 2 / (grid.cell * grid.cell);
  candidates.forEach((c, i) => {
    if (hooks.signal?.aborted) throw abortError();
    if (c.cells.length + c.enclosedUnseen.length < crumbCells) return;
    const m = measure(c, ctx);
    const v = classify(m, ctx, options);
    const footprint = traceFootprint(m.cells, grid, tolerance);
    const centroid = centroidOf(m, grid);
    if (v.suppressed) {
      // Crumbs (a few cells) are not worth listing; everything else is, so every decision can be explained.
      if (m.areaM2 >= options.minArea / 2) {
        suppressed.push({
          reason: v.suppressed.reason,
          detail: v.suppressed.detail,
          footprint,
          centroid,
          area_m2: round(m.areaM2, 2),
          volume_m3: round(m.volumeM3, 1),
          height_change_mean_m: round(m.meanChange, 2),
        });
      }
    } else {
      changes.push(toChangeObject(m, v, footprint, centroid));
    }
    hooks.onProgress?.({ phase: 'objects', done: i + 1, total: candidates.length });
  });
  assignIds(changes);
  const uncertain = findUncertainAreas(grid, sa, sb, ground, options);
  const viewSources = { grid, before: sa.top, after: sb.top, ground };
  const views = {
    overview: overviewPatch(viewSources, 1024),
    changes: {} as Record<string, HeightPatch>,
    watched: {} as Record<string, HeightPatch>,
  };
  for (const c of changes) views.changes[c.id] = patchAround(viewSources, c.footprint, 10);
  for (const w of hooks.watch ?? []) views.watched[w.id] = patchAround(viewSources, w.footprint, 2);
  lap('objects');

  return {
    crs: crs ?? null,
    grid,
    epochs: [epochSummary(a, totalsA, gridArea, useClassesA), epochSummary(b, totalsB, gridArea, useClassesB)],
    alignment,
    changes,
    suppressed,
    uncertain,
    parameters: options,
    views,
    warnings,
    timings,
  };
}

function validateOptions(o: DetectOptions): void {
  const positive: (keyof DetectOptions)[] = ['voxel', 'minHeight', 'storeyHeight'];
  for (const k of positive) {
    if (!(typeof o[k] === 'number' && Number.isFinite(o[k]) && (o[k] as number) > 0))
      throw new DetectionInputError(`option ${k} must be a positive number (got ${o[k]})`);
  }
  if (o.voxel < 0.05 || o.voxel > 10) throw new DetectionInputError(`voxel size ${o.voxel} m is outside the sensible range 0.05–10 m`);
  for (const k of ['minArea', 'minVolume', 'minUncertainArea'] as const) {
    if (!(Number.isFinite(o[k]) && o[k] >= 0)) throw new DetectionInputError(`option ${k} must be zero or more (got ${o[k]})`);
  }
}

async function openEpoch(input: EpochInput, fallback: string): Promise<OpenedEpoch> {
  const label = input.label ?? fallback;
  if (input.files.length === 0) throw new DetectionInputError(`the ${label} epoch has no files`);
  // Only the headers are needed here: each file is closed as soon as its facts are read.
  const files: LasFileInfo[] = [];
  for (const path of input.files) files.push(await LasFormat.readInfo(path));
  const bounds: Bounds3 = { minX: Infinity, minY: Infinity, minZ: Infinity, maxX: -Infinity, maxY: -Infinity, maxZ: -Infinity };
  let crs: CrsInfo | undefined;
  let points = 0;
  for (const f of files) {
    const h = f.header;
    if (!f.headerBoundsPlausible) {
      throw new SourceError(f.file, 'its header bounds are not plausible; rewrite the file (e.g. with PDAL) so its header is correct');
    }
    points += h.pointCount;
    if (h.pointCount === 0) continue;
    bounds.minX = Math.min(bounds.minX, h.bounds.minX);
    bounds.minY = Math.min(bounds.minY, h.bounds.minY);
    bounds.minZ = Math.min(bounds.minZ, h.bounds.minZ);
    bounds.maxX = Math.max(bounds.maxX, h.bounds.maxX);
    bounds.maxY = Math.max(bounds.maxY, h.bounds.maxY);
    bounds.maxZ = Math.max(bounds.maxZ, h.bounds.maxZ);
    const c = f.crs;
    if (c?.epsg !== undefined && crs?.epsg !== undefined && c.epsg !== crs.epsg) {
      throw new DetectionInputError(`the ${label} epoch mixes CRSs: ${describeCrs(crs)} and ${describeCrs(c)} (${f.file})`);
    }
    crs ??= c;
  }
  if (points === 0) throw new DetectionInputError(`the ${label} epoch holds no points`);
  return { label, files, crs, bounds, points };
}

function checkCrs(a: OpenedEpoch, b: OpenedEpoch, warnings: string[]): CrsInfo | undefined {
  if (a.crs?.epsg !== undefined && b.crs?.epsg !== undefined && a.crs.epsg !== b.crs.epsg) {
    throw new DetectionInputError(
      `the epochs are in different coordinate systems: before is ${describeCrs(a.crs)}, after is ${describeCrs(b.crs)}; reproject one of them first`,
    );
  }
  if (!a.crs || !b.crs) warnings.push(`the ${!a.crs ? 'before' : 'after'} epoch declares no CRS; assuming it matches the other`);
  const crs = a.crs ?? b.crs;
  const unit = metresPerUnit(crs);
  if (crs && unit !== null && unit !== 1) {
    throw new DetectionInputError(
      `the epochs use ${crs.unit} (${describeCrs(crs)}); VoxWatch measures in metres: reproject to a metric CRS first`,
    );
  }
  if (crs?.unit?.toLowerCase().startsWith('degree')) {
    throw new DetectionInputError(
      `the epochs are in geographic coordinates (${describeCrs(crs)}); reproject to a projected metric CRS first`,
    );
  }
  return crs;
}

/** Bytes a run needs per grid cell at its peak (both epochs' statistics and surfaces, the diff). */
const BYTES_PER_CELL = 220;

/**
 * One grid covers the whole compared area today, so refuse a run that cannot fit in memory up
 * front, with a voxel size that would, rather than failing hours later or taking the machine down.
 */
function checkMemory(grid: Grid, area: Bounds3, voxel: number): void {
  const cells = grid.nx * grid.ny;
  const budget = Math.min(totalmem() * 0.6, 2 ** 31 * 4);
  const needed = cells * BYTES_PER_CELL;
  if (needed <= budget && cells < 2 ** 30) return;
  const fits = Math.ceil(voxel * Math.sqrt(needed / budget) * 4) / 4;
  throw new DetectionInputError(
    `the compared area (${fmtBounds(area)}, ${(((area.maxX - area.minX) * (area.maxY - area.minY)) / 1e6).toFixed(2)} km²) needs about ${(needed / 2 ** 30).toFixed(1)} GiB at ${voxel} m voxels, more than this machine can give; use --voxel ${fits} or split the area`,
  );
}

/** Heights in feet (a US vertical datum, say) are converted so every threshold stays in metres. */
function heightUnitToMetres(crs: CrsInfo | undefined, warnings: string[]): number {
  const unit = crs?.verticalUnit?.toLowerCase() ?? '';
  const factor = unit.includes('us') && unit.includes('f') ? 1200 / 3937 : unit.includes('foot') || unit.includes('feet') ? 0.3048 : 1;
  if (factor !== 1) warnings.push(`heights are in ${crs!.verticalUnit}; converted to metres (heights and volumes are reported in metres)`);
  return factor;
}

function overlap(a: Bounds3, b: Bounds3): Bounds3 | null {
  const o = {
    minX: Math.max(a.minX, b.minX),
    minY: Math.max(a.minY, b.minY),
    minZ: Math.min(a.minZ, b.minZ),
    maxX: Math.min(a.maxX, b.maxX),
    maxY: Math.min(a.maxY, b.maxY),
    maxZ: Math.max(a.maxZ, b.maxZ),
  };
  return o.maxX - o.minX > 1 && o.maxY - o.minY > 1 ? o : null;
}

const fmtBounds = (b: Bounds3) => `x ${b.minX.toFixed(1)}–${b.maxX.toFixed(1)}, y ${b.minY.toFixed(1)}–${b.maxY.toFixed(1)}`;

/** Points per m² over the compared area (surveys cover it whole, so this is the real density). */
function densityOf(t: ColumnStats['totals'], gridArea: number): number {
  return (t.points - t.outside - t.noise) / Math.max(1e-9, gridArea);
}

/** A cell needs a handful of points to hold a surface; below that, say which voxel would work. */
function checkDensity(totals: ColumnStats['totals'], gridArea: number, label: string, voxel: number, warnings: string[]): void {
  const density = densityOf(totals, gridArea);
  const perCell = density * voxel * voxel;
  if (perCell < 4) {
    const better = Math.ceil(Math.sqrt(6 / Math.max(density, 1e-6)) * 4) / 4;
    warnings.push(
      `the ${label} epoch has about ${density.toFixed(1)} points/m², only ${perCell.toFixed(1)} per ${voxel} m cell: too sparse for this voxel size; use --voxel ${better} or more`,
    );
  }
  if (totals.points > 0 && totals.outside > 0.5 * totals.points) {
    warnings.push(`${Math.round((100 * totals.outside) / totals.points)} % of the ${label} epoch lies outside the area both epochs cover`);
  }
}

function epochSummary(e: OpenedEpoch, totals: ColumnStats['totals'], gridArea: number, classes: boolean): EpochSummary {
  return {
    label: e.label,
    files: e.files.map((f) => ({
      path: f.file,
      points: f.header.pointCount,
      version: f.header.version,
      pointFormat: f.header.pointFormat,
      compressed: f.header.compressed,
    })),
    points: e.points,
    pointsInArea: totals.points - totals.outside,
    crs: e.crs ?? null,
    bounds: e.bounds,
    densityPerM2: round(densityOf(totals, gridArea), 2),
    classificationUsed: classes,
  };
}

function centroidOf(m: Measurement, grid: Grid): [number, number] {
  // Weighted by how much of each cell the object covers, so partly covered edges do not pull it.
  let sx = 0;
  let sy = 0;
  let sw = 0;
  m.cells.forEach((k, i) => {
    const [x, y] = cellCentre(grid, k);
    const w = m.weights[i];
    sx += x * w;
    sy += y * w;
    sw += w;
  });
  if (sw === 0) {
    // Every edge weight vanished (a degenerate object): fall back to the plain cell centroid.
    const [cx, cy] = m.cells.reduce<[number, number]>(
      (acc, k) => {
        const [x, y] = cellCentre(grid, k);
        return [acc[0] + x, acc[1] + y];
      },
      [0, 0],
    );
    return [round(cx / m.cells.length, 2), round(cy / m.cells.length, 2)];
  }
  return [round(sx / sw, 2), round(sy / sw, 2)];
}

function toChangeObject(
  m: Measurement,
  v: ReturnType<typeof classify>,
  footprint: ChangeObject['footprint'],
  centroid: [number, number],
): ChangeObject {
  const nullIfNaN = (x: number) => (Number.isNaN(x) ? null : round(x, 3));
  return {
    id: '',
    type: v.type,
    footprint,
    centroid,
    area_m2: round(m.areaM2, 2),
    volume_m3: round(m.volumeM3, 1),
    height_change_max_m: round(m.maxChange, 2),
    height_change_mean_m: round(m.meanChange, 2),
    storeys: v.storeys,
    ground_z: round(m.groundZ, 2),
    before_top_z: round(m.beforeTop, 2),
    after_top_z: round(m.afterTop, 2),
    before_height_m: round(m.beforeHeight, 2),
    after_height_m: round(m.afterHeight, 2),
    confidence: v.confidence,
    evidence: {
      pointsBefore: m.pointsBefore,
      pointsAfter: m.pointsAfter,
      coverage: round(m.coverage, 3),
      supportShare: round(m.supportShare, 3),
      greenness: nullIfNaN(m.greenness),
      roughness: nullIfNaN(m.roughness),
      planarShare: nullIfNaN(m.planarShare),
      curvedShare: nullIfNaN(m.curvedShare),
      verticalSpread: round(m.spread, 3),
      vegetationClassShare: nullIfNaN(m.vegetationClassShare),
      reasons: v.reasons,
    },
  };
}

/** Ids in reading order (north to south, west to east), so a report lists neighbours together. */
function assignIds(changes: ChangeObject[]): void {
  changes.sort((p, q) => q.centroid[1] - p.centroid[1] || p.centroid[0] - q.centroid[0]);
  const width = Math.max(3, String(changes.length).length);
  changes.forEach((c, i) => (c.id = `C${String(i + 1).padStart(width, '0')}`));
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function abortError(): Error {
  const e = new Error('cancelled');
  e.name = 'AbortError';
  return e;
}

export type { ChangeObject, ChangeType };
