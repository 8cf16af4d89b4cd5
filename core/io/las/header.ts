import type { Bounds3 } from '../types';

/** Size of the fixed part of each point record format 0–10, in bytes. */
export const BASE_RECORD_LENGTH = [20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67] as const;

/** One variable-length record (VLR or EVLR), payload included. */
export interface Vlr {
  userId: string;
  recordId: number;
  description: string;
  data: Uint8Array;
  extended: boolean;
}

/** The public header block of a LAS/LAZ file: the facts the file states about itself. */
export interface LasHeader {
  versionMajor: number;
  versionMinor: number;
  /** "1.4" etc. */
  version: string;
  fileSourceId: number;
  globalEncoding: number;
  systemIdentifier: string;
  generatingSoftware: string;
  creationDay: number;
  creationYear: number;
  headerSize: number;
  offsetToPointData: number;
  vlrCount: number;
  /** Point data record format with the compression bits masked off (0–10). */
  pointFormat: number;
  /** True when bit 7 (or 6) of the format byte says the points are LASzip-compressed. */
  compressed: boolean;
  recordLength: number;
  /** Point count: the 64-bit field for LAS 1.4 when set, the legacy field otherwise. */
  pointCount: number;
  pointsByReturn: number[];
  scale: [number, number, number];
  offset: [number, number, number];
  /** Bounds as stated by the header; some writers get them wrong (see `headerBoundsPlausible`). */
  bounds: Bounds3;
  waveformDataStart?: number;
  evlrStart?: number;
  evlrCount?: number;
}

export const PUBLIC_HEADER_MIN_SIZE = 227;
const VLR_HEADER_SIZE = 54;

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let end = start;
  const stop = start + length;
  while (end < stop && bytes[end] !== 0) end++;
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s.trim();
}

/** Reads a u64 as a JS number; exact below 2^53, which any real point count or offset is. */
function u64(view: DataView, at: number): number {
  return Number(view.getBigUint64(at, true));
}

/**
 * Parses the public header block. Throws a plain `Error` whose message states the problem;
 * the caller prefixes the file name.
 */
