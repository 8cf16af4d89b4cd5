// The ground under the orthophoto: heights from the drawn points, for the terrain mesh of renderer/ground.ts.
// No DOM here, so a unit test can check it.
import * as THREE from 'three';

/** Half the width of the opening that removes roofs: buildings up to about 40 m across leave the ground alone. */
const OPENING_RADIUS_M = 20;

/**
 * The ground's height at the (n + 1)² vertices of a grid over `box` (scene coordinates), from the drawn points: the
 * lowest point per cell, then a morphological opening wide enough to take away buildings (a roof has no ground points
 * under it in a UAV survey), then empty cells filled from their neighbours. Null when nothing is drawn there.
 */
export function terrainHeights(
  scene: THREE.Object3D,
  origin: readonly number[],
  box: { minX: number; minY: number; maxX: number; maxY: number },
  n: number,
): Float32Array | null {
  const [ox, oy] = origin;
  const x0 = box.minX - ox;
  const y0 = box.minY - oy;
  const sx = (box.maxX - box.minX) / n;
  const sy = (box.maxY - box.minY) / n;
  const low = new Float32Array(n * n).fill(Infinity);
  const v = new THREE.Vector3();
  scene.traverse((o) => {
    if (!(o instanceof THREE.Points) || o.name === 'overlay' || !o.visible) return;
    const position = o.geometry.getAttribute('position');
    if (!position || position.count < 100) return;
    o.updateWorldMatrix(true, false);
    const step = Math.max(1, Math.floor(position.count / 50_000));
    for (let i = 0; i < position.count; i += step) {
      v.fromBufferAttribute(position, i).applyMatrix4(o.matrixWorld);
      const ix = Math.floor((v.x - x0) / sx);
      const iy = Math.floor((v.y - y0) / sy);
      if (ix < 0 || iy < 0 || ix >= n || iy >= n) continue;
      if (v.z < low[iy * n + ix]) low[iy * n + ix] = v.z;
    }
  });
  if (!low.some(Number.isFinite)) return null;
  const r = Math.max(1, Math.round(OPENING_RADIUS_M / Math.min(sx, sy)));
  const eroded = windowed(low, n, r, Math.min, Infinity);
  const opened = windowed(eroded, n, r, Math.max, -Infinity);
  fillHoles(opened, n);
  // Vertex (i, j) is the corner shared by up to four cells: their mean.
  const heights = new Float32Array((n + 1) * (n + 1));
  for (let j = 0; j <= n; j++)
    for (let i = 0; i <= n; i++) {
      let sum = 0;
      let count = 0;
      for (const [ci, cj] of [
        [i - 1, j - 1],
        [i, j - 1],
        [i - 1, j],
        [i, j],
      ])
        if (ci >= 0 && cj >= 0 && ci < n && cj < n) {
          sum += opened[cj * n + ci];
          count++;
        }
      heights[j * (n + 1) + i] = sum / count;
    }
  return heights;
}

/** A square min or max filter that ignores empty (±∞) cells. */
function windowed(a: Float32Array, n: number, r: number, pick: (p: number, q: number) => number, empty: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      let best = empty;
      for (let dy = -r; dy <= r; dy++)
        for (let dx = -r; dx <= r; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= n || yy >= n) continue;
          const z = a[yy * n + xx];
          if (Number.isFinite(z)) best = Number.isFinite(best) ? pick(best, z) : z;
        }
      out[y * n + x] = Number.isFinite(a[y * n + x]) || Number.isFinite(best) ? best : empty;
    }
  return out;
}

/** Empty cells take the mean of their filled neighbours, pass after pass, until none is left. */
function fillHoles(a: Float32Array, n: number): void {
  for (let pass = 0; pass < 2 * n && a.some((z) => !Number.isFinite(z)); pass++) {
    const copy = a.slice();
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        if (Number.isFinite(copy[y * n + x])) continue;
        let sum = 0;
        let count = 0;
        for (const [dx, dy] of [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ]) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx >= 0 && yy >= 0 && xx < n && yy < n && Number.isFinite(copy[yy * n + xx])) {
            sum += copy[yy * n + xx];
            count++;
          }
        }
        if (count > 0) a[y * n + x] = sum / count;
      }
  }
}
