/**
 * Scores detected changes against a generator's truth: one-to-one matching of footprints at
 * IoU ≥ 0.25, F1, volume errors, sign agreement, and which distractors were wrongly flagged.
 * Used by the accuracy tests and by `voxwatch samples --check`.
 */
import polygonClipping, { type MultiPolygon, type Polygon } from 'polygon-clipping';
import type { ChangeObject, PolygonCoords } from '../core/changes/types';

export interface TruthChangeLike {
  id: string;
  type: string;
  footprint: [number, number][];
  volume_m3: number;
}

export interface TruthDistractorLike {
  id: string;
  kind: string;
  footprint?: [number, number][];
}

export interface Match {
  truth: TruthChangeLike;
  found: ChangeObject;
  iou: number;
  volumeError: number;
  signAgrees: boolean;
  typeAgrees: boolean;
}

export interface Score {
  matches: Match[];
  missed: TruthChangeLike[];
  falsePositives: ChangeObject[];
  /** Distractors (trees, cars, holes) that a false positive sits on. */
  flaggedDistractors: { distractor: TruthDistractorLike; found: ChangeObject }[];
  precision: number;
  recall: number;
  f1: number;
  medianVolumeError: number;
  signErrors: number;
  typeAccuracy: number;
}

function area(mp: MultiPolygon): number {
  let a = 0;
  for (const poly of mp) {
    poly.forEach((ring, i) => {
      let s = 0;
      for (let k = 0; k < ring.length - 1; k++) s += ring[k][0] * ring[k + 1][1] - ring[k + 1][0] * ring[k][1];
      a += (i === 0 ? 1 : -1) * Math.abs(s / 2);
    });
  }
  return a;
}

const asMulti = (fp: PolygonCoords[]): MultiPolygon => fp as unknown as MultiPolygon;
const ringPoly = (ring: [number, number][]): Polygon => [ring];

export function iou(a: MultiPolygon | Polygon, b: MultiPolygon | Polygon): number {
  const inter = area(polygonClipping.intersection(a, b));
  if (inter === 0) return 0;
  return inter / area(polygonClipping.union(a, b));
}

export function scoreChanges(found: ChangeObject[], truth: TruthChangeLike[], distractors: TruthDistractorLike[] = []): Score {
  const pairs: { t: number; f: number; iou: number }[] = [];
  truth.forEach((t, ti) =>
    found.forEach((f, fi) => {
      const v = iou(ringPoly(t.footprint), asMulti(f.footprint));
      if (v >= 0.25) pairs.push({ t: ti, f: fi, iou: v });
    }),
  );
  pairs.sort((p, q) => q.iou - p.iou);
  const usedT = new Set<number>();
  const usedF = new Set<number>();
  const matches: Match[] = [];
  for (const p of pairs) {
    if (usedT.has(p.t) || usedF.has(p.f)) continue;
    usedT.add(p.t);
    usedF.add(p.f);
    const t = truth[p.t];
    const f = found[p.f];
    matches.push({
      truth: t,
      found: f,
      iou: p.iou,
      volumeError: Math.abs(f.volume_m3 - t.volume_m3) / Math.max(1e-9, Math.abs(t.volume_m3)),
      signAgrees: Math.sign(f.volume_m3) === Math.sign(t.volume_m3),
      typeAgrees: f.type === t.type,
    });
  }
  const missed = truth.filter((_, i) => !usedT.has(i));
  const falsePositives = found.filter((_, i) => !usedF.has(i));
  const flaggedDistractors: Score['flaggedDistractors'] = [];
  for (const f of falsePositives) {
    const fa = area(asMulti(f.footprint));
    for (const d of distractors) {
      if (!d.footprint) continue;
      const inter = area(polygonClipping.intersection(ringPoly(d.footprint), asMulti(f.footprint)));
      if (inter > 0.25 * fa || inter > 0.25 * area([ringPoly(d.footprint)])) flaggedDistractors.push({ distractor: d, found: f });
    }
  }
  const precision = found.length ? matches.length / found.length : 1;
  const recall = truth.length ? matches.length / truth.length : 1;
  const errors = matches.map((m) => m.volumeError).sort((a, b) => a - b);
  const medianVolumeError = errors.length ? errors[Math.floor((errors.length - 1) / 2)] : 0;
  return {
    matches,
    missed,
    falsePositives,
    flaggedDistractors,
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    medianVolumeError,
    signErrors: matches.filter((m) => !m.signAgrees).length,
    typeAccuracy: matches.length ? matches.filter((m) => m.typeAgrees).length / matches.length : 1,
  };
}

export function formatScore(s: Score): string {
  const lines = [
    `F1 ${s.f1.toFixed(3)} (precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}); median volume error ${(100 * s.medianVolumeError).toFixed(1)} %; sign errors ${s.signErrors}; type accuracy ${(100 * s.typeAccuracy).toFixed(0)} %`,
  ];
  for (const m of s.missed) lines.push(`  missed ${m.id} ${m.type} ${m.volume_m3} m³`);
  for (const f of s.falsePositives)
    lines.push(`  false positive ${f.id} ${f.type} ${f.volume_m3} m³ at ${f.centroid.join(', ')} — ${f.evidence.reasons[0]}`);
  for (const d of s.flaggedDistractors) lines.push(`  distractor flagged: ${d.distractor.id} ${d.distractor.kind} as ${d.found.id}`);
  for (const m of s.matches) {
    if (!m.typeAgrees || m.volumeError > 0.15) {
      lines.push(
        `  ${m.truth.id} ${m.truth.type} → ${m.found.id} ${m.found.type}: volume ${m.found.volume_m3} vs ${m.truth.volume_m3} (${(100 * m.volumeError).toFixed(0)} %), IoU ${m.iou.toFixed(2)}`,
      );
    }
  }
  return lines.join('\n');
}
