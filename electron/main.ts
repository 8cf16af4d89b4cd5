// The Electron main process: one window, a native menu and the security settings around them. It only wires
// things together; everything a project does lives in core and is reached through IPC (see ipc.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import type { MenuItemConstructorOptions, Session, WebContents } from 'electron';
import packageJson from '../package.json';
import { LocalProject } from '../core/store/project';
import { openProjectInWorker } from '../core/workers/project-client';
import { EpochOctrees, octreeRootOf } from '../core/octree/epoch-octrees';
import { EpochPointSampler } from '../core/view/point-sample';
import { isTrustedUrl, registerIpc, shellHandlers, trustedFrameCheck } from './ipc';
import { handleOctreeRequests, OCTREE_SCHEME, OCTREE_SCHEME_PRIVILEGES } from './octree-protocol';
import { projectHandlers, type OpenProject } from './project-ipc';
import { RecentProjects } from './recent-projects';
import { reportHandlers, type AskReportPath } from './report-ipc';

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
/** View and Help commands the renderer carries out (it owns the 3D view and the language). */
export const VIEW_MENU_COMMANDS = [
  'view-before',
  'view-after',
  'view-swipe',
  'view-overview',
  'toggle-ortho-ground',
  'measure',
  'toggle-language',
] as const;
export const HELP_MENU_COMMANDS = ['shortcuts'] as const;
export type MenuCommand = (typeof FILE_MENU_COMMANDS)[number] | (typeof VIEW_MENU_COMMANDS)[number] | (typeof HELP_MENU_COMMANDS)[number];

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
  /** Recently opened projects, most recent first (File › Open Recent). */
  recent?: string[];
  onOpenRecent?: (project: string) => void;
  onClearRecent?: () => void;
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
      { id: 'open-recent', label: 'Open Recent', submenu: recentMenu(options) },
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
      command('view-before', 'Before', 'CmdOrCtrl+1'),
      command('view-after', 'After', 'CmdOrCtrl+2'),
      command('view-swipe', 'Swipe', 'CmdOrCtrl+3'),
      command('view-overview', 'Overview'),
      { type: 'separator' },
      command('toggle-ortho-ground', 'Orthophoto Ground'),
      command('measure', 'Measure Distance and Height'),
      command('toggle-language', 'English / 中文'),
      { type: 'separator' },
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
      command('shortcuts', 'Keyboard Shortcuts'),
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

/** File › Open Recent: the projects, then Clear; a disabled line when there are none. */
function recentMenu(options: MenuOptions): MenuItemConstructorOptions[] {
  const recent = options.recent ?? [];
  if (recent.length === 0) return [{ label: 'No Recent Projects', enabled: false }];
  return [
    ...recent.map((file): MenuItemConstructorOptions => ({
      label: `${path.basename(file)}  —  ${path.dirname(file)}`,
      click: () => options.onOpenRecent?.(file),
    })),
    { type: 'separator' },
    { id: 'clear-recent', label: 'Clear Recently Opened', click: () => options.onClearRecent?.() },
  ];
}

export interface StartOptions {
  platform?: NodeJS.Platform;
  mainFileUrl?: string;
  /** A `.voxwatch` file among the arguments is opened at start (`npm start -- luohu.voxwatch`). */
  argv?: string[];
}

const SOFTWARE = `${PRODUCT_NAME} ${packageJson.version}`;

