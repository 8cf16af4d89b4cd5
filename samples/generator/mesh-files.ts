/**
 * Writes a scene mesh the way photogrammetry tools export one: an OBJ with vertex colours and
 * local coordinates beside a ContextCapture-style metadata.xml (SRS and SRSOrigin), and an
 * Earth-centred 3D Tiles tileset (root transform east-north-up → ECEF, a coarse root tile refined
 * by 2 × 2 leaves, b3dm with RTC_CENTER and glb with a tile transform, Y-up glTF inside,
 * orthophoto textures), with a tileset.prj naming the projected CRS to compare in.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, NodeIO, VertexLayout } from '@gltf-transform/core';
import proj4 from 'proj4';
import sharp from 'sharp';
import { lookupEpsg } from '../../core/geo/epsg';
import type { SceneMesh } from './mesh';
import type { Orthophoto } from './orthophoto';

export async function writeObjWithMetadata(
  dir: string,
  name: string,
  mesh: SceneMesh,
  epsg: number,
  origin: [number, number, number],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const lines: string[] = [`# VoxWatch sample mesh: vertex colours, coordinates relative to metadata.xml's SRSOrigin`];
  const { positions: p, colors: c, indices } = mesh;
  for (let v = 0; v < p.length / 3; v++) {
    lines.push(
      `v ${(p[3 * v] - origin[0]).toFixed(3)} ${(p[3 * v + 1] - origin[1]).toFixed(3)} ${(p[3 * v + 2] - origin[2]).toFixed(3)} ${(c[3 * v] / 255).toFixed(3)} ${(c[3 * v + 1] / 255).toFixed(3)} ${(c[3 * v + 2] / 255).toFixed(3)}`,
    );
  }
  for (let t = 0; t < indices.length; t += 3) lines.push(`f ${indices[t] + 1} ${indices[t + 1] + 1} ${indices[t + 2] + 1}`);
  await writeFile(join(dir, name), lines.join('\n') + '\n');
  await writeFile(
    join(dir, 'metadata.xml'),
    `<?xml version="1.0" encoding="utf-8"?>\n<ModelMetadata version="1">\n\t<SRS>EPSG:${epsg}</SRS>\n\t<SRSOrigin>${origin.join(',')}</SRSOrigin>\n\t<Texture>\n\t\t<ColorSource>Visible</ColorSource>\n\t</Texture>\n</ModelMetadata>\n`,
  );
}

interface TilePiece {
  name: string;
  /** Tile centre in the root's east-north-up frame. */
  centre: [number, number, number];
  /** Vertices relative to the centre, east-north-up. */
  enu: Float64Array;
  /** Scene (unshifted) x, y per vertex, for the texture lookup. */
  xy: Float64Array;
  indices: Uint32Array;
  box: { minX: number; minY: number; maxX: number; maxY: number };
}

/**
 * Writes `dir/tileset.json`, `dir/tileset.prj` and `dir/tiles/*`: a coarse root (terrain only,
 * which REPLACE refinement hides), and `split × split` leaves alternating b3dm (RTC_CENTER) and
 * glb (tile transform).
 */
