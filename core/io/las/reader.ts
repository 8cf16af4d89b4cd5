import { crsFromGeoKeys, crsFromWkt, describeCrs, parseGeoKeyDirectory } from '../../geo/crs';
import { wktMatchesEpsg } from '../../geo/wkt-match';
import { sharedLazPool, type DecodedPoints, type LazDecoderPool } from '../laz/decoder-pool';
import { decodeChunkTable, parseLaszipVlr, type ChunkTable, type LaszipInfo } from '../laz/laszip';
import { openFileSource, type ByteSource } from '../source';
import { SourceError, type CrsInfo, type PointChunk } from '../types';
import type { PointFormatDescriptor } from '../formats';
import { headerBoundsPlausible, parseLasHeader, parseVlrs, type LasHeader, type Vlr } from './header';
import {
  ALL_FIELDS,
  chunkBuffersOf,
  decodeRecords,
  maxColourComponent,
  recordLayout,
  type ChunkBuffers,
  type DecodeParams,
  type PointField,
} from './records';

/** Everything known about a LAS/LAZ file without reading its points. */
export interface LasFileInfo {
  file: string;
  fileSize: number;
  header: LasHeader;
  vlrs: Vlr[];
  crs?: CrsInfo;
  laszip?: LaszipInfo;
  /** Set for LAZ files: chunk boundaries (also lets later work decode chunks in parallel). */
  chunkTable?: ChunkTable;
  /** False when the header bounds cannot be right (some writers store raw integers there). */
  headerBoundsPlausible: boolean;
  hasRgb: boolean;
  hasGpsTime: boolean;
  /** Problems the reader worked around; shown to the user. */
  warnings: string[];
}

export interface ReadOptions {
  /** Points per yielded chunk for uncompressed files (LAZ yields its own chunks). */
  batchSize?: number;
  /** Attributes to decode besides x, y, z. Default: all. */
  fields?: readonly PointField[];
  signal?: AbortSignal;
  /** Decoder threads for LAZ; defaults to the process-wide pool. */
  lazPool?: LazDecoderPool;
  /**
   * Decode every chunk into the same arrays (and read into the same buffers). Only for a
   * consumer that is finished with a chunk before it asks for the next one; much faster.
   */
  reuseBuffers?: boolean;
  /**
   * Buffers lent by a consumer that reads many files or ranges one after another (implies
   * `reuseBuffers`): each read would otherwise start with fresh pages, which is what costs.
   */
  workspace?: ReadWorkspace;
  /** Only the points first … first + count − 1, in file order (uncompressed LAS only). */
  range?: { first: number; count: number };
  /** Only these ranges of points, in this order (uncompressed LAS only): a tile's share of a file. */
  ranges?: { first: number; count: number }[];
}

/** What `ReadOptions.workspace` lends the reader: decoded arrays and the raw read buffers. */
export interface ReadWorkspace {
  chunk: ChunkBuffers;
  bytes: Uint8Array[];
}

export const newReadWorkspace = (): ReadWorkspace => ({ chunk: {}, bytes: [] });

/** A read buffer of at least `n` bytes from the workspace (slot `k`), or a fresh one without. */
function readBuffer(ws: ReadWorkspace | undefined, k: number, n: number): Uint8Array {
  if (!ws) return new Uint8Array(n);
  if (!ws.bytes[k] || ws.bytes[k].length < n) ws.bytes[k] = new Uint8Array(n);
  return ws.bytes[k];
}

const DEFAULT_BATCH = 1 << 18;
const LASZIP_USER = 'laszip encoded';
const LASZIP_RECORD = 22204;

/** An open LAS or LAZ file: its facts up front, its points as a stream of chunks. */
export class LasFile {
  /** 8 or 16, decided from the first batch read: files store colour either way in 16-bit fields. */
  private rgbBits: 8 | 16 | undefined;

  private constructor(
    private readonly source: ByteSource,
    readonly info: LasFileInfo,
  ) {}

  static async open(path: string): Promise<LasFile> {
    const source = await openFileSource(path);
    try {
      const info = await readInfo(source);
      return new LasFile(source, info);
    } catch (e) {
      await source.close();
      if (e instanceof SourceError) throw e;
      throw new SourceError(path, (e as Error).message);
    }
  }

  close(): Promise<void> {
    return this.source.close();
  }

