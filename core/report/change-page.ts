import { reasonZh } from '../review/reasons-zh';
/** One change's section: before/after orthophotos, height-change map, 3D view, measurements, review. */
import type { ChangeImages, EpochImage } from './change-images';
import { crsLabel, newPage, startSection, type RenderContext } from './context';
import { HEIGHT_RAMP_HEX } from './heightmap';
import { formatArea, formatCount, formatDate, formatMetres, formatPercent, formatVolume } from './i18n';
import {
  badge,
  CONTENT_BOTTOM,
  CONTENT_WIDTH,
  FONT,
  INK,
  keyValues,
  keyValuesHeight,
  MUTED,
  PAGE,
  TYPE_COLOURS,
  VERDICT_COLOURS,
} from './layout';
import { footprintOutline, panelImage, type Panel } from './map';
import type { ReportChange } from './model';
import { caseNeed } from '../review/case-need';
import { overdueDays } from '../review/overdue';

const PANEL = 163;
const PANEL_GAP = (CONTENT_WIDTH - 3 * PANEL) / 2;
const VIEW_W = 250;
const VIEW_H = 187.5;

export function changePage(ctx: RenderContext, change: ReportChange, index: number, images: ChangeImages): void {
  const { doc, S } = ctx;
  let y = newPage(ctx);
  const title = S.changeTitle(index + 1, change.id);
  startSection(
    ctx,
    `${title}  ${S.types[change.type]} · ${formatVolume(change.volume_m3)} · ${S.verdicts[change.verdict]}`,
    `change-${change.id}`,
    true,
  );

  // Title and verdict badge.
  const badgeWidth = badge(doc, S.verdicts[change.verdict], PAGE.margin + CONTENT_WIDTH, y, VERDICT_COLOURS[change.verdict]);
  doc
    .font(FONT.bold)
    .fontSize(15)
    .fillColor(INK)
    .text(`${title}  ${S.types[change.type]}`, PAGE.margin, y - 1, {
      width: CONTENT_WIDTH - badgeWidth - 10,
      lineBreak: false,
      ellipsis: true,
    });
  y += 24;
  const facts = [
    `${S.volume} ${formatVolume(change.volume_m3)}`,
    `${S.area} ${formatArea(change.area_m2)}`.replace(' (m²)', ''),
    `${S.heightChangeMean} ${formatMetres(change.height_change_mean_m, true)}`,
  ];
  doc
    .font(FONT.regular)
    .fontSize(9.5)
    .fillColor(MUTED)
    .text(facts.join('   ·   '), PAGE.margin, y, { width: CONTENT_WIDTH, lineBreak: false });
  y += 20;

  // Three map panels over the same square: before, after, height change.
  const panels: Panel[] = [0, 1, 2].map((i) => ({ x: PAGE.margin + i * (PANEL + PANEL_GAP), y: y + 13, size: PANEL, box: images.box }));
  const { before, after } = ctx.input.run;
  const captions = [
    'hillshade' in images.before ? S.surfaceBefore(before.label) : S.orthoBefore(before.label),
    'hillshade' in images.after ? S.surfaceAfter(after.label) : S.orthoAfter(after.label),
    S.heightChange,
  ];
  doc.font(FONT.bold).fontSize(8.2).fillColor(INK);
  captions.forEach((c, i) => doc.text(c, panels[i].x, y, { width: PANEL, lineBreak: false, ellipsis: true }));
  drawEpochImage(ctx, panels[0], images.before, images);
  drawEpochImage(ctx, panels[1], images.after, images);
  panelImage(doc, panels[2], images.heightMap, undefined, images.patchBox);
  const colour = TYPE_COLOURS[change.type];
  footprintOutline(doc, panels[0], change.footprint, colour);
  footprintOutline(doc, panels[1], change.footprint, colour);
  footprintOutline(doc, panels[2], change.footprint, '#1f2328', 0.9);
  heightLegend(ctx, panels[2].x, panels[2].y + PANEL + 5, PANEL, images.range, images.clamped);
  y = panels[0].y + PANEL + 30;

  // 3D view on the left, measurements on the right.
  const viewTop = y;
  doc
    .font(FONT.bold)
    .fontSize(8.2)
    .fillColor(INK)
    .text(images.view.snapshot ? S.view3dSnapshot : S.view3d, PAGE.margin, y, { width: VIEW_W, lineBreak: false });
  doc.image(images.view.jpeg, PAGE.margin, y + 13, { fit: [VIEW_W, VIEW_H], align: 'center', valign: 'center' });
  doc
    .rect(PAGE.margin, y + 13, VIEW_W, VIEW_H)
    .lineWidth(0.5)
    .strokeColor('#c9ced6')
    .stroke();
  let leftBottom = y + 13 + VIEW_H + 4;
  if (!images.view.snapshot) {
    doc.font(FONT.regular).fontSize(7).fillColor(MUTED).text(S.view3dLegend, PAGE.margin, leftBottom, { width: VIEW_W });
    leftBottom = doc.y;
  }
  const mx = PAGE.margin + VIEW_W + 11;
  const mw = CONTENT_WIDTH - VIEW_W - 11;
  doc.font(FONT.bold).fontSize(8.2).fillColor(INK).text(S.metrics, mx, viewTop, { width: mw, lineBreak: false });
  const rightBottom = keyValues(doc, mx, viewTop + 13, mw, 112, metricRows(ctx, change), 8);
  y = Math.max(leftBottom, rightBottom) + 12;

  // Review, case and place.
  const rows = reviewRows(ctx, change);
  const needed = 14 + keyValuesHeight(doc, CONTENT_WIDTH, 116, rows);
  if (y + needed > CONTENT_BOTTOM) y = newPage(ctx);
  doc.font(FONT.bold).fontSize(8.2).fillColor(INK).text(S.review, PAGE.margin, y, { width: CONTENT_WIDTH, lineBreak: false });
  keyValues(doc, PAGE.margin, y + 13, CONTENT_WIDTH, 116, rows);
}

