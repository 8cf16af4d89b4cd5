/**
 * A worker thread that hosts one open project, so that a shell's main thread (Electron's main process, which also
 * runs the menus and every window's IPC) never blocks on SQLite, detection bookkeeping or PDF layout.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LocalProject } from '../store/project';
import { HOOKS_ARG, toWireError, type HostReply, type HostRequest } from './project-wire';

const { file, software } = workerData as { file: string; software: string };
const post = (m: HostReply) => parentPort!.postMessage(m);
const running = new Map<number, AbortController>();

let project: LocalProject;
try {
  project = LocalProject.open(file, software);
  post({ kind: 'ready' });
} catch (e) {
  post({ kind: 'failed', error: toWireError(e) });
  process.exit(0);
}

parentPort!.on('message', (m: HostRequest) => {
  if (m.kind === 'cancel') {
    running.get(m.id)?.abort();
    return;
  }
  void call(m);
});

async function call(m: Extract<HostRequest, { kind: 'call' }>): Promise<void> {
  const args = [...m.args];
  const at = HOOKS_ARG[m.method];
  if (at !== undefined) {
    const controller = new AbortController();
    if (m.cancellable) running.set(m.id, controller);
    while (args.length < at) args.push(undefined);
    args[at] = {
      signal: controller.signal,
      onProgress: m.withProgress ? (progress: unknown) => post({ kind: 'progress', id: m.id, progress }) : undefined,
    };
  }
  try {
    const fn = project[m.method] as (...a: unknown[]) => Promise<unknown>;
    const value = await fn.apply(project, args);
    post({ kind: 'result', id: m.id, value });
  } catch (e) {
    post({ kind: 'error', id: m.id, error: toWireError(e) });
  } finally {
    running.delete(m.id);
  }
}
