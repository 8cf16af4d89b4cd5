import sharp from 'sharp';
import { parse } from '@loaders.gl/core';
import { GLTFLoader, postProcessGLTF } from '@loaders.gl/gltf';
import type { MeshPart, Texture } from './types';

/* The few fields of loaders.gl's post-processed glTF that we read (its types are loose). */
interface Accessor {
  value: ArrayLike<number> & { length: number };
  components?: number;
  normalized?: boolean;
  componentType?: number;
  count?: number;
}
interface Primitive {
  attributes: Record<string, Accessor | undefined>;
  indices?: Accessor;
  mode?: number;
  material?: {
    pbrMetallicRoughness?: {
      baseColorFactor?: number[];
      baseColorTexture?: { texCoord?: number; texture?: { source?: GltfImage } };
    };
  };
}
interface GltfImage {
  id?: string;
  uri?: string;
  mimeType?: string;
  bufferView?: { data?: Uint8Array };
}
interface GltfNode {
  matrix?: number[];
  translation?: number[];
  rotation?: number[];
  scale?: number[];
  mesh?: { primitives: Primitive[] };
  children?: GltfNode[];
}
export interface PostprocessedGltf {
  scene?: { nodes?: GltfNode[] };
  scenes?: { nodes?: GltfNode[] }[];
  nodes?: GltfNode[];
  meshes?: { primitives: Primitive[] }[];
  extensions?: Record<string, unknown>;
  extensionsUsed?: string[];
}

/** Parses glTF/GLB bytes with loaders.gl, images left encoded (we decode the ones we sample). */
export async function parseGltf(bytes: Uint8Array): Promise<PostprocessedGltf> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const gltf = await parse(buffer, GLTFLoader, { gltf: { loadImages: false, decompressMeshes: true, postProcess: false } } as never);
  dropPackedStrides((gltf as { json?: RawJson }).json);
  return postProcessGLTF(gltf as never) as unknown as PostprocessedGltf;
}

interface RawJson {
  accessors?: { bufferView?: number; componentType: number; type: string }[];
  bufferViews?: { byteStride?: number }[];
}

const COMPONENTS: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT2: 4, MAT3: 9, MAT4: 16 };
const COMPONENT_BYTES: Record<number, number> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };

/**
 * Exporters often write byteStride on tightly packed vertex buffers (gltf-transform, obj2gltf, …);
 * loaders.gl 4.4 then copies every vertex through its own ArrayBuffer, which makes a 5 M triangle
 * tileset spend seconds in the garbage collector. A stride equal to the element size says nothing:
 * drop it, so those views are read as one typed array. Truly interleaved views keep theirs.
 */
function dropPackedStrides(json: RawJson | undefined): void {
  const views = json?.bufferViews ?? [];
  const packed = views.map((v) => v.byteStride !== undefined);
  for (const a of json?.accessors ?? []) {
    if (a.bufferView === undefined || !packed[a.bufferView]) continue;
    const size = (COMPONENTS[a.type] ?? 0) * (COMPONENT_BYTES[a.componentType] ?? 0);
    if (size !== views[a.bufferView].byteStride) packed[a.bufferView] = false;
  }
  views.forEach((v, i) => {
    if (packed[i]) delete v.byteStride;
  });
}

/**
 * The triangles of a glTF scene with every node's transform applied (in double precision), in the
 * glTF's own frame (Y up, before any tileset or geographic transform). Textures are decoded once
 * per image.
 */
export async function gltfMeshParts(gltf: PostprocessedGltf, warnings: string[]): Promise<MeshPart[]> {
  const parts: MeshPart[] = [];
  const textures = new Map<GltfImage, Promise<Texture | undefined>>();
  const roots = gltf.scene?.nodes ?? gltf.scenes?.[0]?.nodes ?? gltf.nodes?.filter((n) => !isChild(gltf, n)) ?? [];
  const visit = async (node: GltfNode, parent: Float64Array) => {
    const world = multiply(parent, localMatrix(node));
    for (const primitive of node.mesh?.primitives ?? []) {
      const part = await primitivePart(primitive, world, textures, warnings);
      if (part) parts.push(part);
    }
    for (const child of node.children ?? []) await visit(child, world);
  };
  for (const node of roots) await visit(node, identity());
  return parts;
}

