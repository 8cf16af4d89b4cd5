/**
 * An oblique 2.5D view of a height patch, drawn by a small software rasteriser: each cell is a
 * column (its top and the walls facing the camera), painted back to front, lit by a Lambert term
 * from the surface normal. Only what changed is coloured: in a cell of the footprint that rose,
 * the part of its column between the earlier surface and the later one (a storey added to a 15 m
 * house is red from 15 m up, not from the ground); where volume was removed, the earlier volume
 * above the later surface is drawn as a translucent ghost over a blue floor. Neither reaches above
 * the change's own top nor below its bottom, so a taller neighbour's wall caught in an edge cell
 * stays grey, and so does the wall below a raised roof's edge.
 */
import type { HeightPatch } from '../changes/patches';
import type { PolygonCoords } from '../changes/types';
import type { Rgb, RgbImage } from './raster';
import { SIGN_COLOURS } from './sign-colours';

export interface ObliqueOptions {
  width: number;
  height: number;
  /**
   * Direction the camera looks towards, degrees clockwise from north; default 'auto': of four
   * directions, the one that shows most of the change (a quick low-resolution render of each).
   */
  azimuth?: number | 'auto';
  /** Camera elevation above the horizon, degrees; default 38. */
  elevation?: number;
  /** Height change below this (metres) is drawn as unchanged; default 0.8. */
  threshold?: number;
  /**
   * The change's own height change, signed (metres; its 95th-percentile top change): only cells
   * that moved its way are coloured, and only within the heights it spans (changeExtent). Without
   * it, every footprint cell that rose or fell by more than the threshold is coloured, from one
   * epoch's surface to the other's.
   */
  heightChange?: number;
  /** Draw the removed volume's ghost (default true); without it, what is left shows: for a test. */
  ghost?: boolean;
  /**
   * Draw into buffers kept between calls (fresh memory is slow to fault in: megabytes per view):
   * the image returned is then valid only until the next call with `reuse`.
   */
  reuse?: boolean;
}

const ADDED: Rgb = [...SIGN_COLOURS.added];
const REMOVED: Rgb = [...SIGN_COLOURS.removed];
const BUILT: Rgb = [196, 196, 200];
const GROUND: Rgb = [214, 208, 190];
const GHOST: Rgb = [70, 130, 225];
const GHOST_ALPHA = 0.33;

const AUTO_AZIMUTHS = [30, 120, 210, 300];

export function obliqueView(patch: HeightPatch, footprint: PolygonCoords[], options: ObliqueOptions): RgbImage {
  return obliqueRender(patch, footprint, options, false).image;
}

/**
 * The view and, per pixel, what it shows: its colour class (0 background, 1 ground, 2 built,
 * 3 added, 4 removed, 5 the removed volume's ghost) and, when `withHeights`, the world height of
 * the surface drawn there (NaN on the background): what a test needs to judge a view.
 */
export function obliqueRender(
  patch: HeightPatch,
  footprint: PolygonCoords[],
  options: ObliqueOptions,
  withHeights: boolean,
): { image: RgbImage; classes: Uint8Array; heights: Float32Array | null } {
  const inside = footprintMask(patch, footprint);
  const threshold = options.threshold ?? 0.8;
  const extent = changeExtent(patch, inside, threshold, options.heightChange);
  let azimuth = options.azimuth ?? 'auto';
  if (azimuth === 'auto') {
    // Probes on a patch of half the resolution: a quarter of the cells, the same occlusions.
    const [coarse, coarseInside] = halve(patch, inside);
    let best = -1;
    for (const a of AUTO_AZIMUTHS) {
      const probe = render(coarse, coarseInside, extent, { ...options, width: 120, height: 90, azimuth: a, reuse: false }, false);
      let seen = 0;
      for (const k of probe.classes) if (k >= 3) seen++;
      if (seen > best) [best, azimuth] = [seen, a];
    }
  }
  return render(patch, inside, extent, { ...options, azimuth: azimuth as number }, withHeights);
}

