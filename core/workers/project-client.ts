import type { ProjectApi } from '../api';
import { spawnWorker } from './spawn';
import { fromWireError, HOOKS_ARG, type ApiMethod, type HostReply, type HostRequest } from './project-wire';

const HOST = new URL('./project-host.ts', import.meta.url);

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (p: never) => void;
}

/**
 * Opens a project in its own worker thread and returns the same ProjectApi as LocalProject, every call a message.
 * A file that cannot be opened is refused here, as LocalProject.open refuses it. If the thread dies, every call
 * waiting and every later one fails with the reason, never hangs.
 */
export async function openProjectInWorker(file: string, software: string): Promise<ProjectApi> {
  const worker = spawnWorker(HOST, { file, software });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let stopped: Error | null = null;

  const stop = (reason: Error) => {
    stopped ??= reason;
    for (const p of pending.values()) p.reject(reason);
    pending.clear();
  };
  // The worker's own listeners (Node starts and stops its port through them) must stay: remove only these.
  let onMessage: (m: HostReply) => void = () => undefined;
  let onError: (e: Error) => void = () => undefined;
  let onExit: (code: number) => void = () => undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onMessage = (m) => (m.kind === 'ready' ? resolve() : m.kind === 'failed' ? reject(fromWireError(m.error)) : undefined);
      onError = reject;
      onExit = (code) => reject(new Error(`the project thread exited (code ${code}) before opening ${file}`));
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
  } finally {
    worker.off('message', onMessage).off('error', onError).off('exit', onExit);
  }
  worker.on('message', (m: HostReply) => {
    if (m.kind === 'ready' || m.kind === 'failed') return;
    const p = pending.get(m.id);
    if (!p) return;
    if (m.kind === 'progress') return p.onProgress?.(m.progress as never);
    pending.delete(m.id);
    if (m.kind === 'result') p.resolve(m.value);
    else p.reject(fromWireError(m.error));
  });
  worker.on('error', (e) => stop(new Error(`the project thread failed: ${e.message}`)));
  worker.on('exit', (code) => stop(new Error(`the project thread stopped (code ${code})`)));

  const call = (method: ApiMethod, args: unknown[]): Promise<unknown> => {
    if (stopped) return Promise.reject(stopped);
    const id = nextId++;
    const at = HOOKS_ARG[method];
    const hooks = at === undefined ? undefined : (args[at] as { onProgress?: (p: never) => void; signal?: AbortSignal } | undefined);
    const sent = at === undefined ? args : args.slice(0, at);
    return new Promise((resolve, reject) => {
      if (hooks?.signal?.aborted) return reject(hooks.signal.reason as Error);
      pending.set(id, { resolve, reject, onProgress: hooks?.onProgress });
      hooks?.signal?.addEventListener('abort', () => worker.postMessage({ kind: 'cancel', id } satisfies HostRequest), { once: true });
      const request: HostRequest = {
        kind: 'call',
        id,
        method,
        args: sent,
        withProgress: !!hooks?.onProgress,
        cancellable: !!hooks?.signal,
      };
      worker.postMessage(request);
    });
  };

  return new Proxy({} as ProjectApi, {
    get(_, name) {
      if (typeof name !== 'string' || name === 'then') return undefined;
      if (name === 'close') {
        return async () => {
          if (stopped) return;
          try {
            await call('close', []);
          } finally {
            stop(new Error('the project is closed'));
            await worker.terminate();
          }
        };
      }
      return (...args: unknown[]) => call(name as ApiMethod, args);
    },
  });
}
