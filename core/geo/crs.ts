import type { CrsInfo } from '../io/types';
import { findEpsgByName, lookupEpsg } from './epsg';

const USER_DEFINED = 32767;
const LINEAR_UNITS: Record<number, string> = { 9001: 'metre', 9002: 'foot', 9003: 'US survey foot' };
const UNIT_FACTORS: Record<string, number> = { metre: 1, foot: 0.3048, 'US survey foot': 1200 / 3937, degree: Math.PI / 180 };

/** The keys of a GeoTIFF GeoKeyDirectory (TIFF tag 34735 / LAS VLR 34735). */
export interface GeoKeys {
  modelType?: number;
  projectedCs?: number;
  geographicCs?: number;
  verticalCs?: number;
  linearUnits?: number;
  verticalUnits?: number;
  citation?: string;
}

/**
 * Reads a GeoKeyDirectory. `doubles` and `ascii` are the companion 34736/34737 payloads.
 * Malformed directories (more keys declared than present) yield what could be read plus a warning.
 */
export function parseGeoKeyDirectory(keys: Uint16Array, ascii: string | undefined, warnings: string[]): GeoKeys {
  const out: GeoKeys = {};
  if (keys.length < 4) {
    warnings.push('GeoTIFF key directory is too short to hold its own header; ignored');
    return out;
  }
  const declared = keys[3];
  const available = Math.floor((keys.length - 4) / 4);
  if (declared > available) warnings.push(`GeoTIFF key directory declares ${declared} keys but holds ${available}`);
  const n = Math.min(declared, available);
  for (let i = 0; i < n; i++) {
    const [id, location, count, value] = [keys[4 + 4 * i], keys[5 + 4 * i], keys[6 + 4 * i], keys[7 + 4 * i]];
    const short = location === 0 ? value : undefined;
    switch (id) {
      case 1024:
        out.modelType = short;
        break;
      case 2048:
        out.geographicCs = short;
        break;
      case 3072:
        out.projectedCs = short;
        break;
      case 3076:
        out.linearUnits = short;
        break;
      case 4096:
        out.verticalCs = short;
        break;
      case 4099:
        out.verticalUnits = short;
        break;
      case 1026:
      case 3073:
        if (location === 34737 && ascii && out.citation === undefined) {
          out.citation =
            ascii
              .slice(value, value + count)
              .replace(/[|\0]+$/, '')
              .trim() || undefined;
        }
        break;
    }
  }
  return out;
}

/** Turns GeoKeys into a CrsInfo, or undefined when they name no usable CRS. */
export function crsFromGeoKeys(keys: GeoKeys): CrsInfo | undefined {
  const horizontal = [keys.projectedCs, keys.geographicCs].find((c) => c !== undefined && c > 0 && c !== USER_DEFINED);
  const vertical = keys.verticalCs !== undefined && keys.verticalCs > 0 && keys.verticalCs !== USER_DEFINED ? keys.verticalCs : undefined;
  if (horizontal === undefined && vertical === undefined && !keys.citation) return undefined;
  const entry = horizontal !== undefined ? lookupEpsg(horizontal) : undefined;
  return {
    epsg: horizontal,
    verticalEpsg: vertical,
    name: entry?.name ?? keys.citation,
    source: 'geotiff-keys',
    unit: keys.linearUnits !== undefined ? LINEAR_UNITS[keys.linearUnits] : entry?.unit,
    verticalUnit: keys.verticalUnits !== undefined ? LINEAR_UNITS[keys.verticalUnits] : undefined,
  };
}

/** A node of a parsed WKT (1 or 2) text: KEYWORD[arg, arg, ...]. */
export interface WktNode {
  keyword: string;
  args: (string | number | WktNode)[];
}

