/**
 * The PDF change report (pdfkit): cover, contents, summary, overview map and one section per change.
 * Pages are buffered so that the contents and the "page n of N" footers can be written last.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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
 * Renders the report to `outPath`. It is written beside it under a hidden name and takes its name only when whole: a
 * cancel, a full disk or any error deletes the partial file and leaves an earlier report of that name as it was. An
 * output path that cannot be written is a SourceError naming it.
 */
export async function renderReport(input: ReportInput, outPath: string, hooks: RenderHooks = {}): Promise<RenderResult> {
  throwIfAborted(hooks.signal);
  const S = stringsFor(input.lang);
  const fonts = reportFonts();
  const partial = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(4).toString('hex')}.part`);
  const out = await openOutput(partial, outPath);
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
  written.catch(() => undefined); // a write that fails early (disk full) is answered at the end, not as an unhandled rejection
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
    await rename(partial, outPath);
    return { pages, bytes: (await stat(outPath)).size };
  } catch (e) {
    // Stop feeding the file (pdfkit may still have writes queued), close it, then delete it.
    doc.unpipe(out);
    // A stream that failed (disk full) is closed already, and would never say so again.
    if (!out.closed) {
      await new Promise<void>((resolve) => {
        out.once('close', resolve);
        out.end();
      });
    }
    await unlink(partial).catch(() => undefined);
    if (hooks.signal?.aborted && !(e instanceof Error && e.name === 'AbortError')) throw abortError();
    throw writeProblem(e, outPath);
  } finally {
    await oblique.close();
    await ortho.before.close();
    await ortho.after.close();
  }
}

/** A failure of the file system while writing, as a message naming the report's path; other errors as they are. */
function writeProblem(e: unknown, outPath: string): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new SourceError(outPath, 'cannot be written: the disk is full (nothing was replaced; free some space and export again)');
  if (code === 'EIO') return new SourceError(outPath, 'cannot be written: the disk failed (I/O error); nothing was replaced');
  return e;
}

/** Opens the partial file beside `shown`, turning the usual failures into a message naming `shown`. */
async function openOutput(path: string, shown: string): Promise<WriteStream> {
  let existing;
  try {
    existing = await stat(shown);
  } catch {
    existing = null;
  }
  if (existing?.isDirectory()) throw new SourceError(shown, 'is a folder, not a file');
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
    throw new SourceError(shown, why);
  }
  return stream;
}
