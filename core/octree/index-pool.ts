import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawn';
import type { IndexedChunk } from './index-chunk';
import type { IndexReply, IndexWorkerData } from './index-worker';

const ENTRY = new URL('./index-worker.ts', import.meta.url);

/** One chunk's nodes, in the order index-chunk.ts emits them. */
export interface IndexedNodes {
  names: string[];
  records: Uint8Array[];
}

/**
 * Worker threads for the octree build's index step (index-worker.ts). The caller keeps at most `size` chunks in
 * flight, so a free thread is always there; closing terminates them all.
 */
export class IndexPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  /** Threads that stopped between chunks: a chunk sent to one would never come back. */
  private readonly stopped = new Set<Worker>();

  constructor(size: number, data: IndexWorkerData) {
    for (let i = 0; i < size; i++) {
      const w = spawnWorker(ENTRY, { ...data });
      // An error between chunks is followed by 'exit'; the chunk in flight (if any) hears of both.
      w.on('error', () => undefined);
      w.once('exit', () => this.stopped.add(w));
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  /** Builds the subtree of the chunk whose records are in `path` (the file is removed once read). */
  index(path: string, chunk: IndexedChunk): Promise<IndexedNodes> {
    const w = this.idle.pop();
    if (!w) return Promise.reject(new Error('octree index: more chunks in flight than threads'));
    if (this.stopped.has(w)) return Promise.reject(new Error('an octree index thread stopped'));
    const done = new Promise<IndexedNodes>((resolve, reject) => {
      const settle = () => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      };
      const onMessage = (m: IndexReply) => {
        settle();
        this.idle.push(w);
        if (m.kind === 'done') resolve({ names: m.names, records: m.records });
        else reject(new Error(m.message));
      };
      const onError = (e: Error) => {
        settle();
        reject(e);
      };
      const onExit = (code: number) => {
        settle();
        reject(new Error(`an octree index thread stopped (code ${code})`));
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ path, chunk });
    });
    // A build that stops early (cancelled, failed) leaves chunks in flight: their rejection is expected.
    done.catch(() => undefined);
    return done;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
