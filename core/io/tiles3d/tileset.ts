import { readFile } from 'node:fs/promises';
import { parse } from '@loaders.gl/core';
import { Tiles3DLoader } from '@loaders.gl/3d-tiles';
import { TILE_REFINEMENT } from '@loaders.gl/tiles';
import { checkProjected, ecefToProjected, findGeoref, noCrsError, type EcefToProjected, type Georef } from '../mesh/georef';
import { gltfMeshParts, identity, parseGltf, multiply, transformPositions, Y_UP_TO_Z_UP, type PostprocessedGltf } from '../mesh/gltf';
import type { Area2, MeshPart } from '../mesh/types';
import { SourceError, type Bounds3 } from '../types';

/* The fields of loaders.gl's normalised tile headers that we read. */
interface TileHeader {
  contentUrl?: string;
  transform?: number[];
  refine?: string | number;
  boundingVolume?: BoundingVolume;
  content?: { boundingVolume?: BoundingVolume };
  children?: TileHeader[];
}
interface BoundingVolume {
  box?: number[];
  region?: number[];
  sphere?: number[];
}
interface TilesetJson {
  asset?: { version?: string; gltfUpAxis?: string };
  root?: TileHeader;
}

/** How the tileset's coordinates reach the projected CRS. */
interface Frame {
  georef: Georef;
  /** Earth-centred tilesets are projected point by point; others are shifted by the origin. */
  toProjected: (xyz: Float64Array) => void;
  ecef: boolean;
}

/** A tile with content the epoch is made of: its file, its transform and where it lies. */
export interface ContentTile {
  url: string;
  /** Product of the transforms from the root down to this tile (column-major). */
  transform: Float64Array;
  /** Bounds of its bounding volume in the projected CRS (a box around it). */
  bounds: Bounds3;
  upAxis: string;
}

/** loaders.gl normalises `refine` to its TILE_REFINEMENT numbers; an unknown word is kept as written. */
const isReplace = (refine: string | number | undefined) => refine === TILE_REFINEMENT.REPLACE || String(refine).toUpperCase() === 'REPLACE';

/** An open 3D Tiles tileset: the tree (external tilesets included), placed in the projected CRS. */
export class Tileset {
  private constructor(
    readonly path: string,
    readonly frame: Frame,
    private readonly json: TilesetJson,
  ) {}

  static async open(path: string, crsOption?: string): Promise<Tileset> {
    const json = await loadTilesetJson(path, path);
    if (!json.root) throw new SourceError(path, 'not a 3D Tiles tileset (no "root" tile)');
    const georef = await findGeoref(path, crsOption);
    const ecef = isEarthCentred(json.root);
    if (!georef)
      throw noCrsError(path, ecef ? 'the tileset is Earth-centred (ECEF) and names no projected CRS to compare in; it' : 'the tileset');
    checkProjected(georef, path);
    let toProjected: (xyz: Float64Array) => void;
    if (ecef) toProjected = ecefToProjected(georef.crs, path) as EcefToProjected;
    else {
      const [ox, oy, oz] = georef.origin;
      toProjected = (xyz) => {
        for (let i = 0; i < xyz.length; i += 3) {
          xyz[i] += ox;
          xyz[i + 1] += oy;
          xyz[i + 2] += oz;
        }
      };
    }
    return new Tileset(path, { georef, toProjected, ecef }, json);
  }

  /** Bounds of the root's bounding volume in the projected CRS. */
  get bounds(): Bounds3 {
    return this.volumeBounds(this.json.root!.boundingVolume, identityFor(this.json.root!), this.path);
  }

  /**
   * The tiles to read at the finest level: leaves of REPLACE refinement, every tile with content
   * under ADD, external tilesets followed. With an area, subtrees whose bounding volume misses it
   * are never visited, and their files never opened.
   */
  async *contentTiles(area?: Area2, signal?: AbortSignal): AsyncGenerator<ContentTile> {
    const upAxis = this.json.asset?.gltfUpAxis ?? 'Y';
    yield* this.walk(this.json.root!, identity(), undefined, area, upAxis, this.path, signal, 0);
  }

