import type { PointChunk } from '../types';
import type { Area2, MeshPart, Texture } from './types';

/**
 * Turns triangles into points by surface area, so a mesh epoch can be diffed like a survey.
 *
 * Deterministic stratified sampling: a triangle expecting n = area / spacing² samples is cut into
 * m² equal sub-triangles (m = ⌈√n⌉), and each holds one jittered sample with probability n / m².
 * Samples are spread evenly over big faces (no clumps, no gaps), small triangles get their
 * fair share on average, and every random draw is a hash of the triangle's position and the
 * stratum, so the same surface gives the same points whatever the file order or tiling.
 */
export class SurfaceSampler {
  private x: Float64Array;
  private y: Float64Array;
  private z: Float64Array;
  private rgb: Uint16Array;
  private fill = 0;
  private coloured = false;
  /** Samples per square metre. */
  readonly density: number;

  constructor(
    readonly spacing: number,
    private readonly batch = 1 << 17,
    private readonly area?: Area2,
  ) {
    if (!(spacing > 0)) throw new Error(`sample spacing must be positive (got ${spacing})`);
    this.density = 1 / (spacing * spacing);
    this.x = new Float64Array(batch);
    this.y = new Float64Array(batch);
    this.z = new Float64Array(batch);
    this.rgb = new Uint16Array(batch * 3);
  }

  /** How many samples `sample` will give for this part (same draws, no colour, no output). */
  count(part: MeshPart): number {
    let total = 0;
    forEachTriangle(part, this.area, (ax, ay, az, bx, by, bz, cx, cy, cz) => {
      const n = this.expected(ax, ay, az, bx, by, bz, cx, cy, cz);
      if (n <= 0) return;
      const m = Math.max(1, Math.ceil(Math.sqrt(n)));
      const strata = m * m;
      const p = n / strata;
      const seed = triangleSeed(ax, ay, az, bx, by, bz, cx, cy);
      if (p >= 1) total += strata;
      else for (let k = 0; k < strata; k++) if (unit(seed, 2 * k) < p) total++;
    });
    return total;
  }

  /** Samples one part; yields a chunk whenever the batch fills (call `flush` at the end). */
  *sample(part: MeshPart): Generator<PointChunk> {
    const colourOf = colourLookup(part);
    const indices = part.indices;
    const pos = part.positions;
    const colour: [number, number, number] = [0, 0, 0];
    const triangles = Math.floor((indices ? indices.length : pos.length / 3) / 3);
    const area = this.area;
    for (let t = 0; t < triangles; t++) {
      const ia = indices ? indices[3 * t] : 3 * t;
      const ib = indices ? indices[3 * t + 1] : 3 * t + 1;
      const ic = indices ? indices[3 * t + 2] : 3 * t + 2;
      const ax = pos[3 * ia],
        ay = pos[3 * ia + 1],
        az = pos[3 * ia + 2];
      const bx = pos[3 * ib],
        by = pos[3 * ib + 1],
        bz = pos[3 * ib + 2];
      const cx = pos[3 * ic],
        cy = pos[3 * ic + 1],
        cz = pos[3 * ic + 2];
      if (area && outside(area, ax, ay, bx, by, cx, cy)) continue;
      const n = this.expected(ax, ay, az, bx, by, bz, cx, cy, cz);
      if (n <= 0) continue;
      const m = Math.max(1, Math.ceil(Math.sqrt(n)));
      const strata = m * m;
      const p = n / strata;
      const seed = triangleSeed(ax, ay, az, bx, by, bz, cx, cy);
      // Sub-triangles of the m × m barycentric grid: row i has m − i upward and m − i − 1
      // downward ones; all have the same area.
      let k = 0;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < 2 * (m - i) - 1; j++, k++) {
          if (p < 1 && unit(seed, 2 * k) >= p) continue;
          let r1 = unit(seed, 2 * k + 1);
          let r2 = unit(seed ^ 0x5bd1e995, 2 * k + 1);
          if (r1 + r2 > 1) {
            r1 = 1 - r1;
            r2 = 1 - r2;
          }
          // Corner of the stratum in the grid (s along a→b, u along a→c) and its two edges.
          const up = (j & 1) === 0;
          const jj = j >> 1;
          let s: number, u: number;
          if (up) {
            s = (jj + r1) / m;
            u = (i + r2) / m;
          } else {
            s = (jj + 1 - r1) / m;
            u = (i + 1 - r2) / m;
          }
          const wa = 1 - s - u;
          const px = wa * ax + s * bx + u * cx;
          const py = wa * ay + s * by + u * cy;
          const pz = wa * az + s * bz + u * cz;
          if (area && (px < area.minX || px >= area.maxX || py < area.minY || py >= area.maxY)) continue;
          const at = this.fill++;
          this.x[at] = px;
          this.y[at] = py;
          this.z[at] = pz;
          if (colourOf) {
            colourOf(ia, ib, ic, wa, s, u, colour);
            this.rgb[3 * at] = colour[0] * 257;
            this.rgb[3 * at + 1] = colour[1] * 257;
            this.rgb[3 * at + 2] = colour[2] * 257;
            this.coloured = true;
          }
          if (this.fill === this.batch) yield this.take();
        }
      }
    }
  }

  /** The samples not yet handed out, if any. */
  *flush(): Generator<PointChunk> {
    if (this.fill > 0) yield this.take();
  }

  private expected(ax: number, ay: number, az: number, bx: number, by: number, bz: number, cx: number, cy: number, cz: number): number {
    const ux = bx - ax,
      uy = by - ay,
      uz = bz - az;
    const vx = cx - ax,
      vy = cy - ay,
      vz = cz - az;
    const nx = uy * vz - uz * vy;
    const ny = uz * vx - ux * vz;
    const nz = ux * vy - uy * vx;
    const area = 0.5 * Math.sqrt(nx * nx + ny * ny + nz * nz);
    return area * this.density;
  }

  private take(): PointChunk {
    const n = this.fill;
    const chunk: PointChunk = { count: n, x: this.x.slice(0, n), y: this.y.slice(0, n), z: this.z.slice(0, n) };
    if (this.coloured) chunk.rgb = this.rgb.slice(0, 3 * n);
    this.fill = 0;
    this.coloured = false;
    return chunk;
  }
}

