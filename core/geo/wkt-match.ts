import { lookupEpsg } from './epsg';
import { parseWkt, type WktNode } from './crs';

// WKT 1 (OGC and Esri spellings) and WKT 2 parameter names, as the proj4 parameter they set.
const PARAMS: Record<string, string> = {
  falseeasting: 'x_0',
  eastingatfalseorigin: 'x_0',
  falsenorthing: 'y_0',
  northingatfalseorigin: 'y_0',
  centralmeridian: 'lon_0',
  longitudeofcenter: 'lon_0',
  longitudeoforigin: 'lon_0',
  longitudeofnaturalorigin: 'lon_0',
  longitudeoffalseorigin: 'lon_0',
  latitudeoforigin: 'lat_0',
  latitudeofcenter: 'lat_0',
  latitudeofnaturalorigin: 'lat_0',
  latitudeoffalseorigin: 'lat_0',
  standardparallel1: 'lat_1',
  latitudeof1ststandardparallel: 'lat_1',
  standardparallel2: 'lat_2',
  latitudeof2ndstandardparallel: 'lat_2',
  scalefactor: 'k',
  scalefactoratnaturalorigin: 'k',
};
const DEFAULTS: Record<string, number> = { x_0: 0, y_0: 0, lon_0: 0, lat_0: 0, k: 1 };
const PROJ_UNITS: Record<string, number> = { m: 1, 'us-ft': 1200 / 3937, ft: 0.3048 };
const ELLIPSOID_A: Record<string, number> = { WGS84: 6378137, GRS80: 6378137, NAD83: 6378137, NAD27: 6378206.4, clrk66: 6378206.4 };
const GEOGRAPHIC = new Set(['GEOGCS', 'GEOGCRS', 'GEOGRAPHICCRS', 'GEODCRS']);
const PROJECTED = new Set(['PROJCS', 'PROJCRS', 'PROJECTEDCRS']);

const kids = (n: WktNode) => n.args.filter((a): a is WktNode => typeof a === 'object');
const key = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

/**
 * Whether a WKT that carries no EPSG code of its own describes the CRS `code` names: same kind,
 * same unit, same ellipsoid size and projection parameters. A LAS file's GeoTIFF keys may lend
 * their code to a WKT that agrees with them, never to one that does not: laspy's
 * file_with_both_wkt_and_geotiff_vlrs.las keys name NAD83 / Nebraska in metres while its WKT is
 * NAD83(2011) / Nebraska in US survey feet.
 */
export function wktMatchesEpsg(wkt: string, code: number): boolean {
  const entry = lookupEpsg(code);
  if (!entry?.proj4) return false;
  let root: WktNode;
  try {
    root = parseWkt(wkt.replace(/\0+$/, '').trim());
  } catch {
    return false;
  }
  const proj = parseProj4(entry.proj4);
  // A compound WKT is matched by its horizontal part.
  if (root.keyword === 'COMPD_CS' || root.keyword === 'COMPOUNDCRS') {
    const horizontal = kids(root).find((c) => GEOGRAPHIC.has(c.keyword) || PROJECTED.has(c.keyword));
    if (!horizontal) return false;
    root = horizontal;
  }
  const geographic = GEOGRAPHIC.has(root.keyword);
  if (!geographic && !PROJECTED.has(root.keyword)) return false;
  if (geographic !== (proj.proj === 'longlat')) return false;
  if (!sameEllipsoid(root, proj)) return false;
  if (geographic) return true;
  const unit = unitFactor(root);
  const projUnit = proj.to_meter !== undefined ? Number(proj.to_meter) : PROJ_UNITS[proj.units ?? 'm'];
  if (unit === undefined || projUnit === undefined || Math.abs(unit / projUnit - 1) > 1e-9) return false;
  const fromWkt = wktParams(root, unit);
  if (fromWkt === undefined) return false;
  const fromProj = projParams(proj);
  // A cone's two standard parallels may come in either order (Esri writes Nebraska's as 40, 43; EPSG as 43, 40).
  for (const p of [fromWkt, fromProj]) {
    if (p.lat_1 !== undefined && p.lat_2 !== undefined && p.lat_1 > p.lat_2) [p.lat_1, p.lat_2] = [p.lat_2, p.lat_1];
  }
  for (const name of new Set([...Object.keys(fromWkt), ...Object.keys(fromProj)])) {
    const a = paramOf(fromWkt, name);
    const b = paramOf(fromProj, name);
    if (a === undefined || b === undefined) return false;
    const tolerance = name === 'x_0' || name === 'y_0' ? 1e-3 : 1e-7;
    if (Math.abs(a - b) > tolerance) return false;
  }
  return true;
}

