/**
 * The scene model: plain data (JSON-cloneable) describing terrain, buildings, trees, cars and ground
 * materials of one epoch. Everything is in projected metres (EPSG:4547), z in metres above the datum.
 */
import type { BBox, OrientedRect } from './geometry';
import type { Rng } from './rng';

export type Rgb = [number, number, number];

export const STOREY_HEIGHT = 3;

interface TerrainWave {
  kx: number;
  ky: number;
  amplitude: number;
  phase: number;
}

/** Gentle plane plus a few long waves: z ≈ 20–30 m over the district. */
export interface Terrain {
  originX: number;
  originY: number;
  base: number;
  slopeX: number;
  slopeY: number;
  waves: TerrainWave[];
}

export type BoxRole = 'main' | 'wing' | 'stair_hut' | 'rooftop' | 'extension';

/** A prism: an oriented rectangle extruded from z0 to a flat roof at z1. */
export interface Box extends OrientedRect {
  id: string;
  role: BoxRole;
  /** Ground-standing boxes have walls down to the terrain; others sit on a roof at z0. */
  onGround: boolean;
  z0: number;
  z1: number;
  roof: Rgb;
  wall: Rgb;
}

export type BuildingKind = 'village_house' | 'large' | 'compound' | 'new_building';

export interface Building {
  id: string;
  kind: BuildingKind;
  storeys: number;
  boxes: Box[];
}

/** A tree: a trunk and an ellipsoidal crown (horizontal radius r, vertical semi-axis rv). */
export interface Tree {
  id: string;
  cx: number;
  cy: number;
  r: number;
  rv: number;
  trunkHeight: number;
  baseZ: number;
  color: Rgb;
}

export interface Car extends OrientedRect {
  id: string;
  baseZ: number;
  height: number;
  color: Rgb;
}

export type GroundMaterial = 'asphalt' | 'paving' | 'soil' | 'grass';

export interface GroundPatch {
  box: BBox;
  material: GroundMaterial;
}

export interface Scene {
  extent: BBox;
  terrain: Terrain;
  buildings: Building[];
  trees: Tree[];
  cars: Car[];
  /** Ground materials; later patches paint over earlier ones, `paving` elsewhere. */
  ground: GroundPatch[];
  /** Seed of the ground's stains (the same in every epoch: stains belong to the place). */
  groundSeed: number;
}

export function makeTerrain(rng: Rng, originX: number, originY: number, size: number): Terrain {
  const wave = (wavelength: number, amplitude: number): TerrainWave => {
    const direction = rng.range(0, Math.PI);
    const k = (2 * Math.PI) / wavelength;
    return { kx: k * Math.cos(direction), ky: k * Math.sin(direction), amplitude, phase: rng.range(0, 2 * Math.PI) };
  };
  return {
    originX,
    originY,
    base: rng.range(22, 23),
    // 1.5–3.6 m of fall per 300 m eastwards, 0.9–2.4 m northwards: a gentle slope.
    slopeX: rng.range(0.005, 0.012),
    slopeY: rng.range(0.003, 0.008),
    // Long undulations; damped in small districts so that they do not read as a single hill.
    waves: [wave(rng.range(160, 240), rng.range(0.8, 1.3)), wave(rng.range(90, 130), rng.range(0.3, 0.6))].map((w) => ({
      ...w,
      amplitude: w.amplitude * Math.min(1, size / 300 + 0.3),
    })),
  };
}

export function groundZ(terrain: Terrain, x: number, y: number): number {
  const lx = x - terrain.originX;
  const ly = y - terrain.originY;
  let z = terrain.base + terrain.slopeX * lx + terrain.slopeY * ly;
  for (const w of terrain.waves) z += w.amplitude * Math.sin(w.kx * lx + w.ky * ly + w.phase);
  return z;
}

export function crownCenterZ(tree: Tree): number {
  return tree.baseZ + tree.trunkHeight + tree.rv;
}

export function cloneScene(scene: Scene): Scene {
  return structuredClone(scene);
}
