/**
 * The synthetic district generator and the writers it uses. Files are checked byte by byte here
 * (DataView on the LAS header, a tiny TIFF parser) rather than through the project's readers, so that
 * the generator's tests stand on their own.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGeoTiffRgb } from '../../core/io/geotiff/writer';
import { createLasWriter } from '../../core/io/las/writer';
import type { PointChunk } from '../../core/io/types';
import { sampleDistrictProblem } from '../../cli/commands/samples';
import { SceneIndex } from '../../samples/generator/surface';
import { reviewLayers } from '../../samples/generator/zones';
import {
  bareInEvery,
  CRS,
  generateDistrict,
  SAMPLE_GENERATOR,
  writeSampleDistrict,
  type DistrictManifest,
  type GeneratedDistrict,
  type TruthChange,
} from '../../samples/generator/index';

const SLOW = 120_000;
const ringBox = (ring: number[][]) => ({
  minX: Math.min(...ring.map((p) => p[0])),
  minY: Math.min(...ring.map((p) => p[1])),
  maxX: Math.max(...ring.map((p) => p[0])),
  maxY: Math.max(...ring.map((p) => p[1])),
});
type Box2 = ReturnType<typeof ringBox>;
const boxGap = (a: Box2, b: Box2) =>
  Math.hypot(Math.max(0, a.minX - b.maxX, b.minX - a.maxX), Math.max(0, a.minY - b.maxY, b.minY - a.maxY));

function ringArea(ring: number[][]): number {
  let twice = 0;
  for (let i = 0; i + 1 < ring.length; i++) twice += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return Math.abs(twice / 2);
}

/** Point in a convex ring (our footprints are rectangles), shrunk by `inset` metres. */
function insideConvex(ring: number[][], x: number, y: number, inset = 0): boolean {
  const sign = Math.sign(signedArea(ring));
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x0, y0] = ring[i];
    const [x1, y1] = ring[i + 1];
    const length = Math.hypot(x1 - x0, y1 - y0);
    const cross = ((x1 - x0) * (y - y0) - (y1 - y0) * (x - x0)) / length;
    if (cross * sign < inset) return false;
  }
  return true;
}

function signedArea(ring: number[][]): number {
  let twice = 0;
  for (let i = 0; i + 1 < ring.length; i++) twice += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return twice / 2;
}

