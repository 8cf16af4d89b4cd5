// The renderer's one way to the project: ProjectApi plus the epoch point samples the viewer draws. In Electron the
// preload exposes it as `window.voxwatch` (IPC); in a browser (`voxwatch serve`) it is fetch('/api/…').
import type { ProjectApi, ProgressHooks, ReportRequest, ReportResult, RunRecord } from '../core/api';
import type { DetectOptions } from '../core/detect-options';
import { decodePointSample, type PointCloudData } from './point-data';
import { fromWire } from './wire';

export interface PointsQuery {
  box?: { minX: number; minY: number; maxX: number; maxY: number };
  maxPoints: number;
  origin: [number, number, number];
}

/** A report the shell wrote: downloaded by the browser, or saved where the user chose in the desktop app. */
export interface ReportOutcome {
  fileName: string;
  bytes: number;
  changes: number;
  pages: number;
  /** Where the desktop app saved it; null for a browser download. */
  savedTo: string | null;
}

export interface ReportHooks {
  onProgress?: (p: { done: number; total: number }) => void;
  signal?: AbortSignal;
}

export interface ViewerApi extends ProjectApi {
  epochPoints(epochId: number, query: PointsQuery): Promise<PointCloudData>;
  /** Writes the PDF report where the shell decides (never a path from the page); null when the user cancelled. */
  exportReportFile(runId: number | undefined, request: ReportRequest, hooks?: ReportHooks): Promise<ReportOutcome | null>;
}

/**
 * What the Electron preload exposes (electron/preload.ts): the same methods, with point samples as bytes, and
 * detect taking a progress callback plus a separate cancel (an AbortSignal cannot cross the context bridge).
 */
export type ElectronBridge = Omit<ViewerApi, 'epochPoints' | 'detect' | 'exportReportFile' | 'exportReport'> & {
  epochPoints(epochId: number, query: PointsQuery): Promise<Uint8Array>;
  detect(
    before: number | string,
    after: number | string,
    options: Partial<DetectOptions> | null,
    onProgress?: ProgressHooks['onProgress'],
  ): Promise<RunRecord>;
  cancelDetection(): Promise<boolean>;
  exportReport(runId: number | null, request: ReportRequest, onProgress?: ReportHooks['onProgress']): Promise<ReportResult | null>;
  cancelReport(): Promise<boolean>;
  onMenu?(callback: (id: string) => void): () => void;
  version?(): Promise<string>;
};

declare global {
  interface Window {
    voxwatch?: ElectronBridge;
  }
}

/** A server-side refusal or failure, with the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const TOKEN_KEY = 'voxwatch.token';

/** `voxwatch serve --token T` prints a URL ending in #token=T: kept for this tab, then removed from the address bar. */
function takeToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function webBridge(): ViewerApi {
  const token = takeToken();
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers['X-VoxWatch-Token'] = token;

  async function call(method: string, args: unknown[], extraHeaders: Record<string, string> = {}): Promise<unknown> {
    const response = await fetch(`api/${method}`, { method: 'POST', headers: { ...headers, ...extraHeaders }, body: JSON.stringify(args) });
    const body = (await response.json().catch(() => ({ error: response.statusText }))) as unknown;
    if (!response.ok) throw new ApiError(response.status, (body as { error?: string }).error ?? response.statusText);
    return fromWire(body);
  }

  /** detect blocks until the run ends; progress is polled beside it and cancel is its own call. */
  async function detect(before: number | string, after: number | string, options?: Partial<DetectOptions>, hooks: ProgressHooks = {}) {
    throwIfAborted(hooks.signal);
    // The job id lets a cancel sent before the server has started the run still stop it.
    const job = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    const cancel = () => void fetch('api/cancel', { method: 'POST', headers, body: JSON.stringify([job]) });
    hooks.signal?.addEventListener('abort', cancel, { once: true });
    let polling = true;
    const poll = async () => {
      while (polling) {
        await new Promise((resolve) => setTimeout(resolve, 400));
        const p = (await (await fetch('api/progress', { headers })).json()) as {
          running: boolean;
          phase: never;
          done: number;
          total: number;
        };
        if (polling && p.running && p.phase) hooks.onProgress?.({ phase: p.phase, done: p.done, total: p.total });
      }
    };
    const polled = poll().catch(() => undefined);
    try {
      return (await call('detect', [before, after, options ?? null], { 'X-VoxWatch-Job': job })) as RunRecord;
    } finally {
      polling = false;
      hooks.signal?.removeEventListener('abort', cancel);
      await polled;
    }
  }

  /** The report comes back as the response body (the server renders it to a temporary file): saved as a download. */
  async function exportReportFile(runId: number | undefined, request: ReportRequest, hooks: ReportHooks = {}): Promise<ReportOutcome> {
    throwIfAborted(hooks.signal);
    const job = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    const request$ = new AbortController();
    const cancel = () => {
      void fetch('api/report-cancel', { method: 'POST', headers, body: JSON.stringify([job]) });
      request$.abort();
    };
    hooks.signal?.addEventListener('abort', cancel, { once: true });
    let polling = true;
    const poll = async () => {
      while (polling) {
        await new Promise((resolve) => setTimeout(resolve, 400));
        const p = (await (await fetch(`api/report-progress?job=${job}`, { headers })).json()) as {
          running: boolean;
          done: number;
          total: number;
        };
        if (polling && p.running && p.total > 0) hooks.onProgress?.({ done: p.done, total: p.total });
      }
    };
    const polled = poll().catch(() => undefined);
    try {
      const response = await fetch('api/report', {
        method: 'POST',
        headers: { ...headers, 'X-VoxWatch-Job': job },
        body: JSON.stringify([runId ?? null, request]),
        signal: request$.signal,
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({ error: response.statusText }))) as { error?: string };
        throw new ApiError(response.status, body.error ?? response.statusText);
      }
      const blob = await response.blob();
      const fileName = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? 'voxwatch-report.pdf';
      const meta = JSON.parse(response.headers.get('X-VoxWatch-Report') ?? '{}') as { changes?: number; pages?: number };
      const url = URL.createObjectURL(blob);
      const link = Object.assign(document.createElement('a'), { href: url, download: fileName, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      return { fileName, bytes: blob.size, changes: meta.changes ?? 0, pages: meta.pages ?? 0, savedTo: null };
    } finally {
      polling = false;
      hooks.signal?.removeEventListener('abort', cancel);
      await polled;
    }
  }

  const api = new Proxy({} as ViewerApi, {
    get(_target, name) {
      if (name === 'then') return undefined; // not a thenable
      if (name === 'detect') return detect;
      if (name === 'exportReportFile') return exportReportFile;
      if (name === 'epochPoints') {
        return async (epochId: number, q: PointsQuery) => {
          const params = new URLSearchParams({ epoch: String(epochId), max: String(q.maxPoints) });
          params.set('ox', String(q.origin[0]));
          params.set('oy', String(q.origin[1]));
          params.set('oz', String(q.origin[2]));
          if (q.box) for (const [k, v] of Object.entries(q.box)) params.set(k, String(v));
          const response = await fetch(`api/points?${params}`, { headers });
          if (!response.ok) throw new ApiError(response.status, ((await response.json()) as { error: string }).error);
          return decodePointSample(await response.arrayBuffer());
        };
      }
      return (...args: unknown[]) => call(String(name), args);
    },
  });
  return api;
}

/**
 * A signal aborted before a call starts never fires 'abort' again, so a call would not see it:
 * a cancel that came while the caller was still preparing (e.g. the report's last snapshot)
 * must stop the call before it sends anything.
 */
function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException('cancelled', 'AbortError');
}

