import { createRequire } from 'node:module';

/** What the EPSG registry says about one code (from the epsg-index package). */
export interface EpsgEntry {
  code: number;
  kind: string;
  name: string;
  proj4?: string;
  unit?: string;
  /** OGC WKT 1 of the CRS, as the registry gives it. */
  wkt?: string;
}

const require = createRequire(import.meta.url);
const cache = new Map<number, EpsgEntry | undefined>();

/** Looks a code up in the bundled EPSG index; undefined for unknown or user-defined codes. */
export function lookupEpsg(code: number): EpsgEntry | undefined {
  if (!Number.isInteger(code) || code <= 0 || code === 32767) return undefined;
  if (cache.has(code)) return cache.get(code);
  let entry: EpsgEntry | undefined;
  try {
    const raw = require(`epsg-index/s/${code}.json`) as { kind: string; name: string; proj4?: string; unit?: string; wkt?: string };
    entry = { code, kind: raw.kind, name: raw.name, proj4: raw.proj4 || undefined, unit: raw.unit || undefined, wkt: raw.wkt || undefined };
  } catch {
    entry = undefined;
  }
  cache.set(code, entry);
  return entry;
}

let byName: Map<string, number> | undefined;

/**
 * Finds the EPSG code of a CRS from its name alone (WKT written without an AUTHORITY).
 * Loads the whole index once, so only call it when the WKT had no code.
 */
export function findEpsgByName(name: string): number | undefined {
  if (!byName) {
    byName = new Map();
    const all = require('epsg-index/all.json') as Record<string, { kind: string; name: string }>;
    for (const [code, e] of Object.entries(all)) {
      if (!e.kind.startsWith('CRS-')) continue;
      const key = normaliseName(e.name);
      if (!byName.has(key)) byName.set(key, Number(code));
    }
  }
  return byName.get(normaliseName(name));
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '');
}
