import type { Database } from 'better-sqlite3';
import { basename, extname } from 'node:path';
import type { LeadAnswer, LeadRecord, ZoneImportOptions, ZoneImportResult, ZoneRecord } from '../api';
import type { ChangeObject, SuppressedCandidate, UncertainArea } from '../changes/types';
import { bboxOf, ringArea } from '../geo/polygons';
import { asMultiPolygon, readCsvRecords, readVectorFile, type TextEncoding, type VectorLayer } from '../io/vector';
import { SourceError } from '../io/types';
import { answerLead } from '../review/leads';
import { ZONE_KINDS, type Verdict, type ZoneKind } from '../review/types';
import { calendarDate, zoneChange, type Zone } from '../review/zoning';
import { audit } from './audit';
import { caseOfChange } from './cases-repo';
import { writeTransaction } from './db';
import { unpackPatch } from './pack';

const NAME_FIELDS = ['name', 'NAME', 'Name', '名称', 'mc', 'MC'];

const ADMIN_CATEGORIES = ['sub_district', 'community'];

/** Imports the polygons of a GeoJSON or GeoPackage file as zones of one kind, then re-tags every change. */
export function importZones(db: Database, file: string, o: ZoneImportOptions, projectEpsg: number | null, actor: string): ZoneImportResult {
  if (!ZONE_KINDS.includes(o.kind))
    throw new SourceError(file, `zone kind "${String(o.kind)}" is unknown; use one of ${ZONE_KINDS.join(', ')}`);
  const all = readVectorFile(file);
  const layers = pickTable(file, all, o.table);
  // A table named in a file of one table is still the file's layer: naming it or not imports the same zones.
  const layerName = o.layer ?? basename(file, extname(file)) + (o.table && all.length > 1 ? `:${o.table}` : '');
  const withoutGeometry = layers.reduce((n, l) => n + l.withoutGeometry, 0);
  // An empty file (an export gone wrong) would replace the layer of its name with nothing.
  if (layers.every((l) => l.features.length === 0)) {
    const held = (db.prepare('SELECT COUNT(*) AS n FROM zones WHERE layer = ?').get(layerName) as { n: number }).n;
    throw new SourceError(
      file,
      `holds no features${withoutGeometry ? ` with geometry (${withoutGeometry} without)` : ''}: nothing was imported${held ? `, the layer ${layerName} is kept` : ''}`,
    );
  }
  const now = new Date().toISOString();
  const insert = db.prepare(
    'INSERT INTO zones (layer, kind, category, name, geometry, min_x, min_y, max_x, max_y, properties, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let imported = 0;
  let replaced = 0;
  writeTransaction(db, () => {
    // A layer imported again (corrected, or by mistake) replaces the one of that name: zones
    // are not duplicated, and a wrong import is undone by importing the right file.
    replaced = db.prepare('DELETE FROM zones WHERE layer = ?').run(layerName).changes;
    for (const layer of layers) {
      if (layer.epsg !== null && projectEpsg !== null && layer.epsg !== projectEpsg && layer.epsg !== 4326) {
        throw new SourceError(
          file,
          `its features are in EPSG:${layer.epsg}, the project in EPSG:${projectEpsg}; reproject the layer first`,
        );
      }
      if (layer.epsg === 4326 && projectEpsg !== 4326) {
        throw new SourceError(
          file,
          `its features are in longitude/latitude (EPSG:4326); reproject the layer to ${projectEpsg === null ? "the epochs' projected CRS" : `the project CRS (EPSG:${projectEpsg})`} first`,
        );
      }
      if (layer.epsg === null && projectEpsg !== 4326)
        refuseLonLat(
          file,
          layer.features.flatMap((f) => allPositions(f.geometry)),
          projectEpsg,
        );
      layer.features.forEach((f) => {
        const geometry = asMultiPolygon(f.geometry);
        if (!geometry) throw new SourceError(file, `${f.label} is not a polygon; zones are areas`);
        const flaw = ringFlaw(geometry);
        if (flaw) throw new SourceError(file, `${f.label}: ${flaw}`);
        if (o.kind === 'permit') {
          for (const key of ['valid_from', 'valid_to']) {
            const v = f.properties[key];
            if (v !== undefined && v !== null && v !== '' && calendarDate(v) === null) {
              throw new SourceError(file, `${f.label}: ${key} "${String(v)}" is not a date (write it as 2024-06-30)`);
            }
          }
        }
        const field = o.nameField ?? NAME_FIELDS.find((k) => typeof f.properties[k] === 'string' || typeof f.properties[k] === 'number');
        const name = field !== undefined ? f.properties[field] : undefined;
        if (name === undefined || name === null || name === '') {
          throw new SourceError(
            file,
            `${f.label} has no name${o.nameField ? ` in field "${o.nameField}"` : ' (looked in name, NAME, 名称)'}; pass --name-field`,
          );
        }
        const category =
          o.category ?? (typeof f.properties.category === 'string' ? f.properties.category : o.kind === 'permit' ? 'permit' : o.kind);
        // Administrative units matter only as the sub-district or community of each change.
        if (o.kind === 'admin' && !ADMIN_CATEGORIES.includes(category)) {
          throw new SourceError(
            file,
            `${f.label}: administrative zones are sub-districts (街道) or communities (社区): pass --category ${ADMIN_CATEGORIES.join(' or ')}, not "${category}"`,
          );
        }
        const b = bboxOf(geometry);
        insert.run(
          layerName,
          o.kind,
          category,
          String(name),
          JSON.stringify(geometry),
          b.minX,
          b.minY,
          b.maxX,
          b.maxY,
          JSON.stringify(f.properties),
          now,
        );
        imported++;
      });
    }
    retagChanges(db);
    audit(db, actor, 'zones_imported', layerName, { file, kind: o.kind, category: o.category, features: imported, withoutGeometry });
  });
  return { imported, layer: layerName, replaced, withoutGeometry };
}

/**
 * The layer to import: a GeoPackage's feature tables are often layers of different kinds
 * (farmland beside the ecological control line), so one of several must be named.
 */
function pickTable(file: string, layers: VectorLayer[], table: string | undefined): VectorLayer[] {
  const names = layers.map((l) => l.name).join(', ');
  if (table !== undefined) {
    const found = layers.filter((l) => l.name === table);
    if (found.length === 0) throw new SourceError(file, `has no feature table "${table}" (it has: ${names || 'none'})`);
    return found;
  }
  if (layers.length > 1) {
    throw new SourceError(
      file,
      `holds ${layers.length} feature tables (${names}): import them one at a time with --table NAME, each with its --kind`,
    );
  }
  return layers;
}

/** Why a polygon cannot be a zone (a ring too short to enclose an area, a coordinate that is no number), or null. */
function ringFlaw(polygons: [number, number][][][]): string | null {
  for (const polygon of polygons) {
    if (polygon.length === 0) return 'a polygon without rings';
    for (const ring of polygon) {
      if (!ring.every((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]))) return 'a coordinate is not a number';
      const distinct = new Set(ring.map(([x, y]) => `${x},${y}`)).size;
      if (distinct < 3) return `a ring of ${distinct} distinct point(s) encloses no area`;
      if (ringArea(ring) === 0) return 'a ring whose points lie on one line encloses no area';
    }
  }
  return null;
}

