import { join } from 'node:path';
import { writeSampleDistrict } from '../../samples/generator/index';
import { cachedDir } from '../fixtures/cache';
import { secs } from '../format';
import { runIsolated } from '../isolate';
import type { ReportRun } from '../types';

const VERSION = 'v1';

/** Section d: the PDF report of many changes (the issue's figure: 200 changes in ≤ 20 s and ≤ 30 MB). */
export async function reportSection(workDir: string, changes: number, log: (line: string) => void): Promise<ReportRun> {
  log(`PDF report (${changes} changes replicated over the sample district, with orthophotos)`);
  const { dir, manifest, fresh } = await cachedDir(workDir, `report-district-${VERSION}`, async (d) => {
    const t0 = performance.now();
    const m = await writeSampleDistrict(d, { seed: 1, size: 300 });
    return { extent: m.extent, generatedMs: Math.round(performance.now() - t0) };
  });
  log(`  sample district (300 m, orthophotos) ${fresh ? `generated in ${secs(manifest.generatedMs)}` : 'from the cache'}`);
  const runs: ReportRun['runs'] = [];
  for (const lang of ['zh-CN', 'en'] as const) {
    const out = join(workDir, `report-${changes}-${lang}.pdf`);
    const r = await runIsolated({ kind: 'report', dir, extent: manifest.extent, changes, lang, out }, log);
    const t = r.timing;
    log(
      `  ${lang.padEnd(6)} ${r.changes} changes, ${r.pages} pages, ${(r.bytes / 1e6).toFixed(1)} MB in ${secs(t.bestMs)}` +
        ` (CPU ${secs(t.cpuMsPerRun)}, other work ${t.busyCoresBefore ?? '?'} cores before, ${t.otherCoresDuring ?? '?'} during; peak RSS ${t.maxRssMiB.toFixed(0)} MiB)`,
    );
    runs.push({ lang, out, pages: r.pages, bytes: r.bytes, changes: r.changes, timing: t });
  }
  return { changes, runs };
}