  /** Streams the points. Never holds more than one batch (LAS) or a few chunks (LAZ) at a time. */
  async *chunks(options: ReadOptions = {}): AsyncGenerator<PointChunk> {
    const fields = options.fields ?? ALL_FIELDS;
    try {
      if (this.info.header.compressed) yield* this.lazChunks(fields, options);
      else yield* this.lasChunks(fields, options);
    } catch (e) {
      if (e instanceof SourceError || (e as Error).name === 'AbortError') throw e;
      throw new SourceError(this.info.file, (e as Error).message);
    }
  }

  private decode(records: Uint8Array, count: number, fields: readonly PointField[], reuse?: ChunkBuffers): PointChunk {
    if (this.rgbBits === undefined && this.info.hasRgb) {
      const h = this.info.header;
      const max = maxColourComponent(records, count, h.pointFormat, h.recordLength);
      this.rgbBits = max > 0 && max <= 255 ? 8 : 16;
    }
    return decodeRecords(records, count, this.decodeParams(fields), reuse);
  }

  private async *lasChunks(fields: readonly PointField[], options: ReadOptions): AsyncGenerator<PointChunk> {
    const reuse: ChunkBuffers | undefined = options.workspace?.chunk ?? (options.reuseBuffers ? {} : undefined);
    for await (const { bytes, count } of this.records(options)) yield this.decode(bytes, count, fields, reuse);
  }

  /**
   * The raw point records of an uncompressed file, batch by batch (in `ranges`, or `range`, or
   * all), for a consumer that decodes them itself (decodeParams); the buffers are reused when
   * `reuseBuffers` or `workspace` says so.
   */
  async *records(options: ReadOptions = {}): AsyncGenerator<{ bytes: Uint8Array; count: number }> {
    const h = this.info.header;
    if (h.compressed) throw new Error('raw point records are only read from uncompressed LAS');
    const batch = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
    const ws = options.workspace;
    // Two read buffers take turns: the next batch is read while this one is decoded.
    const buffers = ws || options.reuseBuffers ? [0, 1].map((k) => readBuffer(ws, k, batch * h.recordLength)) : [];
    let turn = 0;
    const readAt = (first: number, count: number) => {
      const into = buffers[turn++ % 2];
      const p = this.source
        .read(h.offsetToPointData + first * h.recordLength, count * h.recordLength, into)
        .then((bytes) => ({ bytes, count }));
      // Handled when awaited; until then a failure must not count as an unhandled rejection.
      p.catch(() => undefined);
      return p;
    };
    if (this.info.hasRgb && this.rgbBits === undefined) this.rgbBits = await this.sampleRgbBits();
    // Every batch to read, in order: the next one is read while this one is used.
    const batches: { first: number; count: number }[] = [];
    for (const r of options.ranges ?? [options.range ?? { first: 0, count: h.pointCount }]) {
      const start = Math.max(0, r.first);
      const end = Math.min(h.pointCount, start + r.count);
      for (let first = start; first < end; first += batch) batches.push({ first, count: Math.min(batch, end - first) });
    }
    let pending = batches.length > 0 ? readAt(batches[0].first, batches[0].count) : undefined;
    for (let b = 0; pending; b++) {
      throwIfAborted(options.signal);
      const { bytes, count } = await pending;
      if (bytes.length < count * h.recordLength) {
        const at = batches[b].first + Math.floor(bytes.length / h.recordLength);
        throw new Error(`truncated: the file ends at point ${at} of ${h.pointCount}`);
      }
      pending = b + 1 < batches.length ? readAt(batches[b + 1].first, batches[b + 1].count) : undefined;
      yield { bytes, count };
    }
  }

  /** How to decode this file's records (after `records` has started: the colour depth is judged then). */
  decodeParams(fields: readonly PointField[]): DecodeParams {
    const h = this.info.header;
    return {
      pointFormat: h.pointFormat,
      recordLength: h.recordLength,
      scale: h.scale,
      offset: h.offset,
      fields: this.info.hasRgb ? fields : fields.filter((f) => f !== 'rgb'),
      rgbBits: this.rgbBits ?? 16,
    };
  }