/** Deletes a zone layer and re-tags every change; `removed` 0 when the project holds no such layer. */
export function removeZoneLayer(db: Database, layer: string, actor: string): { removed: number } {
  let removed = 0;
  writeTransaction(db, () => {
    removed = db.prepare('DELETE FROM zones WHERE layer = ?').run(layer).changes;
    if (removed === 0) return;
    retagChanges(db);
    audit(db, actor, 'zones_removed', layer, { zones: removed });
  });
  return { removed };
}

export function loadZones(db: Database): Zone[] {
  const rows = db.prepare('SELECT kind, category, name, geometry, min_x, min_y, max_x, max_y, properties FROM zones').all() as {
    kind: ZoneKind;
    category: string;
    name: string;
    geometry: string;
    min_x: number;
    min_y: number;
    max_x: number;
    max_y: number;
    properties: string;
  }[];
  return rows.map((r) => ({
    kind: r.kind,
    category: r.category,
    name: r.name,
    geometry: JSON.parse(r.geometry) as Zone['geometry'],
    bbox: { minX: r.min_x, minY: r.min_y, maxX: r.max_x, maxY: r.max_y },
    properties: JSON.parse(r.properties) as Record<string, unknown>,
  }));
}

export function listZones(db: Database): ZoneRecord[] {
  const rows = db.prepare('SELECT id, layer, kind, category, name, properties FROM zones ORDER BY id').all() as (Omit<
    ZoneRecord,
    'properties'
  > & {
    properties: string;
  })[];
  return rows.map((r) => ({ ...r, properties: JSON.parse(r.properties) as Record<string, unknown> }));
}

