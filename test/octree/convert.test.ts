/**
 * The Potree 2.0 converter on real files: every point is stored once, inside its node's box, with its colour,
 * class and intensity; the hierarchy decodes the way potree-core walks it (proxies included) and re-encodes to the
 * same bytes; broken input is refused by name and a cancelled build leaves nothing behind.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOctreeInThread } from '../../core/octree/build-thread';
import { buildOctree, BUILD_MANIFEST, octreeIsCurrent, type OctreeProgress, type OctreeSummary } from '../../core/octree/convert';
import { decodeHierarchy, encodeHierarchy, nodeBox, NODE_PROXY, HIERARCHY_BYTES_PER_NODE } from '../../core/octree/format';
import { readNodePoints, readOctree, type OctreeFiles } from '../../core/octree/reader';
import { createLasWriter } from '../../core/io/las/writer';
import type { PointChunk } from '../../core/io/types';
import { SHARED_DATA, readAll } from '../helpers/data';
import { writeDistrict, type WrittenDistrict } from '../helpers/district';

const TTP = join(SHARED_DATA, 'toronto-ttp-2015-2023/ttp-2015.las');
const RED_ROCKS = join(SHARED_DATA, 'red-rocks-uav-photogrammetry');
const redRocksLaz = () =>
  join(
    RED_ROCKS,
    readdirSync(RED_ROCKS).find((f) => f.endsWith('.laz'))!,
  );

const tmp = mkdtempSync(join(tmpdir(), 'voxwatch-octree-'));

/** Every point of the octree, each as a string of its integer position and attributes, sorted. */
function octreeRecords(octree: OctreeFiles): { keys: string[]; outsideBox: string[] } {
  const { metadata } = octree;
  const keys: string[] = [];
  const outsideBox: string[] = [];
  const half = metadata.scale[0] * 1e-3;
  for (const node of octree.nodes) {
    const p = readNodePoints(octree, node);
    const box = nodeBox(metadata.boundingBox, node.name);
    for (let i = 0; i < p.count; i++) {
      const xyz = [0, 1, 2].map((k) => p.xyz[i * 3 + k]);
      if (xyz.some((v, k) => v < box.min[k] - half || v > box.max[k] + half)) outsideBox.push(`${node.name}: ${xyz.join(' ')}`);
      const ints = xyz.map((v, k) => Math.round((v - metadata.offset[k]) / metadata.scale[k]));
      keys.push(
        [
          ...ints,
          p.classification?.[i] ?? '-',
          p.intensity?.[i] ?? '-',
          p.rgb ? `${p.rgb[i * 3]}/${p.rgb[i * 3 + 1]}/${p.rgb[i * 3 + 2]}` : '-',
        ].join(','),
      );
    }
  }
  return { keys: keys.sort(), outsideBox };
}

/** The same strings from the source file, read independently, positions quantised with the octree's offset and scale. */
async function sourceRecords(file: string, octree: OctreeFiles): Promise<string[]> {
  const { points } = await readAll(file);
  const { metadata } = octree;
  const names = metadata.attributes.map((a) => a.name);
  const keys: string[] = [];
  for (let i = 0; i < points.count; i++) {
    const ints = [points.x[i], points.y[i], points.z[i]].map((v, k) => Math.round((v - metadata.offset[k]) / metadata.scale[k]));
    keys.push(
      [
        ...ints,
        names.includes('classification') ? points.classification![i] : '-',
        names.includes('intensity') ? points.intensity![i] : '-',
        names.includes('rgb') ? `${points.rgb![i * 3]}/${points.rgb![i * 3 + 1]}/${points.rgb![i * 3 + 2]}` : '-',
      ].join(','),
    );
  }
  return keys.sort();
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.includes('.building-') || n.includes('.old-'));
}

