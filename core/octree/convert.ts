/**
 * Our Potree 2.0 converter: an epoch's sources (any reader behind core/io/formats.ts) → metadata.json,
 * hierarchy.bin and octree.bin (format.ts), out of core, in three streaming steps:
 *
 * 1. scan: one read counts the points on a 128³ grid over the octree's cube (and finds which attributes exist);
 * 2. distribute: the counts choose chunks, the largest octree nodes of at most `chunkPoints` points; a second read
 *    grid-samples each point into the nodes above the chunks (first come, one point per sampling cell) or else
 *    appends its record to its chunk's temporary file; the nodes above the chunks spill their records too, and
 *    forget which cells they took once full or once no source left to read reaches them;
 * 3. index: each chunk is read back alone and its subtree built top-down in memory (index-chunk.ts, on worker
 *    threads, one chunk each, written in chunk order): a node keeps the point nearest each sampling cell's centre
 *    (sampler.ts) and passes the rest to its children, until a node has at most `leafPoints` points and keeps them
 *    all.
 *
 * Every point is stored exactly once, in the first node whose sampling kept it: the points of a node and all its
 * ancestors make the view at that level of detail, and all nodes together hold every point. Memory is bounded by
 * the grid, the chunk size and the nodes above the chunks still sampling (for an epoch of many tiles, those that
 * the tiles left to read reach), whatever the point count; the work happens in a folder
 * beside the output and replaces the output only when complete, so a failed or cancelled build leaves nothing.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { detectPointFormat, type EpochSourceInfo, type PointFormatDescriptor } from '../io/formats';
import { SourceError, type Bounds3, type PointChunk } from '../io/types';
import { ChunkSpill } from './chunk-spill';
import {
  compareBreadthFirst,
  encodeHierarchy,
  metadataAttributes,
  recordLayout,
  type AttributeRanges,
  type OctreeNodeInfo,
  type PotreeMetadata,
  type RecordFields,
  type RecordLayout,
} from './format';
import { cubeBox, cubeSize, quantizationFor, type Quantization } from './quantize';
import { indexChunkFile, throwIfAborted } from './index-chunk';
import { IndexPool, type IndexedNodes } from './index-pool';
import type { IndexWorkerData } from './index-worker';
import { GridSampler, SAMPLE_BITS } from './sampler';

/** Bump when the output changes, so octrees built by an older converter are rebuilt. */
export const CONVERTER_VERSION = 1;
/** Written beside metadata.json: what the octree was built from (see `octreeIsCurrent`). */
export const BUILD_MANIFEST = 'voxwatch-octree.json';

export type OctreePhase = 'scan' | 'distribute' | 'index';

export interface OctreeProgress {
  phase: OctreePhase;
  done: number;
  total: number;
}

export interface OctreeBuildOptions {
  signal?: AbortSignal;
  onProgress?: (p: OctreeProgress) => void;
  /** metadata.json's name. */
  name?: string;
  /** metadata.json's projection (e.g. "EPSG:4547"). */
  projection?: string;
  /** Most points a chunk may have: its subtree is built in memory (about 60 bytes a point). */
  chunkPoints?: number;
  /** A node with at most this many points keeps them all and has no children. */
  leafPoints?: number;
  /** Most points an inner node keeps (the sampling grid rarely reaches it). */
  nodePoints?: number;
  /** Threads building the chunks' subtrees (default: the machine's cores); 1 builds them on this thread. */
  indexThreads?: number;
}

export interface OctreeSummary {
  dir: string;
  points: number;
  nodes: number;
  depth: number;
  chunks: number;
  /** Nodes above the chunks (filled while the points stream past). */
  upperNodes: number;
  /** The most of those sampling at once (each holds a bitmap of its taken cells, 256 KB). */
  upperSamplingPeak: number;
  spacing: number;
  bytes: number;
  attributes: string[];
}

export interface BuildManifest {
  converter: number;
  sources: { file: string; size: number; mtimeMs: number }[];
  points: number;
  builtAt: string;
}

interface Source {
  file: string;
  format: PointFormatDescriptor;
  info: EpochSourceInfo;
}

