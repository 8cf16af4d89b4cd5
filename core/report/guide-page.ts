/**
 * "How to read this report" (说明): one page explaining the indicators the change sections and the
 * summary use. Its words are in i18n.ts (guide); the figures they quote come from the run.
 */
import { EXG, ROUGH_TOP, VEGETATION_SCORE } from '../changes/classify';
import { PLANAR_ROUGHNESS, roughnessScale } from '../changes/measure';
import { DEFAULT_OPTIONS } from '../detect';
import { newPage, startSection, type RenderContext } from './context';
import { formatDate, type GuideParams } from './i18n';
import { CONTENT_WIDTH, heading, keyValues, PAGE } from './layout';

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
    exg: { greenish: String(EXG.greenish), green: String(EXG.green), strong: String(EXG.strong), notVegetation: `−${-EXG.notVegetation}` },
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
