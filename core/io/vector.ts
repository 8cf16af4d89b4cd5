import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { readGeoPackage } from './gpkg/geopackage';
import type { Geometry } from './gpkg/wkb';
import { ordinal } from './ordinal';
import { SourceError } from './types';

/** Vector features read from GeoJSON or a GeoPackage, for zones and complaint leads. */
export interface VectorFeature {
  geometry: Geometry;
  properties: Record<string, unknown>;
  /**
   * The feature as the user's GIS shows it, for messages: "the feature with fid 17 in table
   * farmland", "the feature with id \"P-7\" (the 3rd)", "the 3rd feature". Counted among all the
   * file's features, those without geometry too (they are not kept, but they are in the file).
   */
  label: string;
}

/** A GeoJSON feature by its `id` when it has one (GDAL's fid for an integer), and by its place in the file. */
function geoJsonLabel(id: unknown, position: number): string {
  if (typeof id === 'number' || (typeof id === 'string' && id !== '')) {
    return `the feature with id ${typeof id === 'string' ? JSON.stringify(id) : id} (the ${ordinal(position)})`;
  }
  return `the ${ordinal(position)} feature`;
}

export interface VectorLayer {
  name: string;
  /** EPSG code the file declares (GeoJSON `crs` member or the GeoPackage's srs), when any. */
  epsg: number | null;
  features: VectorFeature[];
  /** Features with no geometry (null or empty): not kept, but counted so an import can say so. */
  withoutGeometry: number;
}

export type TextEncoding = 'utf-8' | 'gb18030';

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new SourceError(path, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read (${(e as Error).message})`);
  }
}

/**
 * The text of a file: UTF-8 when its bytes are (a BOM taken off). A CSV may also be GB18030 (which GBK is part of), as
 * Excel saves one on a Chinese Windows; a GeoJSON is UTF-8 by its standard (RFC 7946), so one in GBK is refused. Read
 * as UTF-8, GBK bytes would become replacement characters, silently.
 */
function readText(path: string, kind: 'csv' | 'geojson'): { text: string; encoding: TextEncoding } {
  const bytes = readBytes(path);
  const decode = (encoding: TextEncoding) => new TextDecoder(encoding, { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  try {
    return { text: decode('utf-8'), encoding: 'utf-8' };
  } catch {
    // not UTF-8
  }
  let gbk: string | null = null;
  try {
    gbk = decode('gb18030');
  } catch {
    // nor GB18030
  }
  if (kind === 'csv' && gbk !== null) return { text: gbk, encoding: 'gb18030' };
  if (kind === 'csv') throw new SourceError(path, 'is neither UTF-8 nor GB18030 (GBK) text: nothing was imported; save it as CSV UTF-8');
  throw new SourceError(
    path,
    `is not UTF-8 text${gbk !== null ? ' (it reads as GB18030/GBK)' : ''}: nothing was imported; GeoJSON is UTF-8 by its standard, save it again as UTF-8`,
  );
}

/** Reads every layer of a .geojson/.json or .gpkg file; only points, polygons and multipolygons are kept. */
export function readVectorFile(path: string): VectorLayer[] {
  const ext = extname(path).toLowerCase();
  if (ext === '.gpkg') return readGeoPackage(path);
  if (ext !== '.geojson' && ext !== '.json') throw new SourceError(path, 'expected a GeoJSON (.geojson, .json) or GeoPackage (.gpkg) file');
  let doc: { type?: string; features?: unknown[]; crs?: { properties?: { name?: string } }; name?: string };
  try {
    doc = JSON.parse(readText(path, 'geojson').text) as typeof doc;
  } catch (e) {
    if (e instanceof SourceError) throw e;
    throw new SourceError(path, `not valid JSON (${(e as Error).message})`);
  }
  if (doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) throw new SourceError(path, 'not a GeoJSON FeatureCollection');
  const crsName = doc.crs?.properties?.name ?? '';
  const m = /EPSG:+(\d+)/i.exec(crsName);
  const features: VectorFeature[] = [];
  let withoutGeometry = 0;
  doc.features.forEach((f, i) => {
    const feature = f as { id?: unknown; geometry?: Geometry | null; properties?: Record<string, unknown> | null };
    const g = feature.geometry;
    if (!g) {
      withoutGeometry++;
      return;
    }
    const label = geoJsonLabel(feature.id, i + 1);
    if (g.type !== 'Point' && g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
      throw new SourceError(path, `${label} is a ${String((g as { type?: string }).type)}; expected points or polygons`);
    }
    features.push({ geometry: g, properties: feature.properties ?? {}, label });
  });
  return [{ name: doc.name ?? 'layer', epsg: m ? Number(m[1]) : null, features, withoutGeometry }];
}

/** Reads a CSV with a header row (UTF-8 with or without BOM, or GB18030) into records; column names trimmed and lower-cased. */
export function readCsvRecords(path: string): { records: Record<string, string>[]; encoding: TextEncoding } {
  const { text, encoding } = readText(path, 'csv');
  try {
    const records = parse(text, {
      columns: (h: string[]) => h.map((s) => s.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
    }) as Record<string, string>[];
    return { records, encoding };
  } catch (e) {
    if (e instanceof SourceError) throw e;
    throw new SourceError(path, `not a readable CSV (${(e as Error).message})`);
  }
}

/** A polygonal geometry as MultiPolygon coordinates (null for points). */
export function asMultiPolygon(g: Geometry): [number, number][][][] | null {
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  return null;
}