/** Re-tags the changes of one run (or all) with zones, permit status and priority, as of each run's later survey date. */
export function retagChanges(db: Database, runId?: number): void {
  const zones = loadZones(db);
  const rows = db
    .prepare(
      `SELECT ch.id, ch.object, e.survey_date FROM changes ch JOIN runs r ON r.id = ch.run_id JOIN epochs e ON e.id = r.after_epoch ${runId === undefined ? '' : 'WHERE ch.run_id = ?'}`,
    )
    .all(...(runId === undefined ? [] : [runId])) as { id: number; object: string; survey_date: string | null }[];
  const update = db.prepare('UPDATE changes SET zones = ?, sub_district = ?, community = ?, permit_status = ?, priority = ? WHERE id = ?');
  for (const r of rows) {
    const c = JSON.parse(r.object) as ChangeObject;
    const z = zoneChange(c, zones, r.survey_date);
    update.run(JSON.stringify(z.zones), z.subDistrict, z.community, z.permitStatus, z.priority, r.id);
  }
}

/** How a leads file was written: UTF-8 (with or without BOM), or GB18030/GBK as Excel saves a CSV on a Chinese Windows. */

/** Imports complaint leads (投诉举报线索) from CSV (x, y, date, text) or GeoJSON/GeoPackage points, then answers them. */
export function importLeads(
  db: Database,
  file: string,
  actor: string,
  projectEpsg: number | null = null,
): { imported: number; encoding: TextEncoding } {
  const { leads, encoding } = readLeads(file);
  if (leads.length === 0)
    throw new SourceError(file, `holds no ${extname(file).toLowerCase() === '.csv' ? 'rows' : 'features'}: nothing was imported`);
  if (projectEpsg !== 4326)
    refuseLonLat(
      file,
      leads.map((l) => [l.x, l.y]),
      projectEpsg,
    );
  const seen = new Set<string>();
  for (const l of leads) {
    if (l.code === null) continue;
    if (seen.has(l.code)) throw new SourceError(file, `lead ${l.code} is listed twice`);
    seen.add(l.code);
  }
  const now = new Date().toISOString();
  const insert = db.prepare('INSERT INTO leads (code, x, y, reported_on, text, source, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  writeTransaction(db, () => {
    // A lead imported again (the same file, or a corrected one) replaces the one of its code.
    const drop = db.prepare('DELETE FROM leads WHERE code = ?');
    for (const code of seen) drop.run(code);
    const base = (db.prepare('SELECT COUNT(*) AS n FROM leads').get() as { n: number }).n;
    leads.forEach((l, i) => insert.run(l.code ?? `L${String(base + i + 1).padStart(3, '0')}`, l.x, l.y, l.date, l.text, file, now));
    answerLeads(db);
    audit(db, actor, 'leads_imported', file, { leads: leads.length, encoding });
  });
  return { imported: leads.length, encoding };
}

interface LeadInput {
  code: string | null;
  x: number;
  y: number;
  date: string | null;
  text: string;
}

/**
 * Refuses coordinates that all look like longitude/latitude when the project is projected: a
 * GeoJSON without a crs member is WGS84 by its standard (RFC 7946), and read as metres it
 * would match nothing, silently.
 */
function refuseLonLat(file: string, positions: number[][], projectEpsg: number | null): void {
  if (positions.length === 0 || !positions.every(([x, y]) => Math.abs(x) <= 180 && Math.abs(y) <= 90)) return;
  const to = projectEpsg === null ? "the epochs' projected CRS" : `EPSG:${projectEpsg}`;
  throw new SourceError(
    file,
    `its coordinates look like longitude/latitude (WGS84), not ${to} metres; reproject it first (e.g. ogr2ogr -t_srs ${projectEpsg === null ? 'EPSG:xxxx' : `EPSG:${projectEpsg}`} out.geojson in.geojson)`,
  );
}

function allPositions(g: { type: string; coordinates?: unknown }): number[][] {
  const out: number[][] = [];
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') out.push(c as number[]);
    else if (Array.isArray(c)) c.forEach(walk);
  };
  walk(g.coordinates);
  return out;
}