export async function writeTileset(
  dir: string,
  mesh: SceneMesh,
  coarse: SceneMesh,
  ortho: Orthophoto,
  epsg: number,
  shift: [number, number, number],
  split = 2,
): Promise<string[]> {
  const entry = lookupEpsg(epsg)!;
  await mkdir(join(dir, 'tiles'), { recursive: true });
  const toLonLat = proj4(entry.proj4!, 'WGS84');
  const bounds = boundsXY(mesh.positions);
  const [lon0, lat0] = toLonLat.forward([(bounds.minX + bounds.maxX) / 2, (bounds.minY + bounds.maxY) / 2]);
  const frame = enuFrame(lon0, lat0, 0);
  const toEnu = (x: number, y: number, z: number): [number, number, number] => {
    const [lon, lat] = toLonLat.forward([x, y]);
    return frame.fromEcef(geodeticToEcef(lon, lat, z));
  };

  const pieces: TilePiece[] = [];
  const w = (bounds.maxX - bounds.minX) / split;
  const h = (bounds.maxY - bounds.minY) / split;
  for (let j = 0; j < split; j++) {
    for (let i = 0; i < split; i++) {
      const box = {
        minX: bounds.minX + i * w,
        minY: bounds.minY + j * h,
        maxX: bounds.minX + (i + 1) * w,
        maxY: bounds.minY + (j + 1) * h,
      };
      pieces.push(piece(`tile_${i}_${j}`, mesh, box, toEnu, shift, i === split - 1, j === split - 1));
    }
  }
  const root = piece('root', coarse, bounds, toEnu, shift, true, true);
  const all = piece('all', mesh, bounds, toEnu, shift, true, true);

  const files: string[] = [];
  const children = [];
  for (const [k, p] of pieces.entries()) {
    const texture = await textureFor(ortho, p.box);
    const uv = uvs(p, ortho, p.box);
    const asB3dm = k % 2 === 0;
    // b3dm: positions relative to RTC_CENTER; glb: relative to the tile's own transform.
    const glb = await glbOf(p, uv, texture);
    const file = `tiles/${p.name}.${asB3dm ? 'b3dm' : 'glb'}`;
    await writeFile(join(dir, file), asB3dm ? b3dm(glb, p.centre) : glb);
    files.push(file);
    children.push({
      boundingVolume: { box: enuBox(p) },
      geometricError: 0,
      ...(asB3dm ? {} : { transform: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, ...p.centre, 1] }),
      content: { uri: file },
    });
    // The glb's volume is in its own (translated) frame.
    if (!asB3dm) children[children.length - 1].boundingVolume.box = enuBox({ ...p, centre: [0, 0, 0] });
  }
  const rootGlb = await glbOf(root, uvs(root, ortho, root.box), await textureFor(ortho, root.box, 4));
  await writeFile(join(dir, 'tiles/root.b3dm'), b3dm(rootGlb, root.centre));
  files.push('tiles/root.b3dm');
  const tileset = {
    asset: { version: '1.0', generator: 'VoxWatch sample generator', gltfUpAxis: 'Y' },
    geometricError: 64,
    root: {
      transform: Array.from(frame.matrix),
      boundingVolume: { box: enuBox(all) },
      geometricError: 16,
      refine: 'REPLACE',
      content: { uri: 'tiles/root.b3dm' },
      children,
    },
  };
  await writeFile(join(dir, 'tileset.json'), JSON.stringify(tileset, null, 1) + '\n');
  await writeFile(join(dir, 'tileset.prj'), entry.wkt! + '\n');
  return files;
}

/** The triangles whose centroid lies in `box` (the last row/column keeps its far edge), re-indexed. */
function piece(
  name: string,
  mesh: SceneMesh,
  box: TilePiece['box'],
  toEnu: (x: number, y: number, z: number) => [number, number, number],
  shift: [number, number, number],
  lastX: boolean,
  lastY: boolean,
): TilePiece {
  const p = mesh.positions;
  const remap = new Map<number, number>();
  const tri: number[] = [];
  for (let t = 0; t < mesh.indices.length; t += 3) {
    const [a, b, c] = [mesh.indices[t], mesh.indices[t + 1], mesh.indices[t + 2]];
    const cx = (p[3 * a] + p[3 * b] + p[3 * c]) / 3;
    const cy = (p[3 * a + 1] + p[3 * b + 1] + p[3 * c + 1]) / 3;
    const inX = cx >= box.minX && (cx < box.maxX || (lastX && cx <= box.maxX));
    const inY = cy >= box.minY && (cy < box.maxY || (lastY && cy <= box.maxY));
    if (!inX || !inY) continue;
    for (const v of [a, b, c]) {
      if (!remap.has(v)) remap.set(v, remap.size);
      tri.push(remap.get(v)!);
    }
  }
  const n = remap.size;
  const world = new Float64Array(n * 3);
  const xy = new Float64Array(n * 2);
  for (const [v, k] of remap) {
    const e = toEnu(p[3 * v], p[3 * v + 1], p[3 * v + 2]);
    world.set(e, 3 * k);
    xy[2 * k] = p[3 * v] - shift[0];
    xy[2 * k + 1] = p[3 * v + 1] - shift[1];
  }
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < world.length; i++) {
    lo[i % 3] = Math.min(lo[i % 3], world[i]);
    hi[i % 3] = Math.max(hi[i % 3], world[i]);
  }
  // Centre on a whole metre, like exporters do.
  const centre = [0, 1, 2].map((a) => Math.round((lo[a] + hi[a]) / 2)) as [number, number, number];
  for (let i = 0; i < world.length; i++) world[i] -= centre[i % 3];
  return { name, centre, enu: world, xy, indices: Uint32Array.from(tri), box };
}