const DEFAULTS = { chunkPoints: 1_000_000, leafPoints: 10_000, nodePoints: 60_000 };
/** The counting grid: 128³ cells (the chunks are unions of them). */
const COUNT_BITS = 7;

export async function buildOctree(files: string[], outDir: string, options: OctreeBuildOptions = {}): Promise<OctreeSummary> {
  if (files.length === 0) throw new Error(`${outDir}: an octree needs at least one source file`);
  const o = {
    ...options,
    chunkPoints: options.chunkPoints ?? DEFAULTS.chunkPoints,
    leafPoints: options.leafPoints ?? DEFAULTS.leafPoints,
    nodePoints: options.nodePoints ?? DEFAULTS.nodePoints,
  };
  if (!(o.nodePoints < o.chunkPoints && o.leafPoints <= o.chunkPoints))
    throw new Error('octree options: nodePoints and leafPoints must be below chunkPoints');
  if (o.indexThreads !== undefined && !(Number.isInteger(o.indexThreads) && o.indexThreads >= 1))
    throw new Error(`octree options: indexThreads must be a whole number of at least 1 (got ${o.indexThreads})`);
  const work = `${outDir}.building-${randomBytes(4).toString('hex')}`;
  mkdirSync(join(work, 'chunks'), { recursive: true });
  try {
    const summary = await convert(files, work, o);
    rmSync(join(work, 'chunks'), { recursive: true, force: true });
    // Swap in the new octree: the old one (if any) is moved aside first, so a reader never sees a half folder.
    const old = `${outDir}.old-${randomBytes(4).toString('hex')}`;
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(work, outDir);
    rmSync(old, { recursive: true, force: true });
    return { ...summary, dir: outDir };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** True when `dir` holds a complete octree built by this converter from these files as they are now. */
export function octreeIsCurrent(dir: string, files: string[]): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, BUILD_MANIFEST), 'utf8')) as BuildManifest;
    if (manifest.converter !== CONVERTER_VERSION || manifest.sources.length !== files.length) return false;
    if (!['metadata.json', 'hierarchy.bin', 'octree.bin'].every((f) => existsSync(join(dir, f)))) return false;
    return files.every((f, i) => {
      const s = statSync(f);
      const m = manifest.sources[i];
      return m.file === f && m.size === s.size && m.mtimeMs === s.mtimeMs;
    });
  } catch {
    return false;
  }
}