  private async *walk(
    tile: TileHeader,
    parent: Float64Array,
    parentRefine: string | number | undefined,
    area: Area2 | undefined,
    upAxis: string,
    from: string,
    signal: AbortSignal | undefined,
    depth: number,
  ): AsyncGenerator<ContentTile> {
    signal?.throwIfAborted();
    if (depth > 64) throw new SourceError(from, 'tileset nests deeper than 64 levels (a tileset referencing itself?)');
    const transform = tile.transform ? multiply(parent, tile.transform) : parent;
    const bounds = this.volumeBounds(tile.boundingVolume, transform, from);
    if (area && !overlaps(bounds, area)) return;
    const refine = tile.refine ?? parentRefine ?? 'REPLACE';
    const children = tile.children ?? [];
    const url = tile.contentUrl;
    if (url && /\.json(\?|$)/i.test(url)) {
      // An external tileset: its root continues this tile's frame.
      const child = await loadTilesetJson(url, from);
      if (child.root) yield* this.walk(child.root, transform, refine, area, child.asset?.gltfUpAxis ?? upAxis, url, signal, depth + 1);
    } else if (url && (children.length === 0 || !isReplace(refine))) {
      const contentBounds = tile.content?.boundingVolume ? this.volumeBounds(tile.content.boundingVolume, transform, from) : bounds;
      if (!area || overlaps(contentBounds, area)) yield { url, transform, bounds: contentBounds, upAxis };
    }
    for (const child of children) yield* this.walk(child, transform, refine, area, upAxis, from, signal, depth + 1);
  }

  /** A tile's triangles in the projected CRS: glTF node transforms, y-up → z-up, RTC, tile transform, then the CRS. */
  async readTile(tile: ContentTile, warnings: string[]): Promise<MeshPart[]> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(tile.url);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new SourceError(
        tile.url,
        code === 'ENOENT'
          ? `tile content not found (the tileset ${this.path} references it)`
          : `cannot read the tile (${(e as Error).message})`,
      );
    }
    let contents: { gltf?: PostprocessedGltf; rtcCenter?: ArrayLike<number> }[];
    try {
      // loaders.gl splits the tile (b3dm header, feature table with RTC_CENTER, cmpt inner tiles);
      // the glTF inside goes through our parseGltf (see its note on strides).
      type Inner = { gltfArrayBuffer?: ArrayBuffer; rtcCenter?: ArrayLike<number> };
      const parsed = (await parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, Tiles3DLoader, {
        '3d-tiles': { loadGLTF: false, isTileset: false, assetGltfUpAxis: tile.upAxis },
      } as never)) as Inner & { tiles?: Inner[] };
      contents = [];
      for (const inner of parsed.tiles ?? [parsed]) {
        if (!inner.gltfArrayBuffer) continue;
        contents.push({ gltf: await parseGltf(new Uint8Array(inner.gltfArrayBuffer)), rtcCenter: inner.rtcCenter });
      }
    } catch (e) {
      throw new SourceError(tile.url, `cannot read the tile (${(e as Error).message}); the file may be truncated or not b3dm/glb`);
    }
    const parts: MeshPart[] = [];
    for (const content of contents) {
      if (!content.gltf) continue;
      const rtc = content.rtcCenter ?? (content.gltf.extensions?.CESIUM_RTC as { center?: number[] } | undefined)?.center;
      let m = tile.transform;
      if (rtc) m = multiply(m, Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, rtc[0], rtc[1], rtc[2], 1));
      if (tile.upAxis.toUpperCase() === 'Y') m = multiply(m, Y_UP_TO_Z_UP);
      for (const part of await gltfMeshParts(content.gltf, warnings)) {
        transformPositions(part.positions, m);
        this.frame.toProjected(part.positions);
        parts.push(part);
      }
    }
    return parts;
  }

  /** A bounding volume (box, region or sphere) as projected bounds. */
  private volumeBounds(v: BoundingVolume | undefined, transform: Float64Array, from: string): Bounds3 {
    const corners: number[] = [];
    if (v?.box) {
      const [cx, cy, cz, ...h] = v.box;
      for (let s = 0; s < 8; s++) {
        const a = s & 1 ? 1 : -1,
          b = s & 2 ? 1 : -1,
          c = s & 4 ? 1 : -1;
        corners.push(cx + a * h[0] + b * h[3] + c * h[6], cy + a * h[1] + b * h[4] + c * h[7], cz + a * h[2] + b * h[5] + c * h[8]);
      }
      const xyz = Float64Array.from(corners);
      transformPositions(xyz, transform);
      this.frame.toProjected(xyz);
      return boxOf(xyz);
    }
    if (v?.sphere) {
      const [cx, cy, cz, r] = v.sphere;
      const c = Float64Array.of(cx, cy, cz);
      transformPositions(c, transform);
      const scale = Math.cbrt(Math.abs(det3(transform)));
      this.frame.toProjected(c);
      const rr = r * scale * 1.001;
      return { minX: c[0] - rr, minY: c[1] - rr, minZ: c[2] - rr, maxX: c[0] + rr, maxY: c[1] + rr, maxZ: c[2] + rr };
    }
    if (v?.region) {
      // Radians and ellipsoid heights: a grid over the region's edges, to ECEF, then projected.
      const [west, south, east, north, low, high] = v.region;
      const xyz: number[] = [];
      for (let i = 0; i <= 4; i++) {
        for (let j = 0; j <= 4; j++) {
          for (const h of [low, high]) xyz.push(...geodeticToEcef(west + ((east - west) * i) / 4, south + ((north - south) * j) / 4, h));
        }
      }
      const arr = Float64Array.from(xyz);
      if (!this.frame.ecef)
        throw new SourceError(from, 'a "region" bounding volume needs an Earth-centred tileset, but this one has a local frame');
      this.frame.toProjected(arr);
      return boxOf(arr);
    }
    throw new SourceError(from, 'a tile has no bounding volume (box, region or sphere)');
  }
}

