import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { overviewFromParts, overviewStep, type HeightPatch } from './changes/patches';
import type { ChangeObject, ChangeType, PolygonCoords, SuppressedCandidate, UncertainArea } from './changes/types';
import { checkOrthophoto } from './changes/greenness';
import { describeCrs } from './geo/crs';
import { crsFromEpsg, Reprojector } from './geo/reproject';
import { bboxOf } from './geo/polygons';
import { estimateAlignment, MIN_POINTS, type Alignment } from './diff/align';
import type { ColumnStats } from './diff/columns';
import type { GroundModel } from './diff/ground';
import { makeGrid, type Grid } from './diff/grid';
import { median } from './diff/raster';
import { classesPlausible } from './diff/surfaces';
import { metresPerUnit } from './io/inspect';
import { describeSource, type EpochSourceInfo } from './io/formats';
import { SourceError, type Bounds3, type CrsInfo } from './io/types';
import { RunFolder, RunFolderError } from './tiles/checkpoint';
import { makeTileLayout, type Tile, type TileLayout } from './tiles/layout';
import { ParkedWindows } from './tiles/parked-windows';
import { WorkerPool } from './tiles/pool';
import { EpochCoarse, coarseGeometry } from './tiles/coarse';
import type { PartRecord } from './tiles/part-record';
import { planParts } from './tiles/parts';
import { BLOCK_FIELDS, type EpochTotals, type ScanJob, type ScanSource } from './tiles/scan';
import { partShare, readPartials, shareOf, writePartial } from './tiles/shard';
import { RECORD_BYTES } from './tiles/spill';
import type { EpochModel, TileInput, TileResult } from './tiles/tile-job';
import { WINDOW_BYTES_PER_CELL } from './tiles/tile-job';
import { mergeUncertain } from './tiles/seams';
import { surveyOrderWarning } from './detect-order';
import { chooseVoxel, FINEST_AUTO_VOXEL, MIN_POINTS_PER_CELL, voxelForDensity } from './detect-voxel';
import { TILE_CELLS_RANGE, VOXEL_RANGE, type DetectOptions, type DetectPhase } from './detect-options';

export type { DetectOptions, DetectPhase } from './detect-options';
export { RunFolderError } from './tiles/checkpoint';
export { parseShard, PartialError } from './tiles/shard';

export interface EpochInput {
  /** One or more source files of the same survey (any kind a reader in io/formats recognises). */
  files: string[];
  label?: string;
  /** The survey's orthophoto (GeoTIFF): vegetation evidence where the points carry no colour. */
  orthophoto?: string;
  /** EPSG code of the sources that declare no CRS (`--crs EPSG:4547`). */
  crs?: number;
  /** The survey's date (YYYY-MM-DD) when the caller knows it; else read from the points' GPS time. */
  date?: string;
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
  tileCells: 1536,
  halo: 64,
};

export interface DetectHooks {
  onProgress?: (p: { phase: DetectPhase; done: number; total: number }) => void;
  signal?: AbortSignal;
  /** Worker threads (default: one per core). The result does not depend on it. */
  workers?: number;
  /** Where the points are spilled per tile during the run (default: the OS temporary folder). */
  tempDir?: string;
  /**
   * A run folder: the run keeps its spill, finished parts and tiles there, so that an
   * interrupted run started again with the same folder resumes where it stopped (tiles/checkpoint.ts).
   */
  workDir?: string;
  /** Clear a run folder that belongs to other inputs or options instead of refusing it. */
  fresh?: boolean;
  /** Further areas to return height windows for (e.g. open cases, to see whether they still stand). */
  watch?: WatchArea[];
}

export interface WatchArea {
  id: string;
  footprint: PolygonCoords[];
}

export interface EpochSummary {
  label: string;
  files: { path: string; points: number; kind: string }[];
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
  /**
   * The compared area (where both epochs' extents overlap) and the part of it both epochs saw,
   * m²: a change can only be found there. Null for tiles of a run folder written before this was kept.
   */
  coverage: { compared_m2: number; seenByBoth_m2: number } | null;
  changes: ChangeObject[];
  suppressed: SuppressedCandidate[];
  uncertain: UncertainArea[];
  parameters: DetectOptions;
  /** Height windows for drawing: one per change (by id) and a coarse one of the whole area. */
  /** Height windows: one per change (by id), one per watched area (by its id), and a coarse one of the whole area. */
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
  files: EpochSourceInfo[];
  crs: CrsInfo | undefined;
  bounds: Bounds3;
  points: number;
  /** Set when the epoch's points are reprojected while read (`reproject`). */
  reproject?: { from: number; to: number };
}

/**
 * Finds building changes between two epochs: the one call the CLI, the app and later batch
 * engines share. Streams both epochs into voxel columns, models what each epoch saw, aligns
 * them, diffs the surfaces where both saw, and turns the differences into change objects.
 * With `hooks.workDir` the run is resumable: what it finished is kept there (tiles/checkpoint.ts).
 */
export async function detectChanges(
  before: EpochInput,
  after: EpochInput,
  opts: Partial<DetectOptions> = {},
  hooks: DetectHooks = {},
): Promise<DetectionResult> {
  const run = await openRun(before, after, opts, hooks);
  const pool = new WorkerPool(run.workers, hooks.signal);
  let parked: ParkedWindows | null = null;
  try {
    parked = await ParkedWindows.open(hooks.tempDir ?? tmpdir());
    const done = await finishedTiles(run, run.layout.tiles, parked);
    const plan = (await firstPass(run, pool, { needSpill: done.size < run.layout.tiles.length }))!;
    const results = await runTiles(run, plan, pool, run.layout.tiles, done, parked);
    // The workers' tile buffers go before the windows come back.
    await pool.stop();
    const result = finishRun(plan, await parked.restore(results), run.timings, run.lap);
    hooks.onProgress?.({ phase: 'objects', done: 1, total: 1 });
    // The result exists: the spill's disk can go (finished tiles stay, a rerun merges them at once).
    await run.folder?.dropSpill();
    return result;
  } finally {
    await pool.stop();
    await parked?.remove();
    if (!run.folder) await rm(run.spillDir, { recursive: true, force: true });
  }
}

/**
 * A sharded run's first step (`voxwatch detect --prepare`): the first pass into the run folder,
 * once for all shards. With `share`, only that share of the first-pass parts is read (so the
 * first pass itself can be fanned out); the plan is made by the call that finds every part done.
 */
export async function prepareDetection(
  before: EpochInput,
  after: EpochInput,
  opts: Partial<DetectOptions>,
  hooks: DetectHooks & { workDir: string },
  share?: { index: number; count: number },
): Promise<{ partsDone: number; parts: number; tiles: number | null }> {
  const run = await openRun(before, after, opts, hooks);
  const pool = new WorkerPool(run.workers, hooks.signal);
  try {
    const plan = await firstPass(run, pool, { needSpill: true, share });
    const parts = run.plans[0].length + run.plans[1].length;
    const partsDone = plan ? parts : await run.folder!.countParts(run.plans);
    return { partsDone, parts, tiles: plan ? run.layout.tiles.length : null };
  } finally {
    await pool.stop();
  }
}