describe('octree converter on a real LAS file (Toronto, 90 k points, classes and intensity)', () => {
  let octree: OctreeFiles;
  const phases = new Set<string>();
  beforeAll(async () => {
    await buildOctree([TTP], join(tmp, 'ttp'), { onProgress: (p: OctreeProgress) => phases.add(p.phase) });
    octree = readOctree(join(tmp, 'ttp'));
  });

  it('keeps every point exactly once, with its class and intensity, each inside its node box', async () => {
    const { points } = await readAll(TTP);
    expect(octree.metadata.points).toBe(points.count);
    expect(octree.nodes.reduce((n, node) => n + node.numPoints, 0)).toBe(points.count);
    const { keys, outsideBox } = octreeRecords(octree);
    expect(outsideBox).toEqual([]);
    expect(keys).toEqual(await sourceRecords(TTP, octree));
    expect(octree.metadata.attributes.map((a) => a.name)).toEqual(['position', 'intensity', 'classification']);
    expect([...phases]).toEqual(['scan', 'distribute', 'index']);
  });

  it('states the tight bounds and a cube that holds them, with millimetre steps', async () => {
    const { points } = await readAll(TTP);
    const position = octree.metadata.attributes[0];
    const [xs, ys, zs] = [points.x, points.y, points.z].map((a) => [...a].sort((p, q) => p - q));
    expect(position.min).toEqual([xs[0], ys[0], zs[0]]);
    expect(position.max).toEqual([xs.at(-1), ys.at(-1), zs.at(-1)]);
    expect(octree.metadata.scale[0]).toBeLessThanOrEqual(0.001);
    const box = octree.metadata.boundingBox;
    const side = box.max[0] - box.min[0];
    for (let k = 0; k < 3; k++) {
      expect(box.max[k] - box.min[k]).toBeCloseTo(side, 6); // a cube
      expect(box.min[k]).toBeLessThanOrEqual(position.min[k]);
      expect(box.max[k]).toBeGreaterThanOrEqual(position.max[k]);
    }
    expect(octree.metadata.spacing).toBeCloseTo(side / 128, 9);
  });

  it('gives the coarse nodes an even sample: the root has one point per occupied 1/128 cell at most', () => {
    const root = readNodePoints(octree, octree.nodes[0]);
    const side = octree.metadata.boundingBox.max[0] - octree.metadata.boundingBox.min[0];
    const cells = new Set<string>();
    for (let i = 0; i < root.count; i++)
      cells.add([0, 1, 2].map((k) => Math.floor(((root.xyz[i * 3 + k] - octree.metadata.offset[k]) / side) * 128)).join());
    expect(root.count).toBeGreaterThan(1000);
    expect(cells.size).toBe(root.count);
  });

  it('records what it was built from, and notices when a source changes', () => {
    const dir = join(tmp, 'ttp');
    expect(octreeIsCurrent(dir, [TTP])).toBe(true);
    expect(octreeIsCurrent(dir, [TTP, TTP])).toBe(false);
    const manifest = JSON.parse(readFileSync(join(dir, BUILD_MANIFEST), 'utf8'));
    writeFileSync(join(dir, BUILD_MANIFEST), JSON.stringify({ ...manifest, sources: [{ ...manifest.sources[0], size: 1 }] }));
    expect(octreeIsCurrent(dir, [TTP])).toBe(false);
    writeFileSync(join(dir, BUILD_MANIFEST), JSON.stringify(manifest));
  });
});

describe('octree converter on a real LAZ file (Red Rocks UAV photogrammetry, RGB)', () => {
  it('keeps the 16-bit colours of all 663 k points', async () => {
    const file = redRocksLaz();
    const out = join(tmp, 'red-rocks');
    const summary = await buildOctree([file], out);
    const octree = readOctree(out);
    expect(summary.attributes).toContain('rgb');
    const { keys, outsideBox } = octreeRecords(octree);
    expect(outsideBox).toEqual([]);
    expect(keys.length).toBe(663_500);
    expect(keys).toEqual(await sourceRecords(file, octree));
    // Colours are real photogrammetry colours, not zeros: the root's mean is a mid tone.
    const root = readNodePoints(octree, octree.nodes[0]);
    const mean = root.rgb!.reduce((a, b) => a + b, 0) / root.rgb!.length;
    expect(mean).toBeGreaterThan(5000);
    expect(mean).toBeLessThan(60000);
  });
});

