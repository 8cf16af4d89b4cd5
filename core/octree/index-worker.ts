/**
 * A worker thread of the octree build's index step: builds the subtrees of the chunks it is sent, one at a time,
 * and sends each chunk's nodes back (their records transferred, not copied). See index-chunk.ts and IndexPool.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RecordLayout } from './format';
import { indexChunkFile, type IndexedChunk, type IndexOptions } from './index-chunk';
import type { Quantization } from './quantize';
import { GridSampler, SAMPLE_BITS } from './sampler';

export interface IndexWorkerData {
  layout: RecordLayout;
  q: Quantization;
  options: IndexOptions;
}

export interface IndexRequest {
  path: string;
  chunk: IndexedChunk;
}

export type IndexReply = { kind: 'done'; names: string[]; records: Uint8Array[] } | { kind: 'error'; message: string };

const { layout, q, options } = workerData as IndexWorkerData;
const sampler = new GridSampler(SAMPLE_BITS);

parentPort!.on('message', (m: IndexRequest) => {
  void indexOne(m).then(
    (reply) => parentPort!.postMessage(reply, reply.kind === 'done' ? reply.records.map((r) => r.buffer as ArrayBuffer) : []),
    (e: Error) => parentPort!.postMessage({ kind: 'error', message: `${m.path}: ${e.message}` } satisfies IndexReply),
  );
});

async function indexOne({ path, chunk }: IndexRequest): Promise<IndexReply> {
  const names: string[] = [];
  const out: Uint8Array[] = [];
  await indexChunkFile(path, layout, q, chunk, sampler, options, (name, r) => {
    names.push(name);
    out.push(r);
  });
  return { kind: 'done', names, records: out };
}
