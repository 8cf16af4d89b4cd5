/** Worker thread of the oblique views: the rasteriser is the report's heaviest loop, so it runs beside the page layout. */
import { parentPort } from 'node:worker_threads';
import type { HeightPatch } from '../changes/patches';
import type { PolygonCoords } from '../changes/types';
import { obliqueView, type ObliqueOptions } from './oblique';

export interface ObliqueRequest {
  id: number;
  patch: HeightPatch;
  footprint: PolygonCoords[];
  options: ObliqueOptions;
}

export type ObliqueResponse = { id: number; width: number; height: number; rgb: Uint8Array } | { id: number; error: string };

parentPort!.on('message', (req: ObliqueRequest) => {
  try {
    const image = obliqueView(req.patch, req.footprint, req.options);
    const res: ObliqueResponse = { id: req.id, ...image };
    parentPort!.postMessage(res, [image.rgb.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies ObliqueResponse);
  }
});