async function convert(files: string[], work: string, o: typeof DEFAULTS & OctreeBuildOptions): Promise<OctreeSummary> {
  const sources: Source[] = [];
  for (const file of files) {
    const format = await detectPointFormat(file);
    sources.push({ file, format, info: await format.sourceInfo(file) });
  }
  const expected = sources.reduce((n, s) => n + s.info.pointCount, 0);
  const label = files.length === 1 ? files[0] : `${files[0]} (+${files.length - 1} files)`;

  // ── 1. scan ──
  let quant: Quantization | null = sources.every((s) => s.info.boundsPlausible)
    ? quantizationFor(unionBounds(sources.map((s) => s.info.bounds)), label)
    : null;
  let scan = await scanPass(sources, quant, o, expected);
  if (scan.count === 0) throw new SourceError(files[0], 'the epoch has no points to build an octree from');
  if (quant === null || scan.outside > 0) {
    // The headers' bounds were wrong (or absent): count again over the bounds the points really have.
    quant = quantizationFor(scan.bounds, label);
    scan = await scanPass(sources, quant, o, expected);
  }
  const q = quant;
  const layout = recordLayout(scan.fields);
  const gridBits = Math.min(COUNT_BITS, q.bits);
  const plan = planChunks(scan.grid!, gridBits, o.chunkPoints);

  // ── 2. distribute ──
  const chunkPaths = plan.chunks.map((_, i) => join(work, 'chunks', `chunk-${i}.bin`));
  const spill = new ChunkSpill(chunkPaths, layout.bytes);
  const upperPaths = plan.upperInOrder.map((_, i) => join(work, 'chunks', `upper-${i}.bin`));
  const upperSpill = new ChunkSpill(upperPaths, layout.bytes);
  const ranges = emptyRanges();
  const upperSamplingPeak = await distributePass(sources, q, layout, plan, { chunks: spill, upper: upperSpill }, ranges, o, scan.count);
  spill.close();
  upperSpill.close();

  // ── 3. index ──
  const octreeFd = openSync(join(work, 'octree.bin'), 'w');
  const nodes: OctreeNodeInfo[] = [];
  let bytes = 0;
  const writeNode = (name: string, records: Uint8Array) => {
    let done = 0;
    while (done < records.length) done += writeSync(octreeFd, records, done, records.length - done);
    nodes.push({ name, numPoints: records.length / layout.bytes, byteOffset: bytes, byteSize: records.length, childMask: 0 });
    bytes += records.length;
  };
  try {
    plan.upperInOrder.forEach((node, i) => {
      const records = upperSpill.written[i] > 0 ? readFileSync(upperPaths[i]) : new Uint8Array(0);
      rmSync(upperPaths[i], { force: true });
      writeNode(node.name, records);
    });
    const spilled = spill.written.reduce((a, b) => a + b, 0);
    let indexed = 0;
    const emit = (name: string, r: Uint8Array) => {
      writeNode(name, r);
      indexed += r.length / layout.bytes;
      o.onProgress?.({ phase: 'index', done: indexed, total: spilled });
    };
    const todo = plan.chunks.flatMap((chunk, c) => (spill.written[c] > 0 ? [{ chunk, path: chunkPaths[c] }] : []));
    const threads = Math.max(1, Math.min(o.indexThreads ?? availableParallelism(), todo.length));
    if (threads === 1) {
      const sampler = new GridSampler(SAMPLE_BITS);
      for (const { chunk, path } of todo) {
        throwIfAborted(o.signal);
        await indexChunkFile(path, layout, q, chunk, sampler, o, emit);
      }
    } else {
      await indexInThreads(todo, threads, { layout, q, options: { leafPoints: o.leafPoints, nodePoints: o.nodePoints } }, o.signal, emit);
    }
  } finally {
    closeSync(octreeFd);
  }

  // ── hierarchy and metadata ──
  const names = new Set(nodes.map((n) => n.name));
  for (const n of nodes) for (let i = 0; i < 8; i++) if (names.has(n.name + i)) n.childMask |= 1 << i;
  nodes.sort((a, b) => compareBreadthFirst(a.name, b.name));
  const hierarchy = encodeHierarchy(nodes);
  writeFileSync(join(work, 'hierarchy.bin'), hierarchy.bytes);
  const points = nodes.reduce((n, node) => n + node.numPoints, 0);
  const spacing = cubeSize(q) / 2 ** Math.min(SAMPLE_BITS, q.bits);
  const box = cubeBox(q);
  const metadata: PotreeMetadata = {
    version: '2.0',
    name: o.name ?? basename(files[0]),
    description: `VoxWatch octree of ${files.length} source file(s)`,
    points,
    projection: o.projection ?? '',
    hierarchy: { firstChunkSize: hierarchy.firstChunkSize, stepSize: 4, depth: hierarchy.depth },
    offset: q.offset,
    scale: [q.scale, q.scale, q.scale],
    spacing,
    boundingBox: box,
    encoding: 'DEFAULT',
    attributes: metadataAttributes(layout, { ...ranges, position: { min: scan.tightMin, max: scan.tightMax } }),
  };
  writeFileSync(join(work, 'metadata.json'), JSON.stringify(metadata, null, 2));
  const manifest: BuildManifest = {
    converter: CONVERTER_VERSION,
    sources: files.map((file) => {
      const s = statSync(file);
      return { file, size: s.size, mtimeMs: s.mtimeMs };
    }),
    points,
    builtAt: new Date().toISOString(),
  };
  writeFileSync(join(work, BUILD_MANIFEST), JSON.stringify(manifest, null, 2));
  if (points !== scan.count) throw new Error(`octree of ${label}: ${points} points written of ${scan.count} read (a converter bug)`);
  return {
    dir: work,
    points,
    nodes: nodes.length,
    depth: hierarchy.depth,
    chunks: plan.chunks.length,
    upperNodes: plan.upperInOrder.length,
    upperSamplingPeak,
    spacing,
    bytes,
    attributes: metadata.attributes.map((a) => a.name),
  };
}

