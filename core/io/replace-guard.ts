/**
 * An export or a report replaces only a file of its own kind: `--out last-month.voxwatch` or `--out epoch-3.las`, a
 * slip of the hand, must not turn a project or a survey into a PDF. An existing file is judged by its first bytes.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { SourceError } from './types';

export type WrittenKind = 'pdf' | 'gpkg' | 'csv' | 'geojson';

const KINDS: { kind: string; test: (head: Buffer) => boolean }[] = [
  { kind: 'a PDF', test: (h) => h.subarray(0, 5).toString('latin1') === '%PDF-' },
  { kind: 'a GeoPackage', test: (h) => isSqlite(h) && h.readUInt32BE(68) === 0x47504b47 },
  { kind: 'a VoxWatch project', test: (h) => isSqlite(h) && h.readUInt32BE(68) === 0x56585754 },
  { kind: 'an SQLite database', test: isSqlite },
  { kind: 'a LAS/LAZ point cloud', test: (h) => h.subarray(0, 4).toString('latin1') === 'LASF' },
  { kind: 'a TIFF image', test: (h) => ['II*\0', 'MM\0*'].includes(h.subarray(0, 4).toString('latin1')) },
  { kind: 'a ZIP file (an Office document?)', test: (h) => h.subarray(0, 4).toString('latin1') === 'PK\x03\x04' },
];

function isSqlite(h: Buffer): boolean {
  return h.length >= 72 && h.subarray(0, 16).toString('latin1') === 'SQLite format 3\0';
}

/** What an existing file is ('text' for one without NUL bytes in its first 4 KiB, null for other binary files), and its start. */
function kindOf(path: string): { kind: string | null; head: string } {
  const head = Buffer.alloc(4096);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const h = head.subarray(0, n);
  const known = KINDS.find((k) => k.test(h));
  return { kind: known?.kind ?? (h.includes(0) ? null : 'text'), head: h.toString('utf8', 0, 64) };
}

/** What each writer may replace: a file it could have written itself (for text, an earlier VoxWatch export). */
const REPLACES: Record<WrittenKind, { what: string; mayReplace: (kind: string | null, head: string) => boolean }> = {
  pdf: { what: 'a PDF report', mayReplace: (k) => k === 'a PDF' },
  gpkg: { what: 'a GeoPackage', mayReplace: (k) => k === 'a GeoPackage' },
  csv: { what: 'a CSV export', mayReplace: (k, head) => k === 'text' && head.replace(/^\uFEFF/, '').startsWith('change_id,') },
  geojson: { what: 'a GeoJSON export', mayReplace: (k, head) => k === 'text' && head.startsWith('{"type":"FeatureCollection"') },
};

export function refuseToReplace(outPath: string, writing: WrittenKind): void {
  if (!Object.hasOwn(REPLACES, writing)) return; // an unknown format is refused by its writer
  let size: number;
  try {
    const s = statSync(outPath);
    if (s.isDirectory()) throw new SourceError(outPath, 'is a folder: name the file to write');
    size = s.size;
  } catch (e) {
    if (e instanceof SourceError) throw e;
    return; // nothing there yet
  }
  if (size === 0) return;
  const { kind, head } = kindOf(outPath);
  if (REPLACES[writing].mayReplace(kind, head)) return;
  const is = kind === 'text' ? 'a text file VoxWatch did not write' : (kind ?? 'a file of another kind');
  throw new SourceError(
    outPath,
    `already exists and is ${is}: VoxWatch will not replace it with ${REPLACES[writing].what}; choose another name`,
  );
}
