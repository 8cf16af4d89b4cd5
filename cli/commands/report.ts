import type { ReportLang } from '../../core/report/model';
import { LocalProject } from '../../core/store/project';
import { UsageError } from '../usage-error';
import { parseFilter } from '../filter';
import { progressBar } from '../progress';
import { VERSION } from '../version';
import { abortOnSignals } from '../interrupt';

export interface ReportCliOptions {
  out: string;
  run?: string;
  lang?: string;
  filter?: string;
  author?: string;
}

/** `voxwatch report <project>`: the PDF change report of a run (all changes or a selection). */
export async function reportCommand(file: string, o: ReportCliOptions): Promise<number> {
  const lang = (o.lang ?? 'zh-CN') as ReportLang;
  if (lang !== 'zh-CN' && lang !== 'en') throw new UsageError(`--lang "${o.lang}" is not zh-CN or en`);
  const runId = o.run === undefined ? undefined : Number(o.run);
  if (runId !== undefined && !Number.isInteger(runId)) throw new UsageError(`--run expects a run number, got "${o.run}"`);
  const query = parseFilter(o.filter);
  const project = LocalProject.open(file, `VoxWatch ${VERSION}`);
  const controller = new AbortController();
  const stopListening = abortOnSignals(controller);
  const bar = progressBar('report', '');
  try {
    const t0 = performance.now();
    const r = await project.exportReport(
      runId,
      { lang, query, author: o.author, outPath: o.out },
      { signal: controller.signal, onProgress: (p) => bar.update(p.done, p.total, 'change sections') },
    );
    bar.stop();
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    process.stdout.write(
      `wrote ${o.out}: run ${r.runId}, ${r.changes} change(s), ${r.pages} pages, ${(r.bytes / 2 ** 20).toFixed(1)} MB (${secs} s)\n`,
    );
    return 0;
  } finally {
    bar.stop();
    stopListening();
    await project.close();
  }
}
