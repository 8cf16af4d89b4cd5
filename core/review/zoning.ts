import { areaOf, bboxOf, bboxesOverlap, containsPoint, intersectionArea, type BBox, type MultiPolygonCoords } from '../geo/polygons';
import type { PermitStatus, Priority, ZoneKind, ZoneTag } from './types';

export interface Zone {
  kind: ZoneKind;
  category: string;
  name: string;
  geometry: MultiPolygonCoords;
  bbox: BBox;
  properties: Record<string, unknown>;
}

export interface ZonedChange {
  footprint: MultiPolygonCoords;
  centroid: [number, number];
  volume_m3: number;
  after_height_m: number;
}

export interface Zoning {
  zones: ZoneTag[];
  subDistrict: string | null;
  community: string | null;
  permitStatus: PermitStatus;
  priority: Priority;
  reasons: string[];
}

/** A zone counts when it holds the change's centroid or a tenth of its footprint. */
function touches(zone: Zone, c: ZonedChange): boolean {
  if (!bboxesOverlap(zone.bbox, bboxOf(c.footprint))) return false;
  if (containsPoint(zone.geometry, c.centroid[0], c.centroid[1])) return true;
  return intersectionArea(zone.geometry, c.footprint) >= 0.1 * areaOf(c.footprint);
}

const num = (v: unknown): number | null =>
  typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null;
/**
 * A calendar date as yyyy-mm-dd, from the ways dates are written in permits and complaint
 * records: 2024-06-30 (with or without a time), 2024/6/30, 2024.06.30, 20240630, 2024年6月30日.
 * Null for anything else, or a day that does not exist (2024-13-45).
 */
export function calendarDate(v: unknown): string | null {
  const text = typeof v === 'number' && Number.isInteger(v) ? String(v) : v;
  if (typeof text !== 'string') return null;
  const m = /^\s*(\d{4})(?:[-/.年]\s*(\d{1,2})[-/.月]\s*(\d{1,2})日?|(\d{2})(\d{2}))(?:$|[T\s])/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2] ?? m[4]), Number(m[3] ?? m[5])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
  return day.toISOString().slice(0, 10);
}

const date = calendarDate;

/**
 * Tags a change with the zones it falls in and judges it against permits, as of the later
 * epoch's survey date: a temporary building is permitted until its permit expires, then it is
 * a violation like any other. Protected land and expired or exceeded permits raise priority.
 */
export function zoneChange(c: ZonedChange, zones: Zone[], surveyDate: string | null): Zoning {
  const hits = zones.filter((z) => touches(z, c));
  const tags: ZoneTag[] = hits.map((z) => ({ kind: z.kind, category: z.category, name: z.name }));
  const admin = (category: string) => hits.find((z) => z.kind === 'admin' && z.category === category)?.name ?? null;
  const reasons: string[] = [];
  let permitStatus: PermitStatus = 'none';
  if (c.volume_m3 > 0) {
    for (const p of hits.filter((z) => z.kind === 'permit')) {
      const until = date(p.properties.valid_to);
      const from = date(p.properties.valid_from);
      const height = num(p.properties.permitted_height_m);
      const volume = num(p.properties.permitted_volume_m3);
      if (surveyDate && until && surveyDate > until) {
        permitStatus = 'expired';
        reasons.push(`permit ${p.name} expired on ${until}`);
      } else if (surveyDate && from && surveyDate < from) {
        permitStatus = 'none';
        reasons.push(`permit ${p.name} is only valid from ${from}`);
      } else if ((height !== null && c.after_height_m > height + 0.5) || (volume !== null && c.volume_m3 > volume * 1.1)) {
        permitStatus = 'exceeded';
        reasons.push(`exceeds permit ${p.name} (${height !== null ? `height ${height} m` : `volume ${volume} m³`})`);
      } else {
        permitStatus = 'permitted';
        reasons.push(`covered by permit ${p.name}`);
        break;
      }
    }
  }
  const protectedHits = hits.filter((z) => z.kind === 'protected');
  for (const z of protectedHits) reasons.push(`inside protected zone ${z.name} (${z.category})`);
  let priority: Priority = 'normal';
  if (c.volume_m3 <= 0 || permitStatus === 'permitted') priority = 'low';
  if (c.volume_m3 > 0 && (protectedHits.length > 0 || permitStatus === 'expired' || permitStatus === 'exceeded')) priority = 'high';
  return { zones: tags, subDistrict: admin('sub_district'), community: admin('community'), permitStatus, priority, reasons };
}
