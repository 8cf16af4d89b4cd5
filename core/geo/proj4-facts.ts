import proj4 from 'proj4';

/** What a proj4 definition fixes about a CRS, as proj4 itself reads it; undefined when it cannot say. */
export interface Proj4Facts {
  /** The proj4 parameters as written (`+towgs84=1,2,3` → `towgs84: '1,2,3'`; a flag → undefined). */
  params: Record<string, string | undefined>;
  /** proj4's projection (`tmerc`, `lcc`, `longlat`…). */
  projName: string;
  /** The method names proj4 accepts for that projection, normalised (see methodKey). */
  methods: Set<string>;
  /** Semi-major and semi-minor axes in metres. */
  a: number;
  b: number;
  /** Datum shift to WGS 84 (3 or 7 numbers), when the definition gives one. */
  towgs84?: number[];
  /** Prime meridian, degrees east of Greenwich. */
  primeMeridian: number;
}

type ProjObject = {
  projName?: string;
  names?: string[];
  a: number;
  b: number;
  datum_params?: (string | number)[];
  from_greenwich?: number;
};
// proj4 itself parses: its parser, ellipsoid and datum tables are the ones reprojection uses.
const parse = (text: string) => new (proj4 as unknown as { Proj: new (def: string) => ProjObject }).Proj(text);

/** A method name as proj4 compares them (case, spaces, `_-/()` ignored). */
export const methodKey = (name: string) => name.toLowerCase().replace(/[\s_\-/()]/g, '');

/**
 * Reads a proj4 definition. proj4 quietly falls back to WGS 84 for an ellipsoid or datum it does
 * not know (or none given): such a definition says nothing about its ellipsoid, so it gives undefined.
 */
export function proj4Facts(text: string): Proj4Facts | undefined {
  const params: Record<string, string | undefined> = {};
  for (const m of text.matchAll(/\+([a-z_0-9]+)(?:=(\S+))?/g)) params[m[1]] = m[2];
  let p: ProjObject;
  try {
    p = parse(text);
  } catch {
    return undefined;
  }
  if (!p.projName || !Number.isFinite(p.a) || !Number.isFinite(p.b)) return undefined;
  const explicit = params.a !== undefined && (params.b !== undefined || params.rf !== undefined);
  if (!explicit && !known('ellps', params.ellps) && !known('datum', params.datum)) return undefined;
  // UTM is a Transverse Mercator zone: WKT names its method so.
  const names = p.projName === 'utm' ? (parse('+proj=tmerc').names ?? []) : (p.names ?? []);
  const shift = p.datum_params?.map(Number);
  return {
    params,
    projName: p.projName,
    methods: new Set(names.map(methodKey)),
    a: p.a,
    b: p.b,
    towgs84: shift && shift.length >= 3 && shift.every(Number.isFinite) ? shift : undefined,
    primeMeridian: ((p.from_greenwich ?? 0) * 180) / Math.PI,
  };
}

const WGS84_NAMES = new Set(['wgs84']);
const cache = new Map<string, boolean>();

/** Whether proj4 has its own definition of ellipsoid or datum `name` (rather than its WGS 84 fallback). */
function known(kind: 'ellps' | 'datum', name: string | undefined): boolean {
  if (!name) return false;
  if (WGS84_NAMES.has(methodKey(name))) return true;
  const id = `${kind}=${name}`;
  let hit = cache.get(id);
  if (hit === undefined) {
    try {
      const tried = parse(`+proj=longlat +${id}`) as ProjObject & { datumName?: string };
      const fallback = parse('+proj=longlat +ellps=WGS84');
      hit = kind === 'datum' ? tried.datumName !== undefined : tried.a !== fallback.a || tried.b !== fallback.b;
    } catch {
      hit = false;
    }
    cache.set(id, hit);
  }
  return hit;
}
