/** The report's parts on their own: tallies, number formats, WGS 84, defaults, and the rasters it draws. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { HeightPatch } from '../../core/changes/patches';
import type { ChangeObject } from '../../core/changes/types';
import { toWgs84 } from '../../core/geo/wgs84';
import { DEFAULT_REVIEW } from '../../core/report/from-detection';
import { clampedEnds, heightChangeImage, HEIGHT_RAMP_HEX, heightChangeRange } from '../../core/report/heightmap';
import { hillshade } from '../../core/report/hillshade';
import { DEFAULT_OPTIONS } from '../../core/detect';
import { formatArea, formatMetres, formatVolume, stringsFor } from '../../core/report/i18n';
import type { ReportChange } from '../../core/report/model';
import { footprintMask, obliqueRender, obliqueView } from '../../core/report/oblique';
import { encodePng } from '../../core/report/raster';
import { CASE_UNDECIDED, caseEvidenceKey, NO_CASE_NEEDED, NO_GROUP, summarise } from '../../core/report/summary';
import { caseNeed } from '../../core/review/case-need';
import { CASE_STATUSES, VERDICTS } from '../../core/review/types';
import { CHANGE_TYPES } from '../../core/changes/types';

function change(id: string, patch: Partial<ReportChange>): ReportChange {
  const base: ChangeObject = {
    id,
    type: 'new_building',
    footprint: [],
    centroid: [0, 0],
    area_m2: 10,
    volume_m3: 30,
    height_change_max_m: 3,
    height_change_mean_m: 3,
    storeys: 1,
    ground_z: 0,
    before_top_z: 0,
    after_top_z: 3,
    before_height_m: 0,
    after_height_m: 3,
    confidence: 0.9,
    evidence: {
      pointsBefore: 1,
      pointsAfter: 1,
      coverage: 1,
      supportShare: 1,
      greenness: null,
      roughness: null,
      planarShare: null,
      curvedShare: null,
      verticalSpread: 0,
      vegetationClassShare: null,
      reasons: [],
    },
  };
  return { ...base, ...DEFAULT_REVIEW, ...patch };
}

describe('summary tallies', () => {
  const changes = [
    change('C1', { volume_m3: 100, area_m2: 20, subDistrict: '东门街道', verdict: 'confirmed' }),
    change('C2', { type: 'demolished', volume_m3: -250, area_m2: 50, zones: [{ kind: 'protected', category: 'farmland', name: 'F1' }] }),
    change('C3', {
      volume_m3: 40.5,
      area_m2: 8,
      case: { id: 3, status: 'notified', dueDate: null, subDistrict: '黄贝街道' },
      zones: [
        { kind: 'protected', category: 'farmland', name: 'F1' },
        { kind: 'protected', category: 'ecological_control_line', name: 'E' },
        { kind: 'admin', category: 'sub_district', name: '黄贝街道' },
      ],
    }),
  ];
  const s = summarise(changes);

  it('adds added and removed volumes apart, and areas', () => {
    expect(s.total).toEqual({ count: 3, added: 140.5, removed: 250, area: 78 });
    expect(s.byType.map((r) => [r.key, r.count, r.added, r.removed])).toEqual([
      ['new_building', 2, 140.5, 0],
      ['demolished', 1, 0, 250],
    ]);
  });

  it('counts a removal that rectified a case as that case’s evidence, not as a change without a case', () => {
    const removal = change('C5', { type: 'demolished', volume_m3: -30, area_m2: 12, caseChecks: [{ caseId: 6, outcome: 'rectified' }] });
    expect(summarise([...changes, removal]).byCaseStatus.map((r) => [r.key, r.count])).toEqual([
      ['notified', 1],
      [caseEvidenceKey('rectified'), 1],
      [NO_GROUP, 1],
      [NO_CASE_NEEDED, 1],
    ]);
  });

  it('tells the changes without a case that need one from those that need none, as the store opens cases', () => {
    // Confirming an addition opens a case (reviews-repo setVerdicts); nothing else does.
    expect(caseNeed({ verdict: 'confirmed', volume_m3: 30 })).toBe('needed');
    for (const verdict of VERDICTS) expect(caseNeed({ verdict, volume_m3: -30 }), verdict).toBe('not_needed');
    expect(caseNeed({ verdict: 'permitted', volume_m3: 30 })).toBe('not_needed');
    expect(caseNeed({ verdict: 'false_positive', volume_m3: 30 })).toBe('not_needed');
    expect(caseNeed({ verdict: 'unreviewed', volume_m3: 30 })).toBe('undecided');
    expect(caseNeed({ verdict: 'needs_site_visit', volume_m3: 30 })).toBe('undecided');
    const rows = summarise([
      change('A', { verdict: 'confirmed' }),
      change('B', { type: 'demolished', volume_m3: -50, verdict: 'confirmed' }),
      change('D', { type: 'height_decrease', volume_m3: -20, verdict: 'confirmed' }),
      change('P', { verdict: 'permitted' }),
      change('U', { verdict: 'needs_site_visit' }),
    ]).byCaseStatus;
    expect(rows.map((r) => [r.key, r.count])).toEqual([
      [NO_GROUP, 1],
      [CASE_UNDECIDED, 1],
      [NO_CASE_NEEDED, 3],
    ]);
  });

  it('leaves a false positive out of every figure but the table by verdict', () => {
    const withFalse = summarise([
      ...changes,
      change('C4', { volume_m3: 90, area_m2: 12, verdict: 'false_positive', subDistrict: '东门街道' }),
    ]);
    expect(withFalse.total).toEqual(s.total);
    expect(withFalse.byType).toEqual(s.byType);
    expect(withFalse.bySubDistrict).toEqual(s.bySubDistrict);
    expect(withFalse.falsePositives).toBe(1);
    expect(withFalse.byVerdict.map((r) => [r.key, r.count])).toEqual([
      ['unreviewed', 2],
      ['confirmed', 1],
      ['false_positive', 1],
    ]);
    expect(withFalse.all).toEqual({ count: 4, added: 230.5, removed: 250, area: 90 });
  });

  it('groups by verdict, case status, zone and sub-district, with the ungrouped last', () => {
    expect(s.byVerdict.map((r) => [r.key, r.count])).toEqual([
      ['unreviewed', 2],
      ['confirmed', 1],
    ]);
    // C1, a confirmed addition, needs a case it has not got; C2, a demolition, needs none.
    expect(s.byCaseStatus.map((r) => [r.key, r.count])).toEqual([
      ['notified', 1],
      [NO_GROUP, 1],
      [NO_CASE_NEEDED, 1],
    ]);
    // A change in two zones counts in both; administrative zones are not zones here.
    expect(s.byZone.map((r) => [r.key, r.count])).toEqual([
      ['ecological_control_line\tE', 1],
      ['farmland\tF1', 2],
      [NO_GROUP, 1],
    ]);
    // The case's sub-district stands in when the change has none of its own.
    expect(s.bySubDistrict.map((r) => [r.key, r.count])).toEqual([
      ['东门街道', 1],
      ['黄贝街道', 1],
      [NO_GROUP, 1],
    ]);
  });
});

describe('strings and formats', () => {
  it('every type, verdict and case status has words in both languages', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const S = stringsFor(lang);
      for (const t of CHANGE_TYPES) expect(S.types[t]).toBeTruthy();
      for (const v of VERDICTS) expect(S.verdicts[v]).toBeTruthy();
      for (const c of CASE_STATUSES) expect(S.caseStatuses[c]).toBeTruthy();
    }
    const zh = stringsFor('zh-CN');
    expect([zh.types.new_building, zh.types.storeys_added, zh.types.rooftop_structure, zh.types.demolished]).toEqual([
      '新增建筑',
      '加层',
      '屋顶加建',
      '拆除',
    ]);
    expect([zh.verdicts.false_positive, zh.verdicts.confirmed, zh.verdicts.unreviewed, zh.verdicts.needs_site_visit]).toEqual([
      '误报',
      '已确认',
      '未审核',
      '需现场核查',
    ]);
  });

  it('names every detection parameter in both languages (the cover lists them)', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const names = stringsFor(lang).parameterNames;
      for (const k of [...Object.keys(DEFAULT_OPTIONS), 'reproject']) expect(names[k], `${lang} ${k}`).toBeTruthy();
    }
  });

  it('formats volumes signed with one decimal, areas with one, heights with two', () => {
    expect(formatVolume(1234.56)).toBe('+1,234.6 m³');
    expect(formatVolume(-56)).toBe('−56.0 m³');
    expect(formatVolume(0.01)).toBe('0.0 m³');
    expect(formatArea(50.25)).toBe('50.3 m²');
    expect(formatMetres(-3.456, true)).toBe('−3.46 m');
    expect(formatMetres(27.6)).toBe('27.60 m');
  });
});

describe('WGS 84 coordinates', () => {
  it('converts EPSG:4547 (CGCS2000 / GK CM 114E): the central meridian at the false easting', () => {
    const f = toWgs84({ epsg: 4547, source: 'user' })!;
    const [lon, lat] = f(500000, 2494000);
    expect(lon).toBeCloseTo(114, 9);
    expect(lat).toBeGreaterThan(22.5);
    expect(lat).toBeLessThan(22.6);
    // 1 km east, at this latitude about 0.0097° of longitude.
    expect(f(501000, 2494000)[0] - lon).toBeCloseTo(1000 / (111320 * Math.cos((lat * Math.PI) / 180)), 4);
  });

  it('gives no converter for an unknown CRS', () => {
    expect(toWgs84(null)).toBeNull();
    expect(toWgs84({ source: 'user', name: 'local grid' })).toBeNull();
  });
});

/** A 20 × 20 patch at 0.5 m: flat ground at 10 m, a 6 m block added in the middle, columns 8–11 unseen after in row 0. */
function blockPatch(): HeightPatch {
  const n = 20;
  const before = new Float32Array(n * n).fill(10);
  const after = new Float32Array(n * n).fill(10);
  for (let r = 6; r < 14; r++) for (let c = 6; c < 14; c++) after[r * n + c] = 16;
  for (let c = 8; c < 12; c++) after[c] = NaN;
  return { x0: 1000, y0: 2000, cell: 0.5, width: n, height: n, before, after, ground: new Float32Array(n * n).fill(10) };
}

