/**
 * Worker thread of the oblique views: the rasteriser is the report's heaviest loop, so it runs
 * beside the page layout, and encodes its JPEG here too (the canvas stays in this thread, reused).
 */
import { parentPort } from 'node:worker_threads';
import type { HeightPatch } from '../changes/patches';
import type { PolygonCoords } from '../changes/types';
import { obliqueView, type ObliqueOptions } from './oblique';
import { encodeJpegResized } from './raster';

export interface ObliqueRequest {
  id: number;
  patch: HeightPatch;
  footprint: PolygonCoords[];
  options: ObliqueOptions;
  /** Size and quality of the JPEG sent back (the render is shrunk to it). */
  jpeg: { width: number; height: number; quality: number };
}

export type ObliqueResponse = { id: number; jpeg: Uint8Array } | { id: number; error: string };

// One view at a time: the next render reuses the canvas the last encode reads.
let queue = Promise.resolve();

parentPort!.on('message', (req: ObliqueRequest) => {
  queue = queue.then(async () => {
    try {
      const image = obliqueView(req.patch, req.footprint, { ...req.options, reuse: true });
      const jpeg = new Uint8Array(await encodeJpegResized(image, req.jpeg.width, req.jpeg.height, req.jpeg.quality));
      parentPort!.postMessage({ id: req.id, jpeg } satisfies ObliqueResponse, [jpeg.buffer as ArrayBuffer]);
    } catch (e) {
      parentPort!.postMessage({ id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies ObliqueResponse);
    }
  });
});