  /**
   * 8- or 16-bit colour, judged from records spread through the whole file: a dark first
   * batch of a 16-bit file must not make every later colour be scaled up as if it were 8-bit.
   */
  private async sampleRgbBits(): Promise<8 | 16> {
    const h = this.info.header;
    const block = Math.min(256, h.pointCount);
    let max = 0;
    for (let s = 0; s < 32 && block > 0; s++) {
      const first = Math.floor(((h.pointCount - block) * s) / 31);
      const bytes = await this.source.read(h.offsetToPointData + first * h.recordLength, block * h.recordLength);
      max = Math.max(max, maxColourComponent(bytes, Math.floor(bytes.length / h.recordLength), h.pointFormat, h.recordLength));
      if (max > 255) break;
    }
    return max > 0 && max <= 255 ? 8 : 16;
  }

  private async *lazChunks(fields: readonly PointField[], options: ReadOptions): AsyncGenerator<PointChunk> {
    const h = this.info.header;
    const table = this.info.chunkTable!;
    const pool = options.lazPool ?? sharedLazPool();
    // The decoder threads decode the records too: this thread only receives arrays.
    const points = {
      fields: [...(this.info.hasRgb ? fields : fields.filter((f) => f !== 'rgb'))],
      scale: [...h.scale] as [number, number, number],
      offset: [...h.offset] as [number, number, number],
    };
    const inFlight: Promise<DecodedPoints>[] = [];
    // Chunks the consumer is done with (it said so by asking for the next one, and reuses
    // buffers): their memory goes back to a decoder thread for a later chunk.
    const spare: PointChunk[] = [];
    const recycle = !!(options.reuseBuffers || options.workspace);
    let next = 0;
    const schedule = () => {
      const i = next++;
      const start = table.starts[i];
      const length = table.starts[i + 1] - start;
      const done = spare.pop();
      const p = this.source
        .read(start, length)
        .then((bytes) => pool.decodePoints(h.pointFormat, h.recordLength, table.counts[i], bytes, points, done && chunkBuffersOf(done)))
        .catch((e: Error) => {
          throw new Error(`LAZ chunk ${i + 1} of ${table.counts.length} cannot be decoded (${e.message})`);
        });
      // Chunks decode ahead of the consumer: a failure is reported when its turn comes, and
      // must not count as an unhandled rejection before then.
      p.catch(() => undefined);
      return p;
    };
    const depth = pool.size * 2;
    // Colour depth is judged on the first chunk read, so a LAZ file is read whole or not at all.
    if (options.range || options.ranges) throw new Error('point ranges are only read from uncompressed LAS');
    try {
      for (let i = 0; i < table.counts.length; i++) {
        throwIfAborted(options.signal);
        while (next < table.counts.length && inFlight.length < depth) inFlight.push(schedule());
        const { chunk, maxColour } = await inFlight.shift()!;
        if (this.info.hasRgb && this.rgbBits === undefined) this.rgbBits = maxColour > 0 && maxColour <= 255 ? 8 : 16;
        // 8-bit colour is scaled to 16 bits as decodeRecords does it.
        const rgb = chunk.rgb;
        if (rgb && this.rgbBits === 8) for (let k = 0; k < rgb.length; k++) rgb[k] = Math.min(65535, rgb[k] * 257);
        yield chunk;
        if (recycle) spare.push(chunk);
      }
    } finally {
      inFlight.length = 0;
    }
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const err = new Error('cancelled');
    err.name = 'AbortError';
    throw err;
  }
}

function u64(bytes: Uint8Array, at = 0): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(at, true));
}

async function readInfo(source: ByteSource): Promise<LasFileInfo> {
  const warnings: string[] = [];
  const head = await source.read(0, Math.min(source.size, 375));
  const header = parseLasHeader(head, source.size);
  if (header.offsetToPointData > source.size) {
    throw new Error(`truncated: the header puts the point data at byte ${header.offsetToPointData} but the file has ${source.size} bytes`);
  }
  const preamble = await source.read(0, header.offsetToPointData);
  const vlrs = parseVlrs(preamble, header, warnings);
  if (header.evlrCount && header.evlrStart) vlrs.push(...(await readEvlrs(source, header.evlrStart, header.evlrCount, warnings)));
  const crs = readCrs(vlrs, header, warnings);
  const layout = recordLayout(header.pointFormat);
  const info: LasFileInfo = {
    file: source.name,
    fileSize: source.size,
    header,
    vlrs,
    crs,
    headerBoundsPlausible: headerBoundsPlausible(header),
    hasRgb: layout.rgb !== undefined,
    hasGpsTime: layout.gpsTime !== undefined,
    warnings,
  };
  if (!info.headerBoundsPlausible)
    warnings.push('header bounds are not plausible for this scale and offset; bounds are taken from the points');
  if (header.compressed) await readLazIndex(source, info);
  else checkLasSize(source, header);
  return info;
}