/**
 * One shard's tiles of a prepared run (`voxwatch detect --shard i/N`), written as a partial
 * result to `outDir` for `mergeDetection`. Resumable like a whole run.
 */
export async function detectShard(
  before: EpochInput,
  after: EpochInput,
  opts: Partial<DetectOptions>,
  hooks: DetectHooks & { workDir: string },
  shard: { index: number; count: number },
  outDir: string,
): Promise<{ tiles: number[]; changes: number }> {
  const run = await openRun(before, after, opts, hooks);
  const folder = run.folder!;
  const plan = await folder.readPlan<RunPlan>();
  // An indexed part's blocks are in the plan: firstPass does not remake its record.
  if (!plan || (await folder.countParts(run.plans, (e, p) => !!plan.blocks[e][p])) < run.plans[0].length + run.plans[1].length) {
    throw new RunFolderError(
      `the run folder ${folder.dir} holds no prepared first pass (or its spill is gone): run voxwatch detect with --prepare and the same inputs and options first`,
    );
  }
  run.warnings.splice(0, run.warnings.length, ...plan.warnings);
  const tiles = shareOf(plan.tileRecords, shard.index, shard.count);
  const pool = new WorkerPool(run.workers, hooks.signal);
  try {
    const chosen = tiles.map((t) => run.layout.tiles[t]);
    const results = await runTiles(run, plan, pool, chosen, await finishedTiles(run, chosen));
    const { ground: _ground, blocks: _blocks, ...facts } = plan;
    await writePartial(outDir, { key: folder.key, shard, tiles, plan: facts }, (t) => folder.tileBytes(t));
    return { tiles, changes: results.reduce((n, r) => n + r.changes.length, 0) };
  } finally {
    await pool.stop();
  }
}

/** Joins the partial results of every shard into the run an unsharded detection gives (`voxwatch merge`). */
export async function mergeDetection(partDirs: string[]): Promise<DetectionResult> {
  const t0 = performance.now();
  const { plan, tiles } = await readPartials<MergePlan, TileResult>(
    partDirs,
    (p) => makeTileLayout(p.grid, p.options.tileCells, haloCellsOf(p.options)).tiles.length,
  );
  const timings: Record<string, number> = {};
  return finishRun(plan, tiles, timings, (name) => (timings[name] = Math.round(performance.now() - t0)));
}

/** Everything the first pass decides for the whole run: the tiles need it, the merge needs all but the ground. */
interface RunPlan {
  options: DetectOptions;
  crs: CrsInfo | null;
  grid: Grid;
  zBase: number;
  epochs: [EpochSummary, EpochSummary];
  models: [EpochModel, EpochModel];
  alignment: Alignment | null;
  ground: GroundModel;
  /** Warnings up to the end of the first pass (the merge adds its own). */
  warnings: string[];
  /** Spilled or indexed points per tile: the weights shards are balanced by. */
  tileRecords: number[];
  /** The blocks of each indexed part (null for a spilled part), per epoch: what the tiles read again. */
  blocks: (Float64Array | null)[][];
}

/** What a partial result of a shard keeps of the plan: all the merge needs. */
type MergePlan = Omit<RunPlan, 'ground' | 'blocks'>;

interface OpenRun {
  options: DetectOptions;
  hooks: DetectHooks;
  a: OpenedEpoch;
  b: OpenedEpoch;
  crs: CrsInfo | undefined;
  grid: Grid;
  layout: TileLayout;
  workers: number;
  zBase: number;
  zToMetres: number;
  plans: ScanSource[][][];
  /** Points in the files the plans read (those that meet the compared area). */
  readTotal: number;
  spillDir: string;
  folder: RunFolder | null;
  warnings: string[];
  timings: Record<string, number>;
  lap: (name: string) => void;
  /** Each epoch's orthophoto, when it has one (vegetation evidence, changes/greenness.ts). */
  orthophotos: [string | null, string | null];
  /** The voxel was chosen from the files' headers (none given). */
  voxelChosen: boolean;
}

const haloCellsOf = (o: DetectOptions) => Math.ceil(o.halo / o.voxel);

/** Opens both epochs, checks them, lays out the tiles, and opens (or checks) the run folder. */
async function openRun(before: EpochInput, after: EpochInput, opts: Partial<DetectOptions>, hooks: DetectHooks): Promise<OpenRun> {
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
  for (const [e, input] of [
    [a, before],
    [b, after],
  ] as const) {
    if (e.files.length < input.files.length) warnings.push(`the ${e.label} epoch names a file more than once: each is read once`);
  }
  // What the readers noticed in a file (an undeclared nodata value, colours they cannot decode…).
  for (const f of [...a.files, ...b.files]) for (const w of f.warnings) warnings.push(`${basename(f.file)}: ${w}`);
  // Before reprojection, which replaces an epoch's CRS but keeps its heights as they are.
  checkHeightUnits(a, b);
  planReprojection(a, b, options.reproject ?? false, warnings);
  const crs = checkCrs(a, b, warnings);
  for (const [e, input] of [a, b].map((e, i) => [e, [before, after][i]] as const)) {
    if (input.orthophoto) await checkOrthophoto(input.orthophoto, e.label, e.crs ?? crs, e.bounds, warnings);
    else if (gridSpacingOf(e) !== undefined) {
      warnings.push(`the ${e.label} epoch is a DSM without colour: trees are told from buildings by shape alone; give its orthophoto too`);
    }
  }
  const area = overlap(a.bounds, b.bounds);
  if (!area && intersects(a.bounds, b.bounds)) {
    // Bounds that meet but enclose less than a metre each way: nothing to compare, whatever the overlap.
    throw new DetectionInputError(
      `the epochs' common area is less than a metre across: before (${filesOf(a)}) covers ${fmtBounds(a.bounds)}, after (${filesOf(b)}) covers ${fmtBounds(b.bounds)}`,
    );
  }
  if (!area) {
    throw new DetectionInputError(
      `the epochs do not overlap: before (${filesOf(a)}) covers ${fmtBounds(a.bounds)}, after (${filesOf(b)}) covers ${fmtBounds(b.bounds)}`,
    );
  }
  checkEpochFiles(a, b, warnings);
  const backwards = await surveyOrderWarning({ ...a, date: before.date }, { ...b, date: after.date });
  if (backwards) warnings.push(backwards);
  if (opts.voxel === undefined) chooseRunVoxel(a, b, options, warnings);
  const grid = makeGrid(area.minX, area.minY, area.maxX, area.maxY, options.voxel);
  const workers = Math.max(1, Math.floor(hooks.workers ?? availableParallelism()));
  // The whole-area rasters first: a stray point 4,000 km away must not reach the layout's arrays.
  checkMemory(grid, null, area, options, workers);
  const layout = makeTileLayout(grid, options.tileCells, haloCellsOf(options));
  checkMemory(grid, layout, area, options, workers);
  const folder = hooks.workDir
    ? await RunFolder.open(
        hooks.workDir,
        // The orthophotos change the tiles' results: a run folder is for the same ones only.
        {
          epochs: [a.files, b.files],
          options,
          extra:
            before.orthophoto || after.orthophoto
              ? { watch: hooks.watch ?? [], orthophotos: [before.orthophoto, after.orthophoto] }
              : (hooks.watch ?? []),
        },
        hooks.fresh,
      )
    : null;
  const spillDir = folder ? folder.spillDir : await mkdtemp(join(hooks.tempDir ?? tmpdir(), 'voxwatch-tiles-'));
  try {
    // Uncompressed LAS is read again by the tiles, not spilled (unless it is in no spatial order: rare).
    const spilled = [a, b].reduce((n, e) => n + e.files.reduce((m, f) => m + (f.splittable && !e.reproject ? 0 : f.pointCount), 0), 0);
    await checkSpace(spillDir, layout, spilled, folder ? await folder.spillBytes() : 0);
  } catch (e) {
    if (!folder) await rm(spillDir, { recursive: true, force: true });
    throw e;
  }
  const zToMetres = heightUnitToMetres(crs, warnings);
  const zBase = Math.floor(Math.min(a.bounds.minZ, b.bounds.minZ) * zToMetres);
  hooks.onProgress?.({ phase: 'open', done: 1, total: 1 });
  lap('open');
  // The spatial index: files whose bounds miss the compared area are never read (bounds of an epoch being
  // reprojected are in its own CRS: all of its files are read).
  const [filesA, filesB] = [a, b].map((e) =>
    e.files.filter((f) => f.pointCount > 0 && (e.reproject !== undefined || intersects(f.bounds, area))),
  );
  const plans = [filesA, filesB].map((files, k) => {
    const reproject = [a, b][k].reproject;
    const userCrs = [before, after][k].crs;
    const crs = userCrs !== undefined ? `EPSG:${userCrs}` : undefined;
    return planParts(files).map((part) =>
      part.map((source) => ({ ...source, reproject, crs, rereadable: source.rereadable && !reproject })),
    );
  });
  const readTotal = [...filesA, ...filesB].reduce((n, f) => n + f.pointCount, 0);
  const orthophotos: [string | null, string | null] = [before.orthophoto ?? null, after.orthophoto ?? null];
  return {
    options,
    hooks,
    a,
    b,
    crs,
    grid,
    layout,
    workers,
    zBase,
    zToMetres,
    plans,
    readTotal,
    spillDir,
    folder,
    warnings,
    timings,
    lap,
    orthophotos,
    voxelChosen: opts.voxel === undefined,
  };
}