/** A pixel of these views spans about 0.2 m of a wall: the band's edges may land a pixel off. */
const PIXEL_M = 0.3;

/** What a rendered view shows red (class 3, and its pixels' colour), against heights `roof`…`top`. */
function tally(view: ReturnType<typeof obliqueRender>, roof: number, top: number) {
  const { rgb } = view.image;
  let [red, redBelowRoof, builtBelowRoof, redAbove, misclassed] = [0, 0, 0, 0, 0];
  for (let p = 0; p < view.classes.length; p++) {
    const z = view.heights![p];
    const looksRed = rgb[3 * p] > 1.6 * rgb[3 * p + 1] && rgb[3 * p] > 1.6 * rgb[3 * p + 2];
    if (looksRed !== (view.classes[p] === 3)) misclassed++;
    if (view.classes[p] === 3) {
      red++;
      if (z < roof - PIXEL_M) redBelowRoof++;
      if (z > top + PIXEL_M) redAbove++;
    } else if (view.classes[p] === 2 && z < roof - 0.5) builtBelowRoof++;
  }
  // A pixel looks red exactly when it is classed added.
  expect(misclassed).toBe(0);
  return { red, redBelowRoof, builtBelowRoof, redAbove };
}

type Ring = [number, number][];

/** A 40 × 40 patch at 0.5 m, ground at 10 m in both epochs. */
function scenePatch(): HeightPatch {
  const n = 40;
  return {
    x0: 1000,
    y0: 2000,
    cell: 0.5,
    width: n,
    height: n,
    before: new Float32Array(n * n).fill(10),
    after: new Float32Array(n * n).fill(10),
    ground: new Float32Array(n * n).fill(10),
  };
}

