/**
 * The PDF change report (pdfkit): cover, contents, summary, overview map and one section per change.
 * Pages are buffered so that the contents and the "page n of N" footers can be written last.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import PDFDocument from 'pdfkit';
import { toWgs84 } from '../geo/wgs84';
import { SourceError } from '../io/types';
import { prepareChangeImages, type ChangeImages } from './change-images';
import { changePage } from './change-page';
import { contentsPages, fillContents, reserveContents } from './contents';
import { abortError, throwIfAborted, type RenderContext } from './context';
import { coverPage } from './cover';
import { reportFonts } from './fonts';
import { guidePage } from './guide-page';
import { stringsFor } from './i18n';
import { FONT, footers, PAGE } from './layout';
import type { ReportInput } from './model';
import { ObliqueThread } from './oblique-thread';
import { EpochOrthophoto } from './orthophotos';
import { overviewPage } from './overview-page';
import { summaryPages } from './summary-pages';

/** Change sections whose images are in preparation at once. */
const PREFETCH = 3;

export interface RenderHooks {
  /** After the fixed pages (done 0) and after each change section. */
  onProgress?(p: { done: number; total: number }): void;
  signal?: AbortSignal;
}

export interface RenderResult {
  pages: number;
  bytes: number;
}

/**
 * Renders the report to `outPath`. On cancel (signal) or any error the partial file is deleted;
 * an output path that cannot be written is a SourceError naming it.
 */
export async function renderReport(input: ReportInput, outPath: string, hooks: RenderHooks = {}): Promise<RenderResult> {
  throwIfAborted(hooks.signal);
  const S = stringsFor(input.lang);
  const fonts = reportFonts();
  const out = await openOutput(outPath);
  const ortho = {
    before: await EpochOrthophoto.open(input.run.before.orthophoto, input.project.crs),
    after: await EpochOrthophoto.open(input.run.after.orthophoto, input.project.crs),
  };
  const title = `${S.title} — ${input.project.name}`;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin },
    bufferPages: true,
    autoFirstPage: false,
    compress: true,
    lang: input.lang,
    displayTitle: true,
    info: {
      Title: title,
      Author: input.project.author ?? input.run.software,
      Subject: `${input.run.before.label} → ${input.run.after.label}${input.project.district ? `, ${input.project.district}` : ''}`,
      Keywords: 'VoxWatch, building change, 3D, point cloud',
      Creator: input.run.software,
      CreationDate: new Date(input.generatedAt),
    },
  });
  const written = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  doc.pipe(out);
  const warnings = [ortho.before, ortho.after].filter((o) => o.problem?.kind === 'unreadable').map((o) => o.problem!.detail);
  const oblique = new ObliqueThread();
  const ctx: RenderContext = {
    doc,
    input,
    S,
    toWgs84: toWgs84(input.project.crs),
    ortho,
    oblique,
    contents: [],
    warnings,
    signal: hooks.signal,
  };
  try {
    doc.registerFont(FONT.regular, fonts.regular);
    doc.registerFont(FONT.bold, fonts.bold);
    coverPage(ctx);
    // Summary, overview, then (when there are changes to read) the guide and each change.
    const contentsAt = reserveContents(ctx, contentsPages(2 + (input.changes.length ? 1 + input.changes.length : 0)));
    const contentsCount = doc.bufferedPageRange().count - contentsAt;
    summaryPages(ctx);
    await overviewPage(ctx);
    const total = input.changes.length;
    if (total) guidePage(ctx);
    hooks.onProgress?.({ done: 0, total });
    if (total) doc.outline.addItem(ctx.S.changeSections);
    // The images of the next few changes are prepared while this one is drawn.
    const ahead: Promise<ChangeImages>[] = [];
    const prefetch = (k: number) => {
      if (k >= total) return;
      const p = prepareChangeImages(ctx, input.changes[k]);
      // A failed prefetch must not surface as an unhandled rejection if we stop first.
      p.catch(() => undefined);
      ahead.push(p);
    };
    for (let k = 0; k < PREFETCH; k++) prefetch(k);
    for (let i = 0; i < total; i++) {
      const images = await ahead.shift()!;
      throwIfAborted(hooks.signal);
      prefetch(i + PREFETCH);
      changePage(ctx, input.changes[i], i, images);
      hooks.onProgress?.({ done: i + 1, total });
    }
    fillContents(ctx, contentsAt, contentsCount);
    footers(doc, title, S.page);
    const pages = doc.bufferedPageRange().count;
    doc.flushPages();
    doc.end();
    await written;
    return { pages, bytes: (await stat(outPath)).size };
  } catch (e) {
    // Stop feeding the file (pdfkit may still have writes queued), close it, then delete it.
    doc.unpipe(out);
    await new Promise<void>((resolve) => {
      out.once('close', resolve);
      out.end();
    });
    await unlink(outPath).catch(() => undefined);
    if (hooks.signal?.aborted && !(e instanceof Error && e.name === 'AbortError')) throw abortError();
    throw e;
  } finally {
    await oblique.close();
    await ortho.before.close();
    await ortho.after.close();
  }
}

/** Opens the output file, turning the usual failures into a message naming the path. */
async function openOutput(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'cannot be written: its folder does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be written: permission denied'
          : code === 'EISDIR'
            ? 'is a folder, not a file'
            : `cannot be written (${(e as Error).message})`;
    throw new SourceError(path, why);
  }
  return stream;
}
