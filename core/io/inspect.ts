import { LasFile } from './las/reader';
import type { Bounds3, CrsInfo } from './types';

/** What an analyst needs to know about one epoch file (the facts behind `voxwatch info`). */
export interface PointFileFacts {
  file: string;
  fileSize: number;
  format: 'LAS' | 'LAZ' | 'COPC';
  version: string;
  pointFormat: number;
  recordLength: number;
  pointCount: number;
  scale: [number, number, number];
  offset: [number, number, number];
  headerBounds: Bounds3;
  /** Bounds of the decoded points (headers can be wrong). */
  bounds: Bounds3 | null;
  crs: CrsInfo | null;
  /** Horizontal unit in metres, when known (1 for metres, 0.3048 for feet). */
  metresPerUnit: number | null;
  /** Points per m² over the cells that hold points; null for geographic coordinates. */
  densityPerM2: number | null;
  classes: Record<number, number>;
  hasRgb: boolean;
  /** GPS time span; `standard` when the file uses adjusted standard GPS time (dates known). */
  gpsTime: { min: number; max: number; standard: boolean; minDate?: string; maxDate?: string } | null;
  software: string;
  created: string | null;
  warnings: string[];
}

const UNIT_METRES: Record<string, number> = {
  metre: 1,
  meter: 1,
  m: 1,
  foot: 0.3048,
  ft: 0.3048,
  foot_us: 1200 / 3937,
  'us survey foot': 1200 / 3937,
  us_survey_foot: 1200 / 3937,
};

export function metresPerUnit(crs: CrsInfo | undefined): number | null {
  if (!crs?.unit) return crs?.epsg === undefined ? null : 1;
  const u = crs.unit.toLowerCase().replace(/\s*\(.*\)\s*/, '');
  if (u.startsWith('degree')) return null;
  if (UNIT_METRES[u] !== undefined) return UNIT_METRES[u];
  if (u.includes('us') && u.includes('foot')) return 1200 / 3937;
  if (u.includes('foot') || u.includes('feet')) return 0.3048;
  if (u.includes('metre') || u.includes('meter')) return 1;
  return null;
}