/** Sets the cells of rows r0…r1 × columns c0…c1 to `z`. */
function raise(r: Float32Array, [r0, r1, c0, c1]: number[], z: number): void {
  for (let row = r0; row <= r1; row++) for (let c = c0; c <= c1; c++) r[row * 40 + c] = z;
}

/** The ring of the cells r0…r1 × c0…c1. */
function cellsRing([r0, r1, c0, c1]: number[]): Ring {
  const [x0, y0, x1, y1] = [1000 + c0 * 0.5, 2000 + r0 * 0.5, 1000 + (c1 + 1) * 0.5, 2000 + (r1 + 1) * 0.5];
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ];
}

function storeyScene(misregistered = true): { patch: HeightPatch; footprint: Ring[] } {
  const patch = scenePatch();
  const house = [14, 25, 14, 25];
  for (const r of [patch.before, patch.after]) {
    raise(r, [2, 9, 4, 35], 22); // unchanged neighbours, south and north
    raise(r, [30, 37, 4, 35], 19);
    raise(r, house, 25);
  }
  raise(patch.after, house, 28);
  // Along part of its west edge the earlier survey caught the wall, not the roof (its roof edge
  // a few centimetres inside the next cell): those cells rose 10 m, the house did not.
  if (misregistered) raise(patch.before, [16, 21, 14, 14], 18);
  return { patch, footprint: [cellsRing(house)] };
}

