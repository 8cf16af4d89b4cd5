/** What every page of one report render shares. */
import type { ToWgs84 } from '../geo/wgs84';
import type { ReportStrings } from './i18n';
import type { Doc } from './layout';
import type { ReportInput } from './model';
import type { ObliqueThread } from './oblique-thread';
import type { EpochOrthophoto } from './orthophotos';

export interface ContentsEntry {
  title: string;
  /** Named destination the entry links to. */
  dest: string;
  /** 0-based page index where the section starts. */
  page: number;
  /** Indented under the previous top-level entry. */
  child: boolean;
}

export interface RenderContext {
  doc: Doc;
  input: ReportInput;
  S: ReportStrings;
  toWgs84: ToWgs84 | null;
  ortho: { before: EpochOrthophoto; after: EpochOrthophoto };
  oblique: ObliqueThread;
  contents: ContentsEntry[];
  /** Problems found while rendering (an unreadable orthophoto), shown on the cover with the run's warnings. */
  warnings: string[];
  signal?: AbortSignal;
}

/** Starts a new page and returns the top of its content area. */
export function newPage(ctx: RenderContext): number {
  ctx.doc.addPage();
  return ctx.doc.page.margins.top;
}

/** Marks the current page as the start of a section: a contents entry, a link target and a bookmark. */
export function startSection(ctx: RenderContext, title: string, dest: string, child: boolean): void {
  const doc = ctx.doc;
  doc.addNamedDestination(dest);
  ctx.contents.push({ title, dest, page: doc.bufferedPageRange().start + doc.bufferedPageRange().count - 1, child });
}

export function abortError(): Error {
  const e = new Error('cancelled');
  e.name = 'AbortError';
  return e;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

/** "CGCS2000 / 3-degree Gauss-Kruger CM 114E (EPSG:4547)", or null when unknown. */
export function crsLabel(ctx: RenderContext): string | null {
  const crs = ctx.input.project.crs;
  if (!crs) return null;
  const code = crs.epsg !== undefined ? `EPSG:${crs.epsg}` : null;
  if (crs.name && code) return `${crs.name} (${code})`;
  return crs.name ?? code;
}
