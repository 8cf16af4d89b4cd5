/**
 * The review layers of a generated district, derived from its truth so the demo exercises them:
 * two sub-districts, an ecological control line over one new building, a valid permit over
 * another, an expired temporary-building permit over a rooftop structure, and complaint leads
 * (one at a real change, one at a tree, one where nothing happened).
 */
import type { BBox, Ring } from './geometry';
import type { TransitionTruth } from './truth';

export interface ReviewLayers {
  subDistricts: object;
  protectedZones: object;
  permits: object;
  leadsCsv: string;
}

const crsMember = (epsg: number) => ({ type: 'name', properties: { name: `urn:ogc:def:crs:EPSG::${epsg}` } });

function ringBox(ring: Ring, grow: number): [number, number][] {
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs) - grow, Math.max(...xs) + grow, Math.min(...ys) - grow, Math.max(...ys) + grow];
  const r = (v: number) => Math.round(v * 100) / 100;
  return [
    [r(x0), r(y0)],
    [r(x1), r(y0)],
    [r(x1), r(y1)],
    [r(x0), r(y1)],
    [r(x0), r(y0)],
  ];
}

const feature = (ring: [number, number][], properties: Record<string, unknown>) => ({
  type: 'Feature',
  properties,
  geometry: { type: 'Polygon', coordinates: [ring] },
});

const centre = (ring: Ring): [number, number] => {
  const pts = ring.slice(0, -1);
  return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
};

