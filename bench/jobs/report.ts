import { detectChanges } from '../../core/detect';
import type { ReportLang } from '../../core/report/model';
import { renderReport } from '../../core/report/render';
import { benchReportInput } from '../fixtures/report-input';
import { timeJob } from '../measure';
import type { ReportJobResult } from './index';

/**
 * renderReport on `changes` changes replicated over the sample district (the detection that feeds
 * it is not timed). One cold run, as a user waits for it; `points` in the timing are pages.
 */
export async function reportJob(
  dir: string,
  extent: { minX: number; minY: number; maxX: number; maxY: number },
  changes: number,
  lang: ReportLang,
  out: string,
): Promise<ReportJobResult> {
  const result = await detectChanges({ files: [`${dir}/epoch-1.las`] }, { files: [`${dir}/epoch-2.las`] });
  const input = benchReportInput(result, dir, lang, changes, extent);
  let rendered = { pages: 0, bytes: 0 };
  const timing = await timeJob(
    async () => {
      rendered = await renderReport(input, out);
      return rendered.pages;
    },
    { repeats: 1, warmup: false },
  );
  return { timing, pages: rendered.pages, bytes: rendered.bytes, changes: input.changes.length, districtChanges: result.changes.length };
}
