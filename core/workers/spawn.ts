import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);

/**
 * Set only in the desktop app's bundles (scripts/bundle.mjs): where the bundled workers are, relative to the
 * bundle that starts them. Unset when the sources run through tsx.
 */
declare const VOXWATCH_WORKER_DIR: string | undefined;

/**
 * Starts a worker thread running the TypeScript (or JavaScript) module at `entry`. In a bundled build the sources
 * are not there: the worker's own bundle, built under the same file name, runs instead.
 */
export function spawnWorker(entry: URL, data: Record<string, unknown> = {}): Worker {
  const name = basename(fileURLToPath(entry)).replace(/\.ts$/, '.js');
  if (typeof VOXWATCH_WORKER_DIR === 'string')
    return new Worker(new URL(VOXWATCH_WORKER_DIR + name, import.meta.url), { workerData: data });
  // The command run from the sources bundles its workers once (scripts/worker-cache.mjs): a thread
  // then starts without loading tsx and transpiling, about half a second of CPU each.
  // Workers that are not the core's own (the bench's, say) are not among them.
  const bundled = process.env.VOXWATCH_WORKER_BUNDLES && join(process.env.VOXWATCH_WORKER_BUNDLES, name);
  if (bundled && existsSync(bundled)) return new Worker(bundled, { workerData: data });
  return new Worker(BOOTSTRAP, { workerData: { ...data, entry: entry.href } });
}
