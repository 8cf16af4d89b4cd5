import type { ProjectApi } from '../api';

/** Messages between a ProjectApi client and the worker thread that hosts the project (project-host.ts). */
export type HostRequest =
  | { kind: 'call'; id: number; method: ApiMethod; args: unknown[]; withProgress: boolean; cancellable: boolean }
  | { kind: 'cancel'; id: number };

export type HostReply =
  | { kind: 'ready' }
  | { kind: 'failed'; error: WireError }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: WireError }
  | { kind: 'progress'; id: number; progress: unknown };

export type ApiMethod = Exclude<keyof ProjectApi, never>;

/** An error as it crosses threads: its class name, message and the file fields of SourceError/ProjectFileError. */
export interface WireError {
  name: string;
  message: string;
  file?: string;
  problem?: string;
}

/**
 * Where a method takes its `{ onProgress, signal }` hooks (functions and signals cannot cross threads: the client
 * keeps them, and progress and cancel travel as messages).
 */
export const HOOKS_ARG: Partial<Record<ApiMethod, number>> = { detect: 3, exportReport: 2 };

export function toWireError(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const { file, problem } = e as Error & { file?: unknown; problem?: unknown };
  return {
    name: e.name,
    message: e.message,
    ...(typeof file === 'string' ? { file } : {}),
    ...(typeof problem === 'string' ? { problem } : {}),
  };
}

export function fromWireError(w: WireError): Error {
  return Object.assign(new Error(w.message), w);
}