/** Which way the change went (0: either, cell by cell), by how much, and the heights it spans. */
interface ChangeExtent {
  sign: -1 | 0 | 1;
  /** Its height change, unsigned (Infinity: unknown). */
  size: number;
  /** Where it starts: the earlier surface it rose from (the later one, for a removal). */
  bottom: number;
  /** Its highest later surface (earlier, for a removal), and a margin (the threshold) above it. */
  top: number;
  /** The top without the margin: its later surfaces' 95th percentile. */
  peak: number;
  /** The most a cell moves to count as the change: its height change and a margin (Infinity: unknown). */
  limit: number;
}

/**
 * The heights the change spans, read from the footprint cells that moved its way by up to its
 * height change and a margin: from their low surface (its 5th percentile) to their high one (its
 * 95th percentile, and the threshold above it, so a ridge is not cut). An edge cell can move
 * that much by chance (the wall seen up to one height before, to another after): percentiles,
 * not extremes, so that one odd cell does not set the span. An edge cell that moved far more
 * holds something else besides: a taller neighbour's roof seen after and the ground beside it
 * before, or a wall seen after where the raised roof's edge fell in the next cell (a few
 * centimetres of misregistration at a cell boundary). A cell beside something outside the
 * footprint that stood at least as high in both surveys is most likely that thing's edge, by
 * however much it moved: it sets the span only if every cell is one. Any cell is coloured only
 * within this span and within the change's height of its own surface, and one that moved that
 * far only where its high surface is no higher than the change's (render).
 */
function changeExtent(patch: HeightPatch, inside: Uint8Array, threshold: number, heightChange: number | undefined): ChangeExtent {
  const any: ChangeExtent = { sign: 0, size: Infinity, bottom: -Infinity, top: Infinity, peak: Infinity, limit: Infinity };
  if (heightChange === undefined || !Number.isFinite(heightChange) || heightChange === 0) return any;
  const sign = heightChange > 0 ? 1 : -1;
  const size = Math.abs(heightChange);
  const limit = size + Math.max(threshold, 0.25 * size);
  const { width: nx, height: ny, before, after } = patch;
  // Whether a cell outside the footprint beside cell i stood at least z high in both surveys.
  const besideTaller = (i: number, z: number) => {
    const [c, r] = [i % nx, Math.floor(i / nx)];
    for (let rr = Math.max(0, r - 1); rr <= Math.min(ny - 1, r + 1); rr++) {
      for (let cc = Math.max(0, c - 1); cc <= Math.min(nx - 1, c + 1); cc++) {
        const j = rr * nx + cc;
        if (!inside[j] && Math.min(before[j], after[j]) >= z) return true;
      }
    }
    return false;
  };
  let lows: number[] = [];
  let highs: number[] = [];
  const [lowsBeside, highsBeside]: number[][] = [[], []];
  for (let i = 0; i < inside.length; i++) {
    if (!inside[i]) continue;
    const [low, high] = sign > 0 ? [before[i], after[i]] : [after[i], before[i]];
    const moved = high - low;
    if (!(moved > threshold && moved <= limit)) continue;
    // A cell beside something outside the footprint that stood at least as high in both surveys
    // is most likely that thing's edge, misregistered (a tall neighbour's roof seen in one survey,
    // its wall or the ground in the other): it sets the span only if no other cell can. Such cells
    // can be far more than the 5 % a percentile ignores (the demo's C008: 16 of 114) and put the
    // top on the neighbour's roof. (Keeping the largest cluster of heights instead would cut the
    // tower of a new building whose lower wing has more cells.)
    const [l, h] = besideTaller(i, high - threshold) ? [lowsBeside, highsBeside] : [lows, highs];
    l.push(low);
    h.push(high);
  }
  if (!lows.length) [lows, highs] = [lowsBeside, highsBeside];
  if (!lows.length) return { ...any, sign, size, limit };
  lows.sort((p, q) => p - q);
  highs.sort((p, q) => p - q);
  const n = lows.length;
  const peak = highs[Math.min(n - 1, Math.floor(0.95 * n))];
  return { sign, size, limit, bottom: lows[Math.floor(0.05 * n)], top: peak + threshold, peak };
}

