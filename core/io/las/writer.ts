/**
 * A small streaming LAS writer (LAS 1.2 point format 3, LAS 1.4 point format 7).
 *
 * Points are encoded in large batches and written as they come; the public header is written first
 * with placeholders and rewritten on close() with the final counts and bounds, so a file of any size
 * never has to be held in memory.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { lookupEpsg } from '../../geo/epsg';
import type { PointChunk } from '../types';

export interface LasWriterOptions {
  version: '1.2' | '1.4';
  /** 3 for LAS 1.2, 7 for LAS 1.4 (the defaults). */
  pointFormat?: 3 | 7;
  /** Coordinate resolution; default 1 mm on all axes. */
  scale?: [number, number, number];
  /** Subtracted before scaling; must bring coordinates within ±2^31 × scale. Default [0, 0, 0]. */
  offset?: [number, number, number];
  /** Horizontal CRS: GeoKeyDirectory VLR in LAS 1.2, OGC WKT VLR in LAS 1.4. */
  epsg?: number;
  /** WKT to write for LAS 1.4 when the EPSG code is not one we know by heart. */
  wkt?: string;
  /** Creation day/year of the header; default today. Pass a date for reproducible files. */
  creationDate?: Date;
  systemIdentifier?: string;
  generatingSoftware?: string;
}

export interface LasWriter {
  write(chunk: PointChunk): Promise<void>;
  /** Flushes the last batch, rewrites the header with final counts and bounds, closes the file. */
  close(): Promise<void>;
  /** Points written so far. */
  readonly pointCount: number;
}

/** WKT1 (OGC) of the CRSs we write by heart. */
export const KNOWN_WKT: Readonly<Record<number, string>> = {
  4547:
    'PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 114E",' +
    'GEOGCS["China Geodetic Coordinate System 2000",' +
    'DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],' +
    'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],' +
    'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],' +
    'AUTHORITY["EPSG","4490"]],' +
    'PROJECTION["Transverse_Mercator"],' +
    'PARAMETER["latitude_of_origin",0],' +
    'PARAMETER["central_meridian",114],' +
    'PARAMETER["scale_factor",1],' +
    'PARAMETER["false_easting",500000],' +
    'PARAMETER["false_northing",0],' +
    'UNIT["metre",1,AUTHORITY["EPSG","9001"]],' +
    'AUTHORITY["EPSG","4547"]]',
};

const HEADER_SIZE = { '1.2': 227, '1.4': 375 } as const;
const RECORD_LENGTH = { 3: 34, 7: 36 } as const;
const VLR_HEADER_SIZE = 54;
/** Global encoding bits: GPS time is adjusted standard GPS time; CRS is WKT (LAS 1.4). */
const GPS_STANDARD_TIME = 1;
const WKT_CRS = 16;
/** Points per write() to the file: ~4 MB batches keep syscalls few and memory flat. */
const BATCH_POINTS = 1 << 17;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

interface Vlr {
  userId: string;
  recordId: number;
  description: string;
  payload: Buffer;
}

/**
 * Opens `path` for writing (the file is created in the background; an error opening it surfaces
 * from the first write() or close()). Calls are serialised, so un-awaited writes stay in order.
 */
export function createLasWriter(path: string, options: LasWriterOptions): LasWriter {
  const version = options.version;
  const pointFormat = options.pointFormat ?? (version === '1.4' ? 7 : 3);
  if ((version === '1.2') !== (pointFormat === 3)) {
    throw new RangeError(`${path}: LAS ${version} is written with point format ${version === '1.2' ? 3 : 7}`);
  }
  const scale = options.scale ?? [0.001, 0.001, 0.001];
  const offset = options.offset ?? [0, 0, 0];
  const vlrs = projectionVlrs(path, version, options);
  const headerSize = HEADER_SIZE[version];
  const pointOffset = headerSize + vlrs.reduce((sum, v) => sum + VLR_HEADER_SIZE + v.payload.length, 0);
  const recordLength = RECORD_LENGTH[pointFormat];
  const state: HeaderState = {
    version,
    pointFormat,
    headerSize,
    pointOffset,
    recordLength,
    vlrCount: vlrs.length,
    globalEncoding: GPS_STANDARD_TIME | (version === '1.4' ? WKT_CRS : 0),
    scale,
    offset,
    creationDate: options.creationDate ?? new Date(),
    systemIdentifier: options.systemIdentifier ?? 'VoxWatch',
    generatingSoftware: options.generatingSoftware ?? 'VoxWatch sample generator',
    count: 0,
    byReturn: new Array<number>(15).fill(0),
    min: [INT32_MAX, INT32_MAX, INT32_MAX],
    max: [INT32_MIN, INT32_MIN, INT32_MIN],
  };

  // Header and VLRs first (placeholder counts and bounds), so points can follow at once.
  const ready = open(path, 'w').then(async (file) => {
    try {
      await writeFully(file, Buffer.concat([encodeHeader(state), ...vlrs.map(encodeVlr)]), pointOffset, 0);
      return file;
    } catch (error) {
      await file.close();
      throw error;
    }
  });
  ready.catch(() => undefined); // reported by write()/close(), never as an unhandled rejection

  const batch = Buffer.alloc(BATCH_POINTS * recordLength);
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  let batchPoints = 0;
  let filePosition = pointOffset;
  let closed = false;
  let queue: Promise<void> = Promise.resolve();

  const flush = async (file: FileHandle): Promise<void> => {
    if (batchPoints === 0) return;
    const bytes = batchPoints * recordLength;
    await writeFully(file, batch, bytes, filePosition);
    filePosition += bytes;
    batchPoints = 0;
  };
  const serialised = (task: () => Promise<void>): Promise<void> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    get pointCount() {
      return state.count;
    },
    write(chunk: PointChunk): Promise<void> {
      if (closed) return Promise.reject(new Error(`${path}: write after close`));
      return serialised(async () => {
        const file = await ready;
        for (let i = 0; i < chunk.count; i++) {
          if (batchPoints === BATCH_POINTS) await flush(file);
          encodePoint(view, batchPoints * recordLength, chunk, i, state, path);
          batchPoints++;
        }
      });
    },
    close(): Promise<void> {
      if (closed) return queue;
      closed = true;
      return serialised(async () => {
        const file = await ready;
        try {
          await flush(file);
          await writeFully(file, encodeHeader(state), headerSize, 0);
        } finally {
          await file.close();
        }
      });
    },
  };
}

