// Worker threads for the command run from the sources: instead of each thread loading tsx and
// transpiling its modules (about half a second of CPU a thread), the workers are bundled once by
// esbuild into node_modules/.cache and bundled again when a source they were built from changes.
// bin/voxwatch.mjs passes the folder to core/workers/spawn.ts in VOXWATCH_WORKER_BUNDLES.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorkers } from './bundle.mjs';

const DAY_MS = 24 * 3600 * 1000;
let builds = 0;

/** The inputs a bundle was built from, with the size and time each had: any change means a rebuild. */
const stamp = (appRoot, path) => {
  const s = statSync(resolve(appRoot, path), { throwIfNoEntry: false });
  return s ? `${s.size}:${s.mtimeMs}` : 'missing';
};

/** The folder of up-to-date worker bundles for the sources in `appRoot`, built if needed. */
export async function workerBundleDir(appRoot) {
  const root = join(appRoot, 'node_modules', '.cache', 'voxwatch-workers');
  const currentFile = join(root, 'current.json');
  try {
    const current = JSON.parse(readFileSync(currentFile, 'utf8'));
    const fresh = Object.entries(current.inputs).every(([path, was]) => stamp(appRoot, path) === was);
    if (fresh && existsSync(join(current.dir, 'worker.js'))) return current.dir;
  } catch {
    // No bundle yet, or an unreadable record of it: build one.
  }
  mkdirSync(root, { recursive: true });
  // A folder of its own per build: a process still running an older bundle keeps it.
  const dir = join(root, `build-${Date.now()}-${process.pid}-${++builds}`);
  const metafile = await bundleWorkers({ appRoot, outDir: dir });
  const sources = [...Object.keys(metafile.inputs), 'package.json'];
  const inputs = Object.fromEntries(sources.map((path) => [path, stamp(appRoot, path)]));
  const temp = `${currentFile}.${process.pid}`;
  writeFileSync(temp, JSON.stringify({ dir, inputs }));
  renameSync(temp, currentFile);
  // Builds older than a day are no longer anyone's.
  for (const e of readdirSync(root)) {
    const old = join(root, e);
    if (e.startsWith('build-') && old !== dir && Date.now() - statSync(old).mtimeMs > DAY_MS) rmSync(old, { recursive: true, force: true });
  }
  return dir;
}
