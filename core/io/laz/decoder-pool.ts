import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../workers/spawn';
import { transferList, type ChunkBuffers } from '../las/records';
import type { PointChunk } from '../types';
import type { DecodeRequest, DecodeResponse } from './decode-worker';

interface Job {
  req: DecodeRequest;
  resolve: (decoded: DecodedPoints) => void;
  reject: (err: Error) => void;
}

/** A chunk decoded in a decoder thread, with the largest colour component it holds (to tell 8-bit colour from 16-bit). */
export interface DecodedPoints {
  chunk: PointChunk;
  maxColour: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
}

const WORKER_URL = new URL('./decode-worker.ts', import.meta.url);

/**
 * A small pool of LAZ decoding threads. Chunks of one file, or of several files, decode in
 * parallel; a worker that dies (laz-perf aborting on a corrupt chunk) fails only its own job
 * and is replaced.
 */
export class LazDecoderPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number = Math.max(1, availableParallelism())) {}

  /**
   * One chunk decoded into arrays in the decoder thread (colour as stored); into `reuse` where
   * its arrays are large enough (they are handed over: the caller must not touch them again).
   */
  decodePoints(
    pointFormat: number,
    recordLength: number,
    count: number,
    compressed: Uint8Array,
    points: DecodeRequest['points'],
    reuse?: ChunkBuffers,
  ): Promise<DecodedPoints> {
    if (this.closed) return Promise.reject(new Error('LAZ decoder pool is closed'));
    const buffer =
      compressed.byteOffset === 0 && compressed.byteLength === compressed.buffer.byteLength
        ? (compressed.buffer as ArrayBuffer)
        : compressed.slice().buffer;
    return new Promise((resolve, reject) => {
      const req = { id: this.nextId++, pointFormat, recordLength, count, compressed: buffer, points, reuse };
      this.queue.push({ req, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('LAZ decoder pool closed'));
    for (const slot of this.slots) {
      slot.job?.reject(new Error('LAZ decoder pool closed'));
      slot.job = undefined;
    }
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private pump(): void {
    for (;;) {
      const slot = this.queue.length > 0 ? this.slots.find((s) => s.ready && !s.job) : undefined;
      if (!slot) break;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage(job.req, [job.req.compressed, ...(job.req.reuse ? transferList(job.req.reuse) : [])]);
    }
    // Start more threads while jobs wait and the pool has room.
    let wanted = this.queue.length - this.slots.filter((s) => !s.ready).length;
    while (wanted-- > 0 && this.slots.length < this.size) this.slots.push(this.startWorker());
    this.unrefIdle();
  }

  private unrefIdle(): void {
    for (const s of this.slots) if (s.ready && !s.job) s.worker.unref();
  }

  private startWorker(): Slot {
    const slot: Slot = { worker: spawnWorker(WORKER_URL), ready: false };
    const fail = (message: string) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      const job = slot.job;
      slot.job = undefined;
      if (job) job.reject(new Error(`LAZ decoder failed: ${message}`));
      else if (!slot.ready) for (const j of this.queue.splice(0)) j.reject(new Error(`LAZ decoder could not start: ${message}`));
      if (!this.closed) this.pump();
    };
    slot.worker.on('message', (msg: DecodeResponse | { ready: true }) => {
      if ('ready' in msg) {
        slot.ready = true;
        this.pump();
        return;
      }
      const job = slot.job;
      slot.job = undefined;
      if (job && job.req.id === msg.id) {
        if ('error' in msg) job.reject(new Error(`LAZ decoder failed: ${msg.error}`));
        else job.resolve(msg);
      }
      if ('error' in msg) {
        // After a WebAssembly trap the decoder's memory is suspect: retire the thread.
        this.slots.splice(this.slots.indexOf(slot), 1);
        void slot.worker.terminate();
      }
      this.pump();
    });
    slot.worker.on('error', (err) => fail(err.message));
    slot.worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot)) fail(`decoder thread exited (code ${code})`);
    });
    return slot;
  }
}

let shared: LazDecoderPool | undefined;

/** The process-wide pool; its threads do not keep the process alive when idle. */
export function sharedLazPool(): LazDecoderPool {
  shared ??= new LazDecoderPool();
  return shared;
}