/**
 * The tiles of `tiles` the run folder already holds whole results of (none without a folder),
 * their windows parked when `parked` is given.
 */
async function finishedTiles(run: OpenRun, tiles: Tile[], parked?: ParkedWindows): Promise<Map<number, TileResult>> {
  const done = new Map<number, TileResult>();
  if (!run.folder) return done;
  for (const t of tiles) {
    const r = await run.folder.readTile<TileResult>(t.index);
    if (r && r.index === t.index) done.set(t.index, parked ? await parked.park(r) : r);
  }
  return done;
}

/**
 * The first pass: each epoch is read once, in parts spread over the workers; its points are
 * binned to their tiles' spill files and summed on the coarse grid; then the ground model, the
 * alignment and the typical densities are decided for the whole run. In a run folder, finished
 * parts are kept (their spill files and coarse sums) and the plan is saved; a resumed run reads
 * only the parts still missing (and none when the plan exists and no tile needs points).
 * Returns null when `share` left parts for other shards.
 */
async function firstPass(
  run: OpenRun,
  pool: WorkerPool,
  want: { needSpill: boolean; share?: { index: number; count: number } },
): Promise<RunPlan | null> {
  const { grid, layout, zBase, plans, folder, warnings, hooks, options, lap } = run;
  const saved = folder ? await folder.readPlan<RunPlan>() : null;
  if (saved) {
    run.warnings.splice(0, run.warnings.length, ...saved.warnings);
    if (!want.needSpill) return saved;
  }
  const total = run.readTotal;
  const read = plans.map((parts) => parts.map(() => 0));
  const report = () => hooks.onProgress?.({ phase: 'read', done: read.flat().reduce((s, n) => s + n, 0), total });
  const [sa, sb]: FirstPassSums[] = plans.map(() => ({ totals: emptyTotals(), coarse: new EpochCoarse(coarseGeometry(grid)) }));
  const blocks: (Float64Array | null)[][] = plans.map((parts) => parts.map(() => null));
  const mine = (e: number, p: number) =>
    !want.share || partShare(plans[0].length + plans[1].length, want.share.index, want.share.count).includes(e * plans[0].length + p);
  let missing = 0;
  await Promise.all(
    plans.flatMap((parts, e) =>
      parts.map(async (sources, p) => {
        const into = e === 0 ? sa : sb;
        // Once the plan is made, an indexed part's blocks (in the plan) are all its tiles need:
        // its record, the coarse sums that went into the plan, is not read again.
        const planned = saved?.blocks[e][p];
        if (planned) {
          blocks[e][p] = planned;
          read[e][p] = blockPoints(planned);
          return;
        }
        const kept = folder ? await folder.readPart<PartRecord>(e, p) : null;
        if (kept) {
          addPart(into, kept);
          blocks[e][p] = kept.blocks ?? null;
          read[e][p] = kept.totals.points;
          return;
        }
        if (!mine(e, p)) return void missing++;
        await folder?.resetPart(e, p);
        // Uncompressed LAS is indexed, not spilled: its tiles read their blocks of it again.
        const indexed = sources.every((s) => s.rereadable);
        const part = await pool.scan(scanJob(run, e, p, indexed), (n) => ((read[e][p] = n), report()));
        read[e][p] = part.totals.points;
        report();
        await folder?.finishPart(e, p, part);
        addPart(into, part);
        blocks[e][p] = part.blocks ?? null;
      }),
    ),
  );
  report();
  await spillScattered(run, pool, blocks);
  lap('read');
  if (saved) return saved;
  if (missing > 0) return null;
  const gridArea = grid.nx * grid.ny * grid.cell * grid.cell;
  checkDensity(sa.totals, gridArea, run.a, options.voxel, warnings);
  checkDensity(sb.totals, gridArea, run.b, options.voxel, warnings);
  if (run.voxelChosen) checkChosenVoxel([sa, sb], grid, options.voxel, warnings);
  const models: [EpochModel, EpochModel] = [epochModel(sa, run.a), epochModel(sb, run.b)];

  // The models that need the whole area, from the coarse statistics: one ground and one
  // vertical offset for every tile. The ground is worked out on a worker, which takes the
  // whole-area rasters with it; the alignment reads only the sampled cells.
  const c = sa.coarse;
  let alignment: Alignment | null = null;
  if (options.align) {
    // A DSM has one height a pixel: a 2 m cell of 1 m pixels holds four, all of it measured.
    const coarseSize = grid.cell * c.factor;
    const minPoints = [run.a, run.b].map((e) => {
      const pixel = gridSpacingOf(e);
      return pixel ? Math.max(2, Math.min(MIN_POINTS, Math.floor(0.75 * (coarseSize / pixel) ** 2))) : MIN_POINTS;
    }) as [number, number];
    alignment = estimateAlignment(sa.coarse.samples, sb.coarse.samples, c.step, minPoints);
    if (alignment.stableCells * (grid.cell * c.factor) ** 2 < MIN_STABLE_AREA) {
      // A shift from a handful of cells is noise, and its "residual" after would look perfect.
      alignment = null;
      warnings.push('too few stable surfaces to check the alignment of the epochs: no vertical shift applied');
    } else if (alignment.residualAfter.medianAbs > 0.15) {
      warnings.push(
        `the epochs still differ by ${alignment.residualAfter.medianAbs.toFixed(2)} m (median) on stable surfaces after alignment: check their registration`,
      );
    }
    if (alignment && Math.abs(alignment.dz) > 1) {
      warnings.push(
        `the later epoch lay ${Math.abs(alignment.dz).toFixed(2)} m ${alignment.dz < 0 ? 'above' : 'below'} the earlier one on its stable surfaces: are their heights on different datums (ellipsoidal against orthometric)? The shift was removed`,
      );
    }
  }
  // The ground is one for both epochs: the later one's lowest heights join it already shifted.
  if (alignment?.dz) shiftLows(sb.coarse, alignment.dz);
  hooks.onProgress?.({ phase: 'align', done: 1, total: 1 });
  lap('align');
  const lows = (e: EpochCoarse) => ({ min1: e.min1, min2: e.min2, count8: e.count8 });
  const ground = await pool.ground({
    epochs: [lows(sa.coarse), lows(sb.coarse)],
    cx: c.cx,
    cy: c.cy,
    cell: grid.cell,
    factor: c.factor,
    zBase,
  });
  hooks.onProgress?.({ phase: 'ground', done: 1, total: 1 });
  lap('ground');
  const plan: RunPlan = {
    options,
    crs: run.crs ?? null,
    grid,
    zBase,
    epochs: [
      epochSummary(run.a, sa.totals, gridArea, models[0].useClasses),
      epochSummary(run.b, sb.totals, gridArea, models[1].useClasses),
    ],
    models,
    alignment,
    ground,
    warnings: [...warnings],
    tileRecords: folder ? addBlockRecords(await folder.spillRecords(layout.tiles.length, RECORD_BYTES), layout, blocks) : [],
    blocks,
  };
  await folder?.writePlan(plan);
  return plan;
}

