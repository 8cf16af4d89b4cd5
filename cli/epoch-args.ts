import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { POINT_FORMATS } from '../core/io/formats';
import { UsageError } from './usage-error';

/**
 * One epoch on the command line: a file, a folder of its source files (LAS/LAZ tiles, DSM
 * GeoTIFFs, models, or a 3D Tiles export), or several of either joined with commas. Missing paths
 * are left for the reader to report by name.
 */
export function expandEpochArg(arg: string): string[] {
  const files: string[] = [];
  for (const part of arg
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    files.push(...(isFolder(part) ? sourcesInFolder(part) : [part]));
  }
  if (files.length === 0) throw new UsageError(`no epoch files given in "${arg}"`);
  return files;
}

/** True for a folder; false for a file, or a path that is missing (its reader reports it by name). */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A folder's source files (sorted by name), or its 3D Tiles export's tileset.json. */
export function sourcesInFolder(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (e) {
    throw new UsageError(`${folder}: cannot list the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  // A 3D Tiles export is one source: its tileset.json (the tiles are read through it).
  if (names.includes('tileset.json')) return [join(folder, 'tileset.json')];
  const extensions = new Set(POINT_FORMATS.flatMap((f) => f.extensions).filter((e) => e !== 'json'));
  const inside = names
    .filter((n) => extensions.has(extname(n).slice(1).toLowerCase()))
    .sort()
    .map((n) => join(folder, n));
  if (inside.length === 0) {
    throw new UsageError(`${folder}: folder holds no epoch files (${[...extensions].map((e) => '.' + e).join(', ')} or a tileset.json)`);
  }
  return inside;
}