function render(
  patch: HeightPatch,
  inside: Uint8Array,
  extent: ChangeExtent,
  options: ObliqueOptions & { azimuth: number },
  withHeights: boolean,
): { image: RgbImage; classes: Uint8Array; heights: Float32Array | null } {
  const { width: W, height: H } = options;
  const threshold = options.threshold ?? 0.8;
  const phi = (options.azimuth * Math.PI) / 180;
  const alpha = ((options.elevation ?? 38) * Math.PI) / 180;
  const [sinP, cosP, sinA, cosA] = [Math.sin(phi), Math.cos(phi), Math.sin(alpha), Math.cos(alpha)];
  const { width: nx, height: ny, cell } = patch;
  const n = nx * ny;

  // The surface drawn: the later epoch, its holes filled by the earlier one, then the ground.
  const top = new Float32Array(n);
  // The removed volume drawn above a cell, from ghostFrom up to ghostTop (NaN: none).
  const ghostFrom = new Float32Array(n).fill(NaN);
  const ghostTop = new Float32Array(n).fill(NaN);
  // Each column's colour (1 ground, 2 built) and, in a cell that rose, the height band of it
  // that is new, from addedFrom up to addedTo (NaN: none).
  const colour = new Uint8Array(n);
  const addedFrom = new Float32Array(n).fill(NaN);
  const addedTo = new Float32Array(n).fill(NaN);
  // The top of the column is the changed surface itself: 3 added, 4 removed (0: its column colour).
  const topClass = new Uint8Array(n);
  const rises = extent.sign >= 0;
  const falls = extent.sign <= 0;
  // A cell that moved by more than the change can (changeExtent's limit) holds something else
  // besides. Where its high surface is the change's own top (a wall seen before, where the raised
  // roof's edge fell in the next cell) it is coloured like the rest; where its high surface stands
  // above that top (a neighbour's roof seen after, the ground beside it before), it is not: within
  // the span it would paint that neighbour's wall up to the span's margin above the change.
  const slack = 0.25 * threshold;
  const beyond = (moved: number, high: number) => moved > extent.limit && high > extent.peak + slack;
  let base = Infinity;
  for (let i = 0; i < n; i++) {
    const a = patch.after[i];
    const b = patch.before[i];
    const g = patch.ground[i];
    const h = Number.isFinite(a) ? a : Number.isFinite(b) ? b : g;
    top[i] = h;
    if (!Number.isFinite(h)) continue;
    base = Math.min(base, Number.isFinite(g) ? Math.min(g, h) : h);
    colour[i] = Number.isFinite(g) && h - g < 1 ? 1 : 2;
    if (!inside[i]) continue;
    const d = a - b;
    if (rises && d > threshold && !beyond(d, a)) {
      // From the earlier surface (no lower than the change's bottom, nor than its height below
      // the later surface) up to the later surface (no higher than the change's top).
      const from = Math.max(b, a - extent.size, extent.bottom);
      const to = Math.min(a, extent.top);
      if (to > from) {
        addedFrom[i] = from;
        addedTo[i] = to;
        if (a <= extent.top) topClass[i] = 3;
      }
    } else if (falls && d < -threshold && !beyond(-d, b)) {
      // The same, the epochs the other way round: what stood above the later surface.
      const from = Math.max(a, b - extent.size, extent.bottom);
      const to = Math.min(b, extent.top);
      if (to > from) {
        ghostFrom[i] = from;
        ghostTop[i] = to;
        if (from === a) topClass[i] = 4;
      }
    }
  }
  const rgb = canvas(options.reuse ? 'rgb' : null, W * H * 3).fill(255);
  // What each pixel shows last (the colour classes above, 5 = ghost): to judge a view.
  const classes = canvas(options.reuse ? 'classes' : null, W * H).fill(0);
  const heights = withHeights ? new Float32Array(W * H).fill(NaN) : null;
  if (!Number.isFinite(base)) return { image: { width: W, height: H, rgb }, classes, heights };

  // World → view: u to the right, v up the screen, depth away from the camera.
  const cx = patch.x0 + (nx * cell) / 2;
  const cy = patch.y0 + (ny * cell) / 2;
  const u = (x: number, y: number) => (x - cx) * cosP - (y - cy) * sinP;
  const depth = (x: number, y: number) => (x - cx) * sinP + (y - cy) * cosP;
  const v = (x: number, y: number, z: number) => (z - base) * cosA + depth(x, y) * sinA;

  // Fit the whole patch (ground corners and the highest top) into the image with a margin.
  let zTop = base;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(top[i])) zTop = Math.max(zTop, top[i]);
    if (Number.isFinite(ghostTop[i])) zTop = Math.max(zTop, ghostTop[i]);
  }
  const corners: [number, number][] = [
    [patch.x0, patch.y0],
    [patch.x0 + nx * cell, patch.y0],
    [patch.x0, patch.y0 + ny * cell],
    [patch.x0 + nx * cell, patch.y0 + ny * cell],
  ];
  let [uMin, uMax, vMin, vMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [x, y] of corners) {
    uMin = Math.min(uMin, u(x, y));
    uMax = Math.max(uMax, u(x, y));
    vMin = Math.min(vMin, v(x, y, base));
    vMax = Math.max(vMax, v(x, y, zTop));
  }
  const margin = 0.04 * Math.min(W, H);
  const scale = Math.min((W - 2 * margin) / (uMax - uMin), (H - 2 * margin) / (vMax - vMin));
  const ox = W / 2 - ((uMin + uMax) / 2) * scale;
  const oy = H / 2 + ((vMin + vMax) / 2) * scale;
  // Screen position of every grid corner at the base height; a height z lifts it by zLift·(z − base).
  const stride = nx + 1;
  const cornerX = new Float64Array(stride * (ny + 1));
  const cornerY = new Float64Array(stride * (ny + 1));
  for (let r = 0; r <= ny; r++) {
    for (let c = 0; c <= nx; c++) {
      const x = patch.x0 + c * cell;
      const y = patch.y0 + r * cell;
      cornerX[r * stride + c] = ox + u(x, y) * scale;
      cornerY[r * stride + c] = oy - v(x, y, base) * scale;
    }
  }
  const zLift = cosA * scale;

  // Light from the north-west, 50° up (world frame).
  const light = normalise([-0.55, 0.55, 0.63]);
  const at = (c: number, r: number) => (c >= 0 && r >= 0 && c < nx && r < ny ? top[r * nx + c] : NaN);

  // Painter's order: farthest cell first.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = depth(patch.x0 + ((i % nx) + 0.5) * cell, patch.y0 + (Math.floor(i / nx) + 0.5) * cell);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => keys[b] - keys[a]);

  const px = new Float64Array(4);
  const py = new Float64Array(4);
  const fill: Rgb = [0, 0, 0];
  // The height drawn at a pixel: a top is level at `z`; a wall falls from `z` along its top edge.
  const plane = { z: 0, wall: false, lift: 0 };
  const paint = (c: Rgb, shade: number, opacity: number, cls: number, z: number, wall: boolean) => {
    fill[0] = c[0] * shade;
    fill[1] = c[1] * shade;
    fill[2] = c[2] * shade;
    plane.z = z;
    plane.wall = wall;
    fillQuad(rgb, classes, heights, plane, W, H, px, py, fill, opacity, cls);
  };
  // Walls seen from the camera: those whose outward normal points back towards it; each with
  // its two top corners as offsets (in cells) from the cell's south-west corner.
  const walls = [
    { dc: 0, dr: -1, nx: 0, ny: -1, ax: 0, ay: 0, bx: 1, by: 0 }, // south
    { dc: 0, dr: 1, nx: 0, ny: 1, ax: 1, ay: 1, bx: 0, by: 1 }, // north
    { dc: -1, dr: 0, nx: -1, ny: 0, ax: 0, ay: 1, bx: 0, by: 0 }, // west
    { dc: 1, dr: 0, nx: 1, ny: 0, ax: 1, ay: 0, bx: 1, by: 1 }, // east
  ]
    .filter((w) => w.nx * sinP + w.ny * cosP < 0)
    .map((w) => ({
      ...w,
      shade: 0.55 + 0.3 * Math.max(0, w.nx * light[0] + w.ny * light[1]),
      // Corner offsets in the corner grid.
      a: w.ay * stride + w.ax,
      b: w.by * stride + w.bx,
    }));

  plane.lift = zLift;
  // One wall of the cell whose south-west corner is `k`, from height `low` up to `high`.
  const wall = (k: number, w: (typeof walls)[number], low: number, high: number, c: Rgb, opacity: number, cls: number) => {
    const liftHigh = (high - base) * zLift;
    const liftLow = (low - base) * zLift;
    px[0] = px[3] = cornerX[k + w.a];
    px[1] = px[2] = cornerX[k + w.b];
    py[0] = cornerY[k + w.a] - liftHigh;
    py[1] = cornerY[k + w.b] - liftHigh;
    py[2] = cornerY[k + w.b] - liftLow;
    py[3] = cornerY[k + w.a] - liftLow;
    paint(c, w.shade, opacity, cls, high, true);
  };
  /**
   * A column: its walls from where the neighbour's surface (`zLow`) ends up to `zHigh`, the band
   * `from`…`to` of them (when not NaN) in `bandColour`, and its top in `topColour`.
   */
  const column = (
    i: number,
    zLow: (c: number, r: number) => number,
    zHigh: number,
    c: Rgb,
    opacity: number,
    lit: number,
    cls: number,
    from = NaN,
    to = NaN,
    bandColour: Rgb = c,
    bandCls = cls,
    topColour: Rgb = c,
    topCls = cls,
  ) => {
    const col = i % nx;
    const row = (i - col) / nx;
    const k = row * stride + col; // the cell's south-west corner
    for (const w of walls) {
      const low = zLow(col + w.dc, row + w.dr);
      if (!(low < zHigh)) continue;
      if (!(to > from)) {
        wall(k, w, low, zHigh, c, opacity, cls);
        continue;
      }
      // Below the band, the band, above it: each where the wall reaches.
      if (low < from) wall(k, w, low, Math.min(from, zHigh), c, opacity, cls);
      if (Math.max(low, from) < Math.min(to, zHigh)) wall(k, w, Math.max(low, from), Math.min(to, zHigh), bandColour, opacity, bandCls);
      if (Math.max(low, to) < zHigh) wall(k, w, Math.max(low, to), zHigh, c, opacity, cls);
    }
    const liftHigh = (zHigh - base) * zLift;
    px[0] = cornerX[k];
    px[1] = cornerX[k + 1];
    px[2] = cornerX[k + stride + 1];
    px[3] = cornerX[k + stride];
    py[0] = cornerY[k] - liftHigh;
    py[1] = cornerY[k + 1] - liftHigh;
    py[2] = cornerY[k + stride + 1] - liftHigh;
    py[3] = cornerY[k + stride] - liftHigh;
    paint(topColour, lit, opacity, topCls, zHigh, false);
  };

  // Where walls end below a cell's side (made once: tsx wraps every closure created in a loop).
  const surfaceLow = (cc: number, rr: number) => (Number.isFinite(at(cc, rr)) ? at(cc, rr) : base);
  let ghostFloor = base;
  const ghostLow = (cc: number, rr: number) => {
    const k = cc >= 0 && rr >= 0 && cc < nx && rr < ny ? rr * nx + cc : -1;
    return k >= 0 && Number.isFinite(ghostTop[k]) ? ghostTop[k] : ghostFloor;
  };
  for (const i of order) {
    const h = top[i];
    if (!Number.isFinite(h)) continue;
    const col = i % nx;
    const row = Math.floor(i / nx);
    const dzdx =
      ((Number.isFinite(at(col + 1, row)) ? at(col + 1, row) : h) - (Number.isFinite(at(col - 1, row)) ? at(col - 1, row) : h)) /
      (2 * cell);
    const dzdy =
      ((Number.isFinite(at(col, row + 1)) ? at(col, row + 1) : h) - (Number.isFinite(at(col, row - 1)) ? at(col, row - 1) : h)) /
      (2 * cell);
    // Steps between roofs and ground are walls, not slopes: clamp so tops stay lit like planes.
    const gx = Math.max(-1.5, Math.min(1.5, dzdx));
    const gy = Math.max(-1.5, Math.min(1.5, dzdy));
    const norm = Math.hypot(gx, gy, 1);
    const lit = 0.5 + 0.5 * Math.max(0, (-gx * light[0] - gy * light[1] + light[2]) / norm);
    const c = colour[i] === 1 ? GROUND : BUILT;
    const tc = topClass[i];
    column(
      i,
      surfaceLow,
      h,
      c,
      1,
      lit,
      colour[i],
      addedFrom[i],
      addedTo[i],
      ADDED,
      3,
      tc === 3 ? ADDED : tc === 4 ? REMOVED : c,
      tc || colour[i],
    );
    const g = ghostTop[i];
    if (options.ghost !== false && Number.isFinite(g) && g > ghostFrom[i]) {
      // The removed volume: from the later surface up to the earlier top, walls only where the
      // neighbour's ghost is lower, so the ghost reads as one translucent block.
      ghostFloor = ghostFrom[i];
      column(i, ghostLow, g, GHOST, GHOST_ALPHA, 0.95, 5);
    }
  }
  return { image: { width: W, height: H, rgb }, classes, heights };
}