/**
 * The second pass: the tiles, independent of each other, on every worker. Tiles in `done` are
 * taken as they are; in a run folder each finished tile is saved as soon as it arrives. With
 * `parked`, each result's windows are put on disk as it arrives (ParkedWindows.restore brings them back).
 */
async function runTiles(
  run: OpenRun,
  plan: RunPlan,
  pool: WorkerPool,
  tiles: Tile[],
  done: Map<number, TileResult>,
  parked?: ParkedWindows,
): Promise<TileResult[]> {
  const { layout, hooks, folder } = run;
  const ground = shareGround(plan.ground);
  const step = overviewStep(plan.grid, OVERVIEW_SIDE);
  let finished = done.size;
  const results = await Promise.all(
    tiles.map(async (tile) => {
      const kept = done.get(tile.index);
      if (kept) return kept;
      const r = await pool.tile({
        tile,
        grid: plan.grid,
        zBase: plan.zBase,
        inputs: [0, 1].map((e) => tileInputs(run, plan.blocks[e], e, tile)) as [TileInput[], TileInput[]],
        zToMetres: run.zToMetres,
        // In a run folder the spill outlives the tile: a damaged result can be redone from it.
        keepSpills: folder !== null,
        windowCells: layout.maxWindowCells,
        epochs: plan.models,
        dz: plan.alignment?.dz ?? 0,
        ground,
        options: plan.options,
        overviewStep: step,
        watch: (hooks.watch ?? []).filter((w) => ownsArea(tile, plan.grid, w.footprint)),
        orthophotos: run.orthophotos,
      });
      await folder?.writeTile(tile.index, r);
      hooks.onProgress?.({ phase: 'diff', done: ++finished, total: tiles.length });
      return parked ? parked.park(r) : r;
    }),
  );
  run.lap('tiles');
  return results;
}

/** The tiles' results as the run's result (the same whether they come from one run, a resumed one, or shards). */
function finishRun(plan: MergePlan, results: TileResult[], timings: Record<string, number>, lap: (name: string) => void): DetectionResult {
  const warnings = [...plan.warnings];
  const grid = plan.grid;
  const layout = makeTileLayout(grid, plan.options.tileCells, haloCellsOf(plan.options));
  const step = overviewStep(grid, OVERVIEW_SIDE);
  const merged = mergeTiles(results, layout, plan.options, warnings);
  const watched = Object.assign({}, ...results.map((r) => r.watched)) as Record<string, HeightPatch>;
  const views = { overview: overviewFromParts(grid, step, merged.overview), changes: merged.patches, watched };
  const coverage = coverageOf(results, grid);
  if (coverage && coverage.seenByBoth_m2 < 0.5 * coverage.compared_m2) {
    const share = Math.round((100 * coverage.seenByBoth_m2) / coverage.compared_m2);
    warnings.push(
      `both epochs saw only ${share} % of the compared area at ${grid.cell} m voxels: no change can be found in the rest (water returns nothing; sparse points need a larger voxel)`,
    );
  }
  lap('merge');
  return {
    crs: plan.crs,
    grid,
    epochs: plan.epochs,
    alignment: plan.alignment,
    coverage,
    changes: merged.changes,
    suppressed: merged.suppressed,
    uncertain: merged.uncertain,
    parameters: plan.options,
    views,
    warnings,
    timings,
  };
}

/** Points per block of an indexed part: what a tile reads or skips (about 50–60 m of a survey at 20 points/m²). */
const BLOCK_POINTS = 65_536;

/**
 * An indexed part whose tiles would read it, all told, more than this many times over is spilled
 * instead (a file in no spatial order: every block spans many tiles).
 */
const MAX_REREAD = 3;

/** The first-pass job of part p of epoch e: indexed (blocks) or spilled (one file per tile). */
function scanJob(run: OpenRun, e: number, p: number, indexed: boolean): ScanJob {
  const { grid, layout, zBase, zToMetres } = run;
  return {
    sources: run.plans[e][p],
    grid,
    tileCells: layout.tileCells,
    haloCells: layout.haloCells,
    zBase,
    zToMetres,
    spillPaths: indexed ? [] : layout.tiles.map((t) => join(run.spillDir, `e${e}-p${p}-t${t.index}.bin`)),
    blockPoints: indexed ? BLOCK_POINTS : undefined,
  };
}

/** The points of an indexed part (its blocks' counts). */
function blockPoints(b: Float64Array): number {
  let n = 0;
  for (let k = 0; k < b.length; k += BLOCK_FIELDS) n += b[k + 2];
  return n;
}