function unionBounds(all: Bounds3[]): Bounds3 {
  const b: Bounds3 = { minX: Infinity, minY: Infinity, minZ: Infinity, maxX: -Infinity, maxY: -Infinity, maxZ: -Infinity };
  for (const s of all) {
    b.minX = Math.min(b.minX, s.minX);
    b.minY = Math.min(b.minY, s.minY);
    b.minZ = Math.min(b.minZ, s.minZ);
    b.maxX = Math.max(b.maxX, s.maxX);
    b.maxY = Math.max(b.maxY, s.maxY);
    b.maxZ = Math.max(b.maxZ, s.maxZ);
  }
  return b;
}

// ── pass 1: scan ────────────────────────────────────────────────────────────────────────────────────────────

interface ScanResult {
  count: number;
  bounds: Bounds3;
  tightMin: [number, number, number];
  tightMax: [number, number, number];
  fields: RecordFields;
  /** Points per counting cell, when a quantization was given. */
  grid: Float64Array | null;
  /** Points outside the given quantization's cube. */
  outside: number;
}

const ATTRIBUTE_FIELDS = ['intensity', 'classification', 'rgb'] as const;

async function* readAll(sources: Source[], signal: AbortSignal | undefined): AsyncGenerator<PointChunk> {
  for (const s of sources) {
    for await (const chunk of s.format.parseInBatches(s.file, { fields: ATTRIBUTE_FIELDS, signal, reuseBuffers: true })) {
      throwIfAborted(signal);
      yield chunk;
    }
  }
}

async function scanPass(sources: Source[], q: Quantization | null, o: OctreeBuildOptions, expected: number): Promise<ScanResult> {
  const b: Bounds3 = { minX: Infinity, minY: Infinity, minZ: Infinity, maxX: -Infinity, maxY: -Infinity, maxZ: -Infinity };
  const fields: RecordFields = { rgb: false, intensity: false, classification: false };
  const gridBits = q ? Math.min(COUNT_BITS, q.bits) : 0;
  const grid = q ? new Float64Array(1 << (3 * gridBits)) : null;
  const max = q ? 2 ** q.bits - 1 : 0;
  const shift = q ? q.bits - gridBits : 0;
  let count = 0;
  let outside = 0;
  for await (const c of readAll(sources, o.signal)) {
    if (c.rgb) fields.rgb = true;
    if (c.classification) fields.classification = true;
    if (c.intensity && !fields.intensity) fields.intensity = c.intensity.some((v) => v !== 0);
    for (let i = 0; i < c.count; i++) {
      const x = c.x[i];
      const y = c.y[i];
      const z = c.z[i];
      if (x < b.minX) b.minX = x;
      if (x > b.maxX) b.maxX = x;
      if (y < b.minY) b.minY = y;
      if (y > b.maxY) b.maxY = y;
      if (z < b.minZ) b.minZ = z;
      if (z > b.maxZ) b.maxZ = z;
      if (!q || !grid) continue;
      const qx = Math.round((x - q.offset[0]) / q.scale);
      const qy = Math.round((y - q.offset[1]) / q.scale);
      const qz = Math.round((z - q.offset[2]) / q.scale);
      if (qx < 0 || qy < 0 || qz < 0 || qx > max || qy > max || qz > max || Number.isNaN(qx + qy + qz)) {
        outside++;
        continue;
      }
      grid[((qx >>> shift) << (2 * gridBits)) | ((qy >>> shift) << gridBits) | (qz >>> shift)]++;
    }
    count += c.count;
    o.onProgress?.({ phase: 'scan', done: count, total: Math.max(expected, count) });
  }
  if (count > 0 && ![b.minX, b.minY, b.minZ, b.maxX, b.maxY, b.maxZ].every(Number.isFinite))
    throw new SourceError(sources[0].file, 'has points with coordinates that are not finite numbers');
  return { count, bounds: b, tightMin: [b.minX, b.minY, b.minZ], tightMax: [b.maxX, b.maxY, b.maxZ], fields, grid, outside };
}

