import { realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ChangeRecord, ExportFormat } from '../api';
import { writeGeoPackage, type FieldType } from '../io/gpkg/geopackage';
import { SourceError, type CrsInfo } from '../io/types';
import { geometryOf } from '../output/geojson';
import { ProjectFileError } from './db';

/** A path with its links resolved: the file's when it exists, else its folder's joined with its name. */
function canonical(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return join(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const [x, y] = [statSync(a), statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/**
 * Refuses to write an export or a report over the project: the file itself, its side files (the -wal holds the
 * latest verdicts until SQLite copies them into the file; overwriting it damages the project) or its safety copies,
 * named so, through a symbolic link, or as a hard link.
 */
export function refuseProjectFiles(projectPath: string, outPath: string): void {
  const own = canonical(projectPath);
  const out = canonical(outPath);
  if (out === own || sameFile(outPath, own)) {
    throw new ProjectFileError(outPath, 'is the project file itself: export to another file (it would replace every verdict and case)');
  }
  const sides = ['-wal', '-shm', '-journal'].map((s) => own + s);
  const backup = out.startsWith(`${own}.schema`) && out.endsWith('.bak');
  if (sides.includes(out) || sides.some((s) => sameFile(outPath, s)) || backup) {
    throw new ProjectFileError(
      outPath,
      `is one of the project's own files (${basename(out)}): export to another file (writing it would damage the project or its safety copy)`,
    );
  }
}

/** The flat attributes every export carries: the measures, the verdict and the case. */
const FIELDS: { name: string; type: FieldType; value: (c: ChangeRecord) => string | number | null }[] = [
  { name: 'change_id', type: 'TEXT', value: (c) => c.id },
  { name: 'run', type: 'INTEGER', value: (c) => c.runId },
  { name: 'key', type: 'INTEGER', value: (c) => c.key },
  { name: 'type', type: 'TEXT', value: (c) => c.type },
  { name: 'volume_m3', type: 'REAL', value: (c) => c.volume_m3 },
  { name: 'area_m2', type: 'REAL', value: (c) => c.area_m2 },
  { name: 'height_change_max_m', type: 'REAL', value: (c) => c.height_change_max_m },
  { name: 'height_change_mean_m', type: 'REAL', value: (c) => c.height_change_mean_m },
  { name: 'storeys', type: 'INTEGER', value: (c) => c.storeys },
  { name: 'before_height_m', type: 'REAL', value: (c) => c.before_height_m },
  { name: 'after_height_m', type: 'REAL', value: (c) => c.after_height_m },
  { name: 'confidence', type: 'REAL', value: (c) => c.confidence },
  { name: 'centroid_x', type: 'REAL', value: (c) => c.centroid[0] },
  { name: 'centroid_y', type: 'REAL', value: (c) => c.centroid[1] },
  { name: 'verdict', type: 'TEXT', value: (c) => c.verdict },
  { name: 'verdict_carried_from', type: 'TEXT', value: (c) => c.verdictCarriedFrom },
  { name: 'note', type: 'TEXT', value: (c) => c.note },
  { name: 'case_id', type: 'INTEGER', value: (c) => c.case?.id ?? null },
  { name: 'case_status', type: 'TEXT', value: (c) => c.case?.status ?? null },
  { name: 'case_due', type: 'TEXT', value: (c) => c.case?.dueDate ?? null },
  { name: 'sub_district', type: 'TEXT', value: (c) => c.subDistrict },
  { name: 'community', type: 'TEXT', value: (c) => c.community },
  {
    name: 'zones',
    type: 'TEXT',
    value: (c) =>
      c.zones
        .filter((z) => z.kind !== 'admin')
        .map((z) => z.name)
        .join('; ') || null,
  },
  { name: 'permit_status', type: 'TEXT', value: (c) => c.permitStatus },
  { name: 'priority', type: 'TEXT', value: (c) => c.priority },
];

const props = (c: ChangeRecord) => Object.fromEntries(FIELDS.map((f) => [f.name, f.value(c)]));

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  // Text that Excel would take for a formula (a note "=HYPERLINK(…)") is kept as text.
  const s = typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes beside `path` and takes its name only when whole: a full disk leaves an earlier export as it was. */
function writeWhole(path: string, text: string): void {
  const partial = join(dirname(path), `.${basename(path)}.part`);
  try {
    writeFileSync(partial, text);
    renameSync(partial, path);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

/** Writes changes with their verdicts and case status as GeoPackage, GeoJSON or CSV. */
export function exportChanges(
  format: ExportFormat,
  path: string,
  changes: ChangeRecord[],
  crs: CrsInfo | null,
): { path: string; features: number } {
  const features = changes.flatMap((c) => {
    const g = geometryOf(c.footprint);
    return g ? [{ geometry: g, properties: props(c) }] : [];
  });
  try {
    if (format === 'gpkg') {
      writeGeoPackage(path, [
        {
          name: 'changes',
          epsg: crs?.epsg ?? null,
          geometryType: 'MULTIPOLYGON',
          fields: FIELDS.map(({ name, type }) => ({ name, type })),
          features: features.map((f) => ({
            geometry: f.geometry.type === 'Polygon' ? { type: 'MultiPolygon', coordinates: [f.geometry.coordinates] } : f.geometry,
            properties: f.properties,
          })),
          description: 'VoxWatch building changes with verdicts and case status',
        },
      ]);
    } else if (format === 'geojson') {
      const doc = {
        type: 'FeatureCollection',
        ...(crs?.epsg ? { crs: { type: 'name', properties: { name: `urn:ogc:def:crs:EPSG::${crs.epsg}` } } } : {}),
        features: features.map((f) => ({ type: 'Feature', geometry: f.geometry, properties: f.properties })),
      };
      writeWhole(path, JSON.stringify(doc) + '\n');
    } else if (format === 'csv') {
      // A BOM so Excel on a Chinese Windows opens UTF-8 notes correctly.
      const lines = [FIELDS.map((f) => f.name).join(','), ...changes.map((c) => FIELDS.map((f) => csvCell(f.value(c))).join(','))];
      writeWhole(path, '\uFEFF' + lines.join('\r\n') + '\r\n');
    } else {
      throw new SourceError(path, `unknown export format "${String(format)}"; use gpkg, geojson or csv`);
    }
  } catch (e) {
    if (e instanceof SourceError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new SourceError(path, 'cannot be written: the disk is full (nothing was replaced)');
    throw new SourceError(path, `cannot write (${code ?? (e as Error).message})`);
  }
  return { path, features: format === 'csv' ? changes.length : features.length };
}
