// The esbuild bundles of the desktop app: the Electron main process, its preload, and every worker thread the
// core starts. Shared by `npm start`/packaging (scripts/start.mjs) and the test that runs a bundle in plain Node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Every module core starts as a worker thread (`spawnWorker(new URL('./x.ts', import.meta.url))`). A bundled main
 * cannot start TypeScript sources (they are not shipped), so each is bundled beside it under `workers/`, by its file
 * name: the names must stay unique (test/electron/bundle.test.ts checks this list against the sources).
 */
export const WORKER_ENTRIES = [
  'core/tiles/worker.ts',
  'core/io/laz/decode-worker.ts',
  'core/report/oblique-worker.ts',
  'core/workers/project-host.ts',
  'core/octree/build-worker.ts',
  'core/octree/index-worker.ts',
];

/**
 * Bundles `main` (default electron/main.ts) to `<outDir>/main.js` and the workers to `<outDir>/workers/`, as ESM for
 * Node with node_modules left external (native modules and WebAssembly load from disk). `VOXWATCH_WORKER_DIR` tells
 * core/workers/spawn.ts where the worker bundles are, relative to the bundle that starts them.
 */
export async function bundleNode({ appRoot, outDir, main = 'electron/main.ts' }) {
  const version = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')).version;
  const common = {
    absWorkingDir: appRoot,
    bundle: true,
    sourcemap: true,
    logLevel: 'warning',
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    // core/version.ts: a bundle cannot find package.json relative to where our sources were.
    define: { VOXWATCH_VERSION: JSON.stringify(version) },
  };
  await Promise.all([
    build({
      ...common,
      entryPoints: [main],
      outfile: `${outDir}/main.js`,
      define: { ...common.define, VOXWATCH_WORKER_DIR: '"./workers/"' },
    }),
    bundleWorkers({ appRoot, outDir: `${outDir}/workers` }),
  ]);
}

/**
 * Bundles every worker entry to `outDir/<name>.js`, code split (so that readers a worker imports
 * only when it needs them stay unloaded until then). Returns esbuild's metafile: what went in.
 */
export async function bundleWorkers({ appRoot, outDir }) {
  const version = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')).version;
  const result = await build({
    absWorkingDir: appRoot,
    bundle: true,
    splitting: true,
    sourcemap: true,
    logLevel: 'warning',
    platform: 'node',
    format: 'esm',
    // Node 20 runs the command from the sources; Electron's Node is newer.
    target: 'node20',
    packages: 'external',
    metafile: true,
    entryPoints: WORKER_ENTRIES,
    outdir: outDir,
    entryNames: '[name]',
    define: { VOXWATCH_VERSION: JSON.stringify(version), VOXWATCH_WORKER_DIR: '"./"' },
  });
  return result.metafile;
}
