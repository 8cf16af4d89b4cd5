// `npm start`: bundles the Electron main process and its preload with esbuild and the renderer with Vite, then runs
// Electron on out/electron/main.js. `--bundle-only` stops after bundling (what packaging needs).
// Any other arguments are passed on to Electron.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { bundleNode } from './bundle.mjs';

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mainBundle = path.join(appRoot, 'out', 'electron', 'main.js');
const require = createRequire(import.meta.url);

const MISSING_BINARY = "Electron's binary is not installed: run `npx electron --version` on a machine with internet, or see README.";

async function bundle() {
  const common = { absWorkingDir: appRoot, bundle: true, sourcemap: true, logLevel: 'warning' };
  await Promise.all([
    // The main process and the worker threads core starts, as ESM like the package ("type": "module").
    bundleNode({ appRoot, outDir: path.dirname(mainBundle) }),
    // Sandboxed preloads run as CommonJS and may require only 'electron': everything else is bundled in.
    build({
      ...common,
      entryPoints: ['electron/preload.ts'],
      outfile: 'out/electron/preload.cjs',
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      external: ['electron'],
    }),
    // The renderer: Vite, with the same config `voxwatch serve` uses (relative paths, so it loads from file://).
    viteBuild({ root: path.join(appRoot, 'renderer'), configFile: path.join(appRoot, 'renderer', 'vite.config.mjs') }),
  ]);
}

/**
 * The Electron executable, or null when it is not installed. Checked before `require('electron')`, which would
 * otherwise try to download the binary and fail with a stack trace when offline.
 */
function findElectronBinary() {
  let electronDir;
  try {
    electronDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null; // devDependencies not installed
  }
  if (!process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const pathFile = path.join(electronDir, 'path.txt');
    if (!existsSync(pathFile) || !existsSync(path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8')))) return null;
  }
  return require('electron');
}

function runElectron(binary, args) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // set, it would make Electron behave as plain Node
  const child = spawn(binary, [mainBundle, ...args], { cwd: appRoot, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`Cannot run Electron (${binary}): ${error.message}`);
    process.exit(1);
  });
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const args = process.argv.slice(2);
const bundleOnly = args.includes('--bundle-only');

try {
  await bundle();
} catch {
  console.error('Bundling failed (see the errors above).');
  process.exit(1);
}
console.log(`Bundled into ${path.relative(appRoot, path.dirname(mainBundle))}/ and renderer/dist/.`);
if (!bundleOnly) {
  const binary = findElectronBinary();
  if (binary === null) {
    console.error(MISSING_BINARY);
    process.exit(1);
  }
  runElectron(binary, args);
}
