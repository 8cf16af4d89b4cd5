import type { Worker } from 'node:worker_threads';
import { SourceError } from '../io/types';
import { spawnWorker } from '../workers/spawn';
import type { GroundModel } from '../diff/ground';
import { groundOnWorkers, groundTransfer, type GroundJob, type GroundStep, type GroundStepResult } from './ground-job';
import type { PartRecord } from './part-record';
import type { ScanJob } from './scan';
import type { TileJob, TileResult } from './tile-job';

export type PoolRequest =
  { id: number; kind: 'scan'; job: ScanJob } | { id: number; kind: 'tile'; job: TileJob } | { id: number; kind: 'ground'; job: GroundStep };

export type PoolReply =
  | { id: number; kind: 'progress'; points: number }
  | { id: number; kind: 'done'; result: unknown }
  | { id: number; kind: 'error'; message: string; file?: string; problem?: string };

interface Pending {
  request: PoolRequest;
  /** Buffers handed over with the request (gone from this thread once it is sent). */
  transfer: ArrayBuffer[];
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
  onPoints?: (n: number) => void;
}

const WORKER_URL = new URL('./worker.ts', import.meta.url);

/**
 * A fixed set of detection worker threads taking jobs from one queue: each job is independent
 * of the others, so the results do not depend on how many workers there are or which runs
 * which. Cancelling terminates every thread at once.
 */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private failure: Error | null = null;
  private readonly detach: () => void;
  private stopped: Promise<void> | null = null;

  constructor(size: number, signal?: AbortSignal) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const w = spawnWorker(WORKER_URL);
      w.on('message', (m: PoolReply) => this.onMessage(w, m));
      w.on('error', (e) => this.fail(w, e));
      w.on('exit', (code) => this.fail(w, new Error(`detection worker exited (code ${code})`)));
      this.workers.push(w);
      this.idle.push(w);
    }
    const onAbort = () => {
      const e = new Error('cancelled');
      e.name = 'AbortError';
      void this.stop(e);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.detach = () => signal?.removeEventListener('abort', onAbort);
    if (signal?.aborted) onAbort();
  }

  get size(): number {
    return this.workers.length;
  }

  /** One first-pass part: its totals and the coarse statistics it touched. */
  scan(job: ScanJob, onPoints?: (n: number) => void): Promise<PartRecord> {
    return this.submit({ id: this.nextId++, kind: 'scan', job }, onPoints) as Promise<PartRecord>;
  }

  tile(job: TileJob): Promise<TileResult> {
    return this.submit({ id: this.nextId++, kind: 'tile', job }) as Promise<TileResult>;
  }

  /** The ground model, on every thread; the job's rasters are handed over to a worker, not copied. */
  ground(job: GroundJob): Promise<GroundModel> {
    return groundOnWorkers(
      job,
      this.size,
      (s) => this.submit({ id: this.nextId++, kind: 'ground', job: s }, undefined, groundTransfer(s)) as Promise<GroundStepResult>,
    );
  }

  /**
   * Ends every thread; pending and queued jobs fail with `reason` (cancelled by default).
   * Resolves once the threads are gone.
   */
  stop(reason: Error = Object.assign(new Error('cancelled'), { name: 'AbortError' })): Promise<void> {
    // A caller's long-lived signal must not keep a listener per run.
    this.detach();
    this.failure ??= reason;
    for (const p of [...this.queue, ...this.running.values()]) p.reject(this.failure);
    this.queue.length = 0;
    this.running.clear();
    this.idle.length = 0;
    this.stopped ??= Promise.all(
      this.workers.map((w) => {
        w.removeAllListeners('exit');
        return w.terminate();
      }),
    ).then(() => undefined);
    return this.stopped;
  }

  private submit(request: PoolRequest, onPoints?: (n: number) => void, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ request, transfer, resolve, reject, onPoints });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const p = this.queue.shift()!;
      this.running.set(w, p);
      w.postMessage(p.request, p.transfer);
    }
  }

  private onMessage(w: Worker, m: PoolReply): void {
    const p = this.running.get(w);
    if (!p || p.request.id !== m.id) return;
    if (m.kind === 'progress') {
      p.onPoints?.(m.points);
      return;
    }
    this.running.delete(w);
    this.idle.push(w);
    if (m.kind === 'done') p.resolve(m.result);
    else p.reject(m.file ? new SourceError(m.file, m.problem ?? m.message) : new Error(m.message));
    this.dispatch();
  }

  /** A thread that dies takes the run with it: its job cannot be trusted to be retried blindly. */
  private fail(w: Worker, e: Error): void {
    if (this.failure) return;
    const p = this.running.get(w);
    void this.stop(e);
    p?.reject(e);
  }
}
