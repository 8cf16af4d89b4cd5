import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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
  const bundle = bundledWorker(entry);
  if (bundle) return new Worker(bundle, { workerData: data });
  return new Worker(BOOTSTRAP, { workerData: { ...data, entry: entry.href } });
}

/** The bundle that runs for `entry`, when one does (the app's, or the command's cached one). */
function bundledWorker(entry: URL): URL | string | null {
  const name = basename(fileURLToPath(entry)).replace(/\.ts$/, '.js');
  if (typeof VOXWATCH_WORKER_DIR === 'string') return new URL(VOXWATCH_WORKER_DIR + name, import.meta.url);
  // The command run from the sources bundles its workers once (scripts/worker-cache.mjs): a thread
  // then starts without loading tsx and transpiling, about half a second of CPU each.
  // Workers that are not the core's own (the bench's, say) are not among them.
  const bundled = process.env.VOXWATCH_WORKER_BUNDLES && join(process.env.VOXWATCH_WORKER_BUNDLES, name);
  return bundled && existsSync(bundled) ? bundled : null;
}

const fingerprints = new Map<string, string>();

/**
 * A digest of the code a worker for `entry` runs: its bundle, or without one every source of
 * the core it could import. A resumable run keeps it, so that results judged by other code
 * (rules changed, the version number not) are never mixed with this code's.
 */
export function workerCodeFingerprint(entry: URL): string {
  const bundle = bundledWorker(entry);
  // A bundle rebuilt in place (the command's cache) is other code: its size and time say so.
  const key = bundle ? `${String(bundle)} ${statSync(bundle).size} ${statSync(bundle).mtimeMs}` : String(entry);
  let fp = fingerprints.get(key);
  if (fp === undefined) {
    const hash = createHash('sha256');
    if (bundle) hash.update(readFileSync(bundle));
    else for (const file of sourcesUnder(fileURLToPath(new URL('..', import.meta.url)))) hash.update(file).update(readFileSync(file));
    fingerprints.set(key, (fp = hash.digest('hex').slice(0, 16)));
  }
  return fp;
}

/** The TypeScript sources under `dir`, in a fixed order. */
function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mjs)$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}
