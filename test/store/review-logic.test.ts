/** The review rules on hand-made geometry: same structure or grown, case outcomes, zoning, leads. */
import { describe, expect, it } from 'vitest';
import type { HeightPatch } from '../../core/changes/patches';
import { checkCase } from '../../core/review/case-check';
import { ledgerZh } from '../../core/review/ledger-zh';
import { answerLead } from '../../core/review/leads';
import { matchStructure } from '../../core/review/match';
import { calendarDate, zoneChange, type Zone } from '../../core/review/zoning';
import { syntheticChange } from '../../samples/synthetic-project';

const square = (x: number, y: number, s: number): [number, number][][][] => [
  [
    [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ],
  ],
];

describe('matching a structure across runs', () => {
  const judged = syntheticChange('C001', 0, 0, 10, 300, 'new_building'); // 3 m high, top 33 m
  it('matches the same footprint and height, shifted by half a metre', () => {
    expect(matchStructure(judged, syntheticChange('C009', 0.5, -0.5, 10, 300, 'new_building'))).toMatchObject({ kind: 'same' });
  });
  it('reports growth: taller, or much larger in plan', () => {
    expect(matchStructure(judged, syntheticChange('C009', 0, 0, 10, 600, 'new_building'))).toMatchObject({
      kind: 'grew',
      detail: /3.0 m taller/,
    });
    expect(matchStructure(judged, { ...syntheticChange('C009', 0, 0, 14, 588, 'new_building') })).toMatchObject({
      kind: 'grew',
      detail: /larger/,
    });
  });
  it('does not match a neighbour, or a removal with an addition', () => {
    expect(matchStructure(judged, syntheticChange('C009', 12, 0, 10, 300, 'new_building'))).toBeNull();
    expect(matchStructure(judged, syntheticChange('C009', 0, 0, 10, -300, 'demolished'))).toBeNull();
  });
});

/** A height window over the case: `fill` gives the run's later heights, `before` its earlier ones (0 by default: nothing there). */
function view(fill: (x: number, y: number) => number, before: (x: number, y: number) => number = () => 0): HeightPatch {
  const [w, h] = [20, 20];
  const p: HeightPatch = {
    x0: -5,
    y0: -5,
    cell: 1,
    width: w,
    height: h,
    before: new Float32Array(w * h),
    after: new Float32Array(w * h),
    ground: new Float32Array(w * h),
  };
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      p.after[r * w + c] = fill(p.x0 + c + 0.5, p.y0 + r + 0.5);
      p.before[r * w + c] = before(p.x0 + c + 0.5, p.y0 + r + 0.5);
    }
  }
  return p;
}