function isChild(gltf: PostprocessedGltf, node: GltfNode): boolean {
  return (gltf.nodes ?? []).some((n) => n.children?.includes(node));
}

const TRIANGLES = 4;
const TRIANGLE_STRIP = 5;
const TRIANGLE_FAN = 6;

async function primitivePart(
  p: Primitive,
  world: Float64Array,
  textures: Map<GltfImage, Promise<Texture | undefined>>,
  warnings: string[],
): Promise<MeshPart | undefined> {
  const mode = p.mode ?? TRIANGLES;
  const position = p.attributes.POSITION;
  if (!position || (mode !== TRIANGLES && mode !== TRIANGLE_STRIP && mode !== TRIANGLE_FAN)) return undefined;
  const source = position.value;
  const vertices = Math.floor(source.length / 3);
  const positions = new Float64Array(vertices * 3);
  const scale = position.normalized ? normalisedScale(position.componentType) : 1;
  const m = world;
  for (let v = 0; v < vertices; v++) {
    const x = source[3 * v] * scale;
    const y = source[3 * v + 1] * scale;
    const z = source[3 * v + 2] * scale;
    positions[3 * v] = m[0] * x + m[4] * y + m[8] * z + m[12];
    positions[3 * v + 1] = m[1] * x + m[5] * y + m[9] * z + m[13];
    positions[3 * v + 2] = m[2] * x + m[6] * y + m[10] * z + m[14];
  }
  let indices = p.indices ? toIndexArray(p.indices.value) : undefined;
  if (mode !== TRIANGLES) indices = unrollTriangles(mode, indices ?? Uint32Array.from({ length: vertices }, (_, i) => i));
  const part: MeshPart = { positions, indices };
  const pbr = p.material?.pbrMetallicRoughness;
  const textureInfo = pbr?.baseColorTexture;
  const image = textureInfo?.texture?.source;
  const uv = p.attributes[`TEXCOORD_${textureInfo?.texCoord ?? 0}`];
  if (image && uv) {
    if (!textures.has(image)) textures.set(image, decodeImage(image, warnings));
    const texture = await textures.get(image);
    if (texture) {
      part.texture = texture;
      const uvScale = uv.normalized ? normalisedScale(uv.componentType) : 1;
      part.uvs = uvScale === 1 && uv.value instanceof Float32Array ? uv.value : Float32Array.from(uv.value, (u) => u * uvScale);
    }
  }
  const colour = p.attributes.COLOR_0;
  if (!part.texture && colour) part.colors = vertexColours(colour, vertices);
  if (!part.texture && !part.colors && pbr?.baseColorFactor) {
    const f = pbr.baseColorFactor;
    part.baseColor = [0, 1, 2].map((c) => Math.round(255 * linearToSrgb(f[c] ?? 1))) as [number, number, number];
  }
  return part;
}

async function decodeImage(image: GltfImage, warnings: string[]): Promise<Texture | undefined> {
  const bytes = image.bufferView?.data;
  if (!bytes) {
    warnings.push(`texture ${image.uri ?? image.id ?? ''} is not embedded; its colours are not sampled`);
    return undefined;
  }
  try {
    const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return {
      width: info.width,
      height: info.height,
      channels: info.channels,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    };
  } catch (e) {
    warnings.push(
      `texture ${image.id ?? ''} (${image.mimeType ?? 'unknown type'}) cannot be decoded (${(e as Error).message}); its colours are not sampled`,
    );
    return undefined;
  }
}