function checkLasSize(source: ByteSource, header: LasHeader): void {
  const end = header.evlrStart && header.evlrStart >= header.offsetToPointData ? Math.min(header.evlrStart, source.size) : source.size;
  const fits = Math.floor(Math.max(0, end - header.offsetToPointData) / header.recordLength);
  if (fits < header.pointCount) {
    throw new Error(`truncated: the header declares ${header.pointCount} points but the file holds only ${fits}`);
  }
}

async function readEvlrs(source: ByteSource, start: number, count: number, warnings: string[]): Promise<Vlr[]> {
  const out: Vlr[] = [];
  let at = start;
  for (let i = 0; i < count; i++) {
    const head = await source.read(at, 60);
    if (head.length < 60) {
      warnings.push(`header declares ${count} EVLRs but only ${i} fit in the file`);
      break;
    }
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const userId = new TextDecoder().decode(head.subarray(2, 18)).replace(/\0.*$/s, '').trim();
    const recordId = view.getUint16(18, true);
    const length = Number(view.getBigUint64(20, true));
    if (at + 60 + length > source.size) {
      warnings.push(`EVLR ${i + 1} runs past the end of the file; it was ignored`);
      break;
    }
    // Only CRS and LASzip EVLRs are read whole: others (waveforms) can be gigabytes.
    const wanted = userId === 'LASF_Projection' || userId === LASZIP_USER;
    const data = wanted ? await source.read(at + 60, length) : new Uint8Array(0);
    const description = new TextDecoder().decode(head.subarray(28, 60)).replace(/\0.*$/s, '').trim();
    out.push({ userId, recordId, description, data, extended: true });
    at += 60 + length;
  }
  return out;
}

function readCrs(vlrs: Vlr[], header: LasHeader, warnings: string[]): CrsInfo | undefined {
  const find = (id: number) => vlrs.find((v) => v.userId === 'LASF_Projection' && v.recordId === id);
  const wktVlr = find(2112);
  const keysVlr = find(34735);
  const fromWkt = wktVlr ? crsFromWkt(new TextDecoder().decode(wktVlr.data), warnings) : undefined;
  let fromKeys: CrsInfo | undefined;
  if (keysVlr && keysVlr.data.length >= 8) {
    const d = keysVlr.data;
    const keys = new Uint16Array(d.buffer.slice(d.byteOffset, d.byteOffset + (d.byteLength & ~1)));
    const asciiVlr = find(34737);
    const ascii = asciiVlr ? new TextDecoder('latin1').decode(asciiVlr.data) : undefined;
    fromKeys = crsFromGeoKeys(parseGeoKeyDirectory(keys, ascii, warnings));
  } else if (keysVlr) {
    warnings.push('GeoTIFF key VLR is empty; ignored');
  }
  // LAS 1.4 R15 §2.4: point formats 6–10 must state their CRS as WKT, and the global-encoding WKT
  // bit makes the WKT the CRS for any format; otherwise (formats 0–5) the GeoTIFF keys are.
  const wktRules = (header.globalEncoding & 16) !== 0 || header.pointFormat >= 6;
  if (!wktRules) {
    if (fromWkt?.epsg && fromKeys?.epsg && fromWkt.epsg !== fromKeys.epsg) {
      warnings.push(
        `the WKT (EPSG:${fromWkt.epsg}) and the GeoTIFF keys (EPSG:${fromKeys.epsg}) disagree; using the GeoTIFF keys (point format ${header.pointFormat} without the WKT bit)`,
      );
    }
    // Keys that name no code give way to a WKT that may.
    if (fromKeys?.epsg === undefined && fromWkt) return fromWkt;
    return fromKeys && fromWkt ? { ...fromKeys, wkt: fromWkt.wkt } : fromKeys;
  }
  if (!fromWkt) return fromKeys;
  const wkt = fromWkt;
  if (fromKeys?.epsg === undefined || fromKeys.epsg === wkt.epsg) return wkt;
  // A WKT written without an AUTHORITY takes the keys' code only when it describes that very CRS.
  if (wkt.epsg === undefined && wkt.wkt && wktMatchesEpsg(wkt.wkt, fromKeys.epsg)) {
    return { ...wkt, epsg: fromKeys.epsg, name: fromKeys.name ?? wkt.name };
  }
  const why = (header.globalEncoding & 16) !== 0 ? 'the header marks the WKT as the CRS' : `point format ${header.pointFormat} requires it`;
  warnings.push(`the GeoTIFF keys (${describeCrs(fromKeys)}) and the WKT (${describeCrs(wkt)}) disagree; using the WKT (${why})`);
  return wkt;
}

