import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { parse } from '@loaders.gl/core';
import { PLYLoader } from '@loaders.gl/ply';
import { SourceError } from '../types';
import { checkProjected, ecefToProjected, findGeoref, noCrsError, type Georef } from './georef';
import { parseObj } from './obj';
import { gltfMeshParts, parseGltf, transformPositions, Y_UP_TO_Z_UP } from './gltf';
import { triangleCount, type MeshPart } from './types';

/** One model file, its triangles in the projected CRS (z up), ready to sample. */
export interface LoadedModel {
  parts: MeshPart[];
  georef: Georef;
  /** "OBJ mesh", "PLY mesh", "glTF binary mesh" with its triangle count. */
  kind: string;
  triangles: number;
  warnings: string[];
}

/** Float32 vertices lose centimetres beyond this magnitude (ulp 1/128 m at 2^17 m). */
const FLOAT32_SAFE = 131072;

/**
 * Reads an OBJ, PLY or glTF/GLB file and places it: OBJ and PLY as photogrammetry tools write
 * them (z up, in the projected CRS less an origin), glTF by its spec (y up), with CESIUM_RTC
 * marking Earth-centred coordinates. The CRS comes from `crsOption` (the user's --crs) or a
 * sidecar; without one the model is refused with the fix.
 */
export async function loadModel(path: string, crsOption?: string): Promise<LoadedModel> {
  const ext = extname(path).slice(1).toLowerCase();
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SourceError(path, code === 'ENOENT' ? 'file not found' : `cannot read (${(e as Error).message})`);
  }
  if (bytes.length === 0) throw new SourceError(path, 'empty file (0 bytes)');
  const warnings: string[] = [];
  const isGlb = bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === 'glTF';
  let parts: MeshPart[];
  let kind: string;
  let ecef = false;
  try {
    if (isGlb || ext === 'gltf' || ext === 'glb') {
      if (ext === 'glb' && !isGlb) throw new Error('not a GLB file (no glTF magic)');
      const gltf = await parseGltf(isGlb ? bytes : await withBuffersInlined(bytes, path));
      parts = await gltfMeshParts(gltf, warnings);
      for (const part of parts) transformPositions(part.positions, Y_UP_TO_Z_UP);
      const rtc = (gltf.extensions?.CESIUM_RTC as { center?: number[] } | undefined)?.center;
      if (rtc) {
        ecef = true;
        for (const part of parts) translate(part.positions, rtc[0], rtc[1], rtc[2]);
      }
      kind = isGlb ? 'glTF binary mesh' : 'glTF mesh';
    } else if (ext === 'ply' || String.fromCharCode(...bytes.subarray(0, 3)) === 'ply') {
      parts = [meshFromLoader(await parse(arrayBufferOf(bytes), PLYLoader))];
      kind = 'PLY mesh';
    } else {
      parts = [parseObj(bytes)];
      if (/^\s*mtllib\s/m.test(new TextDecoder().decode(bytes.subarray(0, 65536))) && !parts[0].colors) {
        warnings.push('OBJ textures are not read (only vertex colours): the sampled points have no colour');
      }
      kind = 'OBJ mesh';
    }
  } catch (e) {
    if (e instanceof SourceError) throw e;
    throw new SourceError(
      path,
      `cannot read the model (${(e as Error).message}); the file may be truncated or not a ${ext.toUpperCase()} model`,
    );
  }
  const triangles = parts.reduce((n, p) => n + triangleCount(p), 0);
  if (triangles === 0) {
    throw new SourceError(
      path,
      'the model holds no faces (triangles) to sample: export the mesh with its faces, or give the point cloud instead',
    );
  }
  const georef = await findGeoref(path, crsOption);
  if (!georef) throw noCrsError(path);
  checkProjected(georef, path);
  if (ecef) {
    const project = ecefToProjected(georef.crs, path);
    for (const part of parts) project(part.positions);
  } else {
    const [ox, oy, oz] = georef.origin;
    // PLY's reader keeps 32-bit vertices (OBJ is read in double precision, glTF is 32-bit by its spec).
    if (kind === 'PLY mesh') warnLargeCoordinates(parts, warnings);
    for (const part of parts) translate(part.positions, ox, oy, oz);
  }
  return { parts, georef, kind: `${kind} (${triangles.toLocaleString('en')} triangles)`, triangles, warnings };
}

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