interface HeaderState {
  version: '1.2' | '1.4';
  pointFormat: 3 | 7;
  headerSize: number;
  pointOffset: number;
  recordLength: number;
  vlrCount: number;
  globalEncoding: number;
  scale: [number, number, number];
  offset: [number, number, number];
  creationDate: Date;
  systemIdentifier: string;
  generatingSoftware: string;
  count: number;
  byReturn: number[];
  /** Bounds in stored integer units, so the header matches the stored coordinates exactly. */
  min: [number, number, number];
  max: [number, number, number];
}

function encodePoint(view: DataView, at: number, chunk: PointChunk, i: number, state: HeaderState, path: string): void {
  const X = quantize(chunk.x[i], state.offset[0], state.scale[0], path);
  const Y = quantize(chunk.y[i], state.offset[1], state.scale[1], path);
  const Z = quantize(chunk.z[i], state.offset[2], state.scale[2], path);
  if (X < state.min[0]) state.min[0] = X;
  if (X > state.max[0]) state.max[0] = X;
  if (Y < state.min[1]) state.min[1] = Y;
  if (Y > state.max[1]) state.max[1] = Y;
  if (Z < state.min[2]) state.min[2] = Z;
  if (Z > state.max[2]) state.max[2] = Z;
  const returnNumber = chunk.returnNumber ? chunk.returnNumber[i] : 1;
  const returns = chunk.numberOfReturns ? chunk.numberOfReturns[i] : 1;
  const classification = chunk.classification ? chunk.classification[i] : 0;
  state.count++;
  if (returnNumber >= 1 && returnNumber <= 15) state.byReturn[returnNumber - 1]++;

  view.setInt32(at, X, true);
  view.setInt32(at + 4, Y, true);
  view.setInt32(at + 8, Z, true);
  view.setUint16(at + 12, chunk.intensity ? chunk.intensity[i] : 0, true);
  let rgbAt: number;
  if (state.pointFormat === 3) {
    view.setUint8(at + 14, (returnNumber & 7) | ((returns & 7) << 3));
    view.setUint8(at + 15, classification & 31);
    view.setInt8(at + 16, 0); // scan angle rank
    view.setUint8(at + 17, 0); // user data
    view.setUint16(at + 18, 0, true); // point source id
    view.setFloat64(at + 20, chunk.gpsTime ? chunk.gpsTime[i] : 0, true);
    rgbAt = at + 28;
  } else {
    view.setUint8(at + 14, (returnNumber & 15) | ((returns & 15) << 4));
    view.setUint8(at + 15, 0); // classification flags, scanner channel, scan direction, edge
    view.setUint8(at + 16, classification);
    view.setUint8(at + 17, 0); // user data
    view.setInt16(at + 18, 0, true); // scan angle
    view.setUint16(at + 20, 0, true); // point source id
    view.setFloat64(at + 22, chunk.gpsTime ? chunk.gpsTime[i] : 0, true);
    rgbAt = at + 30;
  }
  const rgb = chunk.rgb;
  view.setUint16(rgbAt, rgb ? rgb[3 * i] : 0, true);
  view.setUint16(rgbAt + 2, rgb ? rgb[3 * i + 1] : 0, true);
  view.setUint16(rgbAt + 4, rgb ? rgb[3 * i + 2] : 0, true);
}

function quantize(value: number, offset: number, scale: number, path: string): number {
  const stored = Math.round((value - offset) / scale);
  if (!(stored >= INT32_MIN && stored <= INT32_MAX)) {
    throw new RangeError(`${path}: coordinate ${value} does not fit in LAS int32 with offset ${offset}, scale ${scale}`);
  }
  return stored;
}