/** COLOR_0 (float 0–1 or normalised integers, RGB or RGBA) as 8-bit RGB per vertex. */
function vertexColours(a: Accessor, vertices: number): Uint8Array {
  const size = a.components ?? Math.round(a.value.length / Math.max(1, vertices));
  const scale = a.value instanceof Float32Array ? 1 : normalisedScale(a.componentType);
  const out = new Uint8Array(vertices * 3);
  for (let v = 0; v < vertices; v++) {
    for (let c = 0; c < 3; c++) out[3 * v + c] = Math.round(255 * linearToSrgb(a.value[size * v + c] * scale));
  }
  return out;
}

/** glTF stores vertex colours and colour factors in linear light; textures and points are sRGB. */
function linearToSrgb(c: number): number {
  const v = Math.min(1, Math.max(0, c));
  return v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
}

function normalisedScale(componentType: number | undefined): number {
  switch (componentType) {
    case 5120:
      return 1 / 127;
    case 5121:
      return 1 / 255;
    case 5122:
      return 1 / 32767;
    case 5123:
      return 1 / 65535;
    default:
      return 1;
  }
}

function toIndexArray(v: ArrayLike<number>): Uint32Array | Uint16Array | Uint8Array {
  return v instanceof Uint32Array || v instanceof Uint16Array || v instanceof Uint8Array ? v : Uint32Array.from(v);
}

function unrollTriangles(mode: number, idx: ArrayLike<number>): Uint32Array {
  const n = Math.max(0, idx.length - 2);
  const out = new Uint32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = mode === TRIANGLE_FAN ? idx[0] : idx[i];
    const [b, c] = mode === TRIANGLE_FAN ? [idx[i + 1], idx[i + 2]] : i % 2 === 0 ? [idx[i + 1], idx[i + 2]] : [idx[i + 2], idx[i + 1]];
    out.set([a, b, c], 3 * i);
  }
  return out;
}

/** Column-major 4 × 4 matrices, as glTF and 3D Tiles write them. */
export function identity(): Float64Array {
  return Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
}

export function multiply(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(16);
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[k * 4 + r] * b[c * 4 + k];
      out[c * 4 + r] = s;
    }
  }
  return out;
}

function localMatrix(node: GltfNode): Float64Array {
  if (node.matrix) return Float64Array.from(node.matrix);
  const [tx, ty, tz] = node.translation ?? [0, 0, 0];
  const [qx, qy, qz, qw] = node.rotation ?? [0, 0, 0, 1];
  const [sx, sy, sz] = node.scale ?? [1, 1, 1];
  // T · R · S, column-major.
  return Float64Array.of(
    (1 - 2 * (qy * qy + qz * qz)) * sx,
    2 * (qx * qy + qz * qw) * sx,
    2 * (qx * qz - qy * qw) * sx,
    0,
    2 * (qx * qy - qz * qw) * sy,
    (1 - 2 * (qx * qx + qz * qz)) * sy,
    2 * (qy * qz + qx * qw) * sy,
    0,
    2 * (qx * qz + qy * qw) * sz,
    2 * (qy * qz - qx * qw) * sz,
    (1 - 2 * (qx * qx + qy * qy)) * sz,
    0,
    tx,
    ty,
    tz,
    1,
  );
}

/** glTF is Y up; 3D Tiles and survey CRSs are Z up: (x, y, z) → (x, −z, y), the 3D Tiles rule. */
export const Y_UP_TO_Z_UP = Float64Array.of(1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1);

/** Applies a column-major 4 × 4 matrix to every vertex, in place. */
export function transformPositions(xyz: Float64Array, m: ArrayLike<number>): void {
  for (let i = 0; i < xyz.length; i += 3) {
    const x = xyz[i],
      y = xyz[i + 1],
      z = xyz[i + 2];
    xyz[i] = m[0] * x + m[4] * y + m[8] * z + m[12];
    xyz[i + 1] = m[1] * x + m[5] * y + m[9] * z + m[13];
    xyz[i + 2] = m[2] * x + m[6] * y + m[10] * z + m[14];
  }
}
