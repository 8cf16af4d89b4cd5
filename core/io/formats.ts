import { extname } from 'node:path';
import { LasFormat, type ReadOptions } from './las/reader';
import { openFileSource } from './source';
import { SourceError, type PointChunk } from './types';

/**
 * What every epoch reader declares, in the style of loaders.gl's loader objects: a name, the
 * extensions and magic bytes that identify its files, a cheap look at the file's facts, and a
 * streaming parse into PointChunks. GeoTIFF DSMs and meshes will add descriptors of this shape.
 */
export interface PointFormatDescriptor<Info = unknown> {
  id: string;
  name: string;
  extensions: string[];
  /** Leading bytes of every file of this format, when it has a signature. */
  magic?: number[];
  test(head: Uint8Array): boolean;
  readInfo(path: string): Promise<Info>;
  parseInBatches(path: string, options?: ReadOptions): AsyncGenerator<PointChunk>;
}

export const POINT_FORMATS: PointFormatDescriptor[] = [LasFormat];

/**
 * Picks the reader for a file by its leading bytes (a renamed file still works), falling back
 * to its extension; a file nothing recognises is refused by name.
 */
export async function detectPointFormat(path: string): Promise<PointFormatDescriptor> {
  const source = await openFileSource(path);
  let head: Uint8Array;
  try {
    head = await source.read(0, 16);
  } finally {
    await source.close();
  }
  const byMagic = POINT_FORMATS.find((f) => f.test(head));
  if (byMagic) return byMagic;
  const ext = extname(path).slice(1).toLowerCase();
  const byExt = POINT_FORMATS.find((f) => f.extensions.includes(ext));
  if (byExt) return byExt;
  if (head.length === 0) throw new SourceError(path, 'empty file (0 bytes)');
  const known = POINT_FORMATS.map((f) => f.extensions.map((e) => '.' + e).join('/')).join(', ');
  throw new SourceError(path, `not a point-cloud format VoxWatch reads (${known})`);
}
