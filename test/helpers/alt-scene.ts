/**
 * A second, deliberately different scene builder, so detection is not only ever tested on the
 * shapes of our own sample generator: gable and L-shaped buildings, smooth dome-shaped tree
 * crowns, a sloping site, top-surface sampling without facades, a different noise model and a
 * larger misregistration. Truth volumes are analytic.
 */
import type { PointChunk } from '../../core/io/types';

export interface Prism {
  /** Axis-aligned footprint. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Eave height above ground; a gable rises to `ridge` along the x axis (ridge ≥ eave). */
  eave: number;
  ridge?: number;
}

export interface Tree {
  x: number;
  y: number;
  radius: number;
  /** Height of the crown top above ground. */
  top: number;
}

export interface AltEpoch {
  buildings: Prism[];
  trees: Tree[];
  cars: Prism[];
}

export interface AltScene {
  size: number;
  origin: [number, number];
  ground: (x: number, y: number) => number;
  before: AltEpoch;
  after: AltEpoch;
  /** Expected changes: footprint ring (local coordinates) and signed solid volume. */
  truth: { name: string; ring: [number, number][]; volume: number }[];
}

const ring = (p: Prism): [number, number][] => [
  [p.x0, p.y0],
  [p.x1, p.y0],
  [p.x1, p.y1],
  [p.x0, p.y1],
  [p.x0, p.y0],
];

export function prismVolume(p: Prism): number {
  const area = (p.x1 - p.x0) * (p.y1 - p.y0);
  return area * (p.eave + ((p.ridge ?? p.eave) - p.eave) / 2);
}

/** Height of a prism's roof at (x, y) above ground, or -1 outside it. */
function prismHeight(p: Prism, x: number, y: number): number {
  if (x < p.x0 || x >= p.x1 || y < p.y0 || y >= p.y1) return -1;
  if (p.ridge === undefined || p.ridge === p.eave) return p.eave;
  const half = (p.y1 - p.y0) / 2;
  const fromRidge = Math.abs(y - (p.y0 + half));
  return p.ridge - ((p.ridge - p.eave) * fromRidge) / half;
}

function treeHeight(t: Tree, x: number, y: number): number {
  const d2 = (x - t.x) ** 2 + (y - t.y) ** 2;
  if (d2 >= t.radius * t.radius) return -1;
  // A smooth dome: the crown top falls off as a hemisphere of the crown's radius.
  return t.top - t.radius + Math.sqrt(t.radius * t.radius - d2);
}

export function buildAltScene(): AltScene {
  const house = (x0: number, y0: number, w: number, d: number, eave: number, ridge?: number): Prism => ({
    x0,
    y0,
    x1: x0 + w,
    y1: y0 + d,
    eave,
    ridge,
  });
  const standing = [
    house(10, 10, 12, 10, 9, 12), // gable, stays
    house(30, 10, 14, 12, 15), // flat, gets a rooftop structure
    house(55, 12, 10, 10, 6, 8.5), // gable, demolished
    house(80, 10, 16, 12, 12), // flat, gets an extension on its east side
    house(110, 15, 12, 14, 9), // flat, gets two storeys
    house(20, 60, 20, 8, 18), // tall slab, stays
  ];
  const trees: Tree[] = [
    { x: 60, y: 60, radius: 3.5, top: 9 },
    { x: 75, y: 62, radius: 2.5, top: 6 },
    { x: 95, y: 70, radius: 4, top: 11 },
  ];
  const cars = [house(60, 40, 4.6, 1.9, 1.5), house(70, 40, 4.6, 1.9, 1.6)];
  const newGable = house(20, 95, 10, 14, 6, 9.5);
  const newL = [house(60, 95, 18, 8, 15), house(60, 103, 8, 10, 15)];
  const rooftop = house(35, 14, 4, 5, 18); // on the 15 m roof: 3 m high
  const extension = house(96, 13, 6, 7, 6);
  const raised = house(110, 15, 12, 14, 15);
  const after: AltEpoch = {
    buildings: [standing[0], standing[1], rooftop, standing[3], extension, raised, standing[5], newGable, ...newL],
    // One tree grew, one was cut, one was planted.
    trees: [{ x: 60, y: 60, radius: 4.5, top: 11 }, trees[2], { x: 130, y: 70, radius: 3, top: 7 }],
    cars: [house(62, 45, 4.6, 1.9, 1.5), house(90, 40, 4.6, 1.9, 1.5)],
  };
  return {
    size: 150,
    origin: [440_000, 3_100_000],
    ground: (x, y) => 50 + 0.03 * x + 0.015 * y + 0.4 * Math.sin(x / 23) * Math.cos(y / 31),
    before: { buildings: standing, trees, cars },
    after,
    truth: [
      { name: 'new gable house', ring: ring(newGable), volume: prismVolume(newGable) },
      {
        name: 'new L-shaped block',
        ring: [
          [60, 95],
          [78, 95],
          [78, 103],
          [68, 103],
          [68, 113],
          [60, 113],
          [60, 95],
        ],
        volume: prismVolume(newL[0]) + prismVolume(newL[1]),
      },
      { name: 'rooftop structure', ring: ring(rooftop), volume: 4 * 5 * 3 },
      { name: 'gable house demolished', ring: ring(standing[2]), volume: -prismVolume(standing[2]) },
      { name: 'extension', ring: ring(extension), volume: prismVolume(extension) },
      { name: 'two storeys added', ring: ring(raised), volume: 12 * 14 * 6 },
    ],
  };
}

/** Samples the top surface of an epoch: uniform random points, Gaussian noise, a global shift. */
export function sampleAltEpoch(
  scene: AltScene,
  epoch: AltEpoch,
  o: { density: number; noise: number; shift: [number, number, number]; seed: number; green: boolean },
): PointChunk {
  let s = o.seed >>> 0 || 1;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const n = Math.round(scene.size * scene.size * o.density);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const z = new Float64Array(n);
  const rgb = new Uint16Array(n * 3);
  for (let i = 0; i < n; i++) {
    const px = rand() * scene.size;
    const py = rand() * scene.size;
    let h = 0;
    let colour: [number, number, number] = [150, 140, 125];
    for (const b of epoch.buildings) {
      const v = prismHeight(b, px, py);
      if (v > h) {
        h = v;
        colour = b.ridge ? [160, 70, 50] : [185, 185, 180];
      }
    }
    for (const c of epoch.cars) {
      const v = prismHeight(c, px, py);
      if (v > h) {
        h = v;
        colour = [30, 60, 160];
      }
    }
    for (const t of epoch.trees) {
      const v = treeHeight(t, px, py);
      // Leaves scatter the matched points a little through the crown's depth.
      if (v > h) {
        h = v - Math.abs(gauss()) * 0.3;
        colour = o.green ? [60, 120 + rand() * 40, 50] : [110, 110, 110];
      }
    }
    x[i] = scene.origin[0] + px + o.shift[0] + gauss() * o.noise * 0.5;
    y[i] = scene.origin[1] + py + o.shift[1] + gauss() * o.noise * 0.5;
    z[i] = scene.ground(px, py) + h + o.shift[2] + gauss() * o.noise;
    rgb.set(
      colour.map((c) => Math.min(65535, Math.max(0, Math.round((c + gauss() * 10) * 257)))),
      3 * i,
    );
  }
  return { count: n, x, y, z, rgb };
}