async function readLazIndex(source: ByteSource, info: LasFileInfo): Promise<void> {
  const h = info.header;
  const vlr = info.vlrs.find((v) => v.userId === LASZIP_USER && v.recordId === LASZIP_RECORD);
  if (!vlr) throw new Error('the points are marked compressed but the file has no LASzip VLR');
  info.laszip = parseLaszipVlr(vlr.data, h.pointFormat, h.recordLength);
  // laz-perf decodes LASzip 3.5's version-4 colour items wrongly (geometry is right): drop the
  // colour rather than hand out wrong values.
  if (info.laszip.items.some((it) => (it.type === 11 || it.type === 12) && it.version >= 4)) {
    info.hasRgb = false;
    info.warnings.push('colour stored with LASzip item version 4 cannot be decoded by the bundled LAZ decoder; colours are ignored');
  }
  if (h.pointCount === 0) {
    info.chunkTable = { starts: [h.offsetToPointData + 8], counts: [] };
    return;
  }
  const pointer = await source.read(h.offsetToPointData, 8);
  if (pointer.length < 8) throw new Error('truncated: the file ends before the LAZ point data begins');
  let tableAt = u64(pointer);
  if (tableAt === -1) {
    // A streaming writer could not seek back: the table offset is then stored at the very end.
    tableAt = u64(await source.read(source.size - 8, 8));
  }
  const evlrEnd = h.evlrStart && h.evlrStart > tableAt ? h.evlrStart : source.size;
  if (tableAt < h.offsetToPointData + 8 || tableAt + 8 > evlrEnd) {
    throw new Error(`truncated or corrupt: the LAZ chunk table offset ${tableAt} lies outside the file (${source.size} bytes)`);
  }
  const tableBytes = await source.read(tableAt, Math.min(evlrEnd - tableAt, 64 << 20));
  const table = decodeChunkTable(tableBytes, h.offsetToPointData + 8, info.laszip.chunkSize, h.pointCount);
  const total = table.counts.reduce((a, b) => a + b, 0);
  if (total !== h.pointCount) {
    throw new Error(`the LAZ chunk table holds ${total} points but the header declares ${h.pointCount}`);
  }
  for (let i = 0; i < table.counts.length; i++) {
    if (table.starts[i + 1] > tableAt || table.counts[i] < 0) {
      throw new Error(`corrupt LAZ chunk table: chunk ${i + 1} runs past the table at byte ${tableAt}`);
    }
  }
  info.chunkTable = table;
}

/** The format descriptor, in the loaders.gl style: what it reads, how to recognise it, how to stream it. */
export const LasFormat: PointFormatDescriptor<LasFileInfo> = {
  id: 'las',
  name: 'LAS/LAZ point cloud',
  extensions: ['las', 'laz'],
  magic: [0x4c, 0x41, 0x53, 0x46],
  test: (bytes) => bytes.length >= 4 && bytes[0] === 0x4c && bytes[1] === 0x41 && bytes[2] === 0x53 && bytes[3] === 0x46,
  async readInfo(path) {
    const file = await LasFile.open(path);
    await file.close();
    return file.info;
  },
  async sourceInfo(path) {
    const { header: h, ...info } = await LasFormat.readInfo(path);
    return {
      file: info.file,
      format: 'las',
      kind: `${h.compressed ? 'LAZ' : 'LAS'} ${h.version} format ${h.pointFormat}`,
      pointCount: h.pointCount,
      bounds: h.bounds,
      crs: info.crs,
      splittable: !h.compressed,
      created: h.creationYear > 1990 ? new Date(Date.UTC(h.creationYear, 0, h.creationDay || 1)).toISOString().slice(0, 10) : undefined,
      boundsPlausible: info.headerBoundsPlausible,
      warnings: info.warnings,
    };
  },
  async *parseInBatches(path, options) {
    const file = await LasFile.open(path);
    try {
      yield* file.chunks(options);
    } finally {
      await file.close();
    }
  },
};