/** The tile rows and columns a block's cell rectangle reaches (none for an empty block). */
function tilesReached(layout: TileLayout, b: Float64Array, k: number): { tx0: number; tx1: number; ty0: number; ty1: number } | null {
  const [x0, y0, x1, y1] = [b[k + 3], b[k + 4], b[k + 5], b[k + 6]];
  if (x1 < x0) return null;
  return { tx0: layout.xLo[x0], tx1: layout.xHi[x1], ty0: layout.yLo[y0], ty1: layout.yHi[y1] };
}

/**
 * Indexed parts that tiles would read more than MAX_REREAD times over are read again now,
 * spilled: rereading them in every tile would cost more than the spill. That happens with tiles
 * small against a block, or with a file in no spatial order (its blocks spanning much of the
 * area): the user is told of such files, and how to make them faster.
 */
async function spillScattered(run: OpenRun, pool: WorkerPool, blocks: (Float64Array | null)[][]): Promise<void> {
  const scattered = new Set<string>();
  const cells = run.grid.nx * run.grid.ny;
  const jobs = blocks.flatMap((parts, e) =>
    parts.map(async (b, p) => {
      if (!b) return;
      let [points, reads, spans] = [0, 0, 0];
      for (let k = 0; k < b.length; k += BLOCK_FIELDS) {
        points += b[k + 2];
        const t = tilesReached(run.layout, b, k);
        if (!t) continue;
        reads += b[k + 2] * (t.tx1 - t.tx0 + 1) * (t.ty1 - t.ty0 + 1);
        spans += (b[k + 2] * ((b[k + 5] - b[k + 3] + 1) * (b[k + 6] - b[k + 4] + 1))) / cells;
      }
      if (reads <= MAX_REREAD * points) return;
      // A block of an ordered survey covers a small patch; of a shuffled one, most of the area.
      if (spans > 0.25 * points) for (const s of run.plans[e][p]) scattered.add(s.path);
      const record = await pool.scan(scanJob(run, e, p, false));
      await run.folder?.finishPart(e, p, record);
      parts[p] = null;
    }),
  );
  await Promise.all(jobs);
  for (const file of scattered) {
    run.warnings.push(
      `${file} is in no spatial order (runs of its points span much of the area), so it was spilled to temporary disk tile by tile rather than read again by each tile: sorting it spatially (e.g. PDAL's filters.mortonorder) makes detection faster`,
    );
  }
}

/** Spilled points per tile plus the points of the indexed blocks that reach each tile. */
function addBlockRecords(records: number[], layout: TileLayout, blocks: (Float64Array | null)[][]): number[] {
  for (const b of blocks.flat()) {
    for (let k = 0; b && k < b.length; k += BLOCK_FIELDS) {
      const t = tilesReached(layout, b, k);
      for (let ty = t?.ty0 ?? 0; t && ty <= t.ty1; ty++) for (let tx = t.tx0; tx <= t.tx1; tx++) records[ty * layout.ntx + tx] += b[k + 2];
    }
  }
  return records;
}

/**
 * Where a tile's points of epoch e come from, part by part in file order: the part's spill file,
 * or the point ranges of the indexed part's blocks that reach the tile (adjacent blocks joined).
 */
function tileInputs(run: OpenRun, blocks: (Float64Array | null)[], e: number, tile: Tile): TileInput[] {
  const [tx, ty] = [tile.index % run.layout.ntx, Math.floor(tile.index / run.layout.ntx)];
  return run.plans[e].map((sources, p): TileInput => {
    const b = blocks[p];
    if (!b) return { spill: join(run.spillDir, `e${e}-p${p}-t${tile.index}.bin`) };
    const ranges: { first: number; count: number }[][] = sources.map(() => []);
    for (let k = 0; k < b.length; k += BLOCK_FIELDS) {
      const t = tilesReached(run.layout, b, k);
      if (!t || tx < t.tx0 || tx > t.tx1 || ty < t.ty0 || ty > t.ty1) continue;
      const [source, first, count] = [b[k], b[k + 1], b[k + 2]];
      const last = ranges[source].at(-1);
      if (last && last.first + last.count === first) last.count += count;
      else ranges[source].push({ first, count });
    }
    return { las: sources.map((s, i) => ({ path: s.path, ranges: ranges[i] })).filter((r) => r.ranges.length > 0) };
  });
}

/** An epoch's first pass, added up part by part. */
interface FirstPassSums {
  totals: EpochTotals;
  coarse: EpochCoarse;
}

function addPart(into: FirstPassSums, r: PartRecord): void {
  for (const k of Object.keys(into.totals) as (keyof EpochTotals)[]) into.totals[k] += r.totals[k];
  into.coarse.add(r);
}

const emptyTotals = (): EpochTotals => ({ points: 0, outside: 0, classified: 0, noise: 0, vegetation: 0, ground: 0 });

/** A watched area belongs to the tile whose core holds the centre of its bounding box (outside the grid: to none). */
function ownsArea(tile: Tile, grid: Grid, footprint: PolygonCoords[]): boolean {
  const b = bboxOf(footprint);
  const i = Math.floor(((b.minX + b.maxX) / 2 - grid.x0) / grid.cell);
  const j = Math.floor(((b.minY + b.maxY) / 2 - grid.y0) / grid.cell);
  return i >= tile.core.x0 && i < tile.core.x1 && j >= tile.core.y0 && j < tile.core.y1;
}

/** Smallest stable area that makes the vertical alignment worth trusting, m². */
const MIN_STABLE_AREA = 25;

/** Adds the vertical alignment to an epoch's coarse lowest heights (empty cells stay empty). */
function shiftLows(e: EpochCoarse, dz: number): void {
  for (let i = 0; i < e.min1.length; i++) {
    e.min1[i] += dz;
    e.min2[i] += dz;
  }
}
/** Longest side of the overview, cells. */
const OVERVIEW_SIDE = 1024;

/** Typical points per grid cell (from the coarse counts) and whether the file's classes are trusted. */
function epochModel(s: FirstPassSums, e: OpenedEpoch): EpochModel {
  const { samples, factor } = s.coarse;
  const per = factor * factor;
  const sample: number[] = [];
  for (const n of samples.count) if (n > 0) sample.push(n / per);
  const model: EpochModel = { typicalCount: sample.length ? median(sample) : 0, useClasses: classesPlausible(s.totals) };
  // A DSM's point is a measured pixel of surface, not one sample among many (see buildSurface).
  if (gridSpacingOf(e) !== undefined) model.gridded = true;
  return model;
}

/** The coarsest pixel of an epoch made only of gridded height sources (DSMs); undefined otherwise. */
function gridSpacingOf(e: OpenedEpoch): number | undefined {
  if (!e.files.every((f) => f.gridSpacing !== undefined || f.pointCount === 0)) return undefined;
  return Math.max(...e.files.map((f) => f.gridSpacing ?? 0));
}