describe('octree converter on the sample district, out of core (small chunks, many levels)', () => {
  let district: WrittenDistrict;
  let octree: OctreeFiles;
  let summary: OctreeSummary;
  beforeAll(async () => {
    district = await writeDistrict({ seed: 3, size: 120 });
    // Tiny chunks and leaves force nodes above the chunks, many chunks and a hierarchy deeper than one chunk.
    summary = await buildOctree([district.epoch(1)], join(tmp, 'district'), { chunkPoints: 40_000, leafPoints: 400, nodePoints: 20_000 });
    octree = readOctree(join(tmp, 'district'));
  });

  it('keeps every point with its RGB across chunks and levels', async () => {
    expect(summary.chunks).toBeGreaterThan(4);
    const { keys, outsideBox } = octreeRecords(octree);
    expect(outsideBox).toEqual([]);
    expect(keys).toEqual(await sourceRecords(district.epoch(1), octree));
    expect(octree.metadata.attributes.map((a) => a.name)).toEqual(['position', 'intensity', 'classification', 'rgb']);
  });

  it('writes a hierarchy in chunks linked by proxies, which re-encodes to the same bytes', () => {
    const bytes = new Uint8Array(readFileSync(join(tmp, 'district', 'hierarchy.bin')));
    const first = octree.metadata.hierarchy.firstChunkSize;
    const nodes = decodeHierarchy(bytes, first);
    const again = encodeHierarchy(nodes);
    expect(again.firstChunkSize).toBe(first);
    expect(Buffer.from(again.bytes).equals(Buffer.from(bytes))).toBe(true);
    // In chunks of 2 levels (this octree is 4 deep; ours use 4-level chunks like PotreeConverter's), the loader's
    // walk through the proxies finds the same nodes.
    expect(octree.metadata.hierarchy.depth).toBe(4);
    const chunked = encodeHierarchy(nodes, 2);
    expect(chunked.firstChunkSize).toBeLessThan(chunked.bytes.length);
    let proxies = 0;
    for (let p = 0; p < chunked.firstChunkSize; p += HIERARCHY_BYTES_PER_NODE) if (chunked.bytes[p] === NODE_PROXY) proxies++;
    expect(proxies).toBeGreaterThan(0);
    const sortByName = (list: typeof nodes) => [...list].sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(sortByName(decodeHierarchy(chunked.bytes, chunked.firstChunkSize))).toEqual(sortByName(nodes));
    // Nodes tile octree.bin without gaps or overlaps.
    const spans = nodes.map((n) => [n.byteOffset, n.byteSize]).sort((a, b) => a[0] - b[0]);
    let end = 0;
    for (const [offset, size] of spans) {
      expect(offset).toBe(end);
      end += size;
    }
    expect(end).toBe(readFileSync(join(tmp, 'district', 'octree.bin')).length);
    // Every child named by a mask exists, and every node but the root has its parent.
    const names = new Set(nodes.map((n) => n.name));
    for (const n of nodes) {
      for (let i = 0; i < 8; i++) expect(names.has(n.name + i)).toBe((n.childMask & (1 << i)) !== 0);
      if (n.name !== 'r') expect(names.has(n.name.slice(0, -1))).toBe(true);
    }
  });

  it('writes the same bytes whether one thread or several build the chunks', async () => {
    const options = { chunkPoints: 40_000, leafPoints: 400, nodePoints: 20_000 };
    const one = await buildOctree([district.epoch(1)], join(tmp, 'district-1-thread'), { ...options, indexThreads: 1 });
    const three = await buildOctree([district.epoch(1)], join(tmp, 'district-3-threads'), { ...options, indexThreads: 3 });
    expect(three.chunks).toBeGreaterThan(3);
    for (const file of ['octree.bin', 'hierarchy.bin']) {
      const bytes = readFileSync(join(one.dir, file));
      expect(bytes.length).toBeGreaterThan(0);
      expect(readFileSync(join(three.dir, file)).equals(bytes)).toBe(true);
    }
    rmSync(one.dir, { recursive: true });
    rmSync(three.dir, { recursive: true });
  });

  it('refuses a thread count that is not a whole number of at least 1', async () => {
    await expect(buildOctree([district.epoch(1)], join(tmp, 'district-0-threads'), { indexThreads: 0 })).rejects.toThrow(/indexThreads/);
    expect(existsSync(join(tmp, 'district-0-threads'))).toBe(false);
  });

  it('leaves no temporary files behind', () => {
    expect(leftovers(tmp)).toEqual([]);
    expect(readdirSync(join(tmp, 'district')).sort()).toEqual(['hierarchy.bin', 'metadata.json', 'octree.bin', BUILD_MANIFEST].sort());
  });

  it('stops on cancel, removes its work folder and keeps the previous octree', async () => {
    const out = join(tmp, 'district');
    const before = readFileSync(join(out, 'octree.bin'));
    const abort = new AbortController();
    const build = buildOctree([district.epoch(2)], out, {
      chunkPoints: 40_000,
      leafPoints: 400,
      nodePoints: 20_000,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase === 'index') abort.abort();
      },
    });
    await expect(build).rejects.toMatchObject({ name: 'AbortError' });
    expect(leftovers(tmp)).toEqual([]);
    expect(readFileSync(join(out, 'octree.bin')).equals(before)).toBe(true);
  });
});

describe('octree converter on an epoch of several tiles, read one after another', () => {
  let strips: string[];
  let octree: OctreeFiles;
  let summary: OctreeSummary;
  beforeAll(async () => {
    const district = await writeDistrict({ seed: 5, size: 240 });
    strips = await splitIntoStrips(district.epoch(1), 8, join(tmp, 'strips'));
    // nodePoints just under chunkPoints: no node above the chunks fills up, so only reach can stop its sampling.
    summary = await buildOctree(strips, join(tmp, 'strips-octree'), { chunkPoints: 40_000, leafPoints: 400, nodePoints: 39_999 });
    octree = readOctree(join(tmp, 'strips-octree'));
  });

  it('keeps every point of every tile once', async () => {
    const { keys, outsideBox } = octreeRecords(octree);
    expect(outsideBox).toEqual([]);
    const all = (await Promise.all(strips.map((f) => sourceRecords(f, octree)))).flat().sort();
    expect(keys).toEqual(all);
  });

  it('stops sampling the nodes above the chunks that no tile left to read reaches', () => {
    // Without it every such node would keep its bitmap of taken cells to the end: memory growing with the epoch.
    expect(summary.upperNodes).toBeGreaterThan(4);
    expect(summary.upperSamplingPeak).toBeLessThan(summary.upperNodes);
  });
});

