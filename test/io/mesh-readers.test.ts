/**
 * The model readers on real bytes: the generated district's epoch 2 as an OBJ (vertex colours,
 * metadata.xml origin) and as an Earth-centred 3D Tiles tileset (b3dm with RTC_CENTER, glb with a
 * tile transform, Y-up glTF, textures), a PLY and a standalone GLB written here, all checked against
 * the generator's geometry in EPSG:4547; then the bad inputs and the tileset's spatial index.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Document, NodeIO } from '@gltf-transform/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeSource, detectPointFormat, type SourceReadOptions } from '../../core/io/formats';
import { loadModel } from '../../core/io/mesh/model';
import type { MeshPart } from '../../core/io/mesh/types';
import { Tileset } from '../../core/io/tiles3d/tileset';
import type { PointChunk } from '../../core/io/types';
import { generateDistrict, MESH_EPOCH, writeSampleDistrict } from '../../samples/generator/index';
import { rectCorners } from '../../samples/generator/geometry';
import type { Box } from '../../samples/generator/scene';

const OPTIONS = { seed: 5, size: 120, withOrthophoto: false, withMesh: true };
const district = generateDistrict(OPTIONS);
const epoch = district.epochs[MESH_EPOCH - 1];
const [sx, sy, sz] = epoch.shift;
let dir: string;
let obj: string;
let tileset: string;

/** The tallest ground-standing box of the epoch: its roof corners must be vertices of every model. */
const box: Box = epoch.scene.buildings
  .flatMap((b) => b.boxes)
  .filter((b) => b.onGround)
  .sort((p, q) => q.z1 - p.z1)[0];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'voxwatch-mesh-'));
  await writeSampleDistrict(dir, OPTIONS);
  obj = join(dir, 'epoch-2-mesh/epoch-2.obj');
  tileset = join(dir, 'epoch-2-tiles/tileset.json');
}, 300_000);

async function collect(path: string, options?: SourceReadOptions): Promise<PointChunk> {
  const chunks: PointChunk[] = [];
  for await (const c of (await detectPointFormat(path)).parseInBatches(path, options)) chunks.push(c);
  const n = chunks.reduce((s, c) => s + c.count, 0);
  const out: PointChunk = { count: n, x: new Float64Array(n), y: new Float64Array(n), z: new Float64Array(n), rgb: new Uint16Array(3 * n) };
  let at = 0;
  for (const c of chunks) {
    out.x.set(c.x, at);
    out.y.set(c.y, at);
    out.z.set(c.z, at);
    if (c.rgb) out.rgb!.set(c.rgb, 3 * at);
    at += c.count;
  }
  return out;
}

/** Distance from (x, y, z) to the nearest vertex of the parts. */
function nearestVertex(parts: MeshPart[], x: number, y: number, z: number): number {
  let best = Infinity;
  for (const { positions: p } of parts) {
    for (let i = 0; i < p.length; i += 3) best = Math.min(best, Math.hypot(p[i] - x, p[i + 1] - y, p[i + 2] - z));
  }
  return best;
}

/** The roof's samples: points well inside the footprint, at most 1 m below its top. */
function roofPoints(c: PointChunk, rect: Box): number[] {
  const cos = Math.cos(rect.angle);
  const sin = Math.sin(rect.angle);
  const out: number[] = [];
  for (let i = 0; i < c.count; i++) {
    const dx = c.x[i] - sx - rect.cx;
    const dy = c.y[i] - sy - rect.cy;
    const u = dx * cos + dy * sin;
    const v = dy * cos - dx * sin;
    if (Math.abs(u) < rect.hw - 0.3 && Math.abs(v) < rect.hd - 0.3) out.push(i);
  }
  return out;
}