describe('checking a case against a later epoch', () => {
  const subject = { footprint: square(0, 0, 10), volume_m3: 300, after_height_m: 3, after_top_z: 33 };
  const inside = (x: number, y: number) => x > 0 && x < 10 && y > 0 && y < 10;
  it('proposes rectified when the later run removed the volume', () => {
    const f = checkCase(subject, [{ code: 'C004', type: 'demolished', footprint: square(0, 0, 10), volume_m3: -290 }], null);
    expect(f).toMatchObject({ outcome: 'rectified', status: 'rectified' });
  });
  it('raises it again when it grew', () => {
    const f = checkCase(subject, [{ code: 'C002', type: 'storeys_added', footprint: square(1, 1, 8), volume_m3: 200 }], null);
    expect(f).toMatchObject({ outcome: 'grew', status: 'not_rectified' });
  });
  it('counts the run’s changes only when its earlier epoch held the violation: from before it, they are the violation itself', () => {
    const itself = [{ code: 'C007', type: 'extension' as const, footprint: square(0, 0, 10), volume_m3: 300 }];
    const held = view(
      (x, y) => (inside(x, y) ? 33 : 30),
      (x, y) => (inside(x, y) ? 33 : 30),
    );
    const notYet = view(
      (x, y) => (inside(x, y) ? 33 : 30),
      () => 30,
    );
    expect(checkCase(subject, itself, held)).toMatchObject({ outcome: 'grew' });
    expect(checkCase(subject, itself, notYet)).toMatchObject({ outcome: 'still_standing', status: 'not_rectified' });
    // The heights decide over the epochs' order; without them (unseen), the order does.
    expect(checkCase(subject, itself, notYet, { changesSinceCase: true })).toMatchObject({ outcome: 'still_standing' });
    const unseenBefore = view(
      (x, y) => (inside(x, y) ? 33 : 30),
      () => NaN,
    );
    expect(checkCase(subject, itself, unseenBefore, { changesSinceCase: false })).toMatchObject({ outcome: 'still_standing' });
    expect(checkCase(subject, itself, unseenBefore, { changesSinceCase: true })).toMatchObject({ outcome: 'grew' });
    const olderShedRemoved = [{ code: 'C008', type: 'demolished' as const, footprint: square(0, 0, 10), volume_m3: -290 }];
    expect(checkCase(subject, olderShedRemoved, notYet)).toMatchObject({ outcome: 'still_standing' });
  });
  it('gives the height the structure stands at, not that of the taller house its outline touches', () => {
    // An extension (top 33 m) leaning on a 48 m house: its outline takes in a strip of the house's roof.
    const leaning = view((x, y) => (inside(x, y) ? (x < 1 ? 48 : 33.1) : 30));
    const f = checkCase(subject, [], leaning);
    expect(f).toMatchObject({ outcome: 'still_standing', status: 'not_rectified' });
    expect(f.detail).toBe('100 % of the footprint keeps its height (top at 33.1 m elevation)');
  });
  it('sees a structure built higher since from the later heights, whichever epoch the run started from', () => {
    const storeyOnTop = view((x, y) => (inside(x, y) ? 36.2 : 30));
    for (const since of [true, false]) {
      const f = checkCase(subject, [], storeyOnTop, { changesSinceCase: since });
      expect(f).toMatchObject({ outcome: 'grew', status: 'not_rectified' });
      // The top is an elevation (the survey's heights), and says so.
      expect(f.detail).toMatch(/^\d+ % of the footprint stands 2.5 m or more above its top when confirmed \(top at 36.2 m elevation\)$/);
      expect(ledgerZh(f.detail)).toMatch(/^图斑 \d+% 范围比立案时顶面高出 2.5 m 以上（顶面高程 36.2 m）$/);
    }
    // A metre of parapet or noise is not growth.
    expect(
      checkCase(
        subject,
        [],
        view((x, y) => (inside(x, y) ? 34 : 30)),
        { changesSinceCase: false },
      ),
    ).toMatchObject({ outcome: 'still_standing' });
  });
  it('says still standing when the height is still there, rectified when it is gone', () => {
    expect(
      checkCase(
        subject,
        [],
        view((x, y) => (inside(x, y) ? 33 : 30)),
      ),
    ).toMatchObject({ outcome: 'still_standing' });
    expect(
      checkCase(
        subject,
        [],
        view(() => 30),
      ),
    ).toMatchObject({ outcome: 'rectified' });
  });
  it('watches a rectified case: back at its height is 拆后复建, a shed on the cleared lot is not, a rerun links the removal again', () => {
    const rectified = { rectified: true };
    const cleared = () => 30;
    const back = checkCase(
      subject,
      [{ code: 'C003', type: 'new_building', footprint: square(0, 0, 10), volume_m3: 310 }],
      view((x, y) => (inside(x, y) ? 33 : 30), cleared),
      rectified,
    );
    expect(back).toMatchObject({ outcome: 'rebuilt', status: 'not_rectified', changes: ['C003'] });
    expect(ledgerZh(back.detail)).toMatch(/^图斑 \d+% 范围恢复原高度（顶面高程 33.0 m）$/);
    // A shed over 40 % of the lot: a change of its own, the structure is still gone.
    const shed = checkCase(
      subject,
      [{ code: 'C005', type: 'new_building', footprint: square(0, 0, 4), volume_m3: 40 }],
      view((x, y) => (x > 0 && x < 4 && y > 0 && y < 10 ? 33 : 30), cleared),
      rectified,
    );
    expect(shed).toMatchObject({ outcome: 'rectified', status: 'rectified', changes: [] });
    expect(ledgerZh(shed.detail)).toMatch(/^仍处于拆除状态（原高度范围占图斑 \d+%）$/);
    // Unseen after: the run's added volume decides.
    const unseen = view(() => NaN, cleared);
    const builtOn = [{ code: 'C006', type: 'new_building' as const, footprint: square(0, 0, 10), volume_m3: 290 }];
    expect(checkCase(subject, builtOn, unseen, rectified)).toMatchObject({ outcome: 'rebuilt', changes: ['C006'] });
    expect(ledgerZh(checkCase(subject, builtOn, unseen, rectified).detail)).toBe('原址重新建起 290 m³（C006）');
    expect(checkCase(subject, [], unseen, rectified)).toMatchObject({ outcome: 'unverifiable', status: null });
    // The comparison that showed the removal, run again.
    const rerun = checkCase(
      subject,
      [{ code: 'C004', type: 'demolished', footprint: square(0, 0, 10), volume_m3: -290 }],
      view(cleared, (x, y) => (inside(x, y) ? 33 : 30)),
      rectified,
    );
    expect(rerun).toMatchObject({ outcome: 'rectified', status: 'rectified', changes: ['C004'] });
  });
  it('names the later run’s changes with their run, every finding translated whole into Chinese', () => {
    // Every run numbers its changes from C001: the later run's C004 is not the case's own run's C004.
    const removal = [{ code: 'C004', type: 'demolished' as const, footprint: square(0, 0, 10), volume_m3: -290 }];
    const removed = checkCase(subject, removal, null, { run: 2 });
    expect(removed).toMatchObject({ outcome: 'rectified', changes: ['C004'] });
    expect(removed.detail).toBe('290 m³ removed (run 2 C004), of the 300 m³ violation');
    const sheds = [
      { code: 'C002', type: 'rooftop_structure' as const, footprint: square(1, 1, 8), volume_m3: 120 },
      { code: 'C009', type: 'rooftop_structure' as const, footprint: square(0, 0, 9), volume_m3: 80 },
    ];
    const grew = checkCase(subject, sheds, null, { run: 3 });
    expect(grew).toMatchObject({ outcome: 'grew', changes: ['C002', 'C009'] });
    expect(grew.detail).toBe('grew further by 200 m³ (run 3 C002, C009)');
    const unseen = view(() => NaN);
    const rebuilt = checkCase(subject, [{ ...sheds[0], volume_m3: 290 }], unseen, { run: 4, rectified: true });
    expect(rebuilt.detail).toBe('290 m³ built over its footprint again (run 4 C002)');
    const standing = view((x, y) => (inside(x, y) ? 33 : 30));
    const higher = view((x, y) => (inside(x, y) ? 36.2 : 30));
    const cleared = view(() => 30);
    const back = view(
      (x, y) => (inside(x, y) ? 33 : 30),
      () => 30,
    );
    const findings = [
      removed,
      grew,
      rebuilt,
      ...[standing, higher, cleared, unseen].map((v) => checkCase(subject, [], v, { run: 2 })),
      ...[back, cleared].map((v) => checkCase(subject, [], v, { run: 2, rectified: true })),
    ];
    expect(new Set(findings.map((f) => f.outcome))).toEqual(new Set(['rectified', 'grew', 'rebuilt', 'still_standing', 'unverifiable']));
    for (const f of findings) expect(ledgerZh(f.detail), f.detail).not.toMatch(/[a-z]{2,}/i);
    expect(ledgerZh(removed.detail)).toBe('已拆除 290 m³（批次 2 C004），原违建 300 m³');
    expect(ledgerZh(grew.detail)).toBe('继续加建 200 m³（批次 3 C002、C009）');
    // Volumes are grouped in thousands, as point counts and the report's volumes are.
    const big = checkCase({ ...subject, volume_m3: 1647 }, [{ ...removal[0], volume_m3: -1650.4 }], null, { run: 2 });
    expect(big.detail).toBe('1,650 m³ removed (run 2 C004), of the 1,647 m³ violation');
    expect(ledgerZh(big.detail)).toBe('已拆除 1,650 m³（批次 2 C004），原违建 1,647 m³');
  });
  it('cannot tell when the later epoch did not see the footprint', () => {
    expect(
      checkCase(
        subject,
        [],
        view(() => NaN),
      ),
    ).toMatchObject({ outcome: 'unverifiable', status: null });
    expect(checkCase(subject, [], null)).toMatchObject({ outcome: 'unverifiable' });
  });
});

