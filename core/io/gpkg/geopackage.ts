import Database from 'better-sqlite3';
import { existsSync, renameSync, unlinkSync } from 'node:fs';
import { lookupEpsg } from '../../geo/epsg';
import { ordinal } from '../ordinal';
import { SourceError } from '../types';
import { decodeWkb, encodeWkb, type Geometry } from './wkb';

/** OGC GeoPackage 1.3 written and read with better-sqlite3 itself (no GDAL needed). */
const GPKG_APPLICATION_ID = 0x47504b47; // "GPKG"
const GPKG_USER_VERSION = 10300;

export type FieldType = 'TEXT' | 'REAL' | 'INTEGER';

export interface GpkgLayer {
  name: string;
  epsg: number | null;
  geometryType: 'POINT' | 'POLYGON' | 'MULTIPOLYGON';
  fields: { name: string; type: FieldType }[];
  features: { geometry: Geometry; properties: Record<string, string | number | null> }[];
  description?: string;
}

function envelope(g: Geometry): [number, number, number, number] {
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  const visit = ([x, y]: [number, number]) => {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  };
  if (g.type === 'Point') visit(g.coordinates);
  else if (g.type === 'Polygon') g.coordinates.forEach((r) => r.forEach(visit));
  else g.coordinates.forEach((p) => p.forEach((r) => r.forEach(visit)));
  return [minX, maxX, minY, maxY];
}

/** GeoPackage binary: "GP", version, flags (little-endian, xy envelope), srs id, envelope, WKB. */
export function encodeGpkgGeometry(g: Geometry, srsId: number): Buffer {
  const head = Buffer.alloc(8 + 32);
  head.write('GP', 0, 'latin1');
  head.writeUInt8(0, 2);
  head.writeUInt8(0b0000_0011, 3); // envelope [minx, maxx, miny, maxy], little-endian
  head.writeInt32LE(srsId, 4);
  envelope(g).forEach((v, i) => head.writeDoubleLE(v, 8 + 8 * i));
  return Buffer.concat([head, encodeWkb(g)]);
}