describe('OBJ epoch (vertex colours, ContextCapture metadata.xml)', () => {
  it('places the roof corners of a building where the generator put them, in EPSG:4547', async () => {
    const model = await loadModel(obj);
    expect(model.georef.crs.epsg).toBe(4547);
    expect(model.georef.origin).toEqual([Math.floor(district.extent.minX / 100) * 100, Math.floor(district.extent.minY / 100) * 100, 0]);
    for (const [x, y] of rectCorners(box)) expect(nearestVertex(model.parts, x + sx, y + sy, box.z1 + sz)).toBeLessThan(0.005);
  });

  it('samples the roof at its height and colour, about 25 points per m², the same points every time', async () => {
    const info = await describeSource(obj);
    expect(info.format).toBe('obj');
    expect(info.crs?.epsg).toBe(4547);
    expect(info.bounds.minX).toBeCloseTo(district.extent.minX + sx, 1);
    expect(info.bounds.maxY).toBeCloseTo(district.extent.maxY + sy, 1);
    const points = await collect(obj);
    expect(points.count).toBe(info.pointCount);
    const roof = roofPoints(points, box);
    const area = 4 * (box.hw - 0.3) * (box.hd - 0.3);
    expect(roof.length / area).toBeGreaterThan(20);
    expect(roof.length / area).toBeLessThan(30);
    expect(Math.max(...roof.map((i) => Math.abs(points.z[i] - (box.z1 + sz))))).toBeLessThan(0.003);
    for (let c = 0; c < 3; c++)
      expect(Math.max(...roof.map((i) => Math.abs(points.rgb![3 * i + c] / 257 - box.roof[c])))).toBeLessThanOrEqual(1);
    const again = await collect(obj);
    expect(Buffer.from(again.x.buffer).equals(Buffer.from(points.x.buffer))).toBe(true);
  });

  it('keeps the millimetres of an OBJ in full map coordinates (a quad, negative indices, v/vt/vn faces)', async () => {
    const d = join(dir, 'obj-absolute');
    mkdirSync(d);
    // A 10 m × 8 m roof at a northing of 2.49e6 m: 32-bit vertices would be ±0.12 m off.
    const [x0, y0, z] = [513412.347, 2494871.653, 31.417];
    const roof = [
      [x0, y0],
      [x0 + 10, y0],
      [x0 + 10, y0 + 8],
      [x0, y0 + 8],
    ];
    const text = [
      'mtllib roof.mtl',
      ...roof.map(([x, y]) => `v ${x.toFixed(3)} ${y.toFixed(3)} ${z}`),
      'vt 0 0',
      'vn 0 0 1',
      'usemtl roof',
      'f 1/1/1 2/1/1 3/1/1 4/1/1',
      // The same quad again, by indices counted back from the last vertex.
      'f -4//1 -3//1 -2//1',
    ].join('\r\n');
    writeFileSync(join(d, 'roof.obj'), text);
    const model = await loadModel(join(d, 'roof.obj'), 'EPSG:4547');
    expect(model.triangles).toBe(3);
    expect(model.warnings).toEqual(['OBJ textures are not read (only vertex colours): the sampled points have no colour']);
    const p = model.parts[0].positions;
    for (const [i, [x, y]] of roof.entries()) {
      expect(Math.abs(p[3 * i] - x)).toBeLessThan(1e-6);
      expect(Math.abs(p[3 * i + 1] - y)).toBeLessThan(1e-6);
      expect(p[3 * i + 2]).toBe(z);
    }
    const points = await collect(join(d, 'roof.obj'), { crs: 'EPSG:4547' });
    expect(Math.min(...points.y)).toBeGreaterThanOrEqual(y0 - 1e-6);
    expect(Math.max(...points.x)).toBeLessThanOrEqual(x0 + 10 + 1e-6);
  });

  it('names the line of an OBJ face that points at no vertex', async () => {
    const bad = join(dir, 'bad-face.obj');
    writeFileSync(bad, 'v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n');
    await expect(loadModel(bad, 'EPSG:4547')).rejects.toThrow(
      `${bad}: cannot read the model (line 4: face vertex "4" is not one of the 3 vertices read so far)`,
    );
  });

  it('refuses an OBJ with no faces, and one that names no CRS, by name and with the fix', async () => {
    const bare = join(dir, 'bare');
    mkdirSync(bare);
    const noFaces = join(bare, 'points.obj');
    writeFileSync(noFaces, 'v 0 0 0\nv 1 0 0\nv 0 1 0\n');
    await expect(describeSource(noFaces)).rejects.toThrow(`${noFaces}: the model holds no faces (triangles) to sample`);
    const noCrs = join(bare, 'model.obj');
    copyFileSync(obj, noCrs);
    await expect(describeSource(noCrs)).rejects.toThrow(`${noCrs}: the model declares no coordinate system: pass --crs EPSG:xxxx`);
    // The user's CRS (what --crs passes) is enough.
    const info = await describeSource(noCrs, { crs: 'EPSG:4547' });
    expect(info.crs?.source).toBe('user');
  });
});