interface LoaderMesh {
  attributes: Record<string, { value: ArrayLike<number>; size?: number } | undefined>;
  indices?: { value: ArrayLike<number> };
  mode?: number;
}

/** loaders.gl's PLY mesh (Float32 positions, colours 0–1 or 0–255) as a MeshPart. */
function meshFromLoader(raw: unknown): MeshPart {
  const mesh = raw as LoaderMesh;
  const pos = mesh.attributes.POSITION?.value;
  const positions = pos ? Float64Array.from(pos) : new Float64Array(0);
  const idx = mesh.indices?.value;
  // A mesh without triangles (points only) has mode 0: nothing to sample.
  if (mesh.mode === 0 && (!idx || idx.length === 0)) return { positions: new Float64Array(0) };
  const part: MeshPart = { positions, indices: idx && idx.length > 0 ? Uint32Array.from(idx) : undefined };
  const colour = mesh.attributes.COLOR_0;
  if (colour) {
    const size = colour.size ?? 3;
    const vertices = positions.length / 3;
    let max = 0;
    for (let i = 0; i < colour.value.length; i++) max = Math.max(max, colour.value[i]);
    const scale = colour.value instanceof Uint8Array || max > 1 ? 1 : 255;
    part.colors = new Uint8Array(vertices * 3);
    for (let v = 0; v < vertices; v++) for (let c = 0; c < 3; c++) part.colors[3 * v + c] = Math.round(colour.value[size * v + c] * scale);
  }
  return part;
}

function translate(xyz: Float64Array, dx: number, dy: number, dz: number): void {
  for (let i = 0; i < xyz.length; i += 3) {
    xyz[i] += dx;
    xyz[i + 1] += dy;
    xyz[i + 2] += dz;
  }
}

function warnLargeCoordinates(parts: MeshPart[], warnings: string[]): void {
  let max = 0;
  for (const p of parts) for (let i = 0; i < p.positions.length; i++) max = Math.max(max, Math.abs(p.positions[i]));
  if (max > FLOAT32_SAFE) {
    const ulp = 2 ** (Math.floor(Math.log2(max)) - 23);
    warnings.push(
      `vertices are absolute coordinates up to ${Math.round(max)} m, which 32-bit readers keep to ±${(ulp / 2).toFixed(2)} m only; export with a local origin (metadata.xml SRSOrigin) for full precision`,
    );
  }
}

/**
 * A .gltf whose buffers are files beside it (`"uri": "scene.bin"`, as most exporters write them)
 * with those files read in as data URIs: the parser is given bytes, not a folder to look in.
 * A buffer file that is missing is named.
 */
async function withBuffersInlined(bytes: Uint8Array, path: string): Promise<Uint8Array> {
  let json: { buffers?: { uri?: string }[] };
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as typeof json;
  } catch {
    return bytes; // not JSON: the parser says what is wrong
  }
  const external = (json.buffers ?? []).filter((b) => b.uri !== undefined && !b.uri.startsWith('data:'));
  if (external.length === 0) return bytes;
  for (const b of external) {
    const file = join(dirname(path), decodeURIComponent(b.uri!));
    const data = await readFile(file).catch((e: NodeJS.ErrnoException) => {
      throw new SourceError(path, `its buffer ${b.uri} (${file}) ${e.code === 'ENOENT' ? 'is missing' : `cannot be read (${e.message})`}`);
    });
    b.uri = `data:application/octet-stream;base64,${data.toString('base64')}`;
  }
  return new TextEncoder().encode(JSON.stringify(json));
}