export function decodeGpkgGeometry(blob: Uint8Array): Geometry {
  if (blob[0] !== 0x47 || blob[1] !== 0x50) throw new Error('not a GeoPackage geometry blob');
  const flags = blob[3];
  const envelopeBytes = [0, 32, 48, 48, 64][(flags >> 1) & 0b111] ?? 0;
  return decodeWkb(blob.subarray(8 + envelopeBytes));
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Writes layers to a new GeoPackage at `path` (replacing a previous export there). */
export function writeGeoPackage(path: string, layers: GpkgLayer[]): void {
  const tmp = `${path}.part`;
  if (existsSync(tmp)) unlinkSync(tmp);
  let db: Database.Database;
  try {
    db = new Database(tmp);
  } catch (e) {
    throw new SourceError(path, `cannot write (${(e as Error).message})`);
  }
  try {
    db.pragma(`application_id = ${GPKG_APPLICATION_ID}`);
    db.pragma(`user_version = ${GPKG_USER_VERSION}`);
    db.exec(`
      CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
      CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
        description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER REFERENCES gpkg_spatial_ref_sys(srs_id));
      CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
    `);
    const srs = db.prepare('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)');
    srs.run('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
    srs.run('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
    srs.run('WGS 84 geodetic', 4326, 'EPSG', 4326, lookupEpsg(4326)?.wkt ?? 'undefined', 'longitude/latitude on WGS 84');
    const written = new Set<number>();
    const write = db.transaction(() => {
      for (const layer of layers) {
        const srsId = layer.epsg ?? -1;
        // Layers in the same CRS share its one row.
        if (layer.epsg !== null && layer.epsg !== 4326 && !written.has(layer.epsg)) {
          written.add(layer.epsg);
          const e = lookupEpsg(layer.epsg);
          srs.run(e?.name ?? `EPSG:${layer.epsg}`, layer.epsg, 'EPSG', layer.epsg, e?.wkt ?? 'undefined', null);
        }
        const cols = layer.fields.map((f) => `${quote(f.name)} ${f.type}`).join(', ');
        db.exec(
          `CREATE TABLE ${quote(layer.name)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom ${layer.geometryType}${cols ? ', ' + cols : ''})`,
        );
        const insert = db.prepare(
          `INSERT INTO ${quote(layer.name)} (geom${layer.fields.map((f) => ', ' + quote(f.name)).join('')}) VALUES (?${', ?'.repeat(layer.fields.length)})`,
        );
        let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
        for (const f of layer.features) {
          const [a, b, c, d] = envelope(f.geometry);
          [minX, maxX, minY, maxY] = [Math.min(minX, a), Math.max(maxX, b), Math.min(minY, c), Math.max(maxY, d)];
          insert.run(encodeGpkgGeometry(f.geometry, srsId), ...layer.fields.map((k) => f.properties[k.name] ?? null));
        }
        const has = layer.features.length > 0;
        db.prepare(
          'INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(
          layer.name,
          'features',
          layer.name,
          layer.description ?? '',
          has ? minX : null,
          has ? minY : null,
          has ? maxX : null,
          has ? maxY : null,
          srsId,
        );
        db.prepare('INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)').run(layer.name, 'geom', layer.geometryType, srsId);
      }
    });
    write();
    db.close();
  } catch (e) {
    db.close();
    unlinkSync(tmp);
    throw e instanceof SourceError ? e : new SourceError(path, `cannot write the GeoPackage (${(e as Error).message})`);
  }
  // Renamed into place only when complete, so a failed export never leaves a half-written file.
  renameInto(tmp, path);
}

function renameInto(from: string, to: string): void {
  try {
    if (existsSync(to)) unlinkSync(to);
    renameSync(from, to);
  } catch (e) {
    throw new SourceError(to, `cannot write (${(e as Error).message})`);
  }
}

export interface GpkgFeatureLayer {
  name: string;
  epsg: number | null;
  /** `label`: the row as the user's GIS shows it ("the feature with fid 17 in table farmland"). */
  features: { geometry: Geometry; properties: Record<string, unknown>; label: string }[];
  /** Rows whose geometry is null: not kept, counted. */
  withoutGeometry: number;
}

/** Reads every feature layer of a GeoPackage (geometry decoded, attributes as stored). */
export function readGeoPackage(path: string): GpkgFeatureLayer[] {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new SourceError(path, `cannot open it as a GeoPackage (${(e as Error).message})`);
  }
  try {
    let layers: { table_name: string; column_name: string; organization: string | null; code: number | null }[];
    try {
      // The CRS is the srs's organisation code: srs_id is the file's own key, EPSG's code only by custom.
      layers = db
        .prepare(
          `SELECT c.table_name, g.column_name, s.organization, s.organization_coordsys_id AS code
           FROM gpkg_contents c JOIN gpkg_geometry_columns g USING (table_name)
           LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id WHERE c.data_type = 'features'`,
        )
        .all() as typeof layers;
    } catch {
      throw new SourceError(path, 'not a GeoPackage (it has no gpkg_contents / gpkg_geometry_columns tables)');
    }
    return layers.map((l) => {
      const rows = db.prepare(`SELECT * FROM ${quote(l.table_name)}`).all() as Record<string, unknown>[];
      // The integer primary key is the fid QGIS and ogrinfo show (usually "fid", but the table says).
      const columns = db.prepare(`PRAGMA table_info(${quote(l.table_name)})`).all() as { name: string; pk: number }[];
      const pk = columns.find((c) => c.pk === 1)?.name;
      let withoutGeometry = 0;
      const features = rows.flatMap((row, i) => {
        const label =
          pk !== undefined && row[pk] !== null && row[pk] !== undefined
            ? `the feature with ${pk} ${String(row[pk])} in table ${l.table_name}`
            : `the ${ordinal(i + 1)} row of table ${l.table_name}`;
        const blob = row[l.column_name];
        // Bit 4 of the header's flags marks an empty geometry.
        if (!(blob instanceof Uint8Array) || (blob.length > 3 && blob[3] & 0b1_0000)) {
          withoutGeometry++;
          return [];
        }
        const properties = { ...row };
        delete properties[l.column_name];
        try {
          return [{ geometry: decodeGpkgGeometry(blob), properties, label }];
        } catch (e) {
          throw new SourceError(path, `${label}: ${(e as Error).message}`);
        }
      });
      const epsg = l.organization?.toUpperCase() === 'EPSG' && l.code !== null && l.code > 0 ? l.code : null;
      return { name: l.table_name, epsg, features, withoutGeometry };
    });
  } finally {
    db.close();
  }
}