/** The ground model in shared memory: every tile job reads it, none copies it (a resumed run's plan holds a copy). */
function shareGround(m: GroundModel): GroundModel {
  if (m.values.buffer instanceof SharedArrayBuffer) return m;
  const values = new Float32Array(new SharedArrayBuffer(m.values.byteLength));
  values.set(m.values);
  return { ...m, values };
}

/**
 * The tiles' reports as one result: changes get their ids (reading order), and every list is
 * sorted by position, so nothing depends on the order in which tiles finished.
 */
function mergeTiles(results: TileResult[], layout: TileLayout, options: DetectOptions, warnings: string[]) {
  results.sort((p, q) => p.index - q.index);
  const pairs = results.flatMap((r) => r.changes.map((change, i) => ({ change, patch: r.patches[i] })));
  const changes = pairs.map((p) => p.change);
  assignIds(changes);
  const patches: Record<string, HeightPatch> = {};
  for (const p of pairs) patches[p.change.id] = p.patch;
  const byPlace = (p: { centroid: [number, number] }, q: { centroid: [number, number] }) =>
    q.centroid[1] - p.centroid[1] || p.centroid[0] - q.centroid[0];
  const suppressed = results.flatMap((r) => r.suppressed).sort(byPlace);
  const uncertain = mergeUncertain(
    results.flatMap(takeUncertain),
    results.flatMap((r) => r.seamPieces),
    layout,
    options,
  ).sort((p, q) => p.unseenIn.localeCompare(q.unseenIn) || byPlace(p, q));
  const cut = results.reduce((n, r) => n + r.cut, 0);
  if (cut > 0) {
    warnings.push(
      `${cut} object${cut > 1 ? 's' : ''} reach${cut > 1 ? '' : 'es'} beyond a tile's ${options.halo} m halo and may be cut at a tile seam: rerun with a larger halo`,
    );
  }
  return { changes, patches, suppressed, uncertain, overview: results.map((r) => r.overview) };
}

function coverageOf(results: TileResult[], grid: Grid): DetectionResult['coverage'] {
  // Tile results kept by a run folder of an earlier version lack the counts.
  if (results.some((r) => r.coreCells === undefined)) return null;
  const cellArea = grid.cell * grid.cell;
  return {
    compared_m2: Math.round(results.reduce((n, r) => n + r.coreCells, 0) * cellArea),
    seenByBoth_m2: Math.round(results.reduce((n, r) => n + r.seenByBoth, 0) * cellArea),
  };
}

/**
 * A tile's uncertain areas as objects, its text let go at once (the result is consumed: at the
 * end of a wide run every tile's text is parsed, and each can go as soon as it is).
 */
function takeUncertain(r: TileResult): UncertainArea[] {
  const areas = JSON.parse(r.uncertainJson) as UncertainArea[];
  r.uncertainJson = '';
  return areas;
}

const { min: MIN_VOXEL, max: MAX_VOXEL } = VOXEL_RANGE;

function validateOptions(o: DetectOptions): void {
  const positive: (keyof DetectOptions)[] = ['voxel', 'minHeight', 'storeyHeight'];
  for (const k of positive) {
    if (!(typeof o[k] === 'number' && Number.isFinite(o[k]) && (o[k] as number) > 0))
      throw new DetectionInputError(`option ${k} must be a positive number (got ${o[k]})`);
  }
  if (o.voxel < MIN_VOXEL || o.voxel > MAX_VOXEL) {
    throw new DetectionInputError(`voxel size ${o.voxel} m is outside the sensible range ${MIN_VOXEL}–${MAX_VOXEL} m`);
  }
  const tiles = TILE_CELLS_RANGE;
  if (!(Number.isInteger(o.tileCells) && o.tileCells >= tiles.min && o.tileCells <= tiles.max)) {
    throw new DetectionInputError(
      `option tileCells must be a whole number of cells from ${tiles.min} to ${tiles.max} (got ${o.tileCells})`,
    );
  }
  if (!(Number.isFinite(o.halo) && o.halo >= 0 && o.halo / o.voxel <= 1024)) {
    throw new DetectionInputError(`option halo must be from 0 to 1024 cells' worth of metres (got ${o.halo} m at ${o.voxel} m voxels)`);
  }
  for (const k of ['minArea', 'minVolume', 'minUncertainArea'] as const) {
    if (!(Number.isFinite(o[k]) && o[k] >= 0)) throw new DetectionInputError(`option ${k} must be zero or more (got ${o[k]})`);
  }
}

async function openEpoch(input: EpochInput, fallback: string): Promise<OpenedEpoch> {
  const label = input.label ?? fallback;
  if (input.files.length === 0) throw new DetectionInputError(`the ${label} epoch has no files`);
  // Only the headers are needed here: each file is closed as soon as its facts are read.
  const files: EpochSourceInfo[] = [];
  // A file named twice (a list, a folder and one of its files…) is read once.
  for (const path of [...new Map(input.files.map((f) => [resolve(f), f])).values()]) {
    // A model without a CRS of its own is placed in the one the user named (a point cloud keeps its own).
    const info = await describeSource(path, input.crs !== undefined ? { crs: `EPSG:${input.crs}` } : undefined);
    // A source that declares no CRS takes the one the user named for it.
    files.push(!info.crs && input.crs !== undefined ? { ...info, crs: assumedCrs(input.crs) } : info);
  }
  const bounds: Bounds3 = { minX: Infinity, minY: Infinity, minZ: Infinity, maxX: -Infinity, maxY: -Infinity, maxZ: -Infinity };
  let crs: CrsInfo | undefined;
  let points = 0;
  for (const f of files) {
    if (!f.boundsPlausible) {
      throw new SourceError(f.file, 'its header bounds are not plausible; rewrite the file (e.g. with PDAL) so its header is correct');
    }
    points += f.pointCount;
    if (f.pointCount === 0) continue;
    bounds.minX = Math.min(bounds.minX, f.bounds.minX);
    bounds.minY = Math.min(bounds.minY, f.bounds.minY);
    bounds.minZ = Math.min(bounds.minZ, f.bounds.minZ);
    bounds.maxX = Math.max(bounds.maxX, f.bounds.maxX);
    bounds.maxY = Math.max(bounds.maxY, f.bounds.maxY);
    bounds.maxZ = Math.max(bounds.maxZ, f.bounds.maxZ);
    const c = f.crs;
    if (c?.epsg !== undefined && crs?.epsg !== undefined && c.epsg !== crs.epsg) {
      throw new DetectionInputError(`the ${label} epoch mixes CRSs: ${describeCrs(crs)} and ${describeCrs(c)} (${f.file})`);
    }
    crs ??= c;
  }
  if (points === 0) throw new DetectionInputError(`the ${label} epoch (${filesOf({ files })}) holds no points`);
  return { label, files, crs, bounds, points };
}

/**
 * With `reproject`, an epoch whose CRS differs from the other's is read into the other's: the
 * earlier epoch's, unless only the later one is metric and projected (the earlier in degrees or
 * feet). Its bounds are reprojected now; its points while they are read (tiles/scan.ts).
 */