/** A 3 m extension (ground 10 m, roof 13 m) against a building `neighbour` metres high. */
function extensionScene(neighbour = 20): { patch: HeightPatch; footprint: Ring[] } {
  const patch = scenePatch();
  for (const r of [patch.before, patch.after]) raise(r, [10, 29, 22, 33], 10 + neighbour);
  raise(patch.after, [14, 25, 14, 21], 13);
  // The footprint reaches one column into the building, two cells of which the earlier survey
  // saw as ground (a few centimetres of misregistration at its edge).
  raise(patch.before, [18, 19, 22, 22], 10);
  // And, on the tall building, one where the earlier survey caught that wall up to 27 m only:
  // it rose by the extension's height by chance, 17 m above the extension.
  if (neighbour === 20) raise(patch.before, [22, 22, 22, 22], 27);
  return { patch, footprint: [cellsRing([14, 25, 14, 22])] };
}

/**
 * A 3 m extension 6 cells wide (ground 10 m, roof 13 m) against a 20 m building, its footprint
 * one column into that building; in every cell of that column the earlier survey saw the
 * building's wall at 26.4–28.6 m, the later its 30 m roof (the demo's C008: 16 of 114 cells).
 * They rose 1.4–3.6 m, within the extension's 3 m and its margin, and are 12 of the 84 cells
 * that rose (14 %): above the 5 % a percentile leaves out.
 */
function wallSeenScene(misregistered = true): { patch: HeightPatch; footprint: Ring[] } {
  const patch = scenePatch();
  for (const r of [patch.before, patch.after]) raise(r, [10, 29, 22, 33], 30);
  raise(patch.after, [14, 25, 16, 21], 13);
  if (misregistered) for (let row = 14; row <= 25; row++) patch.before[row * 40 + 22] = 26.4 + 0.2 * (row - 14);
  return { patch, footprint: [cellsRing([14, 25, 16, 22])] };
}