/**
 * Electron rewords a failed call as "Error invoking remote method 'voxwatch:setVerdict': Error: <message>"; the page
 * shows the message alone, as the server's (electron/ipc.ts words it as the server does).
 */
export function withoutIpcWording(e: unknown): unknown {
  const m = e instanceof Error ? /^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?([\s\S]*)$/.exec(e.message) : null;
  return m ? new Error(m[1]) : e;
}

/** The preload's methods, each failure as the page should read it. */
function unwrapFailures(bridge: ElectronBridge): ElectronBridge {
  const wrapped = Object.entries(bridge).map(([name, value]) => {
    if (typeof value !== 'function') return [name, value];
    return [
      name,
      (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown)(...args);
        // Only promises fail this way; onMenu answers at once with its unsubscribe function.
        if (typeof (result as Promise<unknown> | undefined)?.then !== 'function') return result;
        return (result as Promise<unknown>).catch((e: unknown) => {
          throw withoutIpcWording(e);
        });
      },
    ];
  });
  return Object.fromEntries(wrapped) as ElectronBridge;
}

function electronBridge(exposed: ElectronBridge): ViewerApi {
  const bridge = unwrapFailures(exposed);
  return {
    ...bridge,
    detect: async (before, after, options, hooks = {}) => {
      throwIfAborted(hooks.signal);
      const cancel = () => void bridge.cancelDetection();
      hooks.signal?.addEventListener('abort', cancel, { once: true });
      try {
        return await bridge.detect(before, after, options ?? null, hooks.onProgress);
      } finally {
        hooks.signal?.removeEventListener('abort', cancel);
      }
    },
    exportReport: () => Promise.reject(new Error('the page never names a report path: use exportReportFile')),
    exportReportFile: async (runId, request, hooks = {}) => {
      throwIfAborted(hooks.signal);
      const cancel = () => void bridge.cancelReport();
      hooks.signal?.addEventListener('abort', cancel, { once: true });
      try {
        const r = await bridge.exportReport(runId ?? null, request, hooks.onProgress);
        throwIfAborted(hooks.signal);
        if (!r) return null;
        const fileName = r.path.split(/[\\/]/).pop() ?? r.path;
        return { fileName, bytes: r.bytes, changes: r.changes, pages: r.pages, savedTo: r.path };
      } finally {
        hooks.signal?.removeEventListener('abort', cancel);
      }
    },
    epochPoints: async (epochId, query) => {
      const bytes = await bridge.epochPoints(epochId, query);
      return decodePointSample(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    },
  };
}

export function connect(): ViewerApi {
  return window.voxwatch?.listChanges ? electronBridge(window.voxwatch) : webBridge();
}
