import { lookupEpsg } from './epsg';
import { parseWkt, type WktNode } from './crs';
import { methodKey, proj4Facts, type Proj4Facts } from './proj4-facts';

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
const DEFAULTS: Record<string, number> = { x_0: 0, y_0: 0, lon_0: 0, lat_0: 0, k: 1, lat_ts: 0 };
const PROJ_UNITS: Record<string, number> = { m: 1, 'us-ft': 1200 / 3937, ft: 0.3048 };
// proj4 parameters this module compares or that change nothing it must check; any other (an
// azimuth, a south-pointing axis…) is one it cannot compare, so the WKT is not taken for the code.
const UNDERSTOOD = new Set([
  ...['proj', 'zone', 'south', 'ellps', 'datum', 'a', 'b', 'rf', 'towgs84', 'nadgrids', 'pm', 'units', 'to_meter'],
  ...['no_defs', 'type', 'wktext', 'x_0', 'y_0', 'lon_0', 'lat_0', 'lat_1', 'lat_2', 'lat_ts', 'k', 'k_0'],
]);
const GEOGRAPHIC = new Set(['GEOGCS', 'GEOGCRS', 'GEOGRAPHICCRS', 'GEODCRS', 'BASEGEOGCRS', 'BASEGEODCRS']);
const PROJECTED = new Set(['PROJCS', 'PROJCRS', 'PROJECTEDCRS']);
// Datums that share an ellipsoid (to the millimetre) yet sit metres to a hundred metres apart: when
// both names are known, they must be the same datum. Esri prefixes its datum names with D_.
const DATUM_FAMILIES: [string, RegExp][] = [
  ['CGCS2000', /^d?(china2000|cgcs2000|chinageodeticcoordinatesystem2000)$/],
  ['New Beijing', /^d?newbeijing$/],
  ['Beijing 1954', /^d?beijing1954$/],
  ['Xian 1980', /^d?xian1980$/],
  ['WGS 84', /^d?(wgs84|wgs1984|worldgeodeticsystem1984)$/],
];

const kids = (n: WktNode) => n.args.filter((a): a is WktNode => typeof a === 'object');
const key = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');
const find = (n: WktNode, keywords: string[]): WktNode | undefined =>
  keywords.includes(n.keyword)
    ? n
    : kids(n)
        .map((c) => find(c, keywords))
        .find(Boolean);

/**
 * Whether a WKT that carries no EPSG code of its own describes the CRS `code` names: same kind,
 * ellipsoid, datum shift, prime meridian, projection method, unit and parameters, all read
 * against proj4's own definition of the code. Anything that cannot be compared is a mismatch: a
 * wrongly borrowed code is a silent datum shift under --reproject (CGCS2000 and Beijing 1954
 * share Shenzhen's Gauss-Kruger zone and stand over 100 m apart). laspy's
 * file_with_both_wkt_and_geotiff_vlrs.las keys name NAD83 / Nebraska in metres while its WKT is
 * NAD83(2011) / Nebraska in US survey feet.
 */