describe('3D Tiles epoch (Earth-centred, b3dm + glb, textured)', () => {
  it('lists the leaves only (REPLACE hides the coarse root) and places every tile in EPSG:4547', async () => {
    const ts = await Tileset.open(tileset);
    expect(ts.frame.ecef).toBe(true);
    expect(ts.frame.georef.crs.epsg).toBe(4547);
    const tiles = [];
    for await (const t of ts.contentTiles()) tiles.push(t);
    expect(tiles.map((t) => t.url.slice(dirname(tileset).length + 1)).sort()).toEqual([
      'tiles/tile_0_0.b3dm',
      'tiles/tile_0_1.b3dm',
      'tiles/tile_1_0.glb',
      'tiles/tile_1_1.glb',
    ]);
    const parts: MeshPart[] = [];
    for (const t of tiles) parts.push(...(await ts.readTile(t, [])));
    // Both tile kinds (RTC_CENTER and tile transform), Y-up glTF, root ENU → ECEF → EPSG:4547.
    for (const [x, y] of rectCorners(box)) expect(nearestVertex(parts, x + sx, y + sy, box.z1 + sz)).toBeLessThan(0.005);
    const b = ts.bounds;
    expect(b.minX).toBeLessThan(district.extent.minX + 0.1);
    expect(b.maxX).toBeGreaterThan(district.extent.maxX - 0.1);
    expect(b.maxZ).toBeGreaterThan(box.z1);
  });

  it('samples texture colours: the roof comes out in its colour (JPEG and pixel noise aside)', async () => {
    const points = await collect(tileset);
    const roof = roofPoints(points, box);
    expect(roof.length).toBeGreaterThan(100);
    const mean = [0, 1, 2].map((c) => roof.reduce((s, i) => s + points.rgb![3 * i + c] / 257, 0) / roof.length);
    for (let c = 0; c < 3; c++) expect(Math.abs(mean[c] - box.roof[c])).toBeLessThan(12);
    expect(Math.max(...roof.map((i) => Math.abs(points.z[i] - (box.z1 + sz))))).toBeLessThan(0.005);
  });

  it('reads only the tiles overlapping the area asked for: a missing tile outside it is never opened', async () => {
    const copy = join(dir, 'tiles-copy');
    cpSync(dirname(tileset), copy, { recursive: true });
    const path = join(copy, 'tileset.json');
    const ts = await Tileset.open(path);
    const tiles = [];
    for await (const t of ts.contentTiles()) tiles.push(t);
    const first = tiles.find((t) => t.url.endsWith('tile_0_0.b3dm'))!;
    const area = { minX: first.bounds.minX + 5, minY: first.bounds.minY + 5, maxX: first.bounds.minX + 20, maxY: first.bounds.minY + 20 };
    rmSync(join(copy, 'tiles/tile_1_1.glb'));
    const opened: string[] = [];
    const points = await collect(path, { area, onOpen: (f) => opened.push(f) });
    expect(opened).toEqual([first.url]);
    expect(points.count).toBeGreaterThan(0);
    expect(Math.min(...points.x)).toBeGreaterThanOrEqual(area.minX);
    expect(Math.max(...points.x)).toBeLessThan(area.maxX);
    expect(Math.min(...points.y)).toBeGreaterThanOrEqual(area.minY);
    expect(Math.max(...points.y)).toBeLessThan(area.maxY);
    // Without the area the missing tile is an error naming it and the tileset.
    await expect(collect(path)).rejects.toThrow(
      `${join(copy, 'tiles/tile_1_1.glb')}: tile content not found (the tileset ${path} references it)`,
    );
  });

  it('refuses a truncated tile by its name, and a tileset without a CRS with the fix', async () => {
    const copy = join(dir, 'tiles-cut');
    cpSync(dirname(tileset), copy, { recursive: true });
    const glb = join(copy, 'tiles/tile_1_0.glb');
    const bytes = readFileSync(glb);
    writeFileSync(glb, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(collect(join(copy, 'tileset.json'))).rejects.toThrow(`${glb}: cannot read the tile`);
    rmSync(join(copy, 'tileset.prj'));
    await expect(describeSource(join(copy, 'tileset.json'))).rejects.toThrow(/Earth-centred \(ECEF\).*pass --crs EPSG:xxxx/);
  });
});

/** A 10 m × 4 m roof 7 m up in glTF's Y-up frame (x east, y up, z south), its data in `buffer`. */
function roofPrimitive(doc: Document, buffer: ReturnType<Document['createBuffer']>) {
  const positions = new Float32Array([0, 7, 0, 10, 7, 0, 10, 7, -4, 0, 7, -4]);
  const indices = new Uint16Array([0, 1, 2, 0, 2, 3]);
  return doc
    .createPrimitive()
    .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(indices).setBuffer(buffer));
}