/** The project lives in its own worker thread: SQLite, detection bookkeeping and PDF layout never block the menus or IPC. */
async function openProject(file: string): Promise<OpenProject> {
  const api = await openProjectInWorker(file, SOFTWARE);
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
export function projectCommands(
  holder: { project: OpenProject | null },
  getWindow: () => BrowserWindow | null,
  onOpened: (file: string) => void = () => undefined,
): { onCommand: (id: MenuCommand) => boolean; open: (file: string) => Promise<void> } {
  const replace = async (file: string, next: OpenProject) => {
    await holder.project?.octrees?.close();
    await holder.project?.api.close();
    holder.project = next;
    onOpened(file);
    getWindow()?.webContents.reload();
  };
  const fail = (error: unknown) => dialog.showErrorBox(PRODUCT_NAME, (error as Error).message);
  const projectFilter = [{ name: 'VoxWatch project', extensions: ['voxwatch'] }];
  const run = async (id: MenuCommand): Promise<void> => {
    if (id === 'open-project') {
      const r = await dialog.showOpenDialog({ properties: ['openFile'], filters: projectFilter });
      if (!r.canceled && r.filePaths[0]) await replace(r.filePaths[0], await openProject(r.filePaths[0]));
    } else if (id === 'new-project') {
      const r = await dialog.showSaveDialog({ filters: projectFilter });
      if (r.canceled || !r.filePath) return;
      await LocalProject.create(r.filePath, { name: path.basename(r.filePath, '.voxwatch') }, SOFTWARE).close();
      await replace(r.filePath, await openProject(r.filePath));
    } else if (id === 'add-epoch' && holder.project) {
      const r = await dialog.showOpenDialog({
        properties: ['openFile', 'multiSelections'],
        filters: [{ name: 'LAS/LAZ', extensions: ['las', 'laz'] }],
      });
      if (r.canceled || r.filePaths.length === 0) return;
      // The orthophoto is optional: Cancel adds the epoch without one.
      const ortho = await dialog.showOpenDialog({
        title: 'Orthophoto of this epoch (optional: Cancel to add the epoch without one)',
        properties: ['openFile'],
        filters: [{ name: 'GeoTIFF', extensions: ['tif', 'tiff'] }],
      });
      await holder.project.api.addEpoch({
        label: path.basename(r.filePaths[0]).replace(/\.la[sz]$/i, ''),
        files: r.filePaths,
        orthophoto: !ortho.canceled && ortho.filePaths[0] ? ortho.filePaths[0] : undefined,
      });
      getWindow()?.webContents.reload();
    }
  };
  return {
    onCommand: (id) => {
      if (id !== 'open-project' && id !== 'new-project' && id !== 'add-epoch') return false;
      run(id).catch(fail);
      return true;
    },
    open: (file) =>
      Promise.resolve()
        .then(async () => replace(file, await openProject(file)))
        .catch(fail),
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
  const recent = new RecentProjects(path.join(app.getPath('userData'), 'recent-projects.json'));
  const projectFile = argv.find((a) => a.endsWith('.voxwatch'));
  if (projectFile) {
    // A project that cannot be opened is said so, and the app starts without it.
    holder.project = await openProject(path.resolve(projectFile)).catch((error: unknown) => {
      dialog.showErrorBox(PRODUCT_NAME, (error as Error).message);
      return null;
    });
    if (holder.project) recent.add(projectFile);
  }
  const send = (channel: string, payload: unknown) => mainWindow?.webContents.send(channel, payload);
  const askReportPath: AskReportPath = async (suggestedName) => {
    const options = { defaultPath: suggestedName, filters: [{ name: 'PDF', extensions: ['pdf'] }] };
    const r = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
    return r.canceled || !r.filePath ? null : r.filePath;
  };
  registerIpc(
    ipcMain,
    { ...shellHandlers, ...projectHandlers(() => holder.project, send), ...reportHandlers(() => holder.project, send, askReportPath) },
    trustedFrameCheck(paths.appRoot),
  );
  handleOctreeRequests(protocol, () => holder.project?.octrees ?? null);
  app.on('will-quit', () => {
    void holder.project?.octrees?.close();
    void holder.project?.api.close();
  });
  const documentationUrl = (packageJson as { homepage?: string }).homepage;
  const setMenu = () =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate({
          isDev: !app.isPackaged,
          platform,
          getTarget: () => mainWindow,
          openExternal,
          documentationUrl,
          onCommand: commands.onCommand,
          recent: recent.list(),
          onOpenRecent: (file) => void commands.open(file),
          onClearRecent: () => {
            recent.clear();
            setMenu();
          },
        }),
      ),
    );
  const commands = projectCommands(
    holder,
    () => mainWindow,
    (file) => {
      recent.add(file);
      setMenu(); // Open Recent lists it now
    },
  );
  setMenu();
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
