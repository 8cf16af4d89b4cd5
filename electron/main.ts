// The Electron main process: one window, a native menu and the security settings around them. It only wires
// things together; everything a project does lives in core and is reached through IPC (see ipc.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import type { MenuItemConstructorOptions, Session, WebContents } from 'electron';
import packageJson from '../package.json';
import { LocalProject } from '../core/store/project';
import { EpochOctrees, octreeRootOf } from '../core/octree/epoch-octrees';
import { EpochPointSampler } from '../core/view/point-sample';
import { isTrustedUrl, registerIpc, shellHandlers, trustedFrameCheck } from './ipc';
import { handleOctreeRequests, OCTREE_SCHEME, OCTREE_SCHEME_PRIVILEGES } from './octree-protocol';
import { projectHandlers, type OpenProject } from './project-ipc';

export const PRODUCT_NAME = 'VoxWatch';

/** The channel menu commands travel on; the preload forwards them to `window.voxwatch.onMenu`. */
export const MENU_CHANNEL = 'voxwatch:menu';

// potree-core decodes octree nodes in blob: workers, hence blob: for scripts and workers; no 'unsafe-eval'.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' blob:",
  "worker-src 'self' blob:",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  `connect-src 'self' ${OCTREE_SCHEME}:`, // the open project's octree files (electron/octree-protocol.ts)
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Permissions the page may be granted; everything else (camera, geolocation, notifications…) is refused. */
const ALLOWED_PERMISSIONS = new Set(['fullscreen', 'clipboard-sanitized-write']);

export const FILE_MENU_COMMANDS = ['new-project', 'open-project', 'add-epoch', 'run-detection', 'export-report'] as const;
export type MenuCommand = (typeof FILE_MENU_COMMANDS)[number];

export interface AppPaths {
  appRoot: string;
  preloadPath: string;
  indexHtml: string;
}

export type OpenExternal = (url: string) => Promise<void>;

/**
 * Paths of the app, found from the bundled main script at `<appRoot>/out/electron/main.js`. The same layout holds
 * in development (`npm start`) and inside the packaged app.asar, so one rule serves both.
 */
export function resolveAppPaths(mainFileUrl: string): AppPaths {
  const bundleDir = path.dirname(fileURLToPath(mainFileUrl));
  const appRoot = path.resolve(bundleDir, '..', '..');
  return {
    appRoot,
    preloadPath: path.join(bundleDir, 'preload.cjs'),
    indexHtml: path.join(appRoot, 'renderer', 'dist', 'index.html'), // built by Vite (scripts/start.mjs)
  };
}

export function createMainWindow(paths: AppPaths, openExternal: OpenExternal): BrowserWindow {
  const window = new BrowserWindow({
    title: PRODUCT_NAME,
    width: 1400,
    height: 900,
    minWidth: 1000,
    minHeight: 700,
    show: false, // shown on ready-to-show, so the user never sees an empty white frame
    webPreferences: {
      preload: paths.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  secureWebContents(window.webContents, paths.appRoot, openExternal);
  window.once('ready-to-show', () => window.show());
  window.loadFile(paths.indexHtml).catch((error: unknown) => {
    console.error(`VoxWatch: cannot load ${paths.indexHtml}:`, error);
    window.show(); // rather an empty window than an invisible app that never quits
  });
  return window;
}

/** Keeps the window on our own files: no navigation elsewhere, no new windows, no <webview>. */
export function secureWebContents(contents: WebContents, appRoot: string, openExternal: OpenExternal): void {
  contents.on('will-navigate', (event) => {
    if (isTrustedUrl(event.url, appRoot)) return;
    event.preventDefault();
    openInBrowserIfHttps(event.url, openExternal);
  });
  contents.setWindowOpenHandler(({ url }) => {
    openInBrowserIfHttps(url, openExternal);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Only https goes to the system browser: http could be tampered with, and file:/custom schemes launch programs. */
function openInBrowserIfHttps(url: string, openExternal: OpenExternal): void {
  if (URL.canParse(url) && new URL(url).protocol === 'https:') {
    openExternal(url).catch((error: unknown) => console.error(`VoxWatch: cannot open ${url}:`, error));
  }
}

/** Sets our CSP on every response and refuses permission requests we do not need. */
export function secureSession(target: Session, appRoot: string): void {
  target.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders ?? {}) });
  });
  target.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(ALLOWED_PERMISSIONS.has(permission) && isTrustedUrl(details.requestingUrl, appRoot));
  });
}

