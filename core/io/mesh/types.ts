/**
 * A mesh as the sampler sees it: triangles with world coordinates (the epoch's projected CRS,
 * Float64 so northings of 2.5e6 m keep their millimetres) and what colours them.
 */
export interface MeshPart {
  /** x, y, z per vertex in the projected CRS, z up. */
  positions: Float64Array;
  /** Three vertex indices per triangle; without it, vertices are consecutive triples. */
  indices?: Uint32Array | Uint16Array | Uint8Array;
  /** r, g, b per vertex, 0–255. */
  colors?: Uint8Array;
  /** u, v per vertex, with the texture they look up (glTF convention: v = 0 is the image's top row). */
  uvs?: Float32Array;
  texture?: Texture;
  /** The material's colour when neither texture nor vertex colours are given, 0–255. */
  baseColor?: [number, number, number];
}

/** A decoded texture: interleaved 8-bit channels, rows from the top. */
export interface Texture {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

export interface Area2 {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export const triangleCount = (m: MeshPart): number => Math.floor((m.indices ? m.indices.length : m.positions.length / 3) / 3);