function planReprojection(a: OpenedEpoch, b: OpenedEpoch, reproject: boolean, warnings: string[]): void {
  if (!reproject) return;
  const missing = [a, b].find((e) => e.crs?.epsg === undefined);
  if (missing) {
    throw new DetectionInputError(
      `the ${missing.label} epoch declares no CRS, so it cannot be reprojected: name its CRS, e.g. pass --crs EPSG:4547`,
    );
  }
  if (a.crs!.epsg === b.crs!.epsg) return;
  // Into a metric projected CRS when only one epoch is in one (the other in degrees or feet).
  const metric = (e: OpenedEpoch) => metresPerUnit(e.crs) === 1 && !e.crs?.unit?.toLowerCase().startsWith('degree');
  const [target, moved] = !metric(a) && metric(b) ? [b, a] : [a, b];
  let reprojector: Reprojector;
  try {
    reprojector = new Reprojector(moved.crs!.epsg!, target.crs!.epsg!);
  } catch (e) {
    throw new DetectionInputError(`cannot reproject the ${moved.label} epoch: ${(e as Error).message}`);
  }
  warnings.push(
    `the ${moved.label} epoch was reprojected from ${describeCrs(moved.crs)} to ${describeCrs(target.crs)} (horizontal only: heights kept as they are)`,
  );
  moved.files = moved.files.map((f) => ({ ...f, bounds: f.pointCount > 0 ? reprojector.bounds(f.bounds) : f.bounds, crs: target.crs }));
  moved.bounds = reprojector.bounds(moved.bounds);
  moved.crs = target.crs;
  moved.reproject = { from: reprojector.from, to: reprojector.to };
}

function assumedCrs(epsg: number): CrsInfo {
  try {
    return crsFromEpsg(epsg);
  } catch (e) {
    throw new DetectionInputError((e as Error).message);
  }
}

/** An epoch's files by name, for messages: the first two, then how many more. */
function filesOf(e: Pick<OpenedEpoch, 'files'>): string {
  const names = e.files.map((f) => basename(f.file));
  return names.length <= 2 ? names.join(', ') : `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
}

/**
 * Warns of inputs that are probably a mistake: the same files as both epochs (nothing can
 * change), a file in both, and a file of an epoch that lies wholly outside the other epoch (a tile of another
 * area, or a file at the wrong coordinates: it widens the epoch and adds nothing to compare).
 */
function checkEpochFiles(a: OpenedEpoch, b: OpenedEpoch, warnings: string[]): void {
  const paths = (e: OpenedEpoch) =>
    e.files
      .map((f) => resolve(f.file))
      .sort()
      .join('\n');
  if (paths(a) === paths(b)) warnings.push(`the before and after epochs are the same file(s) (${filesOf(a)}): nothing can have changed`);
  else {
    // One file in both (a folder holding both surveys, say): its points hide every change under them.
    const later = new Set(b.files.map((f) => resolve(f.file)));
    const shared = a.files.filter((f) => later.has(resolve(f.file))).map((f) => f.file);
    if (shared.length > 0) {
      warnings.push(
        `${shared.length === 1 ? `${shared[0]} is` : `${shared.length} files (${shared.slice(0, 2).join(', ')}${shared.length > 2 ? '…' : ''}) are`} in both epochs: no change can be found where ${shared.length === 1 ? 'it covers' : 'they cover'}`,
      );
    }
  }
  for (const [e, other] of [
    [a, b],
    [b, a],
  ] as const) {
    if (e.files.length < 2) continue;
    for (const f of e.files) {
      if (f.pointCount > 0 && !overlap(f.bounds, other.bounds)) {
        warnings.push(`${f.file} (in the ${e.label} epoch) lies wholly outside the ${other.label} epoch, at ${fmtBounds(f.bounds)}`);
      }
    }
  }
}

/**
 * One factor converts both epochs' heights: epochs in different height units would differ by
 * hundreds of metres everywhere, read as one huge change. An epoch's heights are in its vertical
 * CRS's unit, or, when it declares none, its horizontal one's (metres for a metric grid).
 */
function checkHeightUnits(a: OpenedEpoch, b: OpenedEpoch): void {
  if (!a.crs || !b.crs) return;
  const factor = (c: CrsInfo) => (c.verticalUnit ? heightFactor(c) : (metresPerUnit(c) ?? 1));
  if (Math.abs(factor(a.crs) - factor(b.crs)) < 1e-9) return;
  const unitOf = (c: CrsInfo) => c.verticalUnit ?? c.unit ?? 'metre';
  throw new DetectionInputError(
    `the epochs give heights in different units: before (${filesOf(a)}) in ${unitOf(a.crs)}, after (${filesOf(b)}) in ${unitOf(b.crs)}; convert one epoch's heights first (e.g. pdal translate with a filters.assign scaling Z)`,
  );
}

function checkCrs(a: OpenedEpoch, b: OpenedEpoch, warnings: string[]): CrsInfo | undefined {
  if (a.crs?.epsg !== undefined && b.crs?.epsg !== undefined && a.crs.epsg !== b.crs.epsg) {
    throw new DetectionInputError(
      `the epochs are in different coordinate systems: before (${filesOf(a)}) is ${describeCrs(a.crs)}, after (${filesOf(b)}) is ${describeCrs(b.crs)}; reproject one of them first, or pass --reproject`,
    );
  }
  if (!a.crs || !b.crs) {
    const e = !a.crs ? a : b;
    warnings.push(`the ${e.label} epoch (${filesOf(e)}) declares no CRS; assuming it matches the other (name it with --crs EPSG:xxxx)`);
  }
  const crs = a.crs ?? b.crs;
  const unit = metresPerUnit(crs);
  if (crs && unit !== null && unit !== 1) {
    throw new DetectionInputError(
      `the epochs use ${crs.unit} (${describeCrs(crs)}); VoxWatch measures in metres: reproject to a metric CRS first (or, when the other epoch is metric, pass --reproject)`,
    );
  }
  if (crs?.unit?.toLowerCase().startsWith('degree')) {
    throw new DetectionInputError(
      `the epochs are in geographic coordinates (${describeCrs(crs)}); reproject to a projected metric CRS first (or, when the other epoch is projected, pass --reproject)`,
    );
  }
  return crs;
}

/**
 * Bytes per coarse cell of the whole-area rasters at their largest: both epochs' lowest heights
 * and counts (9 bytes each, tiles/coarse.ts), then the ground filter's rasters on its workers.
 */
const BYTES_PER_COARSE_CELL = 2 * 9 + 32;

/**
 * Only the coarse rasters cover the whole area; each worker holds one tile window at a time.
 * Refuse up front a run that could not fit, with a voxel size that would, rather than failing
 * hours later or taking the machine down.
 */