function readLeads(file: string): { leads: LeadInput[]; encoding: TextEncoding } {
  const ext = extname(file).toLowerCase();
  const pick = (o: Record<string, unknown>, keys: string[]) => keys.map((k) => o[k]).find((v) => v !== undefined && v !== null && v !== '');
  const toLead = (p: Record<string, unknown>, x: number, y: number, where: string): LeadInput => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new SourceError(file, `${where}: the coordinates are not numbers`);
    const given = pick(p, ['date', 'reported_on', '日期']);
    const date = given === undefined ? null : calendarDate(given);
    // A date that is none would be stored as no date, replacing the lead's earlier one.
    if (given !== undefined && date === null)
      throw new SourceError(file, `${where}: date "${String(given)}" is not a date (write it as 2024-06-30)`);
    const code = pick(p, ['id', 'code', '编号']);
    return { code: code === undefined ? null : String(code), x, y, date, text: String(pick(p, ['text', 'description', '内容']) ?? '') };
  };
  if (ext === '.csv') {
    const { records, encoding } = readCsvRecords(file);
    if (records.length > 0 && (!('x' in records[0]) || !('y' in records[0]))) {
      throw new SourceError(file, 'a leads CSV needs x and y columns in the project CRS (and optionally id, date, text)');
    }
    const leads = records.map((r, i) => {
      // An empty cell is no coordinate (Number('') would make it 0).
      const coordinate = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);
      return toLead(r, coordinate(r.x), coordinate(r.y), `row ${i + 2}`);
    });
    return { leads, encoding };
  }
  const leads = readVectorFile(file).flatMap((layer) => {
    // A lead is a place: one without it would be answered nowhere, silently.
    if (layer.withoutGeometry > 0)
      throw new SourceError(file, `${layer.withoutGeometry} feature(s) have no geometry; every lead needs its place`);
    return layer.features.map((f) => {
      if (f.geometry.type !== 'Point') throw new SourceError(file, `${f.label} is not a point; leads are places`);
      return toLead(f.properties, f.geometry.coordinates[0], f.geometry.coordinates[1], f.label);
    });
  });
  return { leads, encoding: 'utf-8' };
}

/** Answers every lead from the newest run whose area holds it (newest by the later epoch's date). */
export function answerLeads(db: Database): void {
  const runs = db
    .prepare(
      'SELECT r.id, r.overview, r.suppressed, r.uncertain FROM runs r JOIN epochs e ON e.id = r.after_epoch ORDER BY e.survey_date DESC, r.id DESC',
    )
    .all() as { id: number; overview: Buffer | null; suppressed: string; uncertain: string }[];
  if (runs.length === 0) return;
  const loaded = runs.map((r) => ({
    id: r.id,
    overview: r.overview ? unpackPatch(r.overview) : null,
    suppressed: JSON.parse(r.suppressed) as SuppressedCandidate[],
    uncertain: JSON.parse(r.uncertain) as UncertainArea[],
  }));
  const leads = db.prepare('SELECT id, x, y FROM leads').all() as { id: number; x: number; y: number }[];
  const changesOf = db.prepare(
    'SELECT id, code, type, object FROM changes WHERE run_id = ? AND min_x <= ? AND max_x >= ? AND min_y <= ? AND max_y >= ?',
  );
  const update = db.prepare('UPDATE leads SET answer = ? WHERE id = ?');
  for (const lead of leads) {
    const inside = (o: (typeof loaded)[number]) =>
      o.overview &&
      lead.x >= o.overview.x0 &&
      lead.y >= o.overview.y0 &&
      lead.x <= o.overview.x0 + o.overview.width * o.overview.cell &&
      lead.y <= o.overview.y0 + o.overview.height * o.overview.cell;
    const run = loaded.find(inside) ?? loaded[0];
    const r = 30;
    const near = (
      changesOf.all(run.id, lead.x + r, lead.x - r, lead.y + r, lead.y - r) as {
        id: number;
        code: string;
        type: ChangeObject['type'];
        object: string;
      }[]
    ).map((c) => ({ key: c.id, code: c.code, type: c.type, footprint: (JSON.parse(c.object) as ChangeObject).footprint }));
    const finding = answerLead(lead.x, lead.y, near, run.suppressed, run.uncertain, run.overview);
    const answer: LeadAnswer = { runId: run.id, ...finding };
    update.run(JSON.stringify(answer), lead.id);
  }
}

export function listLeads(db: Database): LeadRecord[] {
  const rows = db.prepare('SELECT id, code, x, y, reported_on, text, answer FROM leads ORDER BY id').all() as {
    id: number;
    code: string;
    x: number;
    y: number;
    reported_on: string | null;
    text: string;
    answer: string | null;
  }[];
  const verdictOf = db.prepare('SELECT verdict FROM reviews WHERE change_id = ?').pluck();
  // The answer names the changes as the run linked them; their verdict and case are read now, as they stand.
  const standing = (a: LeadAnswer): LeadAnswer => ({
    ...a,
    found: a.found.map((f) => ({
      ...f,
      verdict: (verdictOf.get(f.key) as Verdict | undefined) ?? 'unreviewed',
      case: caseOfChange(db, f.key) ?? null,
    })),
  });
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    x: r.x,
    y: r.y,
    reportedOn: r.reported_on,
    text: r.text,
    answer: r.answer ? standing(JSON.parse(r.answer) as LeadAnswer) : null,
  }));
}
