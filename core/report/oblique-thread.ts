/**
 * Oblique views rendered on one worker thread, so that on a multi-core machine they overlap with
 * orthophoto cropping, encoding and page layout on the main thread.
 */
import type { Worker } from 'node:worker_threads';
import type { HeightPatch } from '../changes/patches';
import type { PolygonCoords } from '../changes/types';
import { spawnWorker } from '../workers/spawn';
import type { ObliqueOptions } from './oblique';
import type { ObliqueRequest, ObliqueResponse } from './oblique-worker';

const ENTRY = new URL('./oblique-worker.ts', import.meta.url);

export class ObliqueThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (jpeg: Buffer) => void; reject: (e: Error) => void }>();

  /** The view rendered at `options`' size, shrunk to `jpeg`'s and encoded. */
  renderJpeg(patch: HeightPatch, footprint: PolygonCoords[], options: ObliqueOptions, jpeg: ObliqueRequest['jpeg']): Promise<Buffer> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const req: ObliqueRequest = { id, patch, footprint, options, jpeg };
      worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error('oblique view thread closed'));
    this.pending.clear();
    await w?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnWorker(ENTRY);
    worker.on('message', (res: ObliqueResponse) => {
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      if ('error' in res) p.reject(new Error(`oblique view: ${res.error}`));
      else p.resolve(Buffer.from(res.jpeg.buffer, res.jpeg.byteOffset, res.jpeg.byteLength));
    });
    const fail = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.worker === worker) fail(new Error(`oblique view thread exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }
}
