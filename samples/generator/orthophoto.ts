/**
 * A top-down true orthophoto of one epoch: each pixel takes the colour of the topmost surface at its
 * centre (roof, tree crown, car, or ground material), with crown shading and a little pixel noise.
 * Data holes are a survey artefact and do not apply here.
 */
import type { GeoTiffRgbOptions } from '../../core/io/geotiff/writer';
import { hash2, rngFor } from './rng';
import type { Rgb, Scene } from './scene';
import { SceneIndex, SOLID_CROWN } from './surface';

/** A rendered orthophoto: exactly the raster part of what the GeoTIFF writer takes. */
export type Orthophoto = Pick<GeoTiffRgbOptions, 'width' | 'height' | 'rgb' | 'originX' | 'originY' | 'pixelSize'>;

export function renderOrthophoto(scene: Scene, seed: number, epoch: number, pixelSize = 0.1): Orthophoto {
  const index = new SceneIndex(scene);
  const { extent } = scene;
  const width = Math.round((extent.maxX - extent.minX) / pixelSize);
  const height = Math.round((extent.maxY - extent.minY) / pixelSize);
  const rgb = new Uint8Array(width * height * 3);
  const noiseSeed = rngFor(seed, 'ortho-noise', epoch).int(0, 0x7fffffff);
  const hash = hash2; // a local binding: module bindings cost a lookup in this 9-megapixel loop
  const solids = index.solids;
  const color: Rgb = [0, 0, 0];
  for (let row = 0; row < height; row++) {
    const y = extent.maxY - (row + 0.5) * pixelSize;
    for (let col = 0; col < width; col++) {
      const x = extent.minX + (col + 0.5) * pixelSize;
      const z = index.topSolidAt(x, y);
      let shade = 1;
      if (index.hit < 0) index.groundColorAt(x, y, color);
      else {
        const solid = solids[index.hit];
        color[0] = solid.color[0];
        color[1] = solid.color[1];
        color[2] = solid.color[2];
        // Crowns darken towards their rim: a cue of their rounded shape.
        if (solid.kind === SOLID_CROWN) shade = 0.62 + 0.45 * ((z - solid.cz) / solid.rv);
      }
      const noise = (hash(noiseSeed, col, row) - 0.5) * 14;
      const o = 3 * (row * width + col);
      // Uint8Array stores modulo 256: clamp first.
      rgb[o] = clamp(color[0] * shade + noise);
      rgb[o + 1] = clamp(color[1] * shade + noise);
      rgb[o + 2] = clamp(color[2] * shade + noise);
    }
  }
  return { width, height, rgb, originX: extent.minX, originY: extent.maxY, pixelSize };
}

function clamp(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : value + 0.5;
}
