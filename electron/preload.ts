// Runs in the sandboxed renderer before the page: the only bridge between page and main process. It exposes a
// few functions under `window.voxwatch` and never ipcRenderer itself, so page code cannot pick its own channels.
// Sandboxed preloads may require only 'electron' (and a few built-ins), so this file imports nothing else:
// the channel names are repeated from main.ts / ipc.ts on purpose (a test keeps them in step).
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';

const MENU_CHANNEL = 'voxwatch:menu';

const bridge = {
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