export function parseLasHeader(bytes: Uint8Array, fileSize: number): LasHeader {
  if (fileSize === 0) throw new Error('empty file (0 bytes)');
  const signature = ascii(bytes, 0, 4);
  if (bytes.length < 4 || signature !== 'LASF') {
    throw new Error(`not a LAS/LAZ file (signature ${JSON.stringify(signature)}, expected "LASF")`);
  }
  if (bytes.length < PUBLIC_HEADER_MIN_SIZE) {
    throw new Error(`truncated header (${fileSize} bytes, a LAS header needs at least ${PUBLIC_HEADER_MIN_SIZE})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const versionMajor = bytes[24];
  const versionMinor = bytes[25];
  if (versionMajor !== 1 || versionMinor > 5) {
    throw new Error(`unsupported LAS version ${versionMajor}.${versionMinor}`);
  }
  const headerSize = view.getUint16(94, true);
  if (headerSize < PUBLIC_HEADER_MIN_SIZE) {
    throw new Error(`corrupt header: header size ${headerSize} is below the minimum ${PUBLIC_HEADER_MIN_SIZE}`);
  }
  const offsetToPointData = view.getUint32(96, true);
  const formatByte = bytes[104];
  const pointFormat = formatByte & 0x3f;
  const compressed = (formatByte & 0xc0) !== 0;
  if (pointFormat > 10) throw new Error(`unsupported point data record format ${pointFormat}`);
  const recordLength = view.getUint16(105, true);
  if (recordLength < BASE_RECORD_LENGTH[pointFormat]) {
    throw new Error(
      `corrupt header: record length ${recordLength} is shorter than point format ${pointFormat} needs (${BASE_RECORD_LENGTH[pointFormat]})`,
    );
  }
  if (offsetToPointData < headerSize) {
    throw new Error(`corrupt header: point data offset ${offsetToPointData} lies inside the header (${headerSize} bytes)`);
  }
  let pointCount = view.getUint32(107, true);
  let pointsByReturn = Array.from({ length: 5 }, (_, i) => view.getUint32(111 + 4 * i, true));
  const scale: [number, number, number] = [view.getFloat64(131, true), view.getFloat64(139, true), view.getFloat64(147, true)];
  const offset: [number, number, number] = [view.getFloat64(155, true), view.getFloat64(163, true), view.getFloat64(171, true)];
  if (!scale.every((s) => Number.isFinite(s) && s !== 0) || !offset.every(Number.isFinite)) {
    throw new Error(`corrupt header: scale ${scale.join(',')} / offset ${offset.join(',')} are not usable`);
  }
  const bounds: Bounds3 = {
    maxX: view.getFloat64(179, true),
    minX: view.getFloat64(187, true),
    maxY: view.getFloat64(195, true),
    minY: view.getFloat64(203, true),
    maxZ: view.getFloat64(211, true),
    minZ: view.getFloat64(219, true),
  };
  const header: LasHeader = {
    versionMajor,
    versionMinor,
    version: `${versionMajor}.${versionMinor}`,
    fileSourceId: view.getUint16(4, true),
    globalEncoding: view.getUint16(6, true),
    systemIdentifier: ascii(bytes, 26, 32),
    generatingSoftware: ascii(bytes, 58, 32),
    creationDay: view.getUint16(90, true),
    creationYear: view.getUint16(92, true),
    headerSize,
    offsetToPointData,
    vlrCount: view.getUint32(100, true),
    pointFormat,
    compressed,
    recordLength,
    pointCount,
    pointsByReturn,
    scale,
    offset,
    bounds,
  };
  if (versionMinor >= 3 && headerSize >= 235 && bytes.length >= 235) {
    header.waveformDataStart = u64(view, 227);
  }
  if (versionMinor >= 4 && headerSize >= 375 && bytes.length >= 375) {
    header.evlrStart = u64(view, 235);
    header.evlrCount = view.getUint32(243, true);
    const count64 = u64(view, 247);
    // LAS 1.4 writers must fill the 64-bit count; the legacy one may be 0 for formats 6–10.
    if (count64 > 0 || pointFormat >= 6) pointCount = count64;
    const byReturn64 = Array.from({ length: 15 }, (_, i) => u64(view, 255 + 8 * i));
    if (byReturn64.some((n) => n > 0) || pointFormat >= 6) pointsByReturn = byReturn64;
    header.pointCount = pointCount;
    header.pointsByReturn = pointsByReturn;
  }
  return header;
}

/**
 * Parses the VLRs between the header and the point data. A VLR count that runs past the
 * point data (a known writer bug) stops parsing with a warning instead of failing the file.
 */
export function parseVlrs(bytes: Uint8Array, header: LasHeader, warnings: string[]): Vlr[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vlrs: Vlr[] = [];
  let at = header.headerSize;
  const end = Math.min(header.offsetToPointData, bytes.length);
  for (let i = 0; i < header.vlrCount; i++) {
    if (at + VLR_HEADER_SIZE > end) {
      warnings.push(`header declares ${header.vlrCount} VLRs but only ${i} fit before the point data; the rest were ignored`);
      break;
    }
    const length = view.getUint16(at + 20, true);
    if (at + VLR_HEADER_SIZE + length > end) {
      warnings.push(`VLR ${i + 1} runs past the start of the point data; it and any later VLRs were ignored`);
      break;
    }
    vlrs.push({
      userId: ascii(bytes, at + 2, 16),
      recordId: view.getUint16(at + 18, true),
      description: ascii(bytes, at + 22, 32),
      data: bytes.subarray(at + VLR_HEADER_SIZE, at + VLR_HEADER_SIZE + length),
      extended: false,
    });
    at += VLR_HEADER_SIZE + length;
  }
  return vlrs;
}

/**
 * Whether the header bounds can describe coordinates decoded with this scale and offset.
 * Some writers store raw integers there (laspy's simple1_3.las), so callers that need true
 * bounds must compute them from the points.
 */
export function headerBoundsPlausible(header: LasHeader): boolean {
  const b = header.bounds;
  const values = [b.minX, b.minY, b.minZ, b.maxX, b.maxY, b.maxZ];
  if (!values.every(Number.isFinite)) return false;
  if (header.pointCount === 0) return true;
  if (b.minX > b.maxX || b.minY > b.maxY || b.minZ > b.maxZ) return false;
  // Any coordinate representable in the file lies within offset ± 2^31·scale.
  const reach = (axis: 0 | 1 | 2, v: number) => Math.abs(v - header.offset[axis]) <= 2 ** 31 * Math.abs(header.scale[axis]) * 1.0001;
  return reach(0, b.minX) && reach(0, b.maxX) && reach(1, b.minY) && reach(1, b.maxY) && reach(2, b.minZ) && reach(2, b.maxZ);
}
