/**
 * The PDF report end to end on a generated district: rendered in both languages, then read back
 * with poppler (pdftotext, pdfinfo, pdffonts, pdftoppm) to check what a reader would see.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectChanges, type DetectionResult } from '../../core/detect';
import { encodeGeoTiffRgb } from '../../core/io/geotiff/writer';
import { SourceError } from '../../core/io/types';
import { reportInputFromDetection, type DetectionReportMeta } from '../../core/report/from-detection';
import { formatDecimal, formatVolume, stringsFor } from '../../core/report/i18n';
import type { ReportInput, ReportLang } from '../../core/report/model';
import { renderReport } from '../../core/report/render';
import type { ChangeReview } from '../../core/review/types';
import { generateDistrict, writeSampleDistrict } from '../../samples/generator/index';
import { pdfFonts, pdfInfo, pdfText, renderPages } from './pdf-tools';

const NOTE = '屋顶加建彩钢棚，已现场核实';
const out = mkdtempSync(join(tmpdir(), 'voxwatch-report-'));
let dir: string;
let result: DetectionResult;
let reviews: Map<string, Partial<ChangeReview>>;

beforeAll(async () => {
  dir = join(out, 'district');
  await writeSampleDistrict(dir, { seed: 5, size: 140 });
  result = await detectChanges({ files: [join(dir, 'epoch-1.las')] }, { files: [join(dir, 'epoch-2.las')] });
  const ids = result.changes.map((c) => c.id);
  reviews = new Map<string, Partial<ChangeReview>>([
    [
      ids[0],
      {
        verdict: 'confirmed',
        note: NOTE,
        subDistrict: '东门街道',
        community: '湖贝社区',
        zones: [{ kind: 'protected', category: 'ecological_control_line', name: '梧桐山' }],
        case: { id: 7, status: 'rectification_due', dueDate: '2025-01-31', subDistrict: '东门街道' },
      },
    ],
    [ids[1], { verdict: 'false_positive', note: 'Scaffolding, gone on site' }],
    [ids[2], { verdict: 'permitted', permitStatus: 'permitted' }],
    // A removal that rectified a case of an earlier run: evidence for that case, none of its own.
    [ids[3], { caseChecks: [{ caseId: 6, outcome: 'rectified' }] }],
  ]);
});

function input(lang: ReportLang, meta: Partial<DetectionReportMeta> = {}): ReportInput {
  return reportInputFromDetection(
    result,
    {
      projectName: lang === 'zh-CN' ? '罗湖区测试项目' : 'Luohu test project',
      district: lang === 'zh-CN' ? '深圳市罗湖区' : 'Luohu, Shenzhen',
      author: lang === 'zh-CN' ? '李工' : 'Li Na',
      lang,
      before: { label: 'epoch-1', date: '2024-03-01', orthophoto: join(dir, 'ortho-1.tif') },
      after: { label: 'epoch-2', date: '2024-09-01', orthophoto: join(dir, 'ortho-2.tif') },
      ...meta,
    },
    reviews,
  );
}

/** Text with runs of whitespace folded, as a reader would search it. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('report of a generated district', () => {
  it('the scenario has enough changes to report', () => {
    expect(result.changes.length).toBeGreaterThanOrEqual(4);
  });

  describe.each(['zh-CN', 'en'] as const)('in %s', (lang) => {
    const S = stringsFor(lang);
    let file: string;
    let rendered: { pages: number; bytes: number };
    const progress: { done: number; total: number }[] = [];

    beforeAll(async () => {
      file = join(out, `report-${lang}.pdf`);
      rendered = await renderReport(input(lang), file, { onProgress: (p) => progress.push(p) });
    });

    it('lists every change with its id, volume and verdict, in the language asked', () => {
      const text = flat(pdfText(file));
      for (const c of result.changes) {
        expect(text, c.id).toContain(c.id);
        expect(text, `${c.id} volume`).toContain(formatVolume(c.volume_m3));
      }
      expect(text).toContain(S.title);
      expect(text).toContain(S.verdicts.confirmed);
      expect(text).toContain(S.verdicts.false_positive);
      expect(text).toContain(S.verdicts.permitted);
      expect(text).toContain(S.verdicts.unreviewed);
      const other = stringsFor(lang === 'en' ? 'zh-CN' : 'en');
      expect(text).not.toContain(other.verdicts.false_positive);
      expect(text).not.toContain(other.title);
      if (lang === 'zh-CN') {
        expect(text).toContain('误报');
        expect(text).toContain('已确认');
      } else {
        expect(text).toContain('False positive');
        expect(text).toContain('Confirmed');
      }
    });

    it('carries Chinese text through embedded glyphs and their Unicode map (the note, names)', () => {
      const text = flat(pdfText(file));
      expect(text).toContain(NOTE);
      expect(text).toContain('梧桐山');
      expect(text).toContain('湖贝社区');
      const fonts = pdfFonts(file);
      expect(fonts.length).toBeGreaterThan(0);
      for (const f of fonts) {
        expect(f, f.name).toMatchObject({ embedded: true, subset: true, unicode: true });
        expect(f.name).toMatch(/NotoSansSC/);
      }
    });

    it('gives coordinates in the project CRS and in WGS 84', () => {
      const text = flat(pdfText(file));
      const c = result.changes[0];
      expect(text).toContain(`x ${c.centroid[0].toFixed(2)}, y ${c.centroid[1].toFixed(2)}`);
      expect(text).toContain('EPSG:4547');
      // The district lies in Luohu, Shenzhen: about 114.13° E, 22.55° N.
      expect(text).toMatch(/114\.1\d{5}°/);
      expect(text).toMatch(/22\.5\d{5}°/);
    });

    it('has a sensible number of pages, every one of which renders', () => {
      const n = result.changes.length;
      // Cover, contents, summary (1–2), overview, guide, then one page per change (two at most).
      expect(rendered.pages).toBeGreaterThanOrEqual(5 + n);
      expect(rendered.pages).toBeLessThanOrEqual(6 + 2 * n);
      expect(pdfInfo(file).Pages).toBe(String(rendered.pages));
      const pages = renderPages(file);
      expect(pages.status).toBe(0);
      expect(pages.stderr).toBe('');
      expect(pages.pngs).toBe(rendered.pages);
    });

    it('numbers its pages, links its contents and carries its metadata', () => {
      const text = pdfText(file);
      expect(text).toContain(S.page(rendered.pages, rendered.pages));
      expect(text).toContain(S.contents);
      const raw = readFileSync(file).toString('latin1');
      // One link per contents row: summary, overview, the guide and each change.
      expect(raw.match(/\/S \/GoTo/g)?.length).toBe(3 + result.changes.length);
      expect(raw).toContain('/Outlines');
      const info = pdfInfo(file);
      expect(info.Title).toContain(S.title);
      expect(info.Title).toContain(lang === 'zh-CN' ? '罗湖区测试项目' : 'Luohu test project');
      expect(info.Author).toBe(lang === 'zh-CN' ? '李工' : 'Li Na');
      expect(info.Creator).toMatch(/^VoxWatch \d+\.\d+\.\d+/);
      expect(rendered.bytes).toBe(readFileSync(file).length);
    });

    it('reports progress once per change section', () => {
      const n = result.changes.length;
      expect(progress.map((p) => p.done)).toEqual(Array.from({ length: n + 1 }, (_, i) => i));
      expect(progress.every((p) => p.total === n)).toBe(true);
    });

    it('keeps every value on the cover with its unit, on one line', () => {
      // pdftotext gives each laid-out line as a line: a wrapped value ends up on two.
      const lines = pdfText(file).split('\n');
      const items =
        lang === 'zh-CN'
          ? ['体素边长 0.5 m', '最小面积 6 m²', '最小高差 1.2 m', '层高 3 m', '最低观测比例 50 %', '分块缓冲 64 m']
          : ['voxel 0.5 m', 'min. area 6 m²', 'min. height change 1.2 m', 'storey height 3 m', 'min. coverage 50 %', 'tile halo 64 m'];
      const a = input(lang).run.alignment;
      expect(a).not.toBeNull();
      items.push(S.alignmentValue('', a!.residualMedianAbs.toFixed(3))[1]);
      for (const item of items)
        expect(
          lines.some((l) => l.includes(item)),
          item,
        ).toBe(true);
      // Nor is a separator left alone on a line of its own.
      expect(lines.filter((l) => /^[ ·,，;]+$/.test(l))).toEqual([]);
    });

    it('says plainly that the false positive is left out of the figures', () => {
      const text = flat(pdfText(file));
      const n = result.changes.length;
      if (lang === 'zh-CN') {
        expect(text).toContain(`本报告共列出 ${n} 个图斑，其中 1 个核查为误报。其余 ${n - 1} 个图斑新增体积`);
        expect(text).toContain('除“按核查结论”统计外，各项数字均不计误报。');
      } else {
        expect(text).toContain(`This report lists ${n} changes, one of them marked false positive. The other ${n - 1} add`);
        expect(text).toContain('False positives are counted in the table by verdict only, in no other figure.');
        expect(text).not.toContain('counted in no figure but');
      }
    });

    it('lists a removal that rectified a case by what it is, not as a case status', () => {
      const text = flat(pdfText(file));
      expect(text).toContain(S.caseEvidenceGroup(S.proposals.rectified));
      expect(text).toContain(flat(S.caseEvidenceNote));
      expect(text).toContain(lang === 'zh-CN' ? '已立案违建已拆除（整改）' : 'Violation on the ledger: removed (rectified)');
      expect(text).not.toContain(lang === 'zh-CN' ? '案件核查依据' : 'Evidence for a case');
    });

    it('tells on the overview map that the background is an orthophoto', () => {
      expect(flat(pdfText(file))).toContain(S.mapOnOrthophoto('epoch-2'));
    });
  });

  describe.each(['zh-CN', 'en'] as const)('the ledger, in %s', (lang) => {
    const S = stringsFor(lang);
    // The report is written on 2025-03-05 (UTC+8); the district's later epoch was surveyed on 2024-09-01.
    const generatedAt = '2025-03-05T02:00:00Z';
    let pages: string[];
    const byId = (id: string) => result.changes.find((c) => c.id === id)!;
    const pageOf = (id: string) => {
      const n = result.changes.findIndex((c) => c.id === id);
      return pages.find((p) => p.includes(S.changeTitle(n + 1, id)) && p.includes(S.metrics))!;
    };
    /** A row of the table by case status as pdftotext reads it: name, count, added, removed, area. */
    const row = (name: string, ids: string[]) => {
      const cs = ids.map(byId);
      const added = cs.reduce((a, c) => a + Math.max(0, c.volume_m3), 0);
      const removed = cs.reduce((a, c) => a - Math.min(0, c.volume_m3), 0);
      const area = cs.reduce((a, c) => a + c.area_m2, 0);
      return `${name} ${cs.length} ${formatDecimal(added)} ${formatDecimal(removed)} ${formatDecimal(area)}`;
    };

    beforeAll(async () => {
      // C001 height decrease and C002 demolition, confirmed; C003 new building, permitted; C004 rooftop
      // structure, confirmed and no case yet; C005 storeys added, unreviewed; C006 extension, confirmed,
      // its case rectified by a later run (2, epoch-3) than this report's.
      const verdicts: Record<string, Partial<ChangeReview>> = {
        C001: { verdict: 'confirmed' },
        C002: { verdict: 'confirmed' },
        C003: { verdict: 'permitted', permitStatus: 'permitted' },
        C004: { verdict: 'confirmed' },
        C006: { verdict: 'confirmed', case: { id: 6, status: 'rectified', dueDate: null, subDistrict: null } },
      };
      expect(result.changes.map((c) => [c.id, c.type])).toEqual([
        ['C001', 'height_decrease'],
        ['C002', 'demolished'],
        ['C003', 'new_building'],
        ['C004', 'rooftop_structure'],
        ['C005', 'storeys_added'],
        ['C006', 'extension'],
      ]);
      const base = reportInputFromDetection(
        result,
        { projectName: 'ledger', lang, runId: 1, generatedAt, after: { label: 'epoch-2', date: '2024-09-01' } },
        new Map(Object.entries(verdicts)),
      );
      const changes = base.changes.map((c) =>
        c.id === 'C006' ? { ...c, caseBasis: { runId: 2, label: 'epoch-3', date: '2024-10-01' } } : c,
      );
      const file = join(out, `ledger-${lang}.pdf`);
      await renderReport({ ...base, changes }, file);
      pages = pdfText(file).split('\f').map(flat);
    });

    it('says a removal, a permitted change and a false positive need no case, apart from a confirmed addition without one', () => {
      const summary = pages.find((p) => p.includes(S.byCaseStatus))!;
      expect(summary).toContain(row(S.noCaseNeeded, ['C001', 'C002', 'C003']));
      expect(summary).toContain(row(S.noCase, ['C004']));
      expect(summary).toContain(row(S.caseUndecided, ['C005']));
      for (const id of ['C001', 'C002', 'C003']) {
        expect(pageOf(id), id).toContain(S.noCaseNeeded);
        expect(pageOf(id), id).not.toContain(S.caseUndecided);
      }
      expect(pageOf('C004')).toContain(S.noCase);
      expect(pageOf('C004')).not.toContain(S.noCaseNeeded);
      expect(pageOf('C005')).toContain(S.caseUndecided);
      if (lang === 'zh-CN') {
        expect(summary).toMatch(/无需立案 3 /);
        expect(summary).toMatch(/ 未立案 1 /);
        expect(pageOf('C002')).toContain('无需立案');
      }
    });

    it('dates the case status to the day the report was written, and names the later run that rectified a case', () => {
      const summary = pages.find((p) => p.includes(S.byCaseStatus))!;
      expect(summary).toContain(S.caseStatusAsOf('2025-03-05'));
      // Chinese wraps anywhere: pdftotext puts a space at each line end.
      const squash = (t: string) => t.replace(/\s+/g, '');
      expect(squash(summary)).toContain(squash(S.caseStatusNote('2025-03-05', 'epoch-2')));
      const c6 = pageOf('C006');
      expect(c6).toContain(lang === 'zh-CN' ? '截至 2025-03-05' : 'as of 2025-03-05');
      expect(c6).toContain(
        lang === 'zh-CN'
          ? '案件 6 · 已整改（据检测批次 2：epoch-3 2024-10-01 航摄）'
          : 'Case 6 · Rectified (shown by run 2, epoch-3 surveyed 2024-10-01)',
      );
    });

    it('explains its indicators on one page of their own, with the run’s storey height', () => {
      const at = pages.findIndex((p) => p.startsWith(`${S.guideTitle} `));
      expect(at).toBeGreaterThan(-1);
      const guide = pages[at];
      for (const [term, text] of S.guide(guideFor())) {
        expect(guide, term).toContain(term);
        expect(guide.replace(/\s+/g, ''), term).toContain(text.replace(/\s+/g, ''));
      }
      expect(guide).toContain('(2G − R − B) / (R + G + B)');
      expect(guide).toContain(lang === 'zh-CN' ? '本批次 3 m，默认 3 m' : '3 m in this run; 3 m by default');
      expect(guide).toContain(lang === 'zh-CN' ? '残差小于 0.12 m' : 'below 0.12 m is planar');
      // The whole of it on that page (the last explanation above too): the next starts the first change.
      expect(pages[at + 1]).toContain(S.changeTitle(1, 'C001'));
      // Listed in the contents.
      expect(pages.find((p) => p.includes(S.contents))).toContain(S.guideTitle);
    });
  });

  /** The figures the guide quotes for the generated district's run (0.5 m voxels, 3 m storeys, 50 % coverage). */
  function guideFor(): Parameters<ReturnType<typeof stringsFor>['guide']>[0] {
    return {
      storeyHeight: '3 m',
      defaultStoreyHeight: '3 m',
      planar: '0.12 m',
      rough: '0.15 m',
      minCoverage: '50 %',
      vegetationScore: '2.5',
      exg: { greenish: '0.05', green: '0.12', strong: '0.25', notVegetation: '−0.15' },
      asOf: '2025-03-05',
    };
  }

  it('quotes the run’s own storey height in its guide', async () => {
    const file = join(out, 'storeys.pdf');
    const base = input('en', { only: [result.changes[0].id] });
    await renderReport({ ...base, run: { ...base.run, parameters: { ...base.run.parameters, storeyHeight: 2.8, voxel: 1 } } }, file);
    const text = flat(pdfText(file));
    expect(text).toContain('Mean height change ÷ storey height (2.8 m in this run; 3 m by default)');
    // At 1 m voxels a plane fits 2 m windows: the planar limit doubles with the roughness scale.
    expect(text).toContain('whose residual is below 0.24 m is planar');
  });

  it('works without orthophotos: hillshades instead, and says so', async () => {
    const file = join(out, 'no-ortho.pdf');
    const r = await renderReport(input('zh-CN', { before: { label: 'epoch-1' }, after: { label: 'epoch-2' } }), file);
    const S = stringsFor('zh-CN');
    const text = flat(pdfText(file));
    expect(text).toContain(S.mapOnHillshade('epoch-2'));
    expect(text).toContain(S.hillshadeNote(S.noOrthophoto));
    expect(text).toContain(S.surfaceAfter('epoch-2'));
    for (const c of result.changes) expect(text).toContain(formatVolume(c.volume_m3));
    expect(renderPages(file).pngs).toBe(r.pages);
  });

  it('draws "no orthophoto here" where an orthophoto does not reach, and names unreadable ones', async () => {
    // An orthophoto of a 20 m corner of the district only: the changes outside it have none.
    const d = generateDistrict({ seed: 5, size: 140 });
    const corner = join(out, 'corner.tif');
    const rgb = new Uint8Array(200 * 200 * 3).fill(128);
    await writeFile(
      corner,
      encodeGeoTiffRgb({ width: 200, height: 200, rgb, originX: d.extent.minX, originY: d.extent.minY + 20, pixelSize: 0.1, epsg: 4547 }),
    );
    const broken = join(out, 'broken.tif');
    await writeFile(broken, 'not a tiff');
    const file = join(out, 'partial-ortho.pdf');
    await renderReport(
      input('en', { before: { label: 'epoch-1', orthophoto: corner }, after: { label: 'epoch-2', orthophoto: broken } }),
      file,
    );
    const text = flat(pdfText(file));
    const S = stringsFor('en');
    expect(text).toContain(S.noOrthophotoHere);
    expect(text).toContain(S.hillshadeNote(S.orthophotoUnreadable));
    // The cover says which file and why.
    expect(text).toContain(`${broken}: is not a readable TIFF file`);
    // A corner is no map of the district: the overview falls back to the hillshade.
    expect(text).toContain(S.mapOnHillshade('epoch-2'));
    expect(text).not.toContain(S.mapOnOrthophoto('epoch-1'));
  });

  it('renders a report with no changes (an empty filter)', async () => {
    const file = join(out, 'empty.pdf');
    const r = await renderReport(input('en', { only: [], filter: 'verdict = confirmed, zone = farmland' }), file);
    const text = flat(pdfText(file));
    const S = stringsFor('en');
    expect(text).toContain(S.noChanges);
    expect(text).toContain('verdict = confirmed, zone = farmland');
    expect(r.pages).toBe(4); // cover, contents, summary, overview
    expect(renderPages(file).pngs).toBe(4);
  });

  it('says, in Chinese, that a run with no changes compared little, and gives its warnings in Chinese', async () => {
    const file = join(out, 'unseen.pdf');
    const base = input('zh-CN', { only: [] });
    const warning =
      'both epochs saw only 4 % of the compared area at 0.5 m voxels: no change can be found in the rest (water returns nothing; sparse points need a larger voxel)';
    await renderReport({ ...base, filter: null, run: { ...base.run, warnings: [warning] } }, file);
    const text = flat(pdfText(file));
    expect(text).toContain(flat(stringsFor('zh-CN').noChangesUnseen('4')));
    expect(text).not.toContain('both epochs saw only');
    expect(text).toContain('两期仅共同观测到比对范围的 4%');
  });

  it('renders only the selected changes, in the order given', async () => {
    const ids = result.changes.map((c) => c.id);
    const pick = [ids[2], ids[0]];
    const file = join(out, 'selection.pdf');
    await renderReport(input('en', { only: pick, filter: 'two picked' }), file);
    const text = flat(pdfText(file));
    for (const id of ids) {
      if (pick.includes(id)) expect(text).toContain(`Change ${id}`);
      else expect(text).not.toContain(`Change ${id}`);
    }
    expect(text.indexOf(`1. Change ${pick[0]}`)).toBeGreaterThan(-1);
    expect(text.indexOf(`2. Change ${pick[1]}`)).toBeGreaterThan(-1);
  });

  it('uses a 3D snapshot from the app when one is given', async () => {
    const sharp = (await import('sharp')).default;
    const snapshot = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ff00ff' } })
      .png()
      .toBuffer();
    const id = result.changes[0].id;
    const file = join(out, 'snapshot.pdf');
    await renderReport(input('en', { only: [id], snapshots: new Map([[id, new Uint8Array(snapshot)]]) }), file);
    const text = flat(pdfText(file));
    expect(text).toContain(stringsFor('en').view3dSnapshot);
    expect(text).not.toContain(stringsFor('en').view3d);
  });

  it('cancels on the signal and leaves no file behind', async () => {
    const file = join(out, 'cancelled.pdf');
    const controller = new AbortController();
    const run = renderReport(input('en'), file, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 1) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(existsSync(file)).toBe(false);
  });

  it('names the path when the output cannot be written', async () => {
    const file = join(out, 'no-such-folder', 'report.pdf');
    const run = renderReport(input('en'), file);
    await expect(run).rejects.toBeInstanceOf(SourceError);
    await expect(renderReport(input('en'), file)).rejects.toThrow(`${file}: cannot be written: its folder does not exist`);
    await expect(renderReport(input('en'), out)).rejects.toThrow(`${out}: is a folder, not a file`);
  });
});
