import type { MeshPart } from './types';

/** Bytes decoded at a time: a photogrammetry OBJ can be larger than the longest string V8 allows. */
const SLICE_BYTES = 1 << 22;

/**
 * Reads a Wavefront OBJ's geometry: vertices (with their optional colours, `v x y z r g b`) in
 * double precision and faces as triangles (polygons as fans). Double precision is why this is
 * not loaders.gl's OBJLoader: exports in full map coordinates (northings of 2.5e6 m) keep their
 * millimetres, where 32-bit vertices would be ±0.12 m. Texture coordinates, normals, groups and
 * materials are not needed to sample a surface and are skipped.
 */
export function parseObj(bytes: Uint8Array): MeshPart {
  const positions: number[] = [];
  const colours: number[] = [];
  const indices: number[] = [];
  const decoder = new TextDecoder();
  let lineNumber = 0;
  const face: number[] = [];

  const readLine = (line: string): void => {
    lineNumber++;
    const t = line.trim();
    if (t.startsWith('v ') || t.startsWith('v\t')) {
      const f = t.slice(2).trim().split(/\s+/).map(Number);
      if (f.length < 3 || !f.slice(0, 3).every(Number.isFinite))
        throw new Error(`line ${lineNumber}: a vertex needs three numbers ("${clip(t)}")`);
      positions.push(f[0], f[1], f[2]);
      // Colours follow the coordinates in MeshLab-style exports; a lone w (4 numbers) is a weight.
      if (f.length >= 6) colours.push(f[3], f[4], f[5]);
    } else if (t.startsWith('f ') || t.startsWith('f\t')) {
      face.length = 0;
      const vertices = positions.length / 3;
      for (const token of t.slice(2).trim().split(/\s+/)) {
        const i = parseInt(token, 10);
        // 1-based, or negative: counted back from the last vertex read.
        const v = i > 0 ? i - 1 : vertices + i;
        if (!Number.isInteger(i) || i === 0 || v < 0 || v >= vertices) {
          throw new Error(`line ${lineNumber}: face vertex "${token}" is not one of the ${vertices} vertices read so far`);
        }
        face.push(v);
      }
      for (let k = 1; k + 1 < face.length; k++) indices.push(face[0], face[k], face[k + 1]);
    }
  };

  let rest = '';
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
    const text = rest + decoder.decode(bytes.subarray(at, at + SLICE_BYTES), { stream: true });
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const line of lines) readLine(line);
  }
  readLine(rest + decoder.decode());

  const part: MeshPart = { positions: Float64Array.from(positions) };
  if (indices.length > 0) part.indices = Uint32Array.from(indices);
  else part.positions = new Float64Array(0); // vertices only: nothing to sample
  // Every vertex coloured, or none: a partial colouring says nothing reliable.
  if (colours.length === positions.length && colours.length > 0) {
    const max = colours.reduce((m, c) => Math.max(m, c), 0);
    const scale = max > 1 ? 1 : 255;
    part.colors = Uint8Array.from(colours, (c) => Math.round(Math.min(255, Math.max(0, c * scale))));
  }
  return part;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