/** The tile's oriented box in its frame: centre and three half axes (east, north, up). */
function enuBox(p: Pick<TilePiece, 'enu' | 'centre'>): number[] {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.enu.length; i++) {
    lo[i % 3] = Math.min(lo[i % 3], p.enu[i]);
    hi[i % 3] = Math.max(hi[i % 3], p.enu[i]);
  }
  const c = [0, 1, 2].map((a) => p.centre[a] + (lo[a] + hi[a]) / 2);
  const half = [0, 1, 2].map((a) => (hi[a] - lo[a]) / 2 + 0.5);
  return [...c, half[0], 0, 0, 0, half[1], 0, 0, 0, half[2]];
}

/** The orthophoto under the tile, downsampled (JPEG), as real exports texture their tiles. */
async function textureFor(ortho: Orthophoto, box: TilePiece['box'], reduce = 2): Promise<Uint8Array> {
  const col0 = Math.max(0, Math.floor((box.minX - ortho.originX) / ortho.pixelSize));
  const row0 = Math.max(0, Math.floor((ortho.originY - box.maxY) / ortho.pixelSize));
  const col1 = Math.min(ortho.width, Math.ceil((box.maxX - ortho.originX) / ortho.pixelSize));
  const row1 = Math.min(ortho.height, Math.ceil((ortho.originY - box.minY) / ortho.pixelSize));
  const img = sharp(Buffer.from(ortho.rgb.buffer, ortho.rgb.byteOffset, ortho.rgb.byteLength), {
    raw: { width: ortho.width, height: ortho.height, channels: 3 },
  })
    .extract({ left: col0, top: row0, width: col1 - col0, height: row1 - row0 })
    .resize(Math.round((col1 - col0) / reduce), Math.round((row1 - row0) / reduce), { kernel: 'nearest' })
    .jpeg({ quality: 88 });
  return new Uint8Array(await img.toBuffer());
}

/** Top-down texture coordinates: the tile's box maps onto its texture (v = 0 at the north edge). */
function uvs(p: TilePiece, ortho: Orthophoto, box: TilePiece['box']): Float32Array {
  const col0 = Math.max(0, Math.floor((box.minX - ortho.originX) / ortho.pixelSize));
  const row0 = Math.max(0, Math.floor((ortho.originY - box.maxY) / ortho.pixelSize));
  const col1 = Math.min(ortho.width, Math.ceil((box.maxX - ortho.originX) / ortho.pixelSize));
  const row1 = Math.min(ortho.height, Math.ceil((ortho.originY - box.minY) / ortho.pixelSize));
  const x0 = ortho.originX + col0 * ortho.pixelSize;
  const y0 = ortho.originY - row0 * ortho.pixelSize;
  const width = (col1 - col0) * ortho.pixelSize;
  const height = (row1 - row0) * ortho.pixelSize;
  const out = new Float32Array(p.xy.length);
  for (let v = 0; v < p.xy.length / 2; v++) {
    out[2 * v] = Math.min(0.9999, Math.max(0, (p.xy[2 * v] - x0) / width));
    out[2 * v + 1] = Math.min(0.9999, Math.max(0, (y0 - p.xy[2 * v + 1]) / height));
  }
  return out;
}