type ColourOf = (ia: number, ib: number, ic: number, wa: number, wb: number, wc: number, out: [number, number, number]) => void;

/** Texture colour where the mesh has one, else vertex colours, else the material's colour. */
function colourLookup(part: MeshPart): ColourOf | undefined {
  const { texture, uvs, colors, baseColor } = part;
  if (texture && uvs) {
    return (ia, ib, ic, wa, wb, wc, out) => {
      const u = wa * uvs[2 * ia] + wb * uvs[2 * ib] + wc * uvs[2 * ic];
      const v = wa * uvs[2 * ia + 1] + wb * uvs[2 * ib + 1] + wc * uvs[2 * ic + 1];
      texel(texture, u, v, out);
    };
  }
  if (colors) {
    return (ia, ib, ic, wa, wb, wc, out) => {
      for (let c = 0; c < 3; c++) out[c] = Math.round(wa * colors[3 * ia + c] + wb * colors[3 * ib + c] + wc * colors[3 * ic + c]);
    };
  }
  if (baseColor) {
    return (_a, _b, _c, _wa, _wb, _wc, out) => {
      out[0] = baseColor[0];
      out[1] = baseColor[1];
      out[2] = baseColor[2];
    };
  }
  return undefined;
}

/** Nearest texel, with glTF's default REPEAT wrapping. */
function texel(t: Texture, u: number, v: number, out: [number, number, number]): void {
  u -= Math.floor(u);
  v -= Math.floor(v);
  const px = Math.min(t.width - 1, (u * t.width) | 0);
  const py = Math.min(t.height - 1, (v * t.height) | 0);
  const o = (py * t.width + px) * t.channels;
  out[0] = t.data[o];
  out[1] = t.data[o + (t.channels >= 3 ? 1 : 0)];
  out[2] = t.data[o + (t.channels >= 3 ? 2 : 0)];
}

function outside(a: Area2, ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return Math.max(ax, bx, cx) < a.minX || Math.min(ax, bx, cx) >= a.maxX || Math.max(ay, by, cy) < a.minY || Math.min(ay, by, cy) >= a.maxY;
}

function forEachTriangle(
  part: MeshPart,
  area: Area2 | undefined,
  fn: (ax: number, ay: number, az: number, bx: number, by: number, bz: number, cx: number, cy: number, cz: number) => void,
): void {
  const { indices, positions: pos } = part;
  const triangles = Math.floor((indices ? indices.length : pos.length / 3) / 3);
  for (let t = 0; t < triangles; t++) {
    const ia = indices ? indices[3 * t] : 3 * t;
    const ib = indices ? indices[3 * t + 1] : 3 * t + 1;
    const ic = indices ? indices[3 * t + 2] : 3 * t + 2;
    const ax = pos[3 * ia],
      ay = pos[3 * ia + 1];
    const bx = pos[3 * ib],
      by = pos[3 * ib + 1];
    const cx = pos[3 * ic],
      cy = pos[3 * ic + 1];
    if (area && outside(area, ax, ay, bx, by, cx, cy)) continue;
    fn(ax, ay, pos[3 * ia + 2], bx, by, pos[3 * ib + 2], cx, cy, pos[3 * ic + 2]);
  }
}

/** A 32-bit seed from the corners at millimetre resolution: the same triangle, the same draws. */
function triangleSeed(ax: number, ay: number, az: number, bx: number, by: number, bz: number, cx: number, cy: number): number {
  let h = 0x811c9dc5;
  h = mix(h, ax);
  h = mix(h, ay);
  h = mix(h, az);
  h = mix(h, bx);
  h = mix(h, by);
  h = mix(h, bz);
  h = mix(h, cx);
  h = mix(h, cy);
  return h >>> 0;
}

function mix(h: number, v: number): number {
  const mm = Math.round(v * 1000);
  h = Math.imul(h ^ (mm | 0), 0x01000193);
  return Math.imul(h ^ ((mm / 4294967296) | 0), 0x01000193);
}

/** A uniform draw in [0, 1) from (seed, k): a murmur-style finaliser, no state. */
function unit(seed: number, k: number): number {
  let h = (seed ^ Math.imul(k + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