// ── chunk plan ──────────────────────────────────────────────────────────────────────────────────────────────

interface ChunkPlan {
  name: string;
  level: number;
  count: number;
}

/** A node above the chunks: filled by first-come grid sampling while the points stream past. */
interface UpperNode {
  name: string;
  level: number;
  /** Its place at its level, in integer steps of that level (its cube is 2^(bits − level) quantized steps wide). */
  x: number;
  y: number;
  z: number;
  /** One bit per sampling cell: taken or not; made when the first point reaches the node, dropped when it closes. */
  taken: Uint8Array | null;
  /** The node takes no more points (full, or out of reach of the sources left to read): they go on down. */
  closed: boolean;
  /** Its place in upperInOrder: its records are spilled to that temporary file. */
  index: number;
  count: number;
}

interface Plan {
  chunks: ChunkPlan[];
  /** Counting cell → chunk index. */
  cellToChunk: Int32Array;
  /** Upper nodes by level, keyed by their integer position at that level. */
  upper: Map<number, UpperNode>[];
  upperInOrder: UpperNode[];
  gridBits: number;
}

/** The largest nodes of at most `chunkPoints` points become chunks (a sum pyramid over the counting grid). */
function planChunks(grid: Float64Array, g: number, chunkPoints: number): Plan {
  const levels: Float64Array[] = [];
  levels[g] = grid;
  for (let l = g - 1; l >= 0; l--) {
    const n = 1 << l;
    const sums = new Float64Array(n * n * n);
    const finer = levels[l + 1];
    const m = n * 2;
    for (let x = 0; x < m; x++)
      for (let y = 0; y < m; y++)
        for (let z = 0; z < m; z++) {
          const v = finer[(x * m + y) * m + z];
          if (v !== 0) sums[((x >> 1) * n + (y >> 1)) * n + (z >> 1)] += v;
        }
    levels[l] = sums;
  }
  const plan: Plan = {
    chunks: [],
    cellToChunk: new Int32Array(grid.length).fill(-1),
    upper: Array.from({ length: g + 1 }, () => new Map()),
    upperInOrder: [],
    gridBits: g,
  };
  const visit = (l: number, x: number, y: number, z: number, name: string) => {
    const n = 1 << l;
    const count = levels[l][(x * n + y) * n + z];
    if (count === 0) return;
    if (count <= chunkPoints || l === g) {
      const c = plan.chunks.length;
      plan.chunks.push({ name, level: l, count });
      const span = 1 << (g - l);
      const G = 1 << g;
      for (let cx = x * span; cx < (x + 1) * span; cx++)
        for (let cy = y * span; cy < (y + 1) * span; cy++)
          for (let cz = z * span; cz < (z + 1) * span; cz++) plan.cellToChunk[(cx * G + cy) * G + cz] = c;
      return;
    }
    const node: UpperNode = { name, level: l, x, y, z, taken: null, closed: false, index: -1, count: 0 };
    plan.upper[l].set((x * n + y) * n + z, node);
    plan.upperInOrder.push(node);
    for (let i = 0; i < 8; i++) visit(l + 1, x * 2 + (i >> 2), y * 2 + ((i >> 1) & 1), z * 2 + (i & 1), name + i);
  };
  visit(0, 0, 0, 0, 'r');
  plan.upperInOrder.sort((a, b) => compareBreadthFirst(a.name, b.name));
  plan.upperInOrder.forEach((node, i) => (node.index = i));
  return plan;
}

// ── pass 2: distribute ──────────────────────────────────────────────────────────────────────────────────────

function emptyRanges(): Omit<AttributeRanges, 'position'> {
  return {
    intensity: [Infinity, -Infinity],
    classification: [Infinity, -Infinity],
    rgb: { min: [Infinity, Infinity, Infinity], max: [-Infinity, -Infinity, -Infinity] },
  };
}