function drawEpochImage(ctx: RenderContext, p: Panel, image: EpochImage, images: ChangeImages): void {
  const { doc, S } = ctx;
  if ('jpeg' in image) panelImage(doc, p, image.jpeg);
  else if ('hillshade' in image) {
    panelImage(doc, p, image.hillshade, undefined, images.patchBox);
    doc
      .rect(p.x, p.y + p.size - 13, p.size, 13)
      .fillColor('#ffffff')
      .fillOpacity(0.8)
      .fill();
    doc.fillOpacity(1);
    doc
      .font(FONT.regular)
      .fontSize(7)
      .fillColor(MUTED)
      .text(S.hillshadeNote(image.why === 'none' ? S.noOrthophoto : S.orthophotoUnreadable), p.x + 4, p.y + p.size - 11, {
        width: p.size - 8,
        lineBreak: false,
        ellipsis: true,
      });
  } else {
    panelImage(
      doc,
      p,
      null,
      image.missing === 'outside' ? S.noOrthophotoHere : image.missing === 'none' ? S.noOrthophoto : S.orthophotoUnreadable,
    );
  }
}

/**
 * The ramp as a gradient bar, −range … +range metres (≤ / ≥ at an end that holds cells beyond it),
 * and a swatch for unseen cells.
 */
function heightLegend(
  ctx: RenderContext,
  x: number,
  y: number,
  width: number,
  range: number,
  clamped: { below: boolean; above: boolean },
): void {
  const { doc, S } = ctx;
  const swatch = 34;
  const barWidth = width - swatch - 6;
  const gradient = doc.linearGradient(x, 0, x + barWidth, 0);
  HEIGHT_RAMP_HEX.forEach((c, i) => gradient.stop(i / (HEIGHT_RAMP_HEX.length - 1), c));
  doc.rect(x, y, barWidth, 7).fill(gradient);
  doc.rect(x, y, barWidth, 7).lineWidth(0.4).strokeColor('#9aa1ab').stroke();
  doc.font(FONT.regular).fontSize(6.8).fillColor(INK);
  const labels: [string, number][] = [
    [`${clamped.below ? '≤' : ''}−${range}`, 0],
    ['0', 0.5],
    [`${clamped.above ? '≥' : ''}+${range} m`, 1],
  ];
  for (const [t, f] of labels) {
    const w = doc.widthOfString(t);
    const lx = Math.min(x + barWidth - w, Math.max(x, x + f * barWidth - w / 2));
    doc.text(t, lx, y + 9, { lineBreak: false });
  }
  // Unseen: the same hatch the map uses.
  const sx = x + barWidth + 6;
  doc.rect(sx, y, swatch, 7).fillColor('#e4e4e4').fill();
  doc.save();
  doc.rect(sx, y, swatch, 7).clip();
  for (let k = -8; k < swatch; k += 3) doc.moveTo(sx + k, y + 7).lineTo(sx + k + 7, y);
  doc.lineWidth(0.4).strokeColor('#a0a0a0').stroke();
  doc.restore();
  doc.fillColor(INK).text(S.unseen, sx, y + 9, { width: swatch, align: 'center', lineBreak: false });
}

