import { CHANGE_TYPES, type ChangeType } from '../changes/types';
import type { DetectionResult } from '../detect';

export interface TypeTotals {
  count: number;
  volume_m3: number;
  area_m2: number;
}

/** Counts, volumes and areas per change type. */
export function totalsByType(result: Pick<DetectionResult, 'changes'>): Record<ChangeType, TypeTotals> {
  const out = Object.fromEntries(CHANGE_TYPES.map((t) => [t, { count: 0, volume_m3: 0, area_m2: 0 }])) as Record<ChangeType, TypeTotals>;
  for (const c of result.changes) {
    const t = out[c.type];
    t.count++;
    t.volume_m3 = Math.round((t.volume_m3 + c.volume_m3) * 10) / 10;
    t.area_m2 = Math.round((t.area_m2 + c.area_m2) * 100) / 100;
  }
  return out;
}

/** summary.json: inputs, parameters, alignment, counts and volumes by type, timings. */
export function buildSummary(result: DetectionResult, extra: { software: string; createdAt: string }) {
  const suppressedByReason: Record<string, number> = {};
  for (const s of result.suppressed) suppressedByReason[s.reason] = (suppressedByReason[s.reason] ?? 0) + 1;
  return {
    software: extra.software,
    created_at: extra.createdAt,
    crs: result.crs ? { epsg: result.crs.epsg ?? null, name: result.crs.name ?? null } : null,
    inputs: result.epochs,
    grid: result.grid,
    parameters: result.parameters,
    alignment: result.alignment,
    // Where a change could be found at all: the compared area and the part both epochs saw.
    coverage: result.coverage
      ? {
          compared_area_m2: result.coverage.compared_m2,
          seen_by_both_m2: result.coverage.seenByBoth_m2,
          seen_by_both_share: Math.round((1000 * result.coverage.seenByBoth_m2) / Math.max(1, result.coverage.compared_m2)) / 1000,
        }
      : null,
    counts: {
      changes: result.changes.length,
      by_type: totalsByType(result),
      added_volume_m3: round1(result.changes.filter((c) => c.volume_m3 > 0).reduce((s, c) => s + c.volume_m3, 0)),
      removed_volume_m3: round1(result.changes.filter((c) => c.volume_m3 < 0).reduce((s, c) => s + c.volume_m3, 0)),
      suppressed: suppressedByReason,
      uncertain_areas: result.uncertain.length,
      uncertain_area_m2: round1(result.uncertain.reduce((s, u) => s + u.area_m2, 0)),
    },
    warnings: result.warnings,
    timings_ms: result.timings,
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;