const canvases = new Map<string, Uint8Array>();

/** A buffer of `size` bytes: fresh, or the one kept under `key`. */
function canvas(key: string | null, size: number): Uint8Array {
  if (key === null) return new Uint8Array(size);
  let b = canvases.get(key);
  if (!b || b.length < size) {
    b = new Uint8Array(size);
    canvases.set(key, b);
  }
  return b.subarray(0, size);
}

/** The patch at half resolution (2 × 2 cells: NaN-aware mean heights; inside if any is). */
function halve(patch: HeightPatch, inside: Uint8Array): [HeightPatch, Uint8Array] {
  const width = Math.ceil(patch.width / 2);
  const height = Math.ceil(patch.height / 2);
  const out = (): Float32Array => new Float32Array(width * height);
  const half: HeightPatch = { ...patch, cell: patch.cell * 2, width, height, before: out(), after: out(), ground: out() };
  const mask = new Uint8Array(width * height);
  for (const key of ['before', 'after', 'ground'] as const) {
    const from = patch[key];
    const to = half[key];
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        let sum = 0;
        let n = 0;
        for (let dr = 0; dr < 2; dr++) {
          for (let dc = 0; dc < 2; dc++) {
            const rr = 2 * r + dr;
            const cc = 2 * c + dc;
            if (rr >= patch.height || cc >= patch.width) continue;
            const v = from[rr * patch.width + cc];
            if (key === 'after' && inside[rr * patch.width + cc]) mask[r * width + c] = 1;
            if (!Number.isNaN(v)) {
              sum += v;
              n++;
            }
          }
        }
        to[r * width + c] = n ? sum / n : NaN;
      }
    }
  }
  return [half, mask];
}

