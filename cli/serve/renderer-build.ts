// Builds the renderer with Vite when its dist is missing or older than its sources, so `voxwatch serve` always
// serves the UI of the checked-out code without a separate build step.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RENDERER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'renderer');
export const RENDERER_DIST = path.join(RENDERER_DIR, 'dist');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** The renderer's sources, and core beside it: the bundle holds the core modules it imports (translations, types). */
export function rendererIsStale(rendererDir = RENDERER_DIR): boolean {
  const index = path.join(rendererDir, 'dist', 'index.html');
  if (!existsSync(index)) return true;
  const core = path.join(rendererDir, '..', 'core');
  const newest = Math.max(newestSource(rendererDir), existsSync(core) ? newestSource(core) : 0);
  return statSync(index).mtimeMs < newest;
}

/** Builds renderer/dist if needed; returns whether it built. Vite is a dev dependency, imported only then. */
export async function ensureRendererBuilt(rendererDir = RENDERER_DIR, force = false): Promise<boolean> {
  if (!force && !rendererIsStale(rendererDir)) return false;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error(`the renderer in ${rendererDir} needs building and Vite is not installed (run npm ci)`);
  }
  await vite.build({ root: rendererDir, configFile: path.join(rendererDir, 'vite.config.mjs') });
  return true;
}