describe('reading a date as permits and complaint records write it', () => {
  it('takes the usual forms, and nothing that is no day', () => {
    for (const v of [
      '2024-06-30',
      '2024-06-30T00:00:00Z',
      '2024/6/30',
      '2024.06.30',
      '20240630',
      20240630,
      '2024年6月30日',
      '2024年06月30日',
    ])
      expect(calendarDate(v), String(v)).toBe('2024-06-30');
    for (const v of ['2024-13-45', '2024-02-30', '30/06/2024', 'soon', '', null, 2024.5]) expect(calendarDate(v), String(v)).toBeNull();
  });
});

describe('zoning a change', () => {
  const zone = (kind: Zone['kind'], category: string, name: string, g: [number, number][][][], properties = {}): Zone => ({
    kind,
    category,
    name,
    geometry: g,
    bbox: { minX: g[0][0][0][0], minY: g[0][0][0][1], maxX: g[0][0][2][0], maxY: g[0][0][2][1] },
    properties,
  });
  const c = { footprint: square(10, 10, 5), centroid: [12.5, 12.5] as [number, number], volume_m3: 75, after_height_m: 3 };
  const permit = (p: object) => zone('permit', 'permit', 'P-1', square(8, 8, 10), p);
  it('judges permits by the survey date and the permitted height', () => {
    expect(zoneChange(c, [permit({ valid_to: '2025-12-31', permitted_height_m: 4 })], '2025-03-01')).toMatchObject({
      permitStatus: 'permitted',
      priority: 'low',
    });
    expect(zoneChange(c, [permit({ valid_to: '2024-12-31', temporary: true })], '2025-03-01')).toMatchObject({
      permitStatus: 'expired',
      priority: 'high',
    });
    expect(zoneChange(c, [permit({ permitted_height_m: 2 })], '2025-03-01')).toMatchObject({ permitStatus: 'exceeded', priority: 'high' });
  });
  it('tags protected land and administrative units; a far zone is not tagged', () => {
    const z = zoneChange(
      c,
      [
        zone('protected', 'farmland', '耕地 A', square(0, 0, 20)),
        zone('admin', 'sub_district', '东门街道', square(0, 0, 100)),
        zone('protected', 'farmland', 'far', square(50, 50, 5)),
      ],
      null,
    );
    expect(z).toMatchObject({ subDistrict: '东门街道', priority: 'high', permitStatus: 'none' });
    expect(z.zones.map((t) => t.name)).toEqual(['耕地 A', '东门街道']);
  });
});

