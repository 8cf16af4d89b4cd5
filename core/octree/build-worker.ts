/** A worker thread that builds one octree (build-thread.ts starts it): the conversion's CPU stays off the shell's thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { buildOctree, type OctreeBuildOptions } from './convert';

export type BuildWorkerReply =
  { kind: 'progress'; progress: unknown } | { kind: 'done'; summary: unknown } | { kind: 'failed'; name: string; message: string };

const { files, outDir, options } = workerData as {
  files: string[];
  outDir: string;
  options: Omit<OctreeBuildOptions, 'signal' | 'onProgress'>;
};
const controller = new AbortController();
const post = (m: BuildWorkerReply) => parentPort!.postMessage(m);
parentPort!.on('message', (m: { kind: 'cancel' }) => m.kind === 'cancel' && controller.abort());

buildOctree(files, outDir, { ...options, signal: controller.signal, onProgress: (progress) => post({ kind: 'progress', progress }) }).then(
  (summary) => post({ kind: 'done', summary }),
  (e: unknown) => post({ kind: 'failed', name: (e as Error)?.name ?? 'Error', message: (e as Error)?.message ?? String(e) }),
);
