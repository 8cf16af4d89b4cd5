/**
 * "How to read this report" (说明): one page explaining the indicators the change sections and the
 * summary use. Its words are in i18n.ts (guide); the figures they quote come from the run.
 */
import { roughnessScale } from '../changes/measure';
import { DEFAULT_OPTIONS } from '../detect';
import { newPage, startSection, type RenderContext } from './context';
import { formatDate, type GuideParams } from './i18n';
import { CONTENT_WIDTH, heading, keyValues, PAGE } from './layout';

/** The vegetation score from which classify.ts takes a candidate for vegetation (its VEGETATION_SCORE). */
const VEGETATION_SCORE = 2.5;
/** Plane residual below which a cell is planar at 0.5 m voxels (measure.ts PLANAR_ROUGHNESS). */
const PLANAR_ROUGHNESS = 0.12;
/** Roughness from which a top counts as rough at 0.5 m voxels (classify.ts vegetationScore). */
const ROUGH_TOP = 0.15;

const metres = (m: number) => `${Number(m.toFixed(2))} m`;

/** The figures the explanations quote, from the run's parameters. */
export function guideParams(ctx: RenderContext): GuideParams {
  const p = ctx.input.run.parameters;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);
  const scale = roughnessScale(num(p.voxel) ?? 0.5);
  const minCoverage = num(p.minCoverage);
  return {
    storeyHeight: metres(num(p.storeyHeight) ?? DEFAULT_OPTIONS.storeyHeight),
    defaultStoreyHeight: metres(DEFAULT_OPTIONS.storeyHeight),
    planar: metres(PLANAR_ROUGHNESS * scale),
    rough: metres(ROUGH_TOP * scale),
    minCoverage: minCoverage === null ? null : `${Math.round(minCoverage * 100)} %`,
    vegetationScore: String(VEGETATION_SCORE),
    asOf: formatDate(ctx.input.generatedAt),
  };
}

export function guidePage(ctx: RenderContext): void {
  const { doc, S } = ctx;
  let y = newPage(ctx);
  startSection(ctx, S.guideTitle, 'guide', false);
  doc.outline.addItem(S.guideTitle);
  y = heading(doc, S.guideTitle, y);
  keyValues(doc, PAGE.margin, y, CONTENT_WIDTH, 104, S.guide(guideParams(ctx)), 8.6);
}