function metricRows(ctx: RenderContext, c: ReportChange): [string, string][] {
  const S = ctx.S;
  const storeys = c.storeys > 0 ? `+${c.storeys}` : c.storeys < 0 ? `−${-c.storeys}` : '0';
  return [
    [S.volume, formatVolume(c.volume_m3)],
    [S.area.replace(/ \(m²\)$/, ''), formatArea(c.area_m2)],
    [S.heightChangeMean, formatMetres(c.height_change_mean_m, true)],
    [S.heightChangeMax, formatMetres(c.height_change_max_m, true)],
    [S.storeys, storeys],
    [S.heightsBeforeAfter, `${formatMetres(c.before_height_m)} / ${formatMetres(c.after_height_m)}`],
    [S.topsBeforeAfter, `${formatMetres(c.before_top_z)} / ${formatMetres(c.after_top_z)}`],
    [S.groundLevel, formatMetres(c.ground_z)],
    [S.confidence, formatPercent(c.confidence)],
    [S.coverage, formatPercent(c.evidence.coverage)],
    [S.pointsBeforeAfter, `${formatCount(c.evidence.pointsBefore)} / ${formatCount(c.evidence.pointsAfter)}`],
  ];
}

/** "（已逾期 N 天）" after an open case's due date when the report's day (the cover's, on the bureau's clock) is past it. */
function overdueText(ctx: RenderContext, kase: NonNullable<ReportChange['case']>): string {
  const days = overdueDays(kase, ctx.input.generatedAt);
  if (days === null) return '';
  return ctx.input.lang === 'zh-CN' ? `（${ctx.S.overdueBy(days)}）` : ` (${ctx.S.overdueBy(days)})`;
}

function reviewRows(ctx: RenderContext, c: ReportChange): [string, string][] {
  const { S, input } = ctx;
  const verdict = S.verdicts[c.verdict] + (c.verdictCarriedFrom ? ` (${S.verdictCarried(c.verdictCarriedFrom)})` : '');
  const sep = input.lang === 'zh-CN' ? '；' : '; ';
  // The ledger's status on the day of the report: when a run other than this one set it (a later
  // survey that found the structure removed), or it was set by hand, it says which.
  const basis = c.case && c.caseBasis && c.caseBasis.runId !== input.run.id ? c.caseBasis : null;
  const basisText = basis
    ? basis.runId === null
      ? S.caseBasisHand(formatDate(basis.date ?? basis.label))
      : S.caseBasisRun(basis.runId, basis.label, basis.date)
    : null;
  const own = c.case
    ? [
        S.caseId(c.case.id),
        S.caseStatuses[c.case.status] +
          (basisText ? (input.lang === 'zh-CN' ? `（${basisText}）` : ` (${basisText})`) : '') +
          (c.case.proposed ? S.awaitingDecision(S.caseStatuses[c.case.proposed]) : ''),
        c.case.dueDate ? `${S.dueDate} ${c.case.dueDate}${overdueText(ctx, c.case)}` : null,
      ]
        .filter(Boolean)
        .join(' · ')
    : null;
  // A removal in a later run that rectified a case has none of its own: it names the case it closed.
  const checked = c.caseChecks.map((k) => S.caseEvidence(k.caseId, S.proposals[k.outcome]));
  // Without a case: a removal, a permitted change or a false positive needs none (无需立案); an
  // addition not yet judged may; a confirmed addition does (未立案).
  const need = caseNeed(c);
  const kase =
    [own, ...checked].filter(Boolean).join(sep) || (need === 'needed' ? S.noCase : need === 'undecided' ? S.caseUndecided : S.noCaseNeeded);
  const zones = c.zones.length
    ? c.zones.map((z) => `${S.zoneCategories[z.category] ?? z.category}${input.lang === 'zh-CN' ? '：' : ': '}${z.name}`).join(sep)
    : S.none;
  const place = [c.subDistrict ?? c.case?.subDistrict ?? null, c.community].filter(Boolean).join(' / ') || S.unassigned;
  const [x, y] = c.centroid;
  const projected = `x ${x.toFixed(2)}, y ${y.toFixed(2)}  ${crsLabel(ctx) ?? ''}`.trim();
  const ll = ctx.toWgs84?.(x, y);
  const wgs = ll ? S.lonLat(ll[0], ll[1]) : S.noWgs84;
  const rows: [string, string][] = [
    [S.verdict, verdict],
    // "as of" on a line of its own: the label column is narrow.
    [S.caseStatusAsOf(formatDate(input.generatedAt)).replace(/ ?([（(])/, '\n$1'), kase],
    [S.zones, zones],
    [`${S.subDistrict} / ${S.community}`, place],
    // Permits are for building: a removal is judged against none.
    [S.permit, c.volume_m3 > 0 ? S.permits[c.permitStatus] : '—'],
    [S.priority, S.priorities[c.priority]],
    [S.note, c.note ?? '—'],
    [S.centroid, projected],
    [S.wgs84, wgs],
  ];
  // The detector writes its reasons in English; the Chinese report translates them.
  if (c.evidence.reasons.length) {
    rows.push([S.reasons, input.lang === 'en' ? c.evidence.reasons.join('; ') : c.evidence.reasons.map(reasonZh).join('；')]);
  }
  return rows;
}