/** Splits a LAS file into `n` files of equal width in x, west to east (as a survey's tiles are read). */
async function splitIntoStrips(file: string, n: number, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const { points } = await readAll(file);
  let [minX, maxX, minY] = [Infinity, -Infinity, Infinity];
  for (let i = 0; i < points.count; i++)
    [minX, maxX, minY] = [Math.min(minX, points.x[i]), Math.max(maxX, points.x[i]), Math.min(minY, points.y[i])];
  const width = (maxX - minX) / n;
  const paths: string[] = [];
  for (let k = 0; k < n; k++) {
    const pick: number[] = [];
    for (let i = 0; i < points.count; i++) if (Math.min(n - 1, Math.floor((points.x[i] - minX) / width)) === k) pick.push(i);
    const path = join(dir, `strip-${k}.las`);
    const writer = createLasWriter(path, { version: '1.2', pointFormat: 3, offset: [Math.floor(minX), Math.floor(minY), 0] });
    await writer.write(subset(points, pick));
    await writer.close();
    paths.push(path);
  }
  return paths;
}

function subset(c: PointChunk, pick: number[]): PointChunk {
  const take = <A extends Float64Array | Uint16Array | Uint8Array>(a: A | undefined, per = 1): A | undefined => {
    if (!a) return undefined;
    const out = new (a.constructor as new (n: number) => A)(pick.length * per);
    pick.forEach((i, j) => {
      for (let k = 0; k < per; k++) out[j * per + k] = a[i * per + k];
    });
    return out;
  };
  return {
    count: pick.length,
    x: take(c.x)!,
    y: take(c.y)!,
    z: take(c.z)!,
    intensity: take(c.intensity),
    classification: take(c.classification),
    returnNumber: take(c.returnNumber),
    numberOfReturns: take(c.numberOfReturns),
    rgb: take(c.rgb, 3),
    gpsTime: take(c.gpsTime),
  };
}

describe('octree converter on its own thread (how the shells build)', () => {
  it('writes the same files as in-process, reporting progress across the thread', async () => {
    const phases = new Set<string>();
    await buildOctreeInThread([TTP], join(tmp, 'ttp-thread'), { onProgress: (p) => phases.add(p.phase) });
    for (const f of ['metadata.json', 'hierarchy.bin', 'octree.bin'])
      expect(readFileSync(join(tmp, 'ttp-thread', f)).equals(readFileSync(join(tmp, 'ttp', f))), f).toBe(true);
    expect([...phases]).toEqual(['scan', 'distribute', 'index']);
  });

  it('cancels across the thread and leaves nothing behind', async () => {
    const abort = new AbortController();
    const build = buildOctreeInThread([redRocksLaz()], join(tmp, 'red-rocks-thread'), {
      signal: abort.signal,
      onProgress: () => abort.abort(),
    });
    await expect(build).rejects.toMatchObject({ name: 'AbortError' });
    expect(existsSync(join(tmp, 'red-rocks-thread'))).toBe(false);
    expect(leftovers(tmp)).toEqual([]);
  });

  it('passes a refusal on with the file named', async () => {
    await expect(buildOctreeInThread([join(tmp, 'missing.las')], join(tmp, 'missing-octree'))).rejects.toThrow(/missing\.las/);
  });
});

describe('octree converter on bad input', () => {
  it('names a truncated file and leaves nothing behind', async () => {
    const broken = join(tmp, 'broken.las');
    copyFileSync(TTP, broken);
    truncateSync(broken, 200_000);
    const out = join(tmp, 'broken-octree');
    await expect(buildOctree([broken], out)).rejects.toThrow(/broken\.las.*truncated/);
    expect(existsSync(out)).toBe(false);
    expect(leftovers(tmp)).toEqual([]);
  });

  it('names a file that is not a point cloud', async () => {
    const text = join(tmp, 'notes.las');
    writeFileSync(text, 'these are not points');
    await expect(buildOctree([text], join(tmp, 'notes-octree'))).rejects.toThrow(/notes\.las/);
    expect(leftovers(tmp)).toEqual([]);
  });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));
