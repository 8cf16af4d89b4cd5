// Runs in the sandboxed renderer before the page: the only bridge between page and main process. It exposes a
// few functions under `window.voxwatch` and never ipcRenderer itself, so page code cannot pick its own channels.
// Sandboxed preloads may require only 'electron' (and a few built-ins): besides it, this file imports only core's
// pure list of API methods, which the bundle inlines; the menu and progress channel names are repeated from
// main.ts / project-ipc.ts on purpose (a test keeps them in step).
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { REMOTE_METHODS } from '../core/api-args';

const MENU_CHANNEL = 'voxwatch:menu';
const PROGRESS_CHANNEL = 'voxwatch:progress';
const REPORT_PROGRESS_CHANNEL = 'voxwatch:report-progress';

type Invoke = (...args: unknown[]) => Promise<unknown>;

/** ProjectApi's methods, each one IPC call; detect is wrapped below because hooks cannot cross the bridge. */
const projectMethods: Record<string, Invoke> = Object.fromEntries(
  Object.keys(REMOTE_METHODS).map((name) => [name, (...args: unknown[]) => ipcRenderer.invoke(`voxwatch:${name}`, ...args)]),
);

const bridge = {
  ...projectMethods,
  /** detect with progress: `onProgress` gets `{ phase, done, total }` until the run ends. */
  detect: async (before: unknown, after: unknown, options: unknown, onProgress?: (p: unknown) => void): Promise<unknown> => {
    const listener = (_event: IpcRendererEvent, p: unknown) => onProgress?.(p);
    ipcRenderer.on(PROGRESS_CHANNEL, listener);
    try {
      return await ipcRenderer.invoke('voxwatch:detect', before, after, options ?? null);
    } finally {
      ipcRenderer.removeListener(PROGRESS_CHANNEL, listener);
    }
  },
  cancelDetection: (): Promise<boolean> => ipcRenderer.invoke('voxwatch:cancelDetection'),
  /** The PDF report: the main process asks where to save it; resolves null when the user cancels that dialog. */
  exportReport: async (runId: unknown, request: unknown, onProgress?: (p: unknown) => void): Promise<unknown> => {
    const listener = (_event: IpcRendererEvent, p: unknown) => onProgress?.(p);
    ipcRenderer.on(REPORT_PROGRESS_CHANNEL, listener);
    try {
      return await ipcRenderer.invoke('voxwatch:exportReport', runId ?? null, request);
    } finally {
      ipcRenderer.removeListener(REPORT_PROGRESS_CHANNEL, listener);
    }
  },
  cancelReport: (): Promise<boolean> => ipcRenderer.invoke('voxwatch:cancelReport'),
  epochPoints: (epochId: number, query: unknown): Promise<Uint8Array> => ipcRenderer.invoke('voxwatch:epochPoints', epochId, query),
  /** An epoch's octree status; asking starts its build (files then come from the voxwatch-octree: scheme). */
  octreeStatus: (epochId: number): Promise<unknown> => ipcRenderer.invoke('voxwatch:octreeStatus', epochId),
  version: (): Promise<string> => ipcRenderer.invoke('voxwatch:version'),
  ping: (): Promise<string> => ipcRenderer.invoke('voxwatch:ping'),
  /** Calls `callback` with the id of each menu command (e.g. 'open-project'); returns an unsubscribe function. */
  onMenu: (callback: (id: string) => void): (() => void) => {
    // The IPC event is not passed on: it carries `sender`, i.e. ipcRenderer.
    const listener = (_event: IpcRendererEvent, id: unknown) => {
      if (typeof id === 'string') callback(id);
    };
    ipcRenderer.on(MENU_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(MENU_CHANNEL, listener);
    };
  },
};

export type VoxWatchBridge = typeof bridge;

contextBridge.exposeInMainWorld('voxwatch', bridge);