async function loadTilesetJson(path: string, from: string): Promise<TilesetJson> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : `cannot read (${(e as Error).message})`;
    throw new SourceError(path, path === from ? why : `${why} (the tileset ${from} references it)`);
  }
  try {
    return (await parse(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      Tiles3DLoader,
      { '3d-tiles': { isTileset: true } } as never,
      {
        url: path,
      } as never,
    )) as TilesetJson;
  } catch (e) {
    throw new SourceError(path, `not a readable 3D Tiles tileset.json (${(e as Error).message})`);
  }
}

function identityFor(root: TileHeader): Float64Array {
  return root.transform ? Float64Array.from(root.transform) : identity();
}

/** Earth-centred when the root's frame or volume sits thousands of kilometres from the origin. */
function isEarthCentred(root: TileHeader): boolean {
  if (root.boundingVolume?.region) return true;
  const m = root.transform ?? [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  const c = root.boundingVolume?.box ?? root.boundingVolume?.sphere ?? [0, 0, 0];
  const x = m[0] * c[0] + m[4] * c[1] + m[8] * c[2] + m[12];
  const y = m[1] * c[0] + m[5] * c[1] + m[9] * c[2] + m[13];
  const z = m[2] * c[0] + m[6] * c[1] + m[10] * c[2] + m[14];
  const r = Math.hypot(x, y, z);
  return r > 6.0e6 && r < 6.6e6;
}

/** WGS 84 / GRS 80 (the same to 0.1 mm): geodetic radians and height → ECEF metres. */
function geodeticToEcef(lon: number, lat: number, h: number): [number, number, number] {
  const a = 6378137;
  const e2 = 0.0066943800229;
  const s = Math.sin(lat);
  const n = a / Math.sqrt(1 - e2 * s * s);
  return [(n + h) * Math.cos(lat) * Math.cos(lon), (n + h) * Math.cos(lat) * Math.sin(lon), (n * (1 - e2) + h) * s];
}

function det3(m: ArrayLike<number>): number {
  return m[0] * (m[5] * m[10] - m[9] * m[6]) - m[4] * (m[1] * m[10] - m[9] * m[2]) + m[8] * (m[1] * m[6] - m[5] * m[2]);
}

function boxOf(xyz: Float64Array): Bounds3 {
  const b: Bounds3 = { minX: Infinity, minY: Infinity, minZ: Infinity, maxX: -Infinity, maxY: -Infinity, maxZ: -Infinity };
  for (let i = 0; i < xyz.length; i += 3) {
    b.minX = Math.min(b.minX, xyz[i]);
    b.maxX = Math.max(b.maxX, xyz[i]);
    b.minY = Math.min(b.minY, xyz[i + 1]);
    b.maxY = Math.max(b.maxY, xyz[i + 1]);
    b.minZ = Math.min(b.minZ, xyz[i + 2]);
    b.maxZ = Math.max(b.maxZ, xyz[i + 2]);
  }
  return b;
}

export function overlaps(b: { minX: number; minY: number; maxX: number; maxY: number }, area: Area2): boolean {
  return b.maxX >= area.minX && b.minX <= area.maxX && b.maxY >= area.minY && b.minY <= area.maxY;
}