function checkMemory(
  grid: Grid,
  layout: TileLayout | null,
  area: Bounds3,
  options: { voxel: number; tileCells: number },
  workers: number,
): void {
  const { cx, cy } = coarseGeometry(grid);
  const coarseCells = cx * cy;
  const budget = Math.min(totalmem() * 0.6, 2 ** 31 * 4);
  const windows = layout ? workers * layout.maxWindowCells * WINDOW_BYTES_PER_CELL : 0;
  const needed = coarseCells * BYTES_PER_COARSE_CELL + windows;
  if (needed <= budget && (layout?.maxWindowCells ?? 0) < 2 ** 30 && grid.nx < 2 ** 30 && grid.ny < 2 ** 30) return;
  // Before the layout only the whole-area rasters count: tiles are no help, and an area this
  // large is most often a stray point far from the rest.
  const advice = layout
    ? 'use a larger voxel, smaller tiles, or split the area'
    : 'is there a stray point far from the rest? Otherwise use a larger voxel or split the area';
  throw new DetectionInputError(
    `the compared area (${fmtBounds(area)}, ${(((area.maxX - area.minX) * (area.maxY - area.minY)) / 1e6).toFixed(2)} km²) needs about ${(needed / 2 ** 30).toFixed(1)} GiB at ${options.voxel} m voxels${layout ? ` with ${options.tileCells}-cell tiles` : ''}, more than this machine can give; ${advice}`,
  );
}

/** The spill files hold every point once (more in halos): say so before reading, not when the disk is full. */
async function checkSpace(dir: string, layout: TileLayout, points: number, alreadyBytes = 0): Promise<void> {
  const g = layout.grid;
  const windows = layout.tiles.reduce((n, t) => n + (t.window.x1 - t.window.x0) * (t.window.y1 - t.window.y0), 0);
  const needed = points * RECORD_BYTES * (windows / (g.nx * g.ny)) - alreadyBytes;
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  if (needed > free) {
    throw new DetectionInputError(
      `the run needs about ${(needed / 2 ** 30).toFixed(1)} GiB of temporary space in ${dir} but only ${(free / 2 ** 30).toFixed(1)} GiB are free`,
    );
  }
}

/** Heights in feet (a US vertical datum, say) are converted so every threshold stays in metres. */
function heightUnitToMetres(crs: CrsInfo | undefined, warnings: string[]): number {
  const factor = heightFactor(crs);
  if (factor !== 1) warnings.push(`heights are in ${crs!.verticalUnit}; converted to metres (heights and volumes are reported in metres)`);
  return factor;
}

/** Metres per height unit of a CRS (1 when it declares no vertical unit). */
function heightFactor(crs: CrsInfo | undefined): number {
  const unit = crs?.verticalUnit?.toLowerCase() ?? '';
  return unit.includes('us') && unit.includes('f') ? 1200 / 3937 : unit.includes('foot') || unit.includes('feet') ? 0.3048 : 1;
}

const intersects = (a: Bounds3, b: Bounds3) => a.minX <= b.maxX && a.maxX >= b.minX && a.minY <= b.maxY && a.maxY >= b.minY;

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

/**
 * No voxel given: the finest the sparser epoch's points fill (from the files' headers, before
 * any point is read, since the tiles are laid out in voxels), said when it is not the finest.
 */
function chooseRunVoxel(a: OpenedEpoch, b: OpenedEpoch, options: DetectOptions, warnings: string[]): void {
  const choice = chooseVoxel(a.files, b.files);
  options.voxel = choice.voxel;
  if (choice.by === null) return;
  const density = choice.pointsPerM2 ?? 0;
  const why =
    choice.by === 'points' ? `for about ${density < 1 ? density.toPrecision(1) : density.toFixed(1)} points/m²` : 'for the DSM pixels';
  warnings.push(
    `voxel ${choice.voxel} m chosen ${why} (no --voxel given; ${FINEST_AUTO_VOXEL} m needs ${MIN_POINTS_PER_CELL / FINEST_AUTO_VOXEL ** 2} points/m²)`,
  );
}

/**
 * A voxel chosen from the files' extents is too coarse when much of them holds no point (a lake,
 * a tile half outside the district): where there are points they are denser than the headers
 * said. Said, with the voxel their density calls for, rather than silently seeing less.
 */
function checkChosenVoxel(sums: FirstPassSums[], grid: Grid, voxel: number, warnings: string[]): void {
  const densities = sums.map(({ totals, coarse }) => {
    let occupied = 0;
    for (const n of coarse.count8) if (n > 0) occupied++;
    const cellArea = (grid.cell * coarse.factor) ** 2;
    return (totals.points - totals.outside - totals.noise) / Math.max(cellArea, occupied * cellArea);
  });
  const where = Math.min(...densities);
  const finer = voxelForDensity(where);
  if (finer >= voxel) return;
  warnings.push(
    `where there are points they lie at about ${where.toFixed(1)} points/m²: the files' extents hold stretches without any (water, or a stray point widening them); --voxel ${finer} would see finer detail`,
  );
}

/** A cell needs a handful of points to hold a surface; below that, say which voxel would work. */
function checkDensity(totals: ColumnStats['totals'], gridArea: number, e: OpenedEpoch, voxel: number, warnings: string[]): void {
  const label = e.label;
  const pixel = gridSpacingOf(e);
  if (pixel !== undefined) {
    // A DSM needs a pixel in every cell, however few that is.
    if (pixel > voxel * 1.001) {
      warnings.push(
        `the ${label} epoch is a DSM of ${+pixel.toPrecision(3)} m pixels, coarser than the ${voxel} m voxel: most cells get no pixel; use --voxel ${Math.ceil(pixel * 4) / 4} or more`,
      );
    }
  }
  const density = densityOf(totals, gridArea);
  const perCell = density * voxel * voxel;
  if (pixel === undefined && perCell < MIN_POINTS_PER_CELL) {
    const better = voxelForDensity(density);
    const round = (v: number) => (v >= 0.1 ? v.toFixed(1) : v.toPrecision(1));
    const advice =
      better <= MAX_VOXEL
        ? `too sparse for this voxel size; use --voxel ${better} or more`
        : `too sparse to hold surfaces even at the largest voxel (${MAX_VOXEL} m): is this the whole epoch?`;
    warnings.push(`the ${label} epoch has about ${round(density)} points/m², only ${round(perCell)} per ${voxel} m cell: ${advice}`);
  }
  if (totals.points > 0 && totals.outside > 0.5 * totals.points) {
    const share = (100 * totals.outside) / totals.points;
    // Never "100 %" while some of it is compared: that reads as no overlap at all.
    const shown = share > 99 && totals.outside < totals.points ? 'more than 99' : String(Math.round(share));
    warnings.push(`${shown} % of the ${label} epoch lies outside the area both epochs cover`);
  }
}

function epochSummary(e: OpenedEpoch, totals: ColumnStats['totals'], gridArea: number, classes: boolean): EpochSummary {
  return {
    label: e.label,
    files: e.files.map((f) => ({
      path: f.file,
      points: f.pointCount,
      kind: f.kind,
    })),
    points: e.points,
    pointsInArea: totals.points - totals.outside,
    crs: e.crs ?? null,
    bounds: e.bounds,
    densityPerM2: round(densityOf(totals, gridArea), 2),
    classificationUsed: classes,
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

export type { ChangeObject, ChangeType };