/** Parses WKT into a tree. Throws on malformed text. */
export function parseWkt(text: string): WktNode {
  let at = 0;
  const skipSpace = () => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const parseNode = (): WktNode => {
    skipSpace();
    const start = at;
    while (at < text.length && /[A-Za-z0-9_]/.test(text[at])) at++;
    const keyword = text.slice(start, at).toUpperCase();
    if (!keyword) throw new Error(`WKT: keyword expected at ${start}`);
    skipSpace();
    const open = text[at];
    if (open !== '[' && open !== '(') return { keyword, args: [] };
    const close = open === '[' ? ']' : ')';
    at++;
    const args: WktNode['args'] = [];
    for (;;) {
      skipSpace();
      const c = text[at];
      if (c === undefined) throw new Error('WKT: unexpected end of text');
      if (c === close) {
        at++;
        break;
      }
      if (c === ',') {
        at++;
        continue;
      }
      if (c === '"') {
        let s = '';
        at++;
        for (;;) {
          if (at >= text.length) throw new Error('WKT: unterminated string');
          if (text[at] === '"') {
            if (text[at + 1] === '"') {
              s += '"';
              at += 2;
              continue;
            }
            at++;
            break;
          }
          s += text[at++];
        }
        args.push(s);
      } else if (/[-+.0-9]/.test(c)) {
        const m = /^[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?/.exec(text.slice(at));
        if (!m) throw new Error(`WKT: bad number at ${at}`);
        args.push(Number(m[0]));
        at += m[0].length;
      } else {
        args.push(parseNode());
      }
    }
    return { keyword, args };
  };
  const root = parseNode();
  return root;
}

const HORIZONTAL = new Set(['PROJCS', 'GEOGCS', 'GEOCCS', 'PROJCRS', 'GEOGCRS', 'GEODCRS', 'BASEGEOGCRS', 'PROJECTEDCRS', 'GEOGRAPHICCRS']);
const VERTICAL = new Set(['VERT_CS', 'VERTCRS', 'VERTICALCRS']);
const COMPOUND = new Set(['COMPD_CS', 'COMPOUNDCRS']);

function children(node: WktNode): WktNode[] {
  return node.args.filter((a): a is WktNode => typeof a === 'object');
}

/** The EPSG code a node declares directly (AUTHORITY["EPSG","4547"] or ID["EPSG",4547]). */
function directEpsg(node: WktNode): number | undefined {
  for (const c of children(node)) {
    if ((c.keyword === 'AUTHORITY' || c.keyword === 'ID') && String(c.args[0]).toUpperCase() === 'EPSG') {
      const code = Number(c.args[1]);
      if (Number.isInteger(code) && code > 0) return code;
    }
  }
  return undefined;
}

function nodeName(node: WktNode): string | undefined {
  return typeof node.args[0] === 'string' ? node.args[0] : undefined;
}

/** A WKT unit under the names GeoTIFF keys give (Esri's "Foot_US" is the US survey foot), by its factor. */
function unitOf(node: WktNode): string | undefined {
  const unit = children(node).find((c) => c.keyword === 'UNIT' || c.keyword === 'LENGTHUNIT' || c.keyword === 'ANGLEUNIT');
  if (!unit) return undefined;
  const factor = Number(unit.args[1]);
  const known = Object.entries(UNIT_FACTORS).find(([, f]) => Math.abs(factor / f - 1) < 1e-9);
  return known ? known[0] : nodeName(unit);
}

/** Turns an OGC WKT text (LAS VLR 2112, or a GeoTIFF/.prj) into a CrsInfo. */
export function crsFromWkt(wkt: string, warnings: string[]): CrsInfo | undefined {
  const text = wkt.replace(/\0+$/, '').trim();
  if (!text) return undefined;
  let root: WktNode;
  try {
    root = parseWkt(text);
  } catch (e) {
    warnings.push(`could not parse the WKT CRS (${(e as Error).message})`);
    return { source: 'wkt', wkt: text };
  }
  let horizontal: WktNode | undefined;
  let vertical: WktNode | undefined;
  if (COMPOUND.has(root.keyword)) {
    horizontal = children(root).find((c) => HORIZONTAL.has(c.keyword));
    vertical = children(root).find((c) => VERTICAL.has(c.keyword));
  } else if (VERTICAL.has(root.keyword)) {
    vertical = root;
  } else {
    horizontal = root;
  }
  let epsg = horizontal ? directEpsg(horizontal) : undefined;
  const name = horizontal ? nodeName(horizontal) : nodeName(root);
  if (epsg === undefined && horizontal && name && !/^(unknown|unnamed|local)/i.test(name)) {
    epsg = findEpsgByName(name);
  }
  const entry = epsg !== undefined ? lookupEpsg(epsg) : undefined;
  return {
    epsg,
    verticalEpsg: vertical ? directEpsg(vertical) : undefined,
    name: entry?.name ?? name,
    source: 'wkt',
    wkt: text,
    unit: (horizontal && unitOf(horizontal)) || entry?.unit,
    verticalUnit: vertical ? unitOf(vertical) : undefined,
  };
}

/** Display form: "EPSG:4547 CGCS2000 / 3-degree Gauss-Kruger CM 114E (+ EPSG:5703)". */
export function describeCrs(crs: CrsInfo | undefined): string {
  if (!crs) return 'none declared';
  const parts: string[] = [];
  if (crs.epsg !== undefined) parts.push(`EPSG:${crs.epsg}`);
  if (crs.name) parts.push(crs.name);
  if (parts.length === 0) parts.push(crs.wkt ? 'WKT without EPSG code' : 'unnamed');
  if (crs.verticalEpsg !== undefined) parts.push(`+ vertical EPSG:${crs.verticalEpsg}`);
  return parts.join(' ');
}