/** Reads a point file once, end to end, and gathers its facts. */
export async function inspectPointFile(
  path: string,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<PointFileFacts> {
  const las = await LasFile.open(path);
  try {
    const { header: h, crs } = las.info;
    const isCopc = las.info.vlrs.some((v) => v.userId === 'copc' && v.recordId === 1);
    const unit = metresPerUnit(crs);
    const geographic = crs?.unit?.toLowerCase().startsWith('degree') || (unit === null && crs?.epsg !== undefined);
    // Density over occupied 1 m² cells (in file units), so empty margins do not dilute it.
    const cell = unit ? 1 / unit : 1;
    const occupied = new Set<number>();
    const classes: Record<number, number> = {};
    const classCounts = new Float64Array(256);
    let minX = Infinity,
      minY = Infinity,
      minZ = Infinity,
      maxX = -Infinity,
      maxY = -Infinity,
      maxZ = -Infinity;
    let minT = Infinity,
      maxT = -Infinity;
    let anyColour = false;
    let occupiedCapped = false;
    const [ox, oy] = h.offset;
    let done = 0;
    for await (const c of las.chunks({ signal: opts.signal, reuseBuffers: true })) {
      for (let i = 0; i < c.count; i++) {
        const x = c.x[i],
          y = c.y[i],
          z = c.z[i];
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
        if (z < minZ) minZ = z;
        if (z > maxZ) maxZ = z;
        if (!geographic && !occupiedCapped)
          occupied.add((Math.floor((x - ox) / cell) + 2 ** 25) * 2 ** 26 + Math.floor((y - oy) / cell) + 2 ** 25);
      }
      if (occupied.size > MAX_CELLS) occupiedCapped = true;
      if (c.classification) for (let i = 0; i < c.count; i++) classCounts[c.classification[i]]++;
      if (c.gpsTime) {
        for (let i = 0; i < c.count; i++) {
          const t = c.gpsTime[i];
          if (t < minT) minT = t;
          if (t > maxT) maxT = t;
        }
      }
      if (c.rgb && !anyColour) anyColour = c.rgb.some((v) => v !== 0);
      done += c.count;
      opts.onProgress?.(done, h.pointCount);
    }
    classCounts.forEach((n, code) => {
      if (n > 0) classes[code] = n;
    });
    return {
      file: path,
      fileSize: las.info.fileSize,
      format: isCopc ? 'COPC' : h.compressed ? 'LAZ' : 'LAS',
      version: h.version,
      pointFormat: h.pointFormat,
      recordLength: h.recordLength,
      pointCount: h.pointCount,
      scale: h.scale,
      offset: h.offset,
      headerBounds: h.bounds,
      bounds: done > 0 ? { minX, minY, minZ, maxX, maxY, maxZ } : null,
      crs: crs ?? null,
      metresPerUnit: unit,
      densityPerM2: densityOf(done, occupied.size, occupiedCapped, { minX, minY, minZ, maxX, maxY, maxZ }, unit, !!geographic),
      classes,
      hasRgb: las.info.hasRgb && anyColour,
      // Values beyond one week cannot be week seconds, whatever the encoding bit says.
      gpsTime: gpsSpan(minT, maxT, (h.globalEncoding & 1) === 1 || minT > 604_800),
      software: h.generatingSoftware,
      created: h.creationYear > 0 ? dayOfYearToDate(h.creationYear, h.creationDay) : null,
      warnings: las.info.warnings,
    };
  } finally {
    await las.close();
  }
}

/** Adjusted standard GPS time is GPS seconds − 1e9 since 1980-01-06 (leap seconds ignored). */
const gpsDate = (t: number) => {
  const d = new Date(Date.UTC(1980, 0, 6) + (t + 1e9) * 1000);
  return Number.isNaN(d.getTime()) ? '0000-00-00' : d.toISOString().slice(0, 10);
};

/** GPS week seconds never exceed a week; adjusted standard time of any survey since 2011 does. */
const WEEK_SECONDS = 604_800;

/**
 * The day a LAS/LAZ file's first points were flown, from their adjusted standard GPS time; null
 * when the file records none, or only seconds of an unknown week. Reads the first chunk only: a
 * header's creation date is when the file was written, often months after the flight.
 */
export async function acquisitionDate(path: string): Promise<string | null> {
  let las: LasFile | null = null;
  try {
    las = await LasFile.open(path);
    const standard = (las.info.header.globalEncoding & 1) === 1;
    for await (const c of las.chunks({ fields: ['gpsTime'], batchSize: 4096 })) {
      const times = c.gpsTime ? Array.from(c.gpsTime.subarray(0, c.count)).filter((t) => Number.isFinite(t) && t !== 0) : [];
      if (times.length === 0) return null;
      times.sort((x, y) => x - y);
      const t = times[times.length >> 1];
      if (!standard && t <= WEEK_SECONDS) return null;
      // Unflagged times past 1e9 s are plain GPS seconds (not less 1e9): some writers store those.
      const date = gpsDate(!standard && t >= 1e9 ? t - 1e9 : t);
      const year = Number(date.slice(0, 4));
      return year >= 1990 && year <= new Date().getUTCFullYear() + 1 ? date : null;
    }
    return null;
  } catch {
    return null; // a date is a convenience: the file's own problems are reported where it is read
  } finally {
    await las?.close();
  }
}

function gpsSpan(min: number, max: number, standard: boolean): PointFileFacts['gpsTime'] {
  if (!Number.isFinite(min) || (min === 0 && max === 0)) return null;
  const span: NonNullable<PointFileFacts['gpsTime']> = { min, max, standard };
  if (standard) {
    span.minDate = gpsDate(min);
    span.maxDate = gpsDate(max);
  }
  return span;
}

const MAX_CELLS = 8_000_000;

/** Points per m² over occupied 1 m cells; over the bounding box when too many cells to count. */
function densityOf(points: number, cells: number, capped: boolean, b: Bounds3, unit: number | null, geographic: boolean): number | null {
  if (geographic || points === 0) return null;
  if (!capped) return points / cells;
  const f = unit ?? 1;
  const area = (b.maxX - b.minX) * (b.maxY - b.minY) * f * f;
  return area > 0 ? points / area : null;
}

function dayOfYearToDate(year: number, day: number): string {
  const d = new Date(Date.UTC(year, 0, Math.max(1, day)));
  return d.toISOString().slice(0, 10);
}