function hashChunks(chunks: Iterable<PointChunk>): { hash: string; count: number } {
  const hash = createHash('sha256');
  let count = 0;
  for (const c of chunks) {
    count += c.count;
    for (const a of [c.x, c.y, c.z, c.rgb, c.intensity, c.gpsTime]) {
      if (a) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    }
  }
  return { hash: hash.digest('hex'), count };
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** z of every point inside each footprint (shrunk by `inset`), in one pass over the chunks. */
function pointsIn(chunks: Iterable<PointChunk>, rings: number[][][], inset: number): number[][] {
  const boxes = rings.map(ringBox);
  const found = rings.map((): number[] => []);
  for (const c of chunks) {
    for (let i = 0; i < c.count; i++) {
      const x = c.x[i];
      const y = c.y[i];
      boxes.forEach((b, k) => {
        if (x >= b.minX && x <= b.maxX && y >= b.minY && y <= b.maxY && insideConvex(rings[k], x, y, inset)) {
          found[k].push(c.z[i]);
        }
      });
    }
  }
  return found;
}

describe('generateDistrict (in memory)', () => {
  it(
    'is deterministic: same seed gives identical points and truth; another seed differs',
    () => {
      const a = generateDistrict({ size: 100, seed: 7 });
      const b = generateDistrict({ size: 100, seed: 7 });
      const c = generateDistrict({ size: 100, seed: 8 });
      expect(b.truths).toEqual(a.truths);
      for (let e = 0; e < 3; e++) {
        const ha = hashChunks(a.epochs[e].chunks());
        expect(ha.count).toBeGreaterThan(50_000);
        expect(hashChunks(b.epochs[e].chunks())).toEqual(ha);
        // A generator is re-iterable: a second pass yields the same stream.
        expect(hashChunks(a.epochs[e].chunks())).toEqual(ha);
      }
      expect(hashChunks(c.epochs[0].chunks()).hash).not.toBe(hashChunks(a.epochs[0].chunks()).hash);
      expect(c.truths).not.toEqual(a.truths);
    },
    SLOW,
  );

  it('places the demo lead about an empty lot at a crossing (L003) at a crossing, on bare ground in every epoch', () => {
    // The demo's district (default size and seed); a small one may have no bare spot far from every change.
    const district = generateDistrict({});
    const [t12, t23] = district.truths;
    const csv = reviewLayers(district.extent, CRS.epsg, t12, t23, district.plan.streets, bareInEvery(district)).leadsCsv;
    const [x, y] = csv
      .split('\n')
      .find((l) => l.startsWith('L003,'))!
      .split(',')
      .slice(1, 3)
      .map(Number);
    for (const epoch of district.epochs) {
      const scene = new SceneIndex(epoch.scene);
      scene.topAt(x, y);
      expect(scene.hit, `${epoch.date} at ${x}, ${y}`).toBe(-1);
    }
    const streets = district.plan.streets.filter((s) => x >= s.minX && x <= s.maxX && y >= s.minY && y <= s.maxY);
    expect(streets).toHaveLength(2);
  });

  describe.each([1, 2, 3, 4, 5, 6])('a 120 m district, seed %i', (seed) => {
    const district = generateDistrict({ size: 120, seed });
    const [t12, t23] = district.truths;

    it('has every change type between epochs 1 and 2, and one small two-storey new building', () => {
      const types = new Set(t12.changes.map((c) => c.type));
      for (const type of ['new_building', 'storeys_added', 'rooftop_structure', 'extension', 'demolished', 'height_decrease']) {
        expect(types, type).toContain(type);
      }
      expect(t12.changes.some((c) => c.type === 'new_building' && c.storeys === 2 && Math.abs(c.area_m2 - 48) < 0.01)).toBe(true);
    });

    it('removes a new building and a rooftop structure again between epochs 2 and 3, and adds at least 3', () => {
      const rectified = t23.changes.filter((c) => c.rectifies);
      const undone = rectified.map((c) => t12.changes.find((e) => e.id === c.rectifies)?.type);
      expect(undone).toContain('new_building');
      expect(undone).toContain('rooftop_structure');
      for (const c of rectified) expect(c.type).toBe('demolished');
      expect(t23.changes.filter((c) => !c.rectifies && c.volume_m3 > 0).length).toBeGreaterThanOrEqual(3);
    });

    it('has distractors of every kind in both transitions', () => {
      for (const truth of [t12, t23]) {
        const kinds = new Set(truth.distractors.map((d) => d.kind));
        for (const kind of ['tree_grown', 'tree_cut', 'tree_planted', 'car_moved', 'car_added', 'car_removed', 'data_hole']) {
          expect(kinds, kind).toContain(kind);
        }
      }
    });

    it('keeps changes at least 3 m from each other and from the distractors', () => {
      for (const truth of [t12, t23]) {
        const changes = truth.changes.map((c) => ringBox(c.footprint));
        const distractors = truth.distractors.flatMap((d) => [d.footprint, ...(d.from_footprint ? [d.from_footprint] : [])]).map(ringBox);
        changes.forEach((a, i) => {
          changes.forEach((b, j) => {
            if (i < j) expect(boxGap(a, b)).toBeGreaterThanOrEqual(3);
          });
          for (const d of distractors) expect(boxGap(a, d)).toBeGreaterThanOrEqual(3);
        });
      }
    });

    it('records a truth consistent with the scenes of the epochs', () => {
      for (const [k, truth] of [t12, t23].entries()) {
        const before = district.epochs[k].scene;
        const after = district.epochs[k + 1].scene;
        for (const c of truth.changes) checkChange(c, before, after);
      }
    });
  });

  it(
    'surveys what the truth says: roofs of new buildings, ground of demolished ones, nothing in holes',
    () => {
      const district = generateDistrict({ size: 120, seed: 3 });
      const t12 = district.truths[0];
      const [e1, e2] = district.epochs;
      const built = t12.changes.filter((c) => c.type === 'new_building' || c.type === 'demolished');
      const rings = built.map((c) => c.footprint);
      const z1 = pointsIn(e1.chunks(), rings, 1);
      const z2 = pointsIn(e2.chunks(), rings, 1);
      built.forEach((c, i) => {
        // The roof is fully seen from above; the ground of a lot may be partly occluded.
        const [roofZ, roofPoints, shift] = c.volume_m3 > 0 ? [c.after_top_z, z2[i], e2.shift[2]] : [c.before_top_z, z1[i], e1.shift[2]];
        expect(roofPoints.length).toBeGreaterThan(c.area_m2 * 3);
        expect(Math.abs(median(roofPoints) - (roofZ + shift))).toBeLessThan(0.05);
        const [groundZ, groundPoints] = c.volume_m3 > 0 ? [c.before_top_z, z1[i]] : [c.after_top_z, z2[i]];
        if (groundPoints.length > 20) expect(Math.abs(median(groundPoints) - groundZ)).toBeLessThan(1);
      });
      for (const epoch of district.epochs) {
        const holes = epoch.holes.map((h) => [
          [h.box.minX + 0.2, h.box.minY + 0.2],
          [h.box.maxX - 0.2, h.box.minY + 0.2],
          [h.box.maxX - 0.2, h.box.maxY - 0.2],
          [h.box.minX + 0.2, h.box.maxY - 0.2],
          [h.box.minX + 0.2, h.box.minY + 0.2],
        ]);
        for (const found of pointsIn(epoch.chunks(), holes, 0)) expect(found.length).toBe(0);
      }
    },
    SLOW,
  );

  it(
    'leaves the ground of narrow gaps between tall houses unobserved, and thins ground next to tall walls',
    () => {
      const district = generateDistrict({ size: 120, seed: 2 });
      const epoch = district.epochs[0];
      const houses = epoch.scene.buildings.filter((b) => b.kind === 'village_house').map((b) => b.boxes[0]);
      const gaps: number[][][] = [];
      for (const a of houses) {
        for (const b of houses) {
          const gap = b.cx - b.hw - (a.cx + a.hw);
          const y0 = Math.max(a.cy - a.hd, b.cy - b.hd) + 1;
          const y1 = Math.min(a.cy + a.hd, b.cy + b.hd) - 1;
          const tall = Math.min(a.z1, b.z1) - district.groundZ(a.cx, a.cy) >= 12;
          if (gap < 1 || gap > 2 || y1 - y0 < 4 || !tall) continue;
          const x0 = a.cx + a.hw + 0.3;
          const x1 = b.cx - b.hw - 0.3;
          gaps.push([
            [x0, y0],
            [x1, y0],
            [x1, y1],
            [x0, y1],
            [x0, y0],
          ]);
        }
      }
      expect(gaps.length).toBeGreaterThan(3);
      const gapArea = gaps.reduce((sum, g) => sum + ringArea(g), 0);
      let groundInGaps = 0;
      let chunks: PointChunk[] = [...epoch.chunks()];
      const found = pointsIn(chunks, gaps, 0);
      gaps.forEach((g, k) => {
        const groundTop = district.groundZ(g[0][0], g[0][1]) + 1;
        groundInGaps += found[k].filter((z) => z < groundTop).length;
      });
      // Open ground would give ~density × area points; gaps give (almost) none.
      expect(gapArea * epoch.density).toBeGreaterThan(300);
      expect(groundInGaps).toBeLessThan(0.02 * gapArea * epoch.density);

      // Ground density within 1 m of a tall wall facing a street is lower than on open ground.
      const nearWall: number[][][] = [];
      for (const h of houses) {
        if (h.z1 - district.groundZ(h.cx, h.cy) < 15) continue;
        const x0 = h.cx - h.hw + 1;
        const x1 = h.cx + h.hw - 1;
        const y = h.cy - h.hd;
        // A strip just south of the house, if that side faces a street.
        if (!district.plan.streets.some((s) => y - 4 > s.minY && y - 4 < s.maxY && x0 > s.minX && x1 < s.maxX)) continue;
        nearWall.push([
          [x0, y - 1.1],
          [x1, y - 1.1],
          [x1, y - 0.3],
          [x0, y - 0.3],
          [x0, y - 1.1],
        ]);
      }
      expect(nearWall.length).toBeGreaterThan(0);
      const nearArea = nearWall.reduce((sum, g) => sum + ringArea(g), 0);
      const groundTop = (ring: number[][]) => district.groundZ(ring[0][0], ring[0][1]) + 0.5;
      const nearCount = pointsIn(chunks, nearWall, 0).reduce((sum, f, k) => sum + f.filter((z) => z < groundTop(nearWall[k])).length, 0);
      expect(nearCount / nearArea).toBeLessThan(0.9 * epoch.density);
      chunks = [];
    },
    SLOW,
  );

  it('writes no classification and gives every point a colour', () => {
    const district = generateDistrict({ size: 100, seed: 4 });
    for (const chunk of district.epochs[1].chunks()) {
      expect(chunk.classification ?? new Uint8Array(chunk.count)).toEqual(new Uint8Array(chunk.count));
      expect(chunk.rgb?.length).toBe(3 * chunk.count);
    }
  });
});

function checkChange(c: TruthChange, before: GeneratedDistrict['epochs'][0]['scene'], after: GeneratedDistrict['epochs'][0]['scene']) {
  const ring = c.footprint;
  expect(ring[0]).toEqual(ring[ring.length - 1]);
  expect(ringArea(ring)).toBeCloseTo(c.area_m2, 0);
  expect(c.after_top_z - c.before_top_z).toBeCloseTo(c.height_change_m, 1);
  expect(Math.sign(c.volume_m3)).toBe(Math.sign(c.height_change_m));
  // Solid volume = area × height difference (mean terrain for ground-standing parts).
  expect(Math.abs(c.volume_m3)).toBeCloseTo(c.area_m2 * Math.abs(c.height_change_m), -1);
  expect(c.storeys).toBe(Math.round(c.height_change_m / 3));
  const was = before.buildings.find((b) => b.id === c.buildingId);
  const is = after.buildings.find((b) => b.id === c.buildingId);
  const part = (b: typeof was) => b?.boxes.find((x) => x.id === c.structureId);
  switch (c.type) {
    case 'new_building':
      expect(was).toBeUndefined();
      expect(is?.boxes[0].z1).toBe(c.after_top_z);
      break;
    case 'demolished':
      if (c.structureId) {
        expect(part(was)?.z1).toBe(c.before_top_z);
        expect(part(is)).toBeUndefined();
      } else {
        expect(was?.boxes[0].z1).toBe(c.before_top_z);
        expect(is).toBeUndefined();
      }
      break;
    case 'storeys_added':
    case 'height_decrease':
      expect(was?.boxes[0].z1).toBe(c.before_top_z);
      expect(is?.boxes[0].z1).toBe(c.after_top_z);
      expect((is?.storeys ?? 0) - (was?.storeys ?? 0)).toBe(c.storeys);
      break;
    case 'rooftop_structure':
    case 'extension':
      expect(part(was)).toBeUndefined();
      expect(part(is)?.z1).toBe(c.after_top_z);
      break;
  }
}

// ── Files ─────────────────────────────────────────────────────────────────────────────────────────

describe('writeSampleDistrict', () => {
  let dir: string;
  let again: string;
  let manifest: DistrictManifest;
  const options = { size: 100, seed: 11 };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voxwatch-district-'));
    again = await mkdtemp(join(tmpdir(), 'voxwatch-district-'));
    manifest = await writeSampleDistrict(dir, options);
    await writeSampleDistrict(again, options);
  }, SLOW);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(again, { recursive: true, force: true });
  });

  it('writes identical files for identical options', async () => {
    const files = ['epoch-1.las', 'epoch-2.las', 'epoch-3.las', 'ortho-1.tif', 'ortho-2.tif', 'ortho-3.tif'];
    for (const file of [...files, 'truth-1-2.json', 'truth-2-3.json', 'district.json']) {
      const a = await readFile(join(dir, file));
      const b = await readFile(join(again, file));
      expect(createHash('sha256').update(a).digest('hex'), file).toBe(createHash('sha256').update(b).digest('hex'));
    }
  });

  it('writes what its name pins: a change to its output must raise SAMPLE_GENERATOR', async () => {
    // Old sample folders are regenerated only when the name differs (sampleDistrictProblem), so a
    // change to the bytes under the same name would leave the demo on a stale district. When this
    // fails because the generator was changed on purpose, raise the number in SAMPLE_GENERATOR and
    // put the new digest here.
    const hash = createHash('sha256');
    for (const file of (await readdir(dir, { recursive: true })).sort()) {
      const path = join(dir, file);
      if ((await stat(path)).isFile()) hash.update(file.split(sep).join('/')).update(await readFile(path));
    }
    expect({ generator: SAMPLE_GENERATOR, digest: hash.digest('hex').slice(0, 16) }).toEqual({
      generator: 'VoxWatch sample generator 2',
      digest: 'f22b3ee4cc9c0c07',
    });
  });

  it('is ready for the demo under its own name, and stale under another', async () => {
    expect(await sampleDistrictProblem(dir)).toBeNull();
    const manifest = JSON.parse(await readFile(join(dir, 'district.json'), 'utf8')) as DistrictManifest;
    const other = await mkdtemp(join(tmpdir(), 'voxwatch-district-'));
    try {
      expect(await sampleDistrictProblem(other)).toBe(`no sample district in ${other} yet`);
      await writeFile(join(other, 'district.json'), JSON.stringify({ ...manifest, generator: 'VoxWatch sample generator 1' }));
      expect(await sampleDistrictProblem(other)).toBe(
        `the sample district in ${other} was written by VoxWatch sample generator 1, not ${SAMPLE_GENERATOR}`,
      );
      await writeFile(join(other, 'district.json'), JSON.stringify({ ...manifest, review_layers: undefined }));
      expect(await sampleDistrictProblem(other)).toMatch(/without its DSMs or review layers$/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('describes the epochs and truth in district.json', async () => {
    const json = JSON.parse(await readFile(join(dir, 'district.json'), 'utf8')) as DistrictManifest;
    expect(json).toEqual(manifest);
    expect(json.crs.epsg).toBe(4547);
    expect(json.extent).toEqual({ minX: 513200, minY: 2494300, maxX: 513300, maxY: 2494400 });
    expect(json.epochs.map((e) => [e.date, e.las_version, e.point_format, e.density])).toEqual([
      ['2024-03-01', '1.2', 3, 20],
      ['2024-09-01', '1.4', 7, 15],
      ['2025-03-01', '1.2', 3, 25],
    ]);
    for (const e of json.epochs) for (const s of e.shift) expect(Math.abs(s)).toBeLessThanOrEqual(0.05);
    const truth = JSON.parse(await readFile(join(dir, json.truth[0]), 'utf8'));
    expect(truth.from).toBe(1);
    expect(truth.epochs[0].shift).toEqual(json.epochs[0].shift);
  });

  it.each([
    ['epoch-1.las', '1.2', 3, 34, 227, 61, 2024],
    ['epoch-2.las', '1.4', 7, 36, 375, 245, 2024],
    ['epoch-3.las', '1.2', 3, 34, 227, 60, 2025],
  ] as const)(
    '%s has a correct LAS %s header',
    async (file, version, format, recordLength, headerSize, day, year) => {
      const bytes = await readFile(join(dir, file));
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const ascii = (at: number, n: number) => bytes.toString('ascii', at, at + n).replace(/\0+$/, '');
      const epoch = manifest.epochs.find((e) => e.file === file)!;

      expect(ascii(0, 4)).toBe('LASF');
      expect(`${view.getUint8(24)}.${view.getUint8(25)}`).toBe(version);
      expect(ascii(26, 32)).toBe('VoxWatch');
      expect(ascii(58, 32)).toBe('VoxWatch sample generator');
      expect([view.getUint16(90, true), view.getUint16(92, true)]).toEqual([day, year]);
      expect(view.getUint16(94, true)).toBe(headerSize);
      const pointOffset = view.getUint32(96, true);
      expect(view.getUint32(100, true)).toBe(1);
      expect(view.getUint8(104)).toBe(format);
      expect(view.getUint16(105, true)).toBe(recordLength);
      const count = version === '1.4' ? Number(view.getBigUint64(247, true)) : view.getUint32(107, true);
      expect(count).toBe(epoch.point_count);
      expect(bytes.length).toBe(pointOffset + count * recordLength);
      if (version === '1.4') {
        expect(view.getUint32(107, true)).toBe(0); // legacy count must be 0 for point format 7
        expect(Number(view.getBigUint64(255, true))).toBe(count); // all single returns
        expect(view.getUint16(6, true) & 16).toBe(16); // WKT bit
      } else {
        expect(view.getUint32(111, true)).toBe(count);
      }
      const scale = [0, 1, 2].map((a) => view.getFloat64(131 + 8 * a, true));
      const offset = [0, 1, 2].map((a) => view.getFloat64(155 + 8 * a, true));
      expect(scale).toEqual([0.001, 0.001, 0.001]);

      // The VLR: GeoKeys in 1.2, WKT in 1.4.
      const vlrAt = headerSize;
      expect(ascii(vlrAt + 2, 16)).toBe('LASF_Projection');
      const recordId = view.getUint16(vlrAt + 18, true);
      const length = view.getUint16(vlrAt + 20, true);
      expect(vlrAt + 54 + length).toBe(pointOffset);
      if (version === '1.2') {
        expect(recordId).toBe(34735);
        const keys = Array.from({ length: length / 2 }, (_, i) => view.getUint16(vlrAt + 54 + 2 * i, true));
        const entries = new Map<number, number>();
        for (let k = 0; k < keys[3]; k++) entries.set(keys[4 + 4 * k], keys[7 + 4 * k]);
        expect(entries.get(3072)).toBe(4547);
        expect(entries.get(3076)).toBe(9001);
      } else {
        expect(recordId).toBe(2112);
        const wkt = ascii(vlrAt + 54, length);
        expect(wkt).toMatch(/^PROJCS\["CGCS2000 \/ 3-degree Gauss-Kruger CM 114E"/);
        expect(wkt.endsWith('AUTHORITY["EPSG","4547"]]')).toBe(true);
        // A real CRS: the district's corner lies in Luohu, Shenzhen.
        const [lon, lat] = proj4(wkt, 'EPSG:4326', [513200, 2494300]);
        expect(lon).toBeCloseTo(114.128, 2);
        expect(lat).toBeCloseTo(22.546, 2);
      }

      // Bounds equal the extremes of the stored coordinates; the first point matches the generator.
      const min = [Infinity, Infinity, Infinity];
      const max = [-Infinity, -Infinity, -Infinity];
      for (let i = 0; i < count; i++) {
        const at = pointOffset + i * recordLength;
        for (let a = 0; a < 3; a++) {
          const v = view.getInt32(at + 4 * a, true) * scale[a] + offset[a];
          if (v < min[a]) min[a] = v;
          if (v > max[a]) max[a] = v;
        }
      }
      for (let a = 0; a < 3; a++) {
        expect(view.getFloat64(179 + 16 * a, true)).toBeCloseTo(max[a], 6);
        expect(view.getFloat64(187 + 16 * a, true)).toBeCloseTo(min[a], 6);
      }
      const epochIndex = Number(file[6]) - 1;
      const first = generateDistrict(options).epochs[epochIndex].chunks().next().value as PointChunk;
      expect(view.getInt32(pointOffset, true) * 0.001 + offset[0]).toBeCloseTo(first.x[0], 3);
      expect(view.getInt32(pointOffset + 8, true) * 0.001 + offset[2]).toBeCloseTo(first.z[0], 3);
      const rgbAt = pointOffset + (format === 3 ? 28 : 30);
      expect([0, 1, 2].map((c) => view.getUint16(rgbAt + 2 * c, true))).toEqual(Array.from(first.rgb!.subarray(0, 3)));
      expect(view.getFloat64(pointOffset + (format === 3 ? 20 : 22), true)).toBe(first.gpsTime![0]);
      expect(view.getUint8(pointOffset + (format === 3 ? 15 : 16))).toBe(0); // unclassified
    },
    SLOW,
  );

  it('writes georeferenced orthophotos', async () => {
    const tiff = parseTiff(await readFile(join(dir, 'ortho-1.tif')));
    expect(tiff.tags.get(256)).toEqual([1000]);
    expect(tiff.tags.get(257)).toEqual([1000]);
    expect(tiff.tags.get(33922)).toEqual([0, 0, 0, 513200, 2494400, 0]);
    expect(tiff.tags.get(33550)).toEqual([0.1, 0.1, 0]);
    expect(tiff.geoKeys.get(3072)).toBe(4547);
  });
});

// ── Writers ───────────────────────────────────────────────────────────────────────────────────────

describe('LAS writer', () => {
  it('encodes every field of point formats 3 and 7', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'voxwatch-las-'));
    try {
      const chunk: PointChunk = {
        count: 2,
        x: new Float64Array([513200.1234, 513201]),
        y: new Float64Array([2494300.5, 2494301]),
        z: new Float64Array([25.0004, -1.2]),
        intensity: new Uint16Array([1000, 2000]),
        returnNumber: new Uint8Array([1, 2]),
        numberOfReturns: new Uint8Array([2, 2]),
        classification: new Uint8Array([6, 2]),
        rgb: new Uint16Array([65535, 0, 257, 1, 2, 3]),
        gpsTime: new Float64Array([1.5, 2.5]),
      };
      for (const [version, format, length] of [
        ['1.2', 3, 34],
        ['1.4', 7, 36],
      ] as const) {
        const path = join(dir, `${version}.las`);
        const writer = createLasWriter(path, { version, offset: [513000, 2494000, 0], epsg: 4547 });
        await writer.write(chunk);
        await writer.close();
        const bytes = await readFile(path);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const at = view.getUint32(96, true);
        expect(view.getUint8(104)).toBe(format);
        expect(bytes.length).toBe(at + 2 * length);
        expect(view.getInt32(at, true)).toBe(200123);
        expect(view.getInt32(at + 4, true)).toBe(300500);
        expect(view.getInt32(at + 8, true)).toBe(25000);
        expect(view.getUint16(at + 12, true)).toBe(1000);
        const second = at + length;
        if (format === 3) {
          expect(view.getUint8(second + 14)).toBe(2 | (2 << 3));
          expect(view.getUint8(at + 15)).toBe(6);
          expect(view.getFloat64(second + 20, true)).toBe(2.5);
          expect(view.getUint16(second + 28 + 4, true)).toBe(3);
          expect([view.getUint32(111, true), view.getUint32(115, true)]).toEqual([1, 1]);
        } else {
          expect(view.getUint8(second + 14)).toBe(2 | (2 << 4));
          expect(view.getUint8(at + 16)).toBe(6);
          expect(view.getFloat64(second + 22, true)).toBe(2.5);
          expect(view.getUint16(second + 30 + 4, true)).toBe(3);
          expect([Number(view.getBigUint64(255, true)), Number(view.getBigUint64(263, true))]).toEqual([1, 1]);
        }
        expect(view.getFloat64(187, true)).toBeCloseTo(513200.123, 9); // min x, as stored (mm)
        expect(view.getFloat64(219, true)).toBeCloseTo(-1.2, 9); // min z
      }
      expect(() => createLasWriter(join(dir, 'bad.las'), { version: '1.2', pointFormat: 7 })).toThrow(/point format 3/);
      const far = createLasWriter(join(dir, 'far.las'), { version: '1.2' });
      await expect(far.write(chunk)).rejects.toThrow(/does not fit/);
      await far.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('GeoTIFF writer', () => {
  const width = 300;
  const height = 200;
  const rgb = new Uint8Array(width * height * 3).map((_, i) => (i * 7919) % 251);
  const options = { width, height, rgb, originX: 513200, originY: 2494400, pixelSize: 0.5, epsg: 4547 };

  it.each([true, false])('writes tiled Deflate RGB with GeoKeys (predictor %s)', (predictor) => {
    const tiff = parseTiff(encodeGeoTiffRgb({ ...options, predictor }));
    expect(tiff.tags.get(258)).toEqual([8, 8, 8]);
    expect(tiff.tags.get(259)).toEqual([8]);
    expect(tiff.tags.get(262)).toEqual([2]);
    expect(tiff.tags.get(277)).toEqual([3]);
    expect(tiff.tags.get(284)).toEqual([1]);
    expect(tiff.tags.get(317)).toEqual([predictor ? 2 : 1]);
    expect(tiff.tags.get(33550)).toEqual([0.5, 0.5, 0]);
    expect(tiff.tags.get(33922)).toEqual([0, 0, 0, 513200, 2494400, 0]);
    expect([...tiff.geoKeys]).toEqual([
      [1024, 1],
      [1025, 1],
      [3072, 4547],
    ]);
    expect(Buffer.from(tiff.pixels).equals(Buffer.from(rgb))).toBe(true);
  });

  it.skipIf(!existsSync(fileURLToPath(new URL('../../node_modules/geotiff', import.meta.url))))(
    'opens with the geotiff package',
    async () => {
      const name = 'geotiff';
      const geotiff = await import(/* @vite-ignore */ name);
      const bytes = encodeGeoTiffRgb(options);
      const tiff = await geotiff.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      const image = await tiff.getImage();
      expect(image.getOrigin()).toEqual([513200, 2494400, 0]);
      expect(image.getGeoKeys().ProjectedCSTypeGeoKey).toBe(4547);
      const raster = await image.readRasters({ interleave: true });
      expect(Uint8Array.from(raster)).toEqual(rgb);
    },
  );
});

/** A tiny reader for the TIFFs we write: one IFD, tiled, Deflate, chunky RGB. */
function parseTiff(bytes: Buffer): { tags: Map<number, number[]>; geoKeys: Map<number, number>; pixels: Uint8Array } {
  expect(bytes.toString('ascii', 0, 2)).toBe('II');
  expect(bytes.readUInt16LE(2)).toBe(42);
  const ifd = bytes.readUInt32LE(4);
  const tags = new Map<number, number[]>();
  const size: Record<number, number> = { 3: 2, 4: 4, 12: 8 };
  const count = bytes.readUInt16LE(ifd);
  let previous = -1;
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + 12 * i;
    const tag = bytes.readUInt16LE(at);
    expect(tag).toBeGreaterThan(previous); // tags must be sorted
    previous = tag;
    const type = bytes.readUInt16LE(at + 2);
    const n = bytes.readUInt32LE(at + 4);
    const where = n * size[type] <= 4 ? at + 8 : bytes.readUInt32LE(at + 8);
    const values = Array.from({ length: n }, (_, k) =>
      type === 3 ? bytes.readUInt16LE(where + 2 * k) : type === 4 ? bytes.readUInt32LE(where + 4 * k) : bytes.readDoubleLE(where + 8 * k),
    );
    tags.set(tag, values);
  }
  expect(bytes.readUInt32LE(ifd + 2 + 12 * count)).toBe(0);
  const dir = tags.get(34735)!;
  const geoKeys = new Map<number, number>();
  for (let k = 0; k < dir[3]; k++) geoKeys.set(dir[4 + 4 * k], dir[7 + 4 * k]);

  const [width] = tags.get(256)!;
  const [height] = tags.get(257)!;
  const [tile] = tags.get(322)!;
  const offsets = tags.get(324)!;
  const counts = tags.get(325)!;
  const predictor = tags.get(317)?.[0] === 2;
  const across = Math.ceil(width / tile);
  expect(offsets.length).toBe(across * Math.ceil(height / tile));
  const pixels = new Uint8Array(width * height * 3);
  offsets.forEach((offset, t) => {
    const data = inflateSync(bytes.subarray(offset, offset + counts[t]));
    expect(data.length).toBe(tile * tile * 3);
    const tx = (t % across) * tile;
    const ty = Math.floor(t / across) * tile;
    for (let r = 0; r < tile; r++) {
      if (predictor) for (let k = r * tile * 3 + 3; k < (r + 1) * tile * 3; k++) data[k] = (data[k] + data[k - 3]) & 0xff;
      if (ty + r >= height) continue;
      const columns = Math.min(tile, width - tx);
      pixels.set(data.subarray(r * tile * 3, r * tile * 3 + columns * 3), ((ty + r) * width + tx) * 3);
    }
  });
  return { tags, geoKeys, pixels };
}