describe('PLY and standalone GLB', () => {
  it('reads a PLY with faces and vertex colours beside a .prj', async () => {
    const d = join(dir, 'ply');
    mkdirSync(d);
    const corners = rectCorners(box);
    const ply = [
      'ply',
      'format ascii 1.0',
      'element vertex 4',
      'property float x',
      'property float y',
      'property float z',
      'property uchar red',
      'property uchar green',
      'property uchar blue',
      'element face 2',
      'property list uchar int vertex_indices',
      'end_header',
      ...corners.map(([x, y]) => `${(x - 513000).toFixed(3)} ${(y - 2494000).toFixed(3)} ${box.z1.toFixed(3)} ${box.roof.join(' ')}`),
      '3 0 1 2',
      '3 0 2 3',
      '',
    ].join('\n');
    writeFileSync(join(d, 'roof.ply'), ply);
    writeFileSync(join(d, 'metadata.xml'), '<ModelMetadata><SRS>EPSG:4547</SRS><SRSOrigin>513000,2494000,0</SRSOrigin></ModelMetadata>');
    const info = await describeSource(join(d, 'roof.ply'));
    expect(info.format).toBe('ply');
    expect(info.bounds.maxZ).toBeCloseTo(box.z1, 3);
    const points = await collect(join(d, 'roof.ply'));
    expect(points.count).toBe(info.pointCount);
    expect(points.count / (4 * box.hw * box.hd)).toBeCloseTo(25, 0);
    expect(points.rgb![0] / 257).toBe(box.roof[0]);
  });

  it('reads a Y-up GLB with nested node transforms, and refuses a truncated one', async () => {
    const d = join(dir, 'glb');
    mkdirSync(d);
    const doc = new Document();
    // A 10 m × 4 m roof at 7 m in glTF's Y-up frame (x east, y up, z south), under a parent
    // node that turns it 90° about the up axis and a child that lifts it 3 m.
    const prim = roofPrimitive(doc, doc.createBuffer());
    const child = doc.createNode().setMesh(doc.createMesh().addPrimitive(prim)).setTranslation([0, 3, 0]);
    const half = Math.SQRT1_2;
    doc.createScene().addChild(doc.createNode().setRotation([0, half, 0, half]).addChild(child));
    writeFileSync(join(d, 'roof.glb'), await new NodeIO().writeBinary(doc));
    writeFileSync(join(d, 'metadata.xml'), '<ModelMetadata><SRS>EPSG:4547</SRS><SRSOrigin>513000,2494000,20</SRSOrigin></ModelMetadata>');
    const model = await loadModel(join(d, 'roof.glb'));
    // +90° about glTF's y (up) turns east (x) into north (glTF −z, Z-up +y) and glTF −z into west:
    // the roof runs 10 m north and 4 m west of the origin.
    const p = model.parts[0].positions;
    const xs = [0, 3, 6, 9].map((i) => p[i]);
    const ys = [1, 4, 7, 10].map((i) => p[i]);
    expect(Math.min(...xs)).toBeCloseTo(512996, 4);
    expect(Math.max(...xs)).toBeCloseTo(513000, 4);
    expect(Math.min(...ys)).toBeCloseTo(2494000, 4);
    expect(Math.max(...ys)).toBeCloseTo(2494010, 4);
    for (const i of [2, 5, 8, 11]) expect(p[i]).toBeCloseTo(30, 4);
    const bytes = readFileSync(join(d, 'roof.glb'));
    writeFileSync(join(d, 'cut.glb'), bytes.subarray(0, 40));
    await expect(describeSource(join(d, 'cut.glb'))).rejects.toThrow(`${join(d, 'cut.glb')}: cannot read the model`);
  });

  it('reads a .gltf whose buffer is a .bin file beside it, and names that file when it is missing', async () => {
    const d = join(dir, 'gltf-bin');
    mkdirSync(d);
    const doc = new Document();
    const prim = roofPrimitive(doc, doc.createBuffer().setURI('roof.bin'));
    doc.createScene().addChild(doc.createNode().setMesh(doc.createMesh().addPrimitive(prim)));
    await new NodeIO().write(join(d, 'roof.gltf'), doc);
    writeFileSync(join(d, 'metadata.xml'), '<ModelMetadata><SRS>EPSG:4547</SRS><SRSOrigin>513000,2494000,20</SRSOrigin></ModelMetadata>');
    expect(readFileSync(join(d, 'roof.gltf'), 'utf8')).toContain('"uri": "roof.bin"');
    const p = (await loadModel(join(d, 'roof.gltf'))).parts[0].positions;
    expect([0, 3, 6, 9].map((i) => p[i])).toEqual([513000, 513010, 513010, 513000]);
    for (const i of [2, 5, 8, 11]) expect(p[i]).toBeCloseTo(27, 4);
    rmSync(join(d, 'roof.bin'));
    await expect(loadModel(join(d, 'roof.gltf'))).rejects.toThrow(
      `${join(d, 'roof.gltf')}: its buffer roof.bin (${join(d, 'roof.bin')}) is missing`,
    );
  });
});