/**
 * Streams every point into the first node above the chunks whose sampling keeps it, or else into its chunk's
 * spill. Returns the most upper nodes that were sampling at once.
 */
async function distributePass(
  sources: Source[],
  q: Quantization,
  layout: RecordLayout,
  plan: Plan,
  spills: { chunks: ChunkSpill; upper: ChunkSpill },
  ranges: Omit<AttributeRanges, 'position'>,
  o: typeof DEFAULTS & OctreeBuildOptions,
  total: number,
): Promise<number> {
  const k = q.bits;
  const g = plan.gridBits;
  const max = 2 ** k - 1;
  const upperLevels = plan.upper.findIndex((m) => m.size === 0);
  const deepestUpper = upperLevels < 0 ? plan.upper.length : upperLevels;
  const { chunks: spill, upper } = spills;
  // Bitmaps are made as the reading reaches a node and dropped when it closes: count them.
  const held = { now: 0, peak: 0 };
  const openNode = (node: UpperNode) => {
    node.taken = new Uint8Array(1 << (3 * SAMPLE_BITS - 3));
    held.peak = Math.max(held.peak, ++held.now);
    return node.taken;
  };
  const closeNode = (node: UpperNode) => {
    node.closed = true;
    if (node.taken) held.now--;
    node.taken = null;
  };
  // The node last met at each level: points arrive in spatial order, so most meet the same ones as the point before.
  const lastKey = new Float64Array(deepestUpper).fill(-1);
  const lastNode: (UpperNode | undefined)[] = new Array(deepestUpper).fill(undefined);
  const closeAfter = closingSchedule(plan, q, sources);
  let done = 0;
  for (let src = 0; src < sources.length; src++) {
    for await (const c of readAll([sources[src]], o.signal)) {
      for (let i = 0; i < c.count; i++) {
        const qx = clampInt(Math.round((c.x[i] - q.offset[0]) / q.scale), max);
        const qy = clampInt(Math.round((c.y[i] - q.offset[1]) / q.scale), max);
        const qz = clampInt(Math.round((c.z[i] - q.offset[2]) / q.scale), max);
        let placed = false;
        for (let l = 0; l < deepestUpper && !placed; l++) {
          const n = 1 << l;
          const key = ((qx >>> (k - l)) * n + (qy >>> (k - l))) * n + (qz >>> (k - l));
          if (key !== lastKey[l]) {
            lastKey[l] = key;
            lastNode[l] = plan.upper[l].get(key);
          }
          const node = lastNode[l];
          if (!node) break;
          if (node.closed) continue;
          const taken = node.taken ?? openNode(node);
          const shift = k - l;
          const s = Math.min(SAMPLE_BITS, shift);
          const cs = shift - s;
          const m = (1 << s) - 1;
          const cell = (((qx >>> cs) & m) << (2 * s)) | (((qy >>> cs) & m) << s) | ((qz >>> cs) & m);
          if (taken[cell >>> 3] & (1 << (cell & 7))) continue;
          taken[cell >>> 3] |= 1 << (cell & 7);
          // Encoded straight into the spill buffer: no copy, no view a point.
          encodeRecord(upper.view, upper.next(node.index), layout, qx, qy, qz, c, i, ranges);
          // A full node takes no more: its bitmap can go.
          if (++node.count >= o.nodePoints) closeNode(node);
          placed = true;
        }
        if (placed) continue;
        const gs = k - g;
        const G = 1 << g;
        const chunk = plan.cellToChunk[((qx >>> gs) * G + (qy >>> gs)) * G + (qz >>> gs)];
        encodeRecord(spill.view, spill.next(chunk), layout, qx, qy, qz, c, i, ranges);
      }
      done += c.count;
      o.onProgress?.({ phase: 'distribute', done, total });
    }
    for (const node of closeAfter[src]) if (!node.closed) closeNode(node);
  }
  return held.peak;
}

/**
 * The index step on `threads` worker threads: chunks go out in order, at most `threads` at a time, and their nodes
 * are written in chunk order as they come back, so the octree is byte for byte the one a single thread writes.
 */