/** The point of a 10 m lattice inside the extent farthest from every given place. */
/** Points on bare ground (`bare`) in `boxes`, `step` apart, at least 15 m inside the district. */
function bareSpots(extent: BBox, boxes: BBox[], step: number, bare: (x: number, y: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (const b of boxes) {
    const [x0, x1] = [Math.max(b.minX, extent.minX + 15), Math.min(b.maxX, extent.maxX - 15)];
    const [y0, y1] = [Math.max(b.minY, extent.minY + 15), Math.min(b.maxY, extent.maxY - 15)];
    for (let x = x0 + step / 2; x < x1; x += step) for (let y = y0 + step / 2; y < y1; y += step) if (bare(x, y)) out.push([x, y]);
  }
  return out;
}

/** A 10 m lattice over the district, 10 m inside its edges. */
function everyTenMetres(extent: BBox): [number, number][] {
  const out: [number, number][] = [];
  for (let x = extent.minX + 10; x <= extent.maxX - 10; x += 10)
    for (let y = extent.minY + 10; y <= extent.maxY - 10; y += 10) out.push([x, y]);
  return out;
}

/** Where two streets cross. */
function crossings(streets: BBox[]): BBox[] {
  const out: BBox[] = [];
  for (let i = 0; i < streets.length; i++)
    for (let j = i + 1; j < streets.length; j++) {
      const [a, b] = [streets[i], streets[j]];
      const box = {
        minX: Math.max(a.minX, b.minX),
        maxX: Math.min(a.maxX, b.maxX),
        minY: Math.max(a.minY, b.minY),
        maxY: Math.min(a.maxY, b.maxY),
      };
      if (box.minX < box.maxX && box.minY < box.maxY) out.push(box);
    }
  return out;
}

const distanceTo = (places: [number, number][], x: number, y: number) => Math.min(...places.map(([px, py]) => Math.hypot(px - x, py - y)));

/** Of `spots`, the one farthest from every place in `places` (NaN, NaN when there is no spot). */
function quietestSpot(spots: [number, number][], places: [number, number][]): [number, number] {
  let best: [number, number] = [NaN, NaN];
  let bestD = -1;
  for (const [x, y] of spots) {
    const d = distanceTo(places, x, y);
    if (d > bestD) [best, bestD] = [[x, y], d];
  }
  return best;
}

export function reviewLayers(
  extent: BBox,
  epsg: number,
  truth: TransitionTruth,
  next: TransitionTruth,
  streets: BBox[],
  /** Whether (x, y) is bare ground in every epoch. */
  bare: (x: number, y: number) => boolean,
): ReviewLayers {
  const midX = Math.round((extent.minX + extent.maxX) / 2);
  const box = (x0: number, x1: number): [number, number][] => [
    [x0, extent.minY],
    [x1, extent.minY],
    [x1, extent.maxY],
    [x0, extent.maxY],
    [x0, extent.minY],
  ];
  const subDistricts = {
    type: 'FeatureCollection',
    name: 'sub_districts',
    crs: crsMember(epsg),
    features: [
      feature(box(extent.minX, midX), { name: '桂园街道', name_en: 'Guiyuan Sub-district', code: '440303001' }),
      feature(box(midX, extent.maxX), { name: '东门街道', name_en: 'Dongmen Sub-district', code: '440303003' }),
    ],
  };
  const newBuildings = truth.changes.filter((c) => c.type === 'new_building');
  // The permitted building must still stand in the next epoch; the one on protected land is the
  // one a later epoch shows demolished, so the case ledger has a rectification to find.
  const rectified = new Set(next.changes.map((c) => c.rectifies).filter(Boolean));
  const onProtected = newBuildings.find((c) => rectified.has(c.id)) ?? newBuildings[0];
  const permitted = newBuildings.find((c) => c !== onProtected && !rectified.has(c.id));
  const rooftops = truth.changes.filter((c) => c.type === 'rooftop_structure');
  const protectedZones = {
    type: 'FeatureCollection',
    name: 'ecological_control_line',
    crs: crsMember(epsg),
    features: [onProtected]
      .filter(Boolean)
      .map((c) => feature(ringBox(c.footprint, 12), { name: '梧桐山基本生态控制线', category: 'ecological_control_line' })),
  };
  const permits = {
    type: 'FeatureCollection',
    name: 'permits',
    crs: crsMember(epsg),
    features: [
      ...[permitted]
        .filter((c) => c !== undefined)
        .map((c) =>
          feature(ringBox(c.footprint, 2), {
            name: '深规土许字 2024-017',
            permitted_height_m: Math.ceil(c.height_change_m + 3),
            valid_from: '2024-01-15',
            valid_to: '2026-01-14',
            temporary: false,
          }),
        ),
      ...rooftops.slice(0, 1).map((c) =>
        feature(ringBox(c.footprint, 1), {
          name: '临建备 2023-112 (临时建筑)',
          permitted_height_m: Math.ceil(c.height_change_m + 1),
          valid_from: '2023-07-01',
          valid_to: '2024-06-30',
          temporary: true,
        }),
      ),
    ],
  };
  const leads: string[] = ['id,x,y,date,text'];
  const storeys = truth.changes.find((c) => c.type === 'storeys_added');
  if (storeys) {
    const [x, y] = centre(storeys.footprint);
    leads.push(`L001,${(x + 6).toFixed(1)},${(y - 4).toFixed(1)},2024-07-12,群众举报：该处民房楼顶正在加建一层`);
  }
  const tree = truth.distractors.find((d) => d.kind === 'tree_grown' || d.kind === 'tree_planted');
  if (tree?.center)
    leads.push(`L002,${tree.center[0].toFixed(1)},${tree.center[1].toFixed(1)},2024-08-03,"举报：院内疑似新搭建棚架, 有绿色遮挡"`);
  // "路口空地": bare ground in every epoch, far enough from every change of both transitions that
  // each run answers "nothing found" (30 m from a footprint: 45 from its centre): a street crossing when one is, else
  // the quietest bare spot (on a roof it would be another lead).
  const places = [truth, next].flatMap((t) => [...t.changes, ...t.distractors].map((c) => centre(c.footprint)));
  // A small district may have no such bare spot: then the spot farthest from the first transition's
  // changes, bare or not (a roof, perhaps), so that a lead still finds nothing there.
  const far = ([x, y]: [number, number]) => distanceTo(places, x, y) >= 45;
  let spot = quietestSpot(bareSpots(extent, crossings(streets), 1, bare), places);
  if (!far(spot)) spot = quietestSpot(bareSpots(extent, [extent], 2, bare), places);
  if (!far(spot)) spot = quietestSpot(everyTenMetres(extent), places.slice(0, truth.changes.length + truth.distractors.length));
  const [qx, qy] = spot;
  leads.push(`L003,${qx.toFixed(1)},${qy.toFixed(1)},2024-08-20,市民来电：路口空地疑似有违建`);
  return { subDistricts, protectedZones, permits, leadsCsv: leads.join('\n') + '\n' };
}