describe('answering a complaint lead', () => {
  it('links the changes near it, nearest first', () => {
    const changes = [
      { key: 1, code: 'C001', type: 'new_building' as const, footprint: square(20, 0, 5) },
      { key: 2, code: 'C002', type: 'extension' as const, footprint: square(0, 0, 5) },
      { key: 3, code: 'C003', type: 'extension' as const, footprint: square(100, 0, 5) },
    ];
    expect(answerLead(2, 2, changes, [], [], null).found.map((f) => [f.code, f.distance_m])).toEqual([
      ['C002', 0],
      ['C001', 18],
    ]);
  });
  it('answers "nothing found" with what the run saw there', () => {
    const v = view(() => 31);
    const a = answerLead(
      2,
      2,
      [],
      [
        {
          reason: 'vegetation',
          detail: 'strongly green',
          footprint: square(0, 0, 4),
          centroid: [2, 2],
          area_m2: 16,
          volume_m3: 40,
          height_change_mean_m: 2.5,
        },
      ],
      [],
      v,
    );
    expect(a.found).toEqual([]);
    expect(a.evidence.join(' | ')).toMatch(/seen by both epochs.*\| no building change within 30 m \| .*vegetation \(strongly green\)/);
    // The candidate under the lead is at the spot, not "0 m away".
    expect(a.evidence).toContain('a change at the spot was judged not a building: vegetation (strongly green)');
    // Surface heights are elevations, and say so.
    expect(a.evidence[0]).toBe('seen by both epochs: surface at 0.0 m elevation before, 31.0 m after');
    // Not "no change": a change was there, judged not a building (a shed under green netting reads as vegetation).
    expect(a.judgedNotBuilding).toBe(1);
    expect(answerLead(2, 2, [], [], [], v).judgedNotBuilding).toBe(0);
  });
  it('says which epoch could not see the spot, and when neither could', () => {
    const patch = (unseenIn: 'before' | 'both') => ({
      footprint: square(0, 0, 10),
      centroid: [5, 5] as [number, number],
      area_m2: 100,
      unseenIn,
      otherHeight_m: 0,
    });
    const inside = (unseenIn: 'before' | 'both') =>
      answerLead(2, 2, [], [], [patch(unseenIn)], null).evidence.find((e) => e.startsWith('inside'));
    expect(inside('before')).toBe('inside a 100 m² patch the before epoch could not see');
    expect(inside('both')).toBe('inside a 100 m² patch neither epoch could see');
    expect(ledgerZh(inside('both')!)).toBe('位于两期均未观测到的 100 m² 区域内');
  });
});