/** Replaces any CSP header (whatever its case) with ours, so a weaker one cannot be combined in. */
export function withContentSecurityPolicy(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const kept = Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-security-policy');
  return { ...Object.fromEntries(kept), 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] };
}

export interface MenuOptions {
  isDev: boolean;
  platform: NodeJS.Platform;
  /** The window whose renderer receives menu commands (null while none is open). */
  getTarget: () => { webContents: Pick<WebContents, 'send'> } | null;
  openExternal: OpenExternal;
  documentationUrl?: string;
  /** Handles a File command in the main process (dialogs); returns false to pass it on to the renderer. */
  onCommand?: (id: MenuCommand) => boolean;
}

export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const isMac = options.platform === 'darwin';
  const command = (id: MenuCommand, label: string, accelerator?: string): MenuItemConstructorOptions => ({
    id,
    label,
    accelerator,
    click: () => {
      if (!options.onCommand?.(id)) options.getTarget()?.webContents.send(MENU_CHANNEL, id);
    },
  });
  const documentationUrl = options.documentationUrl;

  const fileMenu: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      command('new-project', 'New Project…', 'CmdOrCtrl+N'),
      command('open-project', 'Open Project…', 'CmdOrCtrl+O'),
      // Filled from the project store once it exists.
      { id: 'open-recent', label: 'Open Recent', submenu: [{ label: 'No Recent Projects', enabled: false }] },
      command('add-epoch', 'Add Epoch…', 'CmdOrCtrl+Shift+A'),
      command('run-detection', 'Run Detection', 'F9'),
      command('export-report', 'Export Report…', 'CmdOrCtrl+E'),
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' }, // macOS quits from the app menu
    ],
  };

  const devItems: MenuItemConstructorOptions[] = options.isDev
    ? [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
    : [];
  const viewMenu: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...devItems,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const helpMenu: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      { role: 'about', label: `About ${PRODUCT_NAME}` },
      {
        id: 'documentation',
        label: 'Documentation',
        enabled: documentationUrl !== undefined,
        click: () => {
          if (documentationUrl !== undefined) openInBrowserIfHttps(documentationUrl, options.openExternal);
        },
      },
    ],
  };

  return [...(isMac ? [{ role: 'appMenu' } as const] : []), fileMenu, viewMenu, helpMenu];
}

export interface StartOptions {
  platform?: NodeJS.Platform;
  mainFileUrl?: string;
  /** A `.voxwatch` file among the arguments is opened at start (`npm start -- luohu.voxwatch`). */
  argv?: string[];
}

const SOFTWARE = `${PRODUCT_NAME} ${packageJson.version}`;

function openProject(file: string): OpenProject {
  const api = LocalProject.open(file, SOFTWARE);
  const octrees = new EpochOctrees(octreeRootOf(path.resolve(file)), async (id) => {
    const epoch = (await api.info()).epochs.find((e) => e.id === id);
    if (!epoch) throw new Error(`no epoch ${id} in this project`);
    return { files: epoch.files, label: epoch.label, projection: epoch.crs?.epsg !== undefined ? `EPSG:${epoch.crs.epsg}` : undefined };
  });
  return { api, points: EpochPointSampler.forProject(api), octrees };
}

/**
 * New / Open project and Add epoch: native dialogs in the main process, then the window reloads onto the project.
 * Run detection and Export report go on to the renderer, which has the epochs and the selection.
 */
