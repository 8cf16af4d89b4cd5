/** The cover: what was compared, when, how, by whom. */
import type { RenderContext } from './context';
import { crsLabel } from './context';
import { formatCount, formatDateTime, formatMetres } from './i18n';
import { ACCENT, CONTENT_WIDTH, FONT, INK, keyValues, keyValueWidth, MUTED, packItems, PAGE } from './layout';
import type { ReportEpoch } from './model';
import { warningZh } from '../review/warnings-zh';

const PARAMETER_UNITS: Record<string, string> = {
  voxel: 'm',
  minArea: 'm²',
  minVolume: 'm³',
  minHeight: 'm',
  storeyHeight: 'm',
  minUncertainArea: 'm²',
  halo: 'm',
};

export function coverPage(ctx: RenderContext): void {
  const { doc, input, S } = ctx;
  doc.addPage();
  doc.rect(0, 0, PAGE.width, 10).fillColor(ACCENT).fill();
  let y = 120;
  doc.font(FONT.bold).fontSize(24).fillColor(ACCENT).text(S.title, PAGE.margin, y, { width: CONTENT_WIDTH, align: 'center' });
  y = doc.y + 6;
  doc.font(FONT.regular).fontSize(12).fillColor(MUTED).text(S.subtitle, PAGE.margin, y, { width: CONTENT_WIDTH, align: 'center' });
  y = doc.y + 26;
  // The project, and its district on a line of its own (joined, a long name broke mid-phrase).
  doc.font(FONT.bold).fontSize(16).fillColor(INK).text(input.project.name, PAGE.margin, y, { width: CONTENT_WIDTH, align: 'center' });
  if (input.project.district) {
    y = doc.y + 2;
    doc
      .font(FONT.regular)
      .fontSize(12)
      .fillColor(MUTED)
      .text(input.project.district, PAGE.margin, y, { width: CONTENT_WIDTH, align: 'center' });
  }
  y = doc.y + 10;
  const epochs = `${epochText(ctx, input.run.before)}  →  ${epochText(ctx, input.run.after)}`;
  doc.font(FONT.regular).fontSize(11).fillColor(INK).text(epochs, PAGE.margin, y, { width: CONTENT_WIDTH, align: 'center' });
  y = doc.y + 40;

  const r = input.run;
  // Values listing several items wrap between items, never inside one (a value and its unit).
  const [tableWidth, labelWidth, size] = [CONTENT_WIDTH - 60, 120, 9.5];
  doc.font(FONT.regular).fontSize(size);
  const pack = (items: string[], sep: string) => packItems(doc, items, sep, keyValueWidth(tableWidth, labelWidth));
  const rows: [string, string][] = [
    [S.project, input.project.name],
    [S.district, input.project.district ?? S.unknown],
    [S.epochBefore, epochDetail(ctx, r.before, pack)],
    [S.epochAfter, epochDetail(ctx, r.after, pack)],
    [S.run, `#${r.id} · ${S.runCreated} ${formatDateTime(r.createdAt)}`],
    [S.parameters, pack(parameterItems(ctx), ' · ')],
    [
      S.alignment,
      r.alignment ? pack(S.alignmentValue(signedMetres(r.alignment.dz), r.alignment.residualMedianAbs.toFixed(3)), S.clauseSep) : S.none,
    ],
    [S.crs, crsLabel(ctx) ?? S.unknown],
    [S.filter, input.filter ?? S.allChanges],
    [S.changesInReport, formatCount(input.changes.length)],
    [S.software, r.software],
    [S.generatedAt, formatDateTime(input.generatedAt)],
    [S.author, input.project.author ?? S.unknown],
  ];
  const warnings = [...r.warnings.map((w) => (input.lang === 'zh-CN' ? warningZh(w) : w)), ...ctx.warnings];
  if (warnings.length) rows.push([S.warnings, warnings.join('\n')]);
  keyValues(doc, PAGE.margin + 30, y, tableWidth, labelWidth, rows, size);
}

function epochText(ctx: RenderContext, e: ReportEpoch): string {
  return e.date ? `${e.label} (${e.date})` : e.label;
}

function epochDetail(ctx: RenderContext, e: ReportEpoch, pack: (items: string[], sep: string) => string): string {
  const S = ctx.S;
  const parts = [`${e.label}`, `${S.surveyDate} ${e.date ?? S.unknown}`, `${S.points} ${formatCount(e.points)}`];
  const files = e.files.map((f) => f.split(/[\\/]/).pop()).join(', ');
  return `${pack(parts, ' · ')}\n${files}${e.orthophoto ? `\n${e.orthophoto.split(/[\\/]/).pop()}` : ''}`;
}

/** "体素边长 0.5 m", "最低观测比例 50 %", …: each parameter with its value and unit. */
function parameterItems(ctx: RenderContext): string[] {
  const { S, input } = ctx;
  return Object.entries(input.run.parameters).map(([k, v]) => {
    const name = S.parameterNames[k] ?? k;
    if (typeof v === 'boolean') return `${name} ${v ? S.yes : S.no}`;
    if (k === 'minCoverage' && typeof v === 'number') return `${name} ${Math.round(v * 100)} %`;
    const unit = PARAMETER_UNITS[k];
    return `${name} ${String(v)}${unit ? ` ${unit}` : ''}`;
  });
}

function signedMetres(m: number): string {
  return formatMetres(m, true).replace(/ m$/, '');
}