export function wktMatchesEpsg(wkt: string, code: number): boolean {
  const entry = lookupEpsg(code);
  const proj = entry?.proj4 ? proj4Facts(entry.proj4) : undefined;
  if (!entry || !proj) return false;
  let root: WktNode;
  try {
    root = parseWkt(wkt.replace(/\0+$/, '').trim());
  } catch {
    return false;
  }
  // A compound WKT is matched by its horizontal part.
  if (root.keyword === 'COMPD_CS' || root.keyword === 'COMPOUNDCRS') {
    const horizontal = kids(root).find((c) => GEOGRAPHIC.has(c.keyword) || PROJECTED.has(c.keyword));
    if (!horizontal) return false;
    root = horizontal;
  }
  const geographic = GEOGRAPHIC.has(root.keyword);
  if (!geographic && !PROJECTED.has(root.keyword)) return false;
  if (geographic !== (proj.projName === 'longlat')) return false;
  if (Object.keys(proj.params).some((p) => !UNDERSTOOD.has(p))) return false;
  if (!sameDatum(root, proj, entry.wkt)) return false;
  if (geographic) return true;
  if (!sameMethod(root, proj)) return false;
  const unit = unitFactor(root);
  const projUnit = proj.params.to_meter !== undefined ? Number(proj.params.to_meter) : PROJ_UNITS[proj.params.units ?? 'm'];
  if (unit === undefined || projUnit === undefined || Math.abs(unit / projUnit - 1) > 1e-9) return false;
  const fromWkt = wktParams(root, unit, proj.projName);
  if (fromWkt === undefined) return false;
  const fromProj = projParams(proj.params);
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

/**
 * Same ellipsoid (both axes to 5 cm: Krassowsky, IAU 1976 and GRS 1980 differ by metres), same
 * prime meridian, the same shift to WGS 84 when both state one, and no two known different datums.
 */
function sameDatum(root: WktNode, proj: Proj4Facts, registryWkt: string | undefined): boolean {
  const spheroid = find(root, ['SPHEROID', 'ELLIPSOID']);
  const a = Number(spheroid?.args[1]);
  const rf = Number(spheroid?.args[2]);
  if (!spheroid || !(a > 0) || !Number.isFinite(rf) || rf < 0) return false;
  const b = rf === 0 ? a : a * (1 - 1 / rf);
  if (Math.abs(a - proj.a) > 0.05 || Math.abs(b - proj.b) > 0.05) return false;
  const pm = find(root, ['PRIMEM']);
  const meridian = pm ? Number(pm.args[1]) * angleUnit(pm) : 0;
  if (!Number.isFinite(meridian) || Math.abs(meridian - proj.primeMeridian) > 1e-6) return false;
  const shift = find(root, ['TOWGS84'])?.args.map(Number);
  if (shift && proj.towgs84) {
    const pad = (s: number[]) => [...s, 0, 0, 0, 0, 0, 0, 0].slice(0, 7);
    const [x, y] = [pad(shift), pad(proj.towgs84)];
    if (x.some((v, i) => !(Math.abs(v - y[i]) <= 1e-3))) return false;
  }
  const family = (w: WktNode | undefined) => {
    const name = w ? key(String(find(w, ['DATUM', 'GEODETICDATUM', 'TRF'])?.args[0] ?? '')) : '';
    return DATUM_FAMILIES.find(([, re]) => re.test(name))?.[0];
  };
  let registry: WktNode | undefined;
  try {
    registry = registryWkt ? parseWkt(registryWkt) : undefined;
  } catch {
    registry = undefined;
  }
  const [mine, theirs] = [family(root), family(registry)];
  return mine === undefined || theirs === undefined || mine === theirs;
}

/** A PRIMEM's unit in degrees: WKT 1 states it in degrees, WKT 2 may give its own ANGLEUNIT. */
function angleUnit(pm: WktNode): number {
  const unit = kids(pm).find((c) => c.keyword === 'ANGLEUNIT' || c.keyword === 'UNIT');
  return unit ? (Number(unit.args[1]) * 180) / Math.PI : 1;
}

/** The WKT's projection method (WKT 1 PROJECTION, WKT 2 METHOD) is one proj4 reads as the code's projection. */
function sameMethod(root: WktNode, proj: Proj4Facts): boolean {
  const method = find(root, ['PROJECTION', 'METHOD']);
  return method !== undefined && proj.methods.has(methodKey(String(method.args[0])));
}

/** A parameter, with proj's own defaults (a one-parallel cone's lat_1 is its lat_0). */
function paramOf(p: Record<string, number>, name: string): number | undefined {
  if (p[name] !== undefined) return p[name];
  if (name === 'lat_1') return p.lat_0 ?? 0;
  if (name === 'lat_2') return paramOf(p, 'lat_1');
  return DEFAULTS[name];
}

/** The WKT's projection parameters in proj4's terms (false origin in metres); undefined when one is unknown. */
function wktParams(root: WktNode, unit: number, projName: string): Record<string, number> | undefined {
  const conversion = kids(root).find((c) => c.keyword === 'CONVERSION');
  const nodes = [...kids(root), ...(conversion ? kids(conversion) : [])].filter((c) => c.keyword === 'PARAMETER');
  const out: Record<string, number> = {};
  for (const p of nodes) {
    let name = PARAMS[key(String(p.args[0]))];
    const value = Number(p.args[1]);
    if (!name || !Number.isFinite(value)) return undefined;
    // Mercator (2SP)'s standard parallel is proj4's latitude of true scale.
    if (projName === 'merc' && name === 'lat_1') name = 'lat_ts';
    out[name] = name === 'x_0' || name === 'y_0' ? value * unit : value;
  }
  return out;
}

function projParams(proj: Record<string, string | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  if (proj.proj === 'utm') {
    Object.assign(out, { lon_0: Number(proj.zone) * 6 - 183, k: 0.9996, x_0: 500000, y_0: 'south' in proj ? 10000000 : 0 });
  }
  for (const name of ['x_0', 'y_0', 'lon_0', 'lat_0', 'lat_1', 'lat_2', 'lat_ts', 'k', 'k_0']) {
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