function parseProj4(text: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const m of text.matchAll(/\+([a-z_0-9]+)(?:=(\S+))?/g)) out[m[1]] = m[2];
  return out;
}

/** A parameter, with proj's own defaults (a one-parallel cone's lat_1 is its lat_0). */
function paramOf(p: Record<string, number>, name: string): number | undefined {
  if (p[name] !== undefined) return p[name];
  if (name === 'lat_1') return p.lat_0 ?? 0;
  if (name === 'lat_2') return paramOf(p, 'lat_1');
  return DEFAULTS[name];
}

/** The WKT's projection parameters in proj4's terms (false origin in metres); undefined when one is unknown. */
function wktParams(root: WktNode, unit: number): Record<string, number> | undefined {
  const conversion = kids(root).find((c) => c.keyword === 'CONVERSION');
  const nodes = [...kids(root), ...(conversion ? kids(conversion) : [])].filter((c) => c.keyword === 'PARAMETER');
  const out: Record<string, number> = {};
  for (const p of nodes) {
    const name = PARAMS[key(String(p.args[0]))];
    const value = Number(p.args[1]);
    if (!name || !Number.isFinite(value)) return undefined;
    out[name] = name === 'x_0' || name === 'y_0' ? value * unit : value;
  }
  return out;
}

function projParams(proj: Record<string, string | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  if (proj.proj === 'utm') {
    Object.assign(out, { lon_0: Number(proj.zone) * 6 - 183, k: 0.9996, x_0: 500000, y_0: 'south' in proj ? 10000000 : 0 });
  }
  for (const name of ['x_0', 'y_0', 'lon_0', 'lat_0', 'lat_1', 'lat_2', 'k', 'k_0']) {
    if (proj[name] !== undefined) out[name === 'k_0' ? 'k' : name] = Number(proj[name]);
  }
  return out;
}

/** The linear unit of a projected CRS in metres: its own UNIT (or its first axis's), not its base GEOGCS's degrees. */
function unitFactor(root: WktNode): number | undefined {
  const isUnit = (c: WktNode) => c.keyword === 'UNIT' || c.keyword === 'LENGTHUNIT';
  const axis = kids(root).find((c) => c.keyword === 'AXIS');
  const unit = kids(root).find(isUnit) ?? (axis ? kids(axis).find(isUnit) : undefined);
  const factor = unit ? Number(unit.args[1]) : NaN;
  return Number.isFinite(factor) && factor > 0 ? factor : undefined;
}

/** Semi-major axes agree (to a metre) when both sides state one. */
function sameEllipsoid(root: WktNode, proj: Record<string, string | undefined>): boolean {
  const find = (n: WktNode): WktNode | undefined =>
    n.keyword === 'SPHEROID' || n.keyword === 'ELLIPSOID' ? n : kids(n).map(find).find(Boolean);
  const spheroid = find(root);
  const a = spheroid ? Number(spheroid.args[1]) : NaN;
  const b = proj.a !== undefined ? Number(proj.a) : ELLIPSOID_A[proj.ellps ?? proj.datum ?? ''];
  return !Number.isFinite(a) || b === undefined || Math.abs(a - b) < 1;
}