/** Cells whose centre lies inside the footprint (even-odd over all rings, so holes are out). */
export function footprintMask(patch: HeightPatch, footprint: PolygonCoords[]): Uint8Array {
  const mask = new Uint8Array(patch.width * patch.height);
  const rings = footprint.flat();
  for (let r = 0; r < patch.height; r++) {
    const y = patch.y0 + (r + 0.5) * patch.cell;
    // Crossings of this row with every ring edge, then fill between pairs.
    const xs: number[] = [];
    for (const ring of rings) {
      for (let k = 0; k + 1 < ring.length; k++) {
        const [x1, y1] = ring[k];
        const [x2, y2] = ring[k + 1];
        if (y1 > y !== y2 > y) xs.push(x1 + ((y - y1) / (y2 - y1)) * (x2 - x1));
      }
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const c0 = Math.max(0, Math.ceil((xs[k] - patch.x0) / patch.cell - 0.5));
      const c1 = Math.min(patch.width - 1, Math.floor((xs[k + 1] - patch.x0) / patch.cell - 0.5));
      for (let c = c0; c <= c1; c++) mask[r * patch.width + c] = 1;
    }
  }
  return mask;
}

function normalise(v: [number, number, number]): [number, number, number] {
  const l = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / l, v[1] / l, v[2] / l];
}

