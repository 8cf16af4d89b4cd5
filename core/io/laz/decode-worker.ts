/**
 * Worker thread that turns one compressed LAZ chunk into raw point records with laz-perf.
 * laz-perf (Emscripten) can abort its whole host on a corrupt stream, so it only ever runs
 * here: if it dies, the pool loses one worker and reports the chunk, never the app.
 */
import { parentPort } from 'node:worker_threads';
import { createLazPerf } from 'laz-perf';

export interface DecodeRequest {
  id: number;
  pointFormat: number;
  recordLength: number;
  count: number;
  compressed: ArrayBuffer;
}

export type DecodeResponse = { id: number; records: ArrayBuffer } | { id: number; error: string };

const lazPerf = await createLazPerf();

function decode(req: DecodeRequest): ArrayBuffer {
  const input = new Uint8Array(req.compressed);
  const inPtr = lazPerf._malloc(input.length + 64);
  const outPtr = lazPerf._malloc(req.count * req.recordLength);
  const decoder = new lazPerf.ChunkDecoder();
  try {
    // The arithmetic decoder may read a few bytes past the chunk's end: pad with zeros.
    lazPerf.HEAPU8.fill(0, inPtr, inPtr + input.length + 64);
    lazPerf.HEAPU8.set(input, inPtr);
    decoder.open(req.pointFormat, req.recordLength, inPtr);
    // Decode the whole chunk inside the WASM heap, then copy it out once.
    for (let i = 0; i < req.count; i++) decoder.getPoint(outPtr + i * req.recordLength);
    // HEAPU8 may have been replaced if the heap grew: read it after decoding.
    return lazPerf.HEAPU8.slice(outPtr, outPtr + req.count * req.recordLength).buffer;
  } finally {
    decoder.delete();
    lazPerf._free(inPtr);
    lazPerf._free(outPtr);
  }
}

parentPort!.on('message', (req: DecodeRequest) => {
  let res: DecodeResponse;
  try {
    const records = decode(req);
    res = { id: req.id, records };
    parentPort!.postMessage(res, [records]);
  } catch (e) {
    res = { id: req.id, error: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage(res);
  }
});
parentPort!.postMessage({ ready: true });
