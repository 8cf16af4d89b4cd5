import { spawnWorker } from '../workers/spawn';
import type { BuildWorkerReply } from './build-worker';
import type { OctreeBuildOptions, OctreeProgress, OctreeSummary } from './convert';

const ENTRY = new URL('./build-worker.ts', import.meta.url);

/**
 * buildOctree on its own worker thread, with the same options, progress and cancel: a shell (the Electron main
 * process, `voxwatch serve`) keeps answering while an epoch of millions of points is converted.
 */
export function buildOctreeInThread(files: string[], outDir: string, options: OctreeBuildOptions = {}): Promise<OctreeSummary> {
  const { signal, onProgress, ...rest } = options;
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  const worker = spawnWorker(ENTRY, { files, outDir, options: rest });
  const cancel = () => worker.postMessage({ kind: 'cancel' });
  signal?.addEventListener('abort', cancel, { once: true });
  return new Promise<OctreeSummary>((resolve, reject) => {
    worker.on('message', (m: BuildWorkerReply) => {
      if (m.kind === 'progress') onProgress?.(m.progress as OctreeProgress);
      else if (m.kind === 'done') resolve(m.summary as OctreeSummary);
      else reject(Object.assign(new Error(m.message), { name: m.name }));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`${outDir}: the octree thread stopped (code ${code})`)));
  }).finally(() => {
    signal?.removeEventListener('abort', cancel);
    void worker.terminate();
  });
}