function projectCommands(holder: { project: OpenProject | null }, getWindow: () => BrowserWindow | null): (id: MenuCommand) => boolean {
  const replace = async (next: OpenProject) => {
    await holder.project?.octrees?.close();
    await holder.project?.api.close();
    holder.project = next;
    getWindow()?.webContents.reload();
  };
  const fail = (error: unknown) => dialog.showErrorBox(PRODUCT_NAME, (error as Error).message);
  const projectFilter = [{ name: 'VoxWatch project', extensions: ['voxwatch'] }];
  const run = async (id: MenuCommand): Promise<void> => {
    if (id === 'open-project') {
      const r = await dialog.showOpenDialog({ properties: ['openFile'], filters: projectFilter });
      if (!r.canceled && r.filePaths[0]) await replace(openProject(r.filePaths[0]));
    } else if (id === 'new-project') {
      const r = await dialog.showSaveDialog({ filters: projectFilter });
      if (r.canceled || !r.filePath) return;
      await LocalProject.create(r.filePath, { name: path.basename(r.filePath, '.voxwatch') }, SOFTWARE).close();
      await replace(openProject(r.filePath));
    } else if (id === 'add-epoch' && holder.project) {
      const r = await dialog.showOpenDialog({
        properties: ['openFile', 'multiSelections'],
        filters: [{ name: 'LAS/LAZ', extensions: ['las', 'laz'] }],
      });
      if (r.canceled || r.filePaths.length === 0) return;
      await holder.project.api.addEpoch({ label: path.basename(r.filePaths[0]).replace(/\.la[sz]$/i, ''), files: r.filePaths });
      getWindow()?.webContents.reload();
    }
  };
  return (id) => {
    if (id !== 'open-project' && id !== 'new-project' && id !== 'add-epoch') return false;
    run(id).catch(fail);
    return true;
  };
}

/** The app's lifecycle: single instance, menu, session security, IPC, then the window. */
export async function startApp({
  platform = process.platform,
  mainFileUrl = import.meta.url,
  argv = process.argv,
}: StartOptions = {}): Promise<void> {
  app.setName(PRODUCT_NAME); // before the lock: the lock and userData live in a folder named after the app
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const paths = resolveAppPaths(mainFileUrl);
  const openExternal: OpenExternal = (url) => shell.openExternal(url);
  let mainWindow: BrowserWindow | null = null;
  const openMainWindow = () => {
    mainWindow = createMainWindow(paths, openExternal);
    mainWindow.on('closed', () => (mainWindow = null));
  };

  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });

  protocol.registerSchemesAsPrivileged([OCTREE_SCHEME_PRIVILEGES]); // before ready, as Electron requires
  await app.whenReady();
  app.setAboutPanelOptions({ applicationName: PRODUCT_NAME, applicationVersion: packageJson.version });
  secureSession(session.defaultSession, paths.appRoot);
  const holder: { project: OpenProject | null } = { project: null };
  const projectFile = argv.find((a) => a.endsWith('.voxwatch'));
  if (projectFile) holder.project = openProject(path.resolve(projectFile));
  const send = (channel: string, payload: unknown) => mainWindow?.webContents.send(channel, payload);
  registerIpc(ipcMain, { ...shellHandlers, ...projectHandlers(() => holder.project, send) }, trustedFrameCheck(paths.appRoot));
  handleOctreeRequests(protocol, () => holder.project?.octrees ?? null);
  app.on('will-quit', () => {
    void holder.project?.octrees?.close();
    void holder.project?.api.close();
  });
  const documentationUrl = (packageJson as { homepage?: string }).homepage;
  const onCommand = projectCommands(holder, () => mainWindow);
  const template = buildMenuTemplate({
    isDev: !app.isPackaged,
    platform,
    getTarget: () => mainWindow,
    openExternal,
    documentationUrl,
    onCommand,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  openMainWindow();
  app.on('activate', () => {
    if (mainWindow === null) openMainWindow(); // macOS: clicking the dock icon with no window open
  });
}

// Only when Electron runs this file: importing it (tests, tools) has no side effects.
if (process.versions.electron !== undefined) {
  startApp().catch((error: unknown) => {
    console.error('VoxWatch failed to start:', error);
    app.exit(1);
  });
}