/** A Y-up glb of the tile: positions (east, up, −north) relative to its centre, one textured material. */
async function glbOf(p: TilePiece, uv: Float32Array, jpeg: Uint8Array): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const yUp = new Float32Array(p.enu.length);
  for (let i = 0; i < p.enu.length; i += 3) {
    yUp[i] = p.enu[i];
    yUp[i + 1] = p.enu[i + 2];
    yUp[i + 2] = -p.enu[i + 1];
  }
  const texture = doc.createTexture(p.name).setImage(jpeg).setMimeType('image/jpeg');
  const material = doc.createMaterial(p.name).setBaseColorTexture(texture).setMetallicFactor(0).setRoughnessFactor(1);
  const primitive = doc
    .createPrimitive()
    .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(yUp).setBuffer(buffer))
    .setAttribute('TEXCOORD_0', doc.createAccessor().setType('VEC2').setArray(uv).setBuffer(buffer))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(p.indices).setBuffer(buffer))
    .setMaterial(material);
  doc.createScene().addChild(doc.createNode(p.name).setMesh(doc.createMesh(p.name).addPrimitive(primitive)));
  // One buffer view per attribute, as ContextCapture and DJI Terra write them (no interleaving).
  return new NodeIO().setVertexLayout(VertexLayout.SEPARATE).writeBinary(doc);
}

/** A Batched 3D Model: a 28-byte header and a feature table (RTC_CENTER) around the glb. */
function b3dm(glb: Uint8Array, rtc: [number, number, number]): Uint8Array {
  let json = JSON.stringify({ BATCH_LENGTH: 0, RTC_CENTER: rtc });
  while ((28 + json.length) % 8 !== 0) json += ' ';
  const total = 28 + json.length + glb.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set([0x62, 0x33, 0x64, 0x6d]); // "b3dm"
  view.setUint32(4, 1, true);
  view.setUint32(8, total, true);
  view.setUint32(12, json.length, true);
  view.setUint32(16, 0, true);
  view.setUint32(20, 0, true);
  view.setUint32(24, 0, true);
  out.set(new TextEncoder().encode(json), 28);
  out.set(glb, 28 + json.length);
  return out;
}

function boundsXY(p: Float64Array) {
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (let i = 0; i < p.length; i += 3) {
    b.minX = Math.min(b.minX, p[i]);
    b.maxX = Math.max(b.maxX, p[i]);
    b.minY = Math.min(b.minY, p[i + 1]);
    b.maxY = Math.max(b.maxY, p[i + 1]);
  }
  return b;
}

/** GRS 80 geodetic (degrees, metres) → ECEF. */
function geodeticToEcef(lonDeg: number, latDeg: number, h: number): [number, number, number] {
  const a = 6378137;
  const e2 = 0.0066943800229;
  const lon = (lonDeg * Math.PI) / 180;
  const lat = (latDeg * Math.PI) / 180;
  const s = Math.sin(lat);
  const n = a / Math.sqrt(1 - e2 * s * s);
  return [(n + h) * Math.cos(lat) * Math.cos(lon), (n + h) * Math.cos(lat) * Math.sin(lon), (n * (1 - e2) + h) * s];
}

/** The east-north-up frame at a place: its matrix (ENU → ECEF, column-major) and the inverse. */
function enuFrame(lonDeg: number, latDeg: number, h: number) {
  const lon = (lonDeg * Math.PI) / 180;
  const lat = (latDeg * Math.PI) / 180;
  const east = [-Math.sin(lon), Math.cos(lon), 0];
  const north = [-Math.sin(lat) * Math.cos(lon), -Math.sin(lat) * Math.sin(lon), Math.cos(lat)];
  const up = [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)];
  const o = geodeticToEcef(lonDeg, latDeg, h);
  const matrix = Float64Array.of(...east, 0, ...north, 0, ...up, 0, ...o, 1);
  const fromEcef = (p: [number, number, number]): [number, number, number] => {
    const d = [p[0] - o[0], p[1] - o[1], p[2] - o[2]];
    const dot = (v: number[]) => v[0] * d[0] + v[1] * d[1] + v[2] * d[2];
    return [dot(east), dot(north), dot(up)];
  };
  return { matrix, fromEcef };
}
