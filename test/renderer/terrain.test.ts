/**
 * The orthophoto ground's terrain (renderer/ground.ts): heights from the drawn points follow a sloped ground, and a
 * building's roof, which has no ground points under it, does not lift the ground.
 */
import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { terrainHeights } from '../../renderer/terrain';

const slope = (x: number, y: number) => 10 + 0.05 * x + 0.02 * y;
const inBuilding = (x: number, y: number) => x >= 100 && x < 130 && y >= 60 && y < 90;

function sceneOf(points: number[]): THREE.Scene {
  const scene = new THREE.Scene();
  const geometry = new THREE.BufferGeometry();
  // Scene coordinates: the viewer's origin (1000, 2000, 0) taken off, as the viewer draws its clouds.
  geometry.setAttribute('position', new THREE.Float32BufferAttribute(points, 3));
  scene.add(new THREE.Points(geometry));
  return scene;
}

describe('the terrain under the orthophoto', () => {
  it('follows the ground and ignores a roof', () => {
    const points: number[] = [];
    for (let y = 0; y < 200; y += 0.7)
      for (let x = 0; x < 200; x += 0.7) points.push(x, y, inBuilding(x, y) ? slope(x, y) + 15 : slope(x, y));
    const n = 64;
    const heights = terrainHeights(sceneOf(points), [1000, 2000, 0], { minX: 1000, minY: 2000, maxX: 1200, maxY: 2200 }, n)!;
    const at = (x: number, y: number) => heights[Math.round((y / 200) * n) * (n + 1) + Math.round((x / 200) * n)];
    for (const [x, y] of [
      [20, 20],
      [180, 40],
      [60, 160],
      [115, 75], // the middle of the roof
      [150, 150],
    ])
      expect(Math.abs(at(x, y) - slope(x, y)), `${x}, ${y}`).toBeLessThan(0.6);
  });

  it('has nothing to say where nothing is drawn', () => {
    expect(terrainHeights(new THREE.Scene(), [0, 0, 0], { minX: 0, minY: 0, maxX: 100, maxY: 100 }, 16)).toBeNull();
  });
});
