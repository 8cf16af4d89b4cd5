import { ArithmeticDecoder, IntegerDecompressor } from './arithmetic';

/** The LASzip VLR (user "laszip encoded", record 22204): how the points were compressed. */
export interface LaszipInfo {
  compressor: number;
  coder: number;
  version: string;
  options: number;
  /** Points per chunk; 0xFFFFFFFF means variable-sized chunks (their counts are in the chunk table). */
  chunkSize: number;
  items: { type: number; size: number; version: number }[];
}

export const VARIABLE_CHUNK_SIZE = 0xffffffff;

/** Item types LASzip knows, with the record bytes each covers (0 = as declared, for extra bytes). */
const ITEM_SIZES: Record<number, number> = { 6: 20, 7: 8, 8: 6, 9: 29, 10: 30, 11: 6, 12: 8, 13: 29 };
const ITEM_BYTES = 0;
const ITEM_BYTES14 = 14;

/**
 * Parses and validates the LASzip VLR against the header, so that a broken stream is refused
 * here with a clear message rather than aborting the WASM decoder.
 */
export function parseLaszipVlr(data: Uint8Array, pointFormat: number, recordLength: number): LaszipInfo {
  if (data.length < 34) throw new Error(`LASzip VLR is ${data.length} bytes, too short to describe the compression`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const info: LaszipInfo = {
    compressor: view.getUint16(0, true),
    coder: view.getUint16(2, true),
    version: `${data[4]}.${data[5]}r${view.getUint16(6, true)}`,
    options: view.getUint32(8, true),
    chunkSize: view.getUint32(12, true),
    items: [],
  };
  const itemCount = view.getUint16(32, true);
  if (data.length < 34 + itemCount * 6) throw new Error(`LASzip VLR declares ${itemCount} items but holds fewer`);
  for (let i = 0; i < itemCount; i++) {
    const at = 34 + i * 6;
    info.items.push({ type: view.getUint16(at, true), size: view.getUint16(at + 2, true), version: view.getUint16(at + 4, true) });
  }
  if (info.compressor === 0) throw new Error('LASzip VLR says the points are not compressed, but the header says they are');
  if (info.compressor > 3) throw new Error(`LASzip VLR names an unknown compressor (${info.compressor})`);
  if (info.coder !== 0) throw new Error(`LASzip VLR names an unknown entropy coder (${info.coder})`);
  let total = 0;
  for (const item of info.items) {
    const known = ITEM_SIZES[item.type];
    if (item.type !== ITEM_BYTES && item.type !== ITEM_BYTES14 && known === undefined) {
      throw new Error(`LASzip VLR names an unknown item type (${item.type})`);
    }
    if (item.version > 4) throw new Error(`LASzip VLR gives item type ${item.type} an unknown version (${item.version})`);
    if (known !== undefined && item.size !== known) {
      throw new Error(`LASzip VLR gives item type ${item.type} a size of ${item.size} bytes, expected ${known}`);
    }
    total += item.size;
  }
  if (total !== recordLength) {
    throw new Error(`LASzip VLR items cover ${total} bytes per point but the header's record length is ${recordLength}`);
  }
  if (info.compressor === 1) {
    throw new Error(
      'LAZ written without chunks (LASzip pointwise compressor, an early LASzip version) is not supported; re-compress it with a current laszip or PDAL',
    );
  }
  if (info.chunkSize === 0) throw new Error('LASzip VLR declares a chunk size of 0 points');
  const layered = info.items.some((it) => it.type >= 10);
  if (pointFormat >= 6 && (!layered || info.compressor !== 3)) {
    throw new Error(`point format ${pointFormat} needs the layered LAZ compressor, but the LASzip VLR describes a point-wise stream`);
  }
  if (pointFormat === 4 || pointFormat === 5 || pointFormat === 9 || pointFormat === 10) {
    // laz-perf, the decoder we ship, cannot decode waveform items; say so instead of misreading.
    throw new Error(
      `LAZ with waveform point format ${pointFormat} is not supported by the LAZ decoder (decompress it to LAS first, e.g. with laszip or PDAL)`,
    );
  }
  return info;
}

/** Where each chunk starts in the file and how many points it holds. */
export interface ChunkTable {
  /** Absolute file offsets; `starts[i]`..`starts[i+1]` is chunk i. Has n+1 entries. */
  starts: number[];
  counts: number[];
}

/**
 * Decodes the chunk table. `tableBytes` starts at the table (version u32, count u32, then the
 * arithmetic-coded entries); `firstChunkStart` is the point-data offset + 8.
 */
export function decodeChunkTable(tableBytes: Uint8Array, firstChunkStart: number, chunkSize: number, pointCount: number): ChunkTable {
  if (tableBytes.length < 8) throw new Error('LAZ chunk table is missing (file truncated?)');
  const view = new DataView(tableBytes.buffer, tableBytes.byteOffset, tableBytes.byteLength);
  const version = view.getUint32(0, true);
  const n = view.getUint32(4, true);
  if (version !== 0) throw new Error(`LAZ chunk table has unknown version ${version}`);
  const expectedChunks = chunkSize === VARIABLE_CHUNK_SIZE ? undefined : Math.ceil(pointCount / chunkSize);
  if (expectedChunks !== undefined && n !== expectedChunks && !(n === 0 && pointCount === 0)) {
    throw new Error(`LAZ chunk table lists ${n} chunks but ${pointCount} points in chunks of ${chunkSize} need ${expectedChunks}`);
  }
  if (n > 50_000_000) throw new Error(`LAZ chunk table declares an implausible ${n} chunks`);
  const starts = [firstChunkStart];
  const counts: number[] = [];
  if (n === 0) return { starts, counts };
  const dec = new ArithmeticDecoder(tableBytes, 8);
  const ic = new IntegerDecompressor(dec, 2);
  let prevCount = 0;
  let prevSize = 0;
  let remaining = pointCount;
  for (let i = 0; i < n; i++) {
    if (chunkSize === VARIABLE_CHUNK_SIZE) {
      prevCount = ic.decompress(prevCount, 0);
      counts.push(prevCount);
    } else {
      counts.push(Math.min(chunkSize, remaining));
      remaining -= chunkSize;
    }
    prevSize = ic.decompress(prevSize, 1);
    if (prevSize <= 0) throw new Error(`LAZ chunk table gives chunk ${i} a size of ${prevSize} bytes`);
    starts.push(starts[i] + prevSize);
  }
  return { starts, counts };
}