/**
 * Fills a convex quad (pixel centres inside it) with a colour blended at `opacity`; with
 * `heights`, records the world height each pixel shows (`plane`: a level top at z, or a wall whose
 * top edge, from corner 0 to corner 1, is at z and which falls `lift` pixels per metre).
 */
function fillQuad(
  rgb: Uint8Array,
  classes: Uint8Array,
  heights: Float32Array | null,
  plane: { z: number; wall: boolean; lift: number },
  W: number,
  H: number,
  xs: Float64Array,
  ys: Float64Array,
  [r, g, b]: Rgb,
  opacity: number,
  cls: number,
): void {
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let k = 0; k < 4; k++) {
    yMin = Math.min(yMin, ys[k]);
    yMax = Math.max(yMax, ys[k]);
  }
  const rowStart = Math.max(0, Math.ceil(yMin - 0.5));
  const rowEnd = Math.min(H - 1, Math.floor(yMax - 0.5));
  for (let row = rowStart; row <= rowEnd; row++) {
    const yc = row + 0.5;
    let left = Infinity;
    let right = -Infinity;
    for (let k = 0; k < 4; k++) {
      const k2 = (k + 1) & 3;
      const [ya, yb] = [ys[k], ys[k2]];
      if (ya === yb || yc < Math.min(ya, yb) || yc > Math.max(ya, yb)) continue;
      const x = xs[k] + ((yc - ya) / (yb - ya)) * (xs[k2] - xs[k]);
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
    // Half a pixel of overlap on each side: neighbouring quads close without cracks.
    const c0 = Math.max(0, Math.floor(left));
    const c1 = Math.min(W - 1, Math.ceil(right) - 1);
    if (heights) {
      const dx = xs[1] - xs[0];
      for (let c = c0; c <= c1; c++) {
        const edge = plane.wall && dx !== 0 ? ys[0] + ((c + 0.5 - xs[0]) / dx) * (ys[1] - ys[0]) : Math.min(ys[0], ys[1]);
        heights[row * W + c] = plane.wall ? plane.z - Math.max(0, yc - edge) / plane.lift : plane.z;
      }
    }
    if (opacity >= 1) {
      for (let c = c0; c <= c1; c++) {
        const o = 3 * (row * W + c);
        rgb[o] = r;
        rgb[o + 1] = g;
        rgb[o + 2] = b;
        classes[row * W + c] = cls;
      }
    } else {
      const keep = 1 - opacity;
      for (let c = c0; c <= c1; c++) {
        const o = 3 * (row * W + c);
        rgb[o] = rgb[o] * keep + r * opacity;
        rgb[o + 1] = rgb[o + 1] * keep + g * opacity;
        rgb[o + 2] = rgb[o + 2] * keep + b * opacity;
        classes[row * W + c] = cls;
      }
    }
  }
}