describe('rasters', () => {
  const patch = blockPatch();
  const square: [number, number][][] = [
    [
      [1003, 2003],
      [1007, 2003],
      [1007, 2007],
      [1003, 2007],
      [1003, 2003],
    ],
  ];

  it('the footprint mask holds the cells whose centres lie inside', () => {
    const mask = footprintMask(patch, [square]);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(64);
    expect(mask[6 * 20 + 6]).toBe(1);
    expect(mask[5 * 20 + 6]).toBe(0);
  });

  it('the height-change map is red where the block rose, neutral elsewhere, hatched where unseen, north up', () => {
    const range = heightChangeRange(6);
    expect(range).toBe(6);
    const img = heightChangeImage(patch, range, 2);
    expect([img.width, img.height]).toEqual([40, 40]);
    const px = (x: number, y: number) => Array.from(img.rgb.subarray(3 * (y * 40 + x), 3 * (y * 40 + x) + 3));
    const [r, g, b] = px(20, 20);
    expect(r).toBeGreaterThan(150);
    expect(b).toBeLessThan(160);
    expect(r - g).toBeGreaterThan(60);
    expect(px(2, 2)).toEqual([247, 247, 247]);
    // Patch row 0 (south) is the image's bottom: the unseen run is grey there, not at the top.
    const bottom = new Set([px(16, 39), px(17, 39), px(18, 39), px(19, 39), px(20, 38), px(21, 38)].map((p) => p.join()));
    expect([...bottom].every((p) => p === '228,228,228' || p === '160,160,160')).toBe(true);
    expect(px(16, 0)).toEqual([247, 247, 247]);
  });

  it("the height-change map's ramp is scaled to the change, a stronger neighbour drawn at its end", () => {
    // A roof shed of +3 m (C017 on the demo) with a building raised 9 m in view (C018).
    const scene = scenePatch();
    raise(scene.after, [4, 11, 4, 11], 13);
    raise(scene.after, [24, 35, 20, 35], 19);
    const range = heightChangeRange(3.04);
    expect(range).toBe(4);
    expect(clampedEnds(scene, range)).toEqual({ below: false, above: true });
    expect(clampedEnds(scene, heightChangeRange(9.06))).toEqual({ below: false, above: false });
    const img = heightChangeImage(scene, range, 1);
    // Image rows run north to south: patch row r is image row 39 − r.
    const at = (c: number, r: number) => Array.from(img.rgb.subarray(3 * ((39 - r) * 40 + c), 3 * ((39 - r) * 40 + c) + 3));
    const end = HEIGHT_RAMP_HEX[HEIGHT_RAMP_HEX.length - 1];
    const endRgb = [1, 3, 5].map((k) => parseInt(end.slice(k, k + 2), 16));
    expect(at(30, 30)).toEqual(endRgb);
    // The shed is +3 of ±4: three quarters of the way up the ramp, well into its reds.
    const [r, g, b] = at(8, 8);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(120);
    expect(b).toBeLessThan(100);
    // Scaled to the neighbour's ±10 m, as before, it was the pale pink the review found.
    const [, paleG] = Array.from(heightChangeImage(scene, 10, 1).rgb.subarray(3 * (31 * 40 + 8), 3 * (31 * 40 + 8) + 3));
    expect(paleG).toBeGreaterThan(180);
  });

  it('the oblique view shows the added block in red, fitted within the frame', () => {
    const img = obliqueView(patch, [square], { width: 240, height: 180 });
    let red = 0;
    let drawn = 0;
    for (let i = 0; i < 240 * 180; i++) {
      const [r, g, b] = [img.rgb[3 * i], img.rgb[3 * i + 1], img.rgb[3 * i + 2]];
      if (r !== 255 || g !== 255 || b !== 255) drawn++;
      if (r > 120 && r > 2 * g && r > 2 * b) red++;
    }
    expect(red).toBeGreaterThan(1000);
    expect(drawn).toBeGreaterThan(red);
    // A margin stays white on every side.
    for (let x = 0; x < 240; x++) expect(img.rgb[3 * x]).toBe(255);
    for (let x = 0; x < 240; x++) expect(img.rgb[3 * (179 * 240 + x)]).toBe(255);
  });

  it('the oblique view draws removed volume as a translucent blue ghost', () => {
    const removed = { ...patch, before: patch.after.map((v) => (Number.isNaN(v) ? 10 : v)), after: patch.before };
    const img = obliqueView(removed, [square], { width: 240, height: 180 });
    let blue = 0;
    for (let i = 0; i < 240 * 180; i++) if (img.rgb[3 * i + 2] > img.rgb[3 * i] + 40) blue++;
    expect(blue).toBeGreaterThan(1000);
  });

  it('the oblique view of storeys added paints only the new storey red, not the house below it', () => {
    // A 15 m house (ground 10 m, roof 25 m) raised by a storey to 28 m, among unchanged neighbours.
    const scene = storeyScene();
    const clean = storeyScene(false);
    for (const azimuth of [30, 120, 210, 300, 'auto'] as const) {
      const view = obliqueRender(scene.patch, [scene.footprint], { width: 320, height: 240, azimuth, heightChange: 3 }, true);
      const { red, redBelowRoof, builtBelowRoof, redAbove } = tally(view, 25, 28);
      expect(red, `${azimuth}: red pixels`).toBeGreaterThan(500);
      // The west edge cells, which rose 10 m (a wall seen before, the new roof after), are as red
      // as the rest of the storey: about as much red as with no misregistration.
      const cleanView = obliqueRender(clean.patch, [clean.footprint], { width: 320, height: 240, azimuth, heightChange: 3 }, true);
      expect(red, `${azimuth}: red pixels against the scene without misregistration`).toBeGreaterThanOrEqual(
        0.99 * tally(cleanView, 25, 28).red,
      );
      // The walls of the old house show (grey), and none of them is red.
      expect(builtBelowRoof, `${azimuth}: old walls drawn`).toBeGreaterThan(500);
      expect(redBelowRoof, `${azimuth}: red below the old roof`).toBe(0);
      expect(redAbove, `${azimuth}: red above the new roof`).toBe(0);
    }
  });

  it('the oblique view of an extension leaves the taller neighbour it leans on grey above the extension', () => {
    // A 3 m extension on the ground against a 20 m building, whose footprint takes in a column
    // of that building's edge, where the two surveys disagree in three cells (extensionScene).
    const scene = extensionScene();
    // (From azimuth 300 the building hides the extension.)
    for (const azimuth of [30, 120, 210, 'auto'] as const) {
      const view = obliqueRender(scene.patch, [scene.footprint], { width: 320, height: 240, azimuth, heightChange: 3 }, true);
      const { red, redBelowRoof, redAbove } = tally(view, 10, 13);
      expect(red, `${azimuth}: red pixels`).toBeGreaterThan(300);
      expect(redBelowRoof).toBe(0);
      expect(redAbove, `${azimuth}: red up the neighbour's wall`).toBe(0);
    }
    // Without the change's height, those cells are red up to the neighbour's roof: what the option is for.
    const loose = obliqueRender(scene.patch, [scene.footprint], { width: 320, height: 240, azimuth: 30 }, true);
    expect(tally(loose, 10, 13).redAbove).toBeGreaterThan(0);
  });

  it('the oblique view of an extension leaves a neighbour only a little taller grey above the extension', () => {
    // The same extension against a building 4 m or 5 m high: its two edge cells seen as ground
    // before rose 4 or 5 m, past the extension's 3 m and its margin, to a roof low enough that the
    // span coloured (up to the extension's top and the threshold above it) reached that wall.
    for (const neighbour of [4, 5]) {
      const scene = extensionScene(neighbour);
      for (const azimuth of [30, 120, 210, 300, 'auto'] as const) {
        const view = obliqueRender(scene.patch, [scene.footprint], { width: 320, height: 240, azimuth, heightChange: 3 }, true);
        const { red, redBelowRoof, redAbove } = tally(view, 10, 13);
        expect(red, `${neighbour} m, ${azimuth}: red pixels`).toBeGreaterThan(300);
        expect(redBelowRoof, `${neighbour} m, ${azimuth}: red below the ground`).toBe(0);
        expect(redAbove, `${neighbour} m, ${azimuth}: red up the neighbour's wall`).toBe(0);
      }
    }
  });

  it("the oblique view of an extension leaves grey a tall neighbour's edge cells that make 14 % of those that rose", () => {
    const [scene, clean] = [wallSeenScene(), wallSeenScene(false)];
    for (const azimuth of [30, 120, 210, 'auto'] as const) {
      const options = { width: 320, height: 240, azimuth, heightChange: 3 };
      const { red, redBelowRoof, redAbove } = tally(obliqueRender(scene.patch, [scene.footprint], options, true), 10, 13);
      // The extension is as red as without the misregistered column (the same framing).
      const cleanRed = tally(obliqueRender(clean.patch, [clean.footprint], options, true), 10, 13).red;
      expect(cleanRed, `${azimuth}: red pixels without misregistration`).toBeGreaterThan(200);
      expect(red, `${azimuth}: red pixels`).toBeGreaterThanOrEqual(0.99 * cleanRed);
      expect(redBelowRoof, `${azimuth}: red below the ground`).toBe(0);
      expect(redAbove, `${azimuth}: red up the neighbour's wall`).toBe(0);
    }
  });

  it('the oblique view of a new building paints its tower red to the top, though most of it is lower', () => {
    // A 10 m wing (roof 20 m, 216 cells) and a 20 m tower (roof 30 m, 24 cells: 10 %) on the
    // ground, nothing beside them: the change's top is the tower's, not the most common roof's.
    const patch = scenePatch();
    raise(patch.after, [14, 25, 8, 25], 20);
    raise(patch.after, [14, 19, 26, 29], 30);
    const footprint = [cellsRing([14, 25, 8, 29])];
    for (const azimuth of [30, 210] as const) {
      const view = obliqueRender(patch, [footprint], { width: 320, height: 240, azimuth, heightChange: 20 }, true);
      const { red, redBelowRoof, redAbove } = tally(view, 10, 30);
      let redTower = 0;
      for (let p = 0; p < view.classes.length; p++) if (view.classes[p] === 3 && view.heights![p] > 29) redTower++;
      expect(red, `${azimuth}: red pixels`).toBeGreaterThan(1000);
      expect(redTower, `${azimuth}: red pixels on the tower above 29 m`).toBeGreaterThan(100);
      expect(redBelowRoof + redAbove, `${azimuth}: red below the ground or above the tower`).toBe(0);
    }
  });

  it('the oblique view of a lowered building ghosts only the removed storey, over grey walls', () => {
    // The storey scene the other way round: 28 m → 25 m.
    const scene = storeyScene();
    const lowered = { ...scene.patch, before: scene.patch.after, after: scene.patch.before };
    const view = obliqueRender(lowered, [scene.footprint], { width: 320, height: 240, azimuth: 210, heightChange: -3 }, true);
    let [ghost, wrongGhost, builtBelowRoof, coloured] = [0, 0, 0, 0];
    for (let p = 0; p < view.classes.length; p++) {
      const [k, z] = [view.classes[p], view.heights![p]];
      if (k === 5) {
        ghost++;
        if (z < 25 - PIXEL_M || z > 28 + PIXEL_M) wrongGhost++;
      } else if (k === 2 && z < 25 - 0.5) builtBelowRoof++;
      else if (k === 3 || k === 4) coloured++;
    }
    expect(ghost).toBeGreaterThan(500);
    expect(wrongGhost).toBe(0);
    expect(builtBelowRoof).toBeGreaterThan(500);
    // Nothing outside the ghost is blue (nor red): no wall of the building.
    expect(coloured).toBe(0);
    // The lowered roof is blue under the ghost: drawn without it (the same framing), the roof at
    // 25 m is blue, every blue pixel is that roof, and the ghost covers each of them.
    const bare = obliqueRender(lowered, [scene.footprint], { width: 320, height: 240, azimuth: 210, heightChange: -3, ghost: false }, true);
    let [blue, blueOffRoof, blueUncovered, bareGhost] = [0, 0, 0, 0];
    for (let p = 0; p < bare.classes.length; p++) {
      const [k, z] = [bare.classes[p], bare.heights![p]];
      if (k === 5) bareGhost++;
      if (k !== 4) continue;
      blue++;
      if (Math.abs(z - 25) > 0.01) blueOffRoof++;
      if (view.classes[p] !== 5) blueUncovered++;
      const [r, g, b] = bare.image.rgb.subarray(3 * p, 3 * p + 3);
      expect(b > 2 * r && b > 1.4 * g, `pixel ${p} looks blue: ${[r, g, b].join()}`).toBe(true);
    }
    expect(bareGhost).toBe(0);
    expect(blue).toBeGreaterThan(500);
    expect(blueOffRoof).toBe(0);
    expect(blueUncovered).toBe(0);
  });

  it('our PNG encoder writes what a PNG decoder reads back, pixel for pixel', async () => {
    const img = heightChangeImage(patch, 6, 3);
    const png = encodePng(img);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([60, 60, 3]);
    expect(Buffer.compare(data, Buffer.from(img.rgb))).toBe(0);
  });

  it('the hillshade lights north-west faces and darkens south-east ones', () => {
    const img = hillshade(patch, 'after');
    const at = (c: number, r: number) => img.rgb[3 * ((19 - r) * 20 + c)];
    // The block's west edge faces the light, its east edge faces away.
    expect(at(6, 10)).toBeGreaterThan(at(13, 10));
  });
});

describe('longitude and latitude in the reports', () => {
  it('names the hemispheres: west of Greenwich is west, not a negative east', () => {
    expect(stringsFor('en').lonLat(-105.205109, 39.672)).toBe('105.205109° W, 39.672000° N');
    expect(stringsFor('zh-CN').lonLat(-105.205109, 39.672)).toBe('西经 105.205109°，北纬 39.672000°');
    expect(stringsFor('en').lonLat(114.1234, -22.5)).toBe('114.123400° E, 22.500000° S');
  });
});