function encodeHeader(s: HeaderState): Buffer {
  const buffer = Buffer.alloc(s.headerSize);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  buffer.write('LASF', 0, 'ascii');
  view.setUint16(4, 0, true); // file source id
  view.setUint16(6, s.globalEncoding, true);
  // 8–23: project GUID, left zero.
  view.setUint8(24, 1);
  view.setUint8(25, s.version === '1.2' ? 2 : 4);
  writeFixedAscii(buffer, 26, 32, s.systemIdentifier);
  writeFixedAscii(buffer, 58, 32, s.generatingSoftware);
  view.setUint16(90, dayOfYear(s.creationDate), true);
  view.setUint16(92, s.creationDate.getUTCFullYear(), true);
  view.setUint16(94, s.headerSize, true);
  view.setUint32(96, s.pointOffset, true);
  view.setUint32(100, s.vlrCount, true);
  view.setUint8(104, s.pointFormat);
  view.setUint16(105, s.recordLength, true);
  // Legacy counts: LAS 1.4 requires zeros for point formats 6–10 (readers use the 64-bit fields).
  const legacy = s.pointFormat < 6 && s.count <= 0xffffffff;
  view.setUint32(107, legacy ? s.count : 0, true);
  for (let r = 0; r < 5; r++) view.setUint32(111 + 4 * r, legacy ? s.byReturn[r] : 0, true);
  for (let axis = 0; axis < 3; axis++) {
    view.setFloat64(131 + 8 * axis, s.scale[axis], true);
    view.setFloat64(155 + 8 * axis, s.offset[axis], true);
    const empty = s.count === 0;
    const max = empty ? 0 : s.max[axis] * s.scale[axis] + s.offset[axis];
    const min = empty ? 0 : s.min[axis] * s.scale[axis] + s.offset[axis];
    view.setFloat64(179 + 16 * axis, max, true);
    view.setFloat64(187 + 16 * axis, min, true);
  }
  if (s.version === '1.4') {
    view.setBigUint64(227, 0n, true); // start of waveform data packet record
    view.setBigUint64(235, 0n, true); // start of first extended VLR
    view.setUint32(243, 0, true); // number of extended VLRs
    view.setBigUint64(247, BigInt(s.count), true);
    for (let r = 0; r < 15; r++) view.setBigUint64(255 + 8 * r, BigInt(s.byReturn[r]), true);
  }
  return buffer;
}

function projectionVlrs(path: string, version: '1.2' | '1.4', options: LasWriterOptions): Vlr[] {
  if (options.epsg === undefined && options.wkt === undefined) return [];
  if (version === '1.4') {
    const wkt = options.wkt ?? KNOWN_WKT[options.epsg ?? -1] ?? (options.epsg !== undefined ? lookupEpsg(options.epsg)?.wkt : undefined);
    if (!wkt) throw new RangeError(`${path}: no WKT known for EPSG:${options.epsg}; pass options.wkt`);
    return [
      {
        userId: 'LASF_Projection',
        recordId: 2112,
        description: 'OGC WKT Coordinate System',
        payload: Buffer.from(`${wkt}\0`, 'ascii'),
      },
    ];
  }
  if (options.epsg === undefined) throw new RangeError(`${path}: LAS 1.2 needs an EPSG code for its GeoKeys`);
  // GeoKeyDirectory: header {version 1, revision 1.0, key count}, then {id, location 0, count 1, value}.
  const keys: [number, number][] = [
    [1024, 1], // GTModelTypeGeoKey: projected
    [3072, options.epsg], // ProjectedCSTypeGeoKey
    [3076, 9001], // ProjLinearUnitsGeoKey: metre
    [4099, 9001], // VerticalUnitsGeoKey: metre
  ];
  const words = [1, 1, 0, keys.length, ...keys.flatMap(([id, value]) => [id, 0, 1, value])];
  const payload = Buffer.alloc(words.length * 2);
  words.forEach((w, i) => payload.writeUInt16LE(w, 2 * i));
  return [{ userId: 'LASF_Projection', recordId: 34735, description: 'GeoKeyDirectoryTag', payload }];
}

function encodeVlr(vlr: Vlr): Buffer {
  const header = Buffer.alloc(VLR_HEADER_SIZE);
  header.writeUInt16LE(0, 0); // reserved
  writeFixedAscii(header, 2, 16, vlr.userId);
  header.writeUInt16LE(vlr.recordId, 18);
  header.writeUInt16LE(vlr.payload.length, 20);
  writeFixedAscii(header, 22, 32, vlr.description);
  return Buffer.concat([header, vlr.payload]);
}

/** ASCII text in a fixed field, NUL-padded (the field stays NUL-terminated when shorter). */
function writeFixedAscii(buffer: Buffer, at: number, length: number, text: string): void {
  buffer.fill(0, at, at + length);
  buffer.write(text.slice(0, length), at, 'ascii');
}

function dayOfYear(date: Date): number {
  const start = Date.UTC(date.getUTCFullYear(), 0, 1);
  return Math.floor((date.getTime() - start) / 86400000) + 1;
}

async function writeFully(file: FileHandle, buffer: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await file.write(buffer, done, length - done, position + done);
    done += bytesWritten;
  }
}