async function indexInThreads(
  todo: { chunk: ChunkPlan; path: string }[],
  threads: number,
  data: IndexWorkerData,
  signal: AbortSignal | undefined,
  emit: (name: string, records: Uint8Array) => void,
): Promise<void> {
  const pool = new IndexPool(threads, data);
  try {
    const inFlight: Promise<IndexedNodes>[] = [];
    let sent = 0;
    for (let c = 0; c < todo.length; c++) {
      for (; sent < todo.length && inFlight.length < threads; sent++) inFlight.push(pool.index(todo[sent].path, todo[sent].chunk));
      const nodes = await inFlight.shift()!;
      throwIfAborted(signal);
      nodes.names.forEach((name, i) => emit(name, nodes.records[i]));
    }
  } finally {
    await pool.close();
  }
}

/**
 * The upper nodes to close once each source is read: those that no later source reaches (by its headers' bounds;
 * a source without plausible bounds reaches every node), so that an epoch of many tiles holds bitmaps only for
 * the nodes ahead of the reading. Worked out once, in one pass over nodes and sources. A point that still lands
 * in a closed node (a header whose bounds are wrong) goes on down like one the node did not keep: every point is
 * still stored once.
 */
function closingSchedule(plan: Plan, q: Quantization, sources: Source[]): UpperNode[][] {
  const max = 2 ** q.bits - 1;
  const step = (v: number, axis: number) => clampInt(Math.round((v - q.offset[axis]) / q.scale), max);
  const cubes = plan.upperInOrder.map((node) => {
    const size = 2 ** (q.bits - node.level);
    return [node.x, node.y, node.z].map((v) => [v * size, (v + 1) * size - 1]);
  });
  // The last source reaching each node (−1: none does).
  const last = new Int32Array(cubes.length).fill(-1);
  sources.forEach(({ info: { bounds: b, boundsPlausible } }, src) => {
    const box = [
      [step(b.minX, 0), step(b.maxX, 0)],
      [step(b.minY, 1), step(b.maxY, 1)],
      [step(b.minZ, 2), step(b.maxZ, 2)],
    ];
    cubes.forEach((cube, i) => {
      if (!boundsPlausible || box.every(([lo, hi], axis) => lo <= cube[axis][1] && hi >= cube[axis][0])) last[i] = src;
    });
  });
  const after: UpperNode[][] = sources.map(() => []);
  plan.upperInOrder.forEach((node, i) => after[Math.max(0, last[i])].push(node));
  return after;
}

function clampInt(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v;
}

function encodeRecord(
  view: DataView,
  at: number,
  layout: RecordLayout,
  qx: number,
  qy: number,
  qz: number,
  c: PointChunk,
  i: number,
  ranges: Omit<AttributeRanges, 'position'>,
): void {
  view.setInt32(at, qx, true);
  view.setInt32(at + 4, qy, true);
  view.setInt32(at + 8, qz, true);
  if (layout.intensity >= 0) {
    const v = c.intensity ? c.intensity[i] : 0;
    view.setUint16(at + layout.intensity, v, true);
    if (v < ranges.intensity[0]) ranges.intensity[0] = v;
    if (v > ranges.intensity[1]) ranges.intensity[1] = v;
  }
  if (layout.classification >= 0) {
    const v = c.classification ? c.classification[i] : 0;
    view.setUint8(at + layout.classification, v);
    if (v < ranges.classification[0]) ranges.classification[0] = v;
    if (v > ranges.classification[1]) ranges.classification[1] = v;
  }
  if (layout.rgb >= 0) {
    for (let k = 0; k < 3; k++) {
      const v = c.rgb ? c.rgb[i * 3 + k] : 0;
      view.setUint16(at + layout.rgb + 2 * k, v, true);
      if (v < ranges.rgb.min[k]) ranges.rgb.min[k] = v;
      if (v > ranges.rgb.max[k]) ranges.rgb.max[k] = v;
    }
  }
}

/** The folder for a temporary build next to `outDir` (exported for tests that check nothing is left behind). */
export function buildFolderPrefix(outDir: string): string {
  return join(dirname(outDir), `${basename(outDir)}.building-`);
}
