/**
 * Worker thread that turns one compressed LAZ chunk into point records with laz-perf and decodes
 * those into arrays, so that the reading thread only receives them: then every step of reading a
 * LAZ file scales with the decoder threads.
 * laz-perf (Emscripten) can abort its whole host on a corrupt stream, so it only ever runs
 * here: if it dies, the pool loses one worker and reports the chunk, never the app.
 */
import { parentPort } from 'node:worker_threads';
import { createLazPerf } from 'laz-perf';
import { decodeRecords, maxColourComponent, transferList, type ChunkBuffers, type PointField } from '../las/records';
import type { PointChunk } from '../types';

export interface DecodeRequest {
  id: number;
  pointFormat: number;
  recordLength: number;
  count: number;
  compressed: ArrayBuffer;
  /** The fields to decode the records into (colour as stored: the reader scales 8-bit colour). */
  points: { fields: PointField[]; scale: [number, number, number]; offset: [number, number, number] };
  /**
   * Arrays of a chunk the reader's consumer is done with, to decode into: fresh pages are what
   * a decoder would otherwise spend much of its time faulting in.
   */
  reuse?: ChunkBuffers;
}

export type DecodeResponse = { id: number; chunk: PointChunk; maxColour: number } | { id: number; error: string };

type Decoded = { chunk: PointChunk; maxColour: number };

const lazPerf = await createLazPerf();

function decode(req: DecodeRequest): Decoded {
  const input = new Uint8Array(req.compressed);
  const inPtr = lazPerf._malloc(input.length + 64);
  const outPtr = lazPerf._malloc(req.count * req.recordLength);
  const decoder = new lazPerf.ChunkDecoder();
  try {
    // The arithmetic decoder may read a few bytes past the chunk's end: pad with zeros.
    lazPerf.HEAPU8.fill(0, inPtr, inPtr + input.length + 64);
    lazPerf.HEAPU8.set(input, inPtr);
    decoder.open(req.pointFormat, req.recordLength, inPtr);
    // Decode the whole chunk inside the WASM heap, then into arrays.
    for (let i = 0; i < req.count; i++) decoder.getPoint(outPtr + i * req.recordLength);
    // HEAPU8 may have been replaced if the heap grew: read it after decoding.
    const records = lazPerf.HEAPU8.subarray(outPtr, outPtr + req.count * req.recordLength);
    const { fields, scale, offset } = req.points;
    const params = { pointFormat: req.pointFormat, recordLength: req.recordLength, scale, offset, fields, rgbBits: 16 as const };
    const maxColour = fields.includes('rgb') ? maxColourComponent(records, req.count, req.pointFormat, req.recordLength) : 0;
    return { chunk: decodeRecords(records, req.count, params, req.reuse), maxColour };
  } finally {
    decoder.delete();
    lazPerf._free(inPtr);
    lazPerf._free(outPtr);
  }
}

parentPort!.on('message', (req: DecodeRequest) => {
  let res: DecodeResponse;
  try {
    const out = decode(req);
    res = { id: req.id, ...out };
    parentPort!.postMessage(res, transferList(out.chunk));
  } catch (e) {
    res = { id: req.id, error: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage(res);
  }
});
parentPort!.postMessage({ ready: true });
