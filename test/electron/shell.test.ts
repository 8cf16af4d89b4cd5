// The Electron shell's wiring and security settings, against a fake `electron` module (the real binary does not
// run in CI). Each test drives the code the way Electron would and checks what it did.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { MenuItemConstructorOptions, Session, WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import packageJson from '../../package.json';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  class Emitter {
    listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    once(event: string, listener: Listener) {
      return this.on(event, listener);
    }
    removeListener(event: string, listener: Listener) {
      this.listeners.set(
        event,
        (this.listeners.get(event) ?? []).filter((l) => l !== listener),
      );
      return this;
    }
    emit(event: string, ...args: unknown[]) {
      for (const listener of this.listeners.get(event) ?? []) listener(...args);
    }
  }

  class FakeWebContents extends Emitter {
    windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
    send = vi.fn();
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler;
    }
  }

  class FakeBrowserWindow extends Emitter {
    static instances: FakeBrowserWindow[] = [];
    webContents = new FakeWebContents();
    loadFile = vi.fn(async (_file: string) => undefined);
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    isMinimized = vi.fn(() => true);
    constructor(public options: Record<string, unknown>) {
      super();
      FakeBrowserWindow.instances.push(this);
    }
  }

  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    userData: '',
    getPath: vi.fn((_name: string) => app.userData),
    setName: vi.fn(),
    setAboutPanelOptions: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(async () => undefined),
    quit: vi.fn(),
    exit: vi.fn(),
  });

  const ipcHandlers = new Map<string, Listener>();
  const ipcMain = {
    handle: vi.fn((channel: string, listener: Listener) => void ipcHandlers.set(channel, listener)),
    removeHandler: vi.fn((channel: string) => void ipcHandlers.delete(channel)),
  };

  const defaultSession = {
    headersListener: undefined as Listener | undefined,
    permissionHandler: undefined as Listener | undefined,
    webRequest: {
      onHeadersReceived: vi.fn((listener: Listener) => void (defaultSession.headersListener = listener)),
    },
    setPermissionRequestHandler: vi.fn((handler: Listener) => void (defaultSession.permissionHandler = handler)),
  };

  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const ipcRenderer = Object.assign(new Emitter(), { invoke: vi.fn(async (channel: string) => `answer of ${channel}`) });

  return {
    FakeBrowserWindow,
    FakeWebContents,
    app,
    ipcHandlers,
    ipcMain,
    defaultSession,
    ipcRenderer,
    Menu: { buildFromTemplate: vi.fn((template: unknown) => ({ template })), setApplicationMenu: vi.fn() },
    shell: { openExternal: vi.fn(async (_url: string) => undefined) },
    contextBridge: { exposeInMainWorld: vi.fn() },
    protocolHandlers,
    protocol: {
      registerSchemesAsPrivileged: vi.fn(),
      handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response>) => void protocolHandlers.set(scheme, handler)),
    },
    dialog: {
      showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] as string[] })),
      showSaveDialog: vi.fn(async () => ({ canceled: true, filePath: undefined as string | undefined })),
      showErrorBox: vi.fn(),
    },
  };
});

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: fake.FakeBrowserWindow,
  ipcMain: fake.ipcMain,
  Menu: fake.Menu,
  session: { defaultSession: fake.defaultSession },
  shell: fake.shell,
  contextBridge: fake.contextBridge,
  ipcRenderer: fake.ipcRenderer,
  dialog: fake.dialog,
  protocol: fake.protocol,
}));

import {
  buildMenuTemplate,
  CONTENT_SECURITY_POLICY,
  createMainWindow,
  FILE_MENU_COMMANDS,
  HELP_MENU_COMMANDS,
  MENU_CHANNEL,
  projectCommands,
  VIEW_MENU_COMMANDS,
  resolveAppPaths,
  secureSession,
  secureWebContents,
  startApp,
} from '../../electron/main';
import { answerOctreeRequest, OCTREE_SCHEME_PRIVILEGES } from '../../electron/octree-protocol';
import { EpochOctrees } from '../../core/octree/epoch-octrees';
import { SHARED_DATA } from '../helpers/data';
import type { MenuOptions } from '../../electron/main';
import { PROGRESS_CHANNEL, projectHandlers, type OpenProject } from '../../electron/project-ipc';
import { REPORT_PROGRESS_CHANNEL, reportFileName, reportHandlers } from '../../electron/report-ipc';
import { MAX_RECENT, RecentProjects } from '../../electron/recent-projects';
import { REMOTE_METHODS } from '../../core/api-args';
import { LocalProject } from '../../core/store/project';
import type { ProgressHooks } from '../../core/api';
import { isTrustedUrl, registerIpc, shellHandlers, trustedFrameCheck } from '../../electron/ipc';
import type { SenderFrame } from '../../electron/ipc';
import { errorZh } from '../../core/review/errors-zh';
import { seedProject } from '../../samples/synthetic-project';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const appRoot = path.resolve('/opt/voxwatch');
const paths = resolveAppPaths(pathToFileURL(path.join(appRoot, 'out', 'electron', 'main.js')).href);
const indexUrl = pathToFileURL(paths.indexHtml).href;

beforeEach(() => {
  vi.clearAllMocks();
  fake.FakeBrowserWindow.instances.length = 0;
  fake.app.listeners.clear();
  fake.app.requestSingleInstanceLock.mockReturnValue(true);
  fake.app.userData = mkdtempSync(path.join(tmpdir(), 'voxwatch-userdata-'));
  fake.ipcHandlers.clear();
  fake.ipcRenderer.listeners.clear();
  fake.defaultSession.headersListener = undefined;
  fake.defaultSession.permissionHandler = undefined;
});

/** Directive name → its sources. */
function parsePolicy(policy: string): Map<string, string[]> {
  const directives = policy.split(';').map((part) => part.trim().split(/\s+/));
  return new Map(directives.filter((words) => words[0] !== '').map(([name, ...sources]) => [name, sources]));
}

function fakeContents() {
  const contents = new fake.FakeWebContents();
  const openExternal = vi.fn(async (_url: string) => undefined);
  secureWebContents(contents as unknown as WebContents, appRoot, openExternal);
  const navigate = (url: string) => {
    const event = { url, preventDefault: vi.fn() };
    contents.emit('will-navigate', event, url);
    return event.preventDefault;
  };
  return { contents, openExternal, navigate };
}

describe('app paths', () => {
  it('finds renderer and preload from the bundled main script, in development and inside app.asar', () => {
    expect(paths).toEqual({
      appRoot,
      preloadPath: path.join(appRoot, 'out', 'electron', 'preload.cjs'),
      indexHtml: path.join(appRoot, 'renderer', 'dist', 'index.html'),
    });
    const asar = path.resolve('/opt/VoxWatch/resources/app.asar');
    const packaged = resolveAppPaths(pathToFileURL(path.join(asar, 'out', 'electron', 'main.js')).href);
    expect(packaged.indexHtml).toBe(path.join(asar, 'renderer', 'dist', 'index.html'));
  });
});

describe('main window', () => {
  it('is created with every security setting and the built preload', () => {
    const window = createMainWindow(paths, vi.fn());
    expect(window).toBeInstanceOf(fake.FakeBrowserWindow);
    const { options } = fake.FakeBrowserWindow.instances[0];
    expect(options).toMatchObject({ title: 'VoxWatch', width: 1400, height: 900, minWidth: 1000, minHeight: 700 });
    expect(options.webPreferences).toEqual({
      preload: paths.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    });
  });

  it('loads the built renderer/dist/index.html from the app folder and secures its web contents', () => {
    createMainWindow(paths, vi.fn());
    const window = fake.FakeBrowserWindow.instances[0];
    expect(window.loadFile).toHaveBeenCalledWith(path.join(appRoot, 'renderer', 'dist', 'index.html'));
    expect(window.webContents.windowOpenHandler).toBeDefined();
    expect(window.webContents.listeners.get('will-navigate')).toHaveLength(1);
  });
});

describe('content security policy', () => {
  const directives = parsePolicy(CONTENT_SECURITY_POLICY);

  it('allows scripts and workers only from the app and blob: (potree workers), never eval or plugins', () => {
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'", 'blob:']);
    expect(directives.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual(["'self'", 'voxwatch-octree:']); // the open project's octrees only
  });

  it('is set on every response, replacing a CSP header of any case', () => {
    secureSession(fake.defaultSession as unknown as Session, appRoot);
    const callback = vi.fn();
    fake.defaultSession.headersListener!({ responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Kept': ['1'] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'X-Kept': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  it('is repeated in index.html, which has no inline script', () => {
    const html = readFileSync(path.join(repoRoot, 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta).not.toBeNull();
    const headerOnly = new Set(['frame-ancestors']); // ignored by browsers in <meta>
    expect(parsePolicy(meta![1])).toEqual(new Map([...directives].filter(([name]) => !headerOnly.has(name))));
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="/);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i); // inline event handlers
  });

  it('grants only the permissions we need, and only to our own page', () => {
    secureSession(fake.defaultSession as unknown as Session, appRoot);
    const decide = (permission: string, requestingUrl: string) => {
      const callback = vi.fn();
      fake.defaultSession.permissionHandler!({}, permission, callback, { requestingUrl });
      return callback.mock.calls[0][0];
    };
    expect(decide('fullscreen', indexUrl)).toBe(true);
    expect(decide('media', indexUrl)).toBe(false);
    expect(decide('geolocation', indexUrl)).toBe(false);
    expect(decide('fullscreen', 'https://example.com/')).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it("allows navigation to the app's own page", () => {
    const { navigate } = fakeContents();
    expect(navigate(indexUrl)).not.toHaveBeenCalled();
    expect(navigate(`${indexUrl}?project=1#changes`)).not.toHaveBeenCalled();
  });

  it('prevents navigation anywhere else, opening only https links in the browser', () => {
    const { navigate, openExternal } = fakeContents();
    expect(navigate('https://example.com/')).toHaveBeenCalled();
    expect(navigate('http://example.com/')).toHaveBeenCalled();
    expect(navigate(pathToFileURL('/etc/passwd').href)).toHaveBeenCalled();
    expect(navigate(pathToFileURL(path.join(appRoot, 'package.json')).href)).toHaveBeenCalled();
    expect(openExternal.mock.calls).toEqual([['https://example.com/']]);
  });

  it('denies every window.open and sends only https URLs to the system browser', () => {
    const { contents, openExternal } = fakeContents();
    const open = (url: string) => contents.windowOpenHandler!({ url });
    for (const url of [
      'https://example.com/docs',
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-settings:',
      indexUrl,
    ]) {
      expect(open(url)).toEqual({ action: 'deny' });
    }
    expect(openExternal.mock.calls).toEqual([['https://example.com/docs']]);
  });

  it('refuses <webview> tags', () => {
    const { contents } = fakeContents();
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('isTrustedUrl', () => {
  it('trusts files inside <appRoot>/renderer only', () => {
    expect(isTrustedUrl(indexUrl, appRoot)).toBe(true);
    expect(isTrustedUrl(`${indexUrl}#view`, appRoot)).toBe(true);
    const renderer = pathToFileURL(path.join(appRoot, 'renderer')).href;
    expect(isTrustedUrl(renderer, appRoot)).toBe(false);
    expect(isTrustedUrl(`${renderer}/../package.json`, appRoot)).toBe(false);
    expect(isTrustedUrl(`${renderer}-evil/index.html`, appRoot)).toBe(false);
    expect(isTrustedUrl(pathToFileURL('/tmp/renderer/index.html').href, appRoot)).toBe(false);
    expect(isTrustedUrl(indexUrl.replace('file:///', 'file://fileserver/'), appRoot)).toBe(false);
    expect(isTrustedUrl('https://example.com/renderer/index.html', appRoot)).toBe(false);
    expect(isTrustedUrl('not a url', appRoot)).toBe(false);
  });
});

describe('application menu', () => {
  const target = { webContents: { send: vi.fn() } };
  const options = (overrides: Partial<MenuOptions> = {}): MenuOptions => ({
    isDev: false,
    platform: 'linux',
    getTarget: () => target,
    openExternal: vi.fn(async (_url: string) => undefined),
    ...overrides,
  });
  const submenu = (template: MenuItemConstructorOptions[], label: string) => {
    const menu = template.find((item) => item.label === label || item.role === label.toLowerCase());
    expect(menu, label).toBeDefined();
    return menu!.submenu as MenuItemConstructorOptions[];
  };
  const click = (item: MenuItemConstructorOptions) => item.click!({} as never, undefined, {} as never);

  it('has the File items in order, ending with Quit', () => {
    const file = submenu(buildMenuTemplate(options()), 'File');
    expect(file.filter((item) => item.type !== 'separator').map((item) => item.label ?? item.role)).toEqual([
      'New Project…',
      'Open Project…',
      'Open Recent',
      'Add Epoch…',
      'Run Detection',
      'Export Report…',
      'quit',
    ]);
    expect(file.at(-2)?.type).toBe('separator');
    const recent = file.find((item) => item.label === 'Open Recent')!.submenu as MenuItemConstructorOptions[];
    expect(recent.every((item) => item.enabled === false)).toBe(true);
  });

  it('sends each File command to the renderer on voxwatch:menu', () => {
    const file = submenu(buildMenuTemplate(options()), 'File');
    for (const id of FILE_MENU_COMMANDS) {
      target.webContents.send.mockClear();
      click(file.find((item) => item.id === id)!);
      expect(target.webContents.send).toHaveBeenCalledExactlyOnceWith('voxwatch:menu', id);
    }
    expect(MENU_CHANNEL).toBe('voxwatch:menu');
    const noWindow = submenu(buildMenuTemplate(options({ getTarget: () => null })), 'File');
    expect(() => click(noWindow[0])).not.toThrow();
  });

  it('sends the View and Help commands to the renderer, which owns the view and the language', () => {
    const template = buildMenuTemplate(options());
    const items = [...submenu(template, 'View'), ...submenu(template, 'Help')];
    for (const id of [...VIEW_MENU_COMMANDS, ...HELP_MENU_COMMANDS]) {
      target.webContents.send.mockClear();
      click(items.find((item) => item.id === id)!);
      expect(target.webContents.send).toHaveBeenCalledExactlyOnceWith('voxwatch:menu', id);
    }
    expect(submenu(template, 'View').map((item) => item.label ?? item.role ?? item.type)).toEqual(
      expect.arrayContaining([
        'Before',
        'After',
        'Swipe',
        'Overview',
        'Orthophoto Ground',
        'Measure Distance and Height',
        'English / 中文',
      ]),
    );
  });

  it('lists recent projects under Open Recent, opens one when clicked, and can clear them', () => {
    const onOpenRecent = vi.fn();
    const onClearRecent = vi.fn();
    const recent = ['/data/luohu.voxwatch', '/data/futian.voxwatch'];
    const file = submenu(buildMenuTemplate(options({ recent, onOpenRecent, onClearRecent })), 'File');
    const items = file.find((item) => item.label === 'Open Recent')!.submenu as MenuItemConstructorOptions[];
    expect(items.map((item) => item.label ?? item.type)).toEqual([
      `luohu.voxwatch  —  ${path.dirname(recent[0])}`,
      `futian.voxwatch  —  ${path.dirname(recent[1])}`,
      'separator',
      'Clear Recently Opened',
    ]);
    click(items[1]);
    expect(onOpenRecent).toHaveBeenCalledExactlyOnceWith('/data/futian.voxwatch');
    click(items[3]);
    expect(onClearRecent).toHaveBeenCalledOnce();
  });

  it('offers Reload and DevTools in development only, zoom always', () => {
    const roles = (isDev: boolean) => submenu(buildMenuTemplate(options({ isDev })), 'View').map((item) => item.role);
    expect(roles(true)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools', 'zoomIn', 'zoomOut', 'resetZoom']));
    expect(roles(false)).not.toContain('reload');
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).toEqual(expect.arrayContaining(['zoomIn', 'zoomOut', 'resetZoom']));
  });

  it('has About and a Documentation item that opens only an https URL', () => {
    const openExternal = vi.fn(async (_url: string) => undefined);
    const help = submenu(buildMenuTemplate(options({ openExternal, documentationUrl: 'https://example.org/voxwatch' })), 'Help');
    expect(help.map((item) => item.label)).toEqual(['About VoxWatch', 'Keyboard Shortcuts', 'Documentation']);
    click(help[2]);
    expect(openExternal).toHaveBeenCalledWith('https://example.org/voxwatch');
    const withoutUrl = submenu(buildMenuTemplate(options()), 'Help');
    expect(withoutUrl[2].enabled).toBe(false);
  });

  it('puts the app menu first on macOS', () => {
    const template = buildMenuTemplate(options({ platform: 'darwin' }));
    expect(template[0].role).toBe('appMenu');
  });
});

describe('recent projects', () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), 'voxwatch-recent-'));

  it('keeps the projects most recent first, once each, at most MAX_RECENT, across restarts, only those that still exist', () => {
    const d = dir();
    const file = path.join(d, 'userData', 'recent-projects.json');
    const projects = Array.from({ length: MAX_RECENT + 2 }, (_, i) => path.join(d, `p${i}.voxwatch`));
    for (const p of projects) writeFileSync(p, '');
    const recent = new RecentProjects(file);
    for (const p of projects) recent.add(p);
    recent.add(projects[5]);
    const again = new RecentProjects(file).list();
    expect(again).toHaveLength(MAX_RECENT);
    expect(again[0]).toBe(projects[5]);
    expect(again.filter((p) => p === projects[5])).toHaveLength(1);
    expect(again).not.toContain(projects[0]); // the oldest fell off
    recent.add(path.join(d, 'gone.voxwatch')); // deleted since: not offered
    expect(new RecentProjects(file).list()).not.toContain(path.join(d, 'gone.voxwatch'));
    recent.clear();
    expect(new RecentProjects(file).list()).toEqual([]);
  });

  it('starts empty from a missing or damaged list', () => {
    const d = dir();
    expect(new RecentProjects(path.join(d, 'none.json')).list()).toEqual([]);
    writeFileSync(path.join(d, 'bad.json'), '{not json');
    expect(new RecentProjects(path.join(d, 'bad.json')).list()).toEqual([]);
  });
});

describe('File commands in the main process', () => {
  it('adds an epoch from the chosen LAS/LAZ files with the orthophoto chosen next, or without one', async () => {
    const addEpoch = vi.fn(async () => ({}));
    const holder = { project: { api: { addEpoch }, points: {} } as unknown as OpenProject };
    const window = new fake.FakeBrowserWindow({});
    const reload = vi.fn();
    (window.webContents as unknown as { reload: () => void }).reload = reload;
    const { onCommand } = projectCommands(holder, () => window as never);
    fake.dialog.showOpenDialog
      .mockResolvedValueOnce({ canceled: false, filePaths: ['/s/2024-09/a.laz', '/s/2024-09/b.laz'] })
      .mockResolvedValueOnce({ canceled: false, filePaths: ['/s/dom-2024-09.tif'] });
    expect(onCommand('add-epoch')).toBe(true);
    await vi.waitFor(() => expect(reload).toHaveBeenCalledOnce());
    expect(addEpoch).toHaveBeenCalledWith({
      label: 'a',
      files: ['/s/2024-09/a.laz', '/s/2024-09/b.laz'],
      orthophoto: '/s/dom-2024-09.tif',
    });
    fake.dialog.showOpenDialog
      .mockResolvedValueOnce({ canceled: false, filePaths: ['/s/c.las'] })
      .mockResolvedValueOnce({ canceled: true, filePaths: [] });
    onCommand('add-epoch');
    await vi.waitFor(() => expect(reload).toHaveBeenCalledTimes(2));
    expect(addEpoch).toHaveBeenLastCalledWith({ label: 'c', files: ['/s/c.las'], orthophoto: undefined });
    expect(onCommand('run-detection')).toBe(false); // the renderer's
    expect(onCommand('export-report')).toBe(false);
  });
});

describe('registerIpc', () => {
  const appFrame: SenderFrame = { url: indexUrl, parent: null };
  const invoke = async (channel: string, frame: SenderFrame | null, ...args: unknown[]) => {
    const listener = fake.ipcHandlers.get(channel);
    if (listener === undefined) throw new Error(`no handler for ${channel}`);
    return listener({ senderFrame: frame }, ...args); // Electron turns a throw into a rejected invoke()
  };

  it('registers voxwatch:<name> and answers a trusted sender', async () => {
    registerIpc(fake.ipcMain, shellHandlers, trustedFrameCheck(appRoot));
    expect([...fake.ipcHandlers.keys()].sort()).toEqual(['voxwatch:ping', 'voxwatch:version']);
    await expect(invoke('voxwatch:version', appFrame)).resolves.toBe(packageJson.version);
    await expect(invoke('voxwatch:ping', appFrame)).resolves.toBe('pong');
  });

  it('passes JSON arguments through to the handler', async () => {
    const echo = vi.fn((...args: unknown[]) => args);
    registerIpc(fake.ipcMain, { echo }, () => true);
    const args = ['a', 1.5, true, null, [1, [2]], { nested: { list: ['x'] } }];
    await expect(invoke('voxwatch:echo', appFrame, ...args)).resolves.toEqual(args);
  });

  it('rejects untrusted senders without calling the handler', async () => {
    const handler = vi.fn(() => 'secret');
    registerIpc(fake.ipcMain, { read: handler }, trustedFrameCheck(appRoot));
    const untrusted: (SenderFrame | null)[] = [
      { url: 'https://example.com/', parent: null },
      { url: pathToFileURL('/tmp/evil.html').href, parent: null },
      { url: indexUrl, parent: appFrame as never }, // an iframe, even of our own page
      null, // the frame was destroyed or navigated away
    ];
    for (const frame of untrusted) await expect(invoke('voxwatch:read', frame)).rejects.toThrow('untrusted sender');
    expect(handler).not.toHaveBeenCalled();
  });

  it('rejects arguments that are not JSON-serialisable', async () => {
    const handler = vi.fn();
    registerIpc(fake.ipcMain, { save: handler }, () => true);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const invalid = [
      () => 1,
      undefined,
      Number.NaN,
      Infinity,
      new Date(0),
      new Map(),
      new Uint8Array(2),
      cyclic,
      { deep: [{ bad: undefined }] },
      10n,
    ];
    for (const value of invalid) await expect(invoke('voxwatch:save', appFrame, value), String(value)).rejects.toThrow(TypeError);
    expect(handler).not.toHaveBeenCalled();
  });

  it('returns a function that removes the handlers', () => {
    const unregister = registerIpc(fake.ipcMain, shellHandlers, () => true);
    unregister();
    expect(fake.ipcHandlers.size).toBe(0);
  });
});

describe('a failed call, as the main process answers it', () => {
  /**
   * What Electron passes back to the page for a handler that threw: the error's String() ("<name>: <message>"), which
   * it puts after "Error invoking remote method '<channel>': " (the renderer's bridge takes that off again:
   * test/renderer/dom/bridge-failures.test.ts). It must be the project's sentence, as `voxwatch serve` sends it.
   */
  async function answered(handlers: Record<string, (...a: unknown[]) => unknown>, method: string, ...args: unknown[]) {
    registerIpc(fake.ipcMain, handlers, () => true);
    try {
      await fake.ipcHandlers.get(`voxwatch:${method}`)!({ senderFrame: null }, ...args);
    } catch (e) {
      return String(e);
    }
    throw new Error(`${method} did not fail`);
  }

  it('says nothing was saved, and why, when the project file is read-only', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'voxwatch-ipc-ro-')), 'p.voxwatch');
    seedProject(file, 1, 3);
    const project = LocalProject.open(file, 'test', { readonly: true });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const handlers = projectHandlers(() => ({ api: project, points: {} }) as unknown as OpenProject, vi.fn());
      const said = await answered(handlers, 'setVerdict', [1], 'confirmed', { note: '加层' });
      expect(said).toBe('Error: nothing was saved: the project file cannot be written here (a read-only file, folder or disk)');
      expect(errorZh(said.slice('Error: '.length))).toBe('未保存：此处无法写入项目文件（文件、文件夹或磁盘为只读）');
      expect((await project.getChange(1)).verdict).toBe('unreviewed');
      // In the project's words, without its class name.
      expect(await answered(handlers, 'getChange', 999)).toBe(`Error: ${file}: no change with key 999 in this project`);
    } finally {
      errors.mockRestore();
      await project.close();
    }
  });

  it('names a refusal of the app as it stands, and our own bug with the call it broke', async () => {
    expect(
      await answered(
        projectHandlers(() => null, vi.fn()),
        'listCases',
      ),
    ).toBe('Error: no project is open: File › Open Project…');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const bug = { broken: () => (undefined as unknown as () => void)() };
    expect(await answered(bug, 'broken')).toMatch(/^Error: internal error in broken: .*not a function/);
    expect(errors).toHaveBeenCalledWith('voxwatch: broken failed:', expect.any(TypeError));
    errors.mockRestore();
    expect(errorZh('internal error in broken: x is not a function')).toBe('内部错误（broken）：x is not a function。请将此信息告知开发者');
  });
});

describe('ProjectApi over IPC', () => {
  function fakeProject() {
    const api = {
      getChange: vi.fn(async (key: number) => ({ key })),
      changeHistory: vi.fn(async (key: number) => [{ kind: 'verdict', key }]),
      suppressedCandidates: vi.fn(async (runId?: number) => [{ reason: 'vegetation', detail: `of run ${runId ?? 'newest'}` }]),
      setVerdict: vi.fn(async (keys: number[]) => keys.length),
      detect: vi.fn(async (_a: unknown, _b: unknown, _o: unknown, hooks: ProgressHooks) => {
        hooks.onProgress?.({ phase: 'diff', done: 1, total: 1 });
        return { id: 7 };
      }),
    };
    const points = { sample: vi.fn(async () => new Uint8Array([1, 2, 3])) };
    return { api, points, open: { api, points } as unknown as OpenProject };
  }

  it('checks the arguments before the project sees them', async () => {
    const { api, open } = fakeProject();
    const handlers = projectHandlers(() => open, vi.fn());
    await expect(handlers.getChange(12)).resolves.toEqual({ key: 12 });
    await expect(handlers.setVerdict([1, 2], 'permitted')).resolves.toBe(2);
    await expect(handlers.setVerdict([1], 'demolish')).rejects.toThrow(/expected one of unreviewed/);
    await expect(handlers.getChange('12')).rejects.toThrow(/integer id/);
    expect(api.getChange).toHaveBeenCalledOnce();
    expect(api.setVerdict).toHaveBeenCalledOnce();
    expect(handlers.close).toBeUndefined(); // a page cannot close the project
  });

  it('answers a change’s history through the preload’s own channel, its key checked', async () => {
    const { api, open } = fakeProject();
    const handlers = projectHandlers(() => open, vi.fn());
    await expect(handlers.changeHistory(12)).resolves.toEqual([{ kind: 'verdict', key: 12 }]);
    await expect(handlers.changeHistory('12')).rejects.toThrow(/integer id/);
    await expect(handlers.changeHistory()).rejects.toThrow(/missing/);
    expect(api.changeHistory).toHaveBeenCalledOnce();
    vi.resetModules();
    fake.contextBridge.exposeInMainWorld.mockClear();
    await import('../../electron/preload');
    const bridge = fake.contextBridge.exposeInMainWorld.mock.calls[0][1] as { changeHistory: (key: number) => Promise<unknown> };
    await bridge.changeHistory(12);
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith('voxwatch:changeHistory', 12);
  });

  it('answers a run’s suppressed candidates through the preload’s own channel, the run optional and checked', async () => {
    const { api, open } = fakeProject();
    const handlers = projectHandlers(() => open, vi.fn());
    await expect(handlers.suppressedCandidates(3)).resolves.toEqual([{ reason: 'vegetation', detail: 'of run 3' }]);
    await expect(handlers.suppressedCandidates()).resolves.toEqual([{ reason: 'vegetation', detail: 'of run newest' }]);
    await expect(handlers.suppressedCandidates('3')).rejects.toThrow(/integer id/);
    await expect(handlers.suppressedCandidates(3, 'more')).rejects.toThrow();
    expect(api.suppressedCandidates).toHaveBeenCalledTimes(2);
    vi.resetModules();
    fake.contextBridge.exposeInMainWorld.mockClear();
    await import('../../electron/preload');
    const bridge = fake.contextBridge.exposeInMainWorld.mock.calls[0][1] as { suppressedCandidates: (runId?: number) => Promise<unknown> };
    await bridge.suppressedCandidates(3);
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith('voxwatch:suppressedCandidates', 3);
  });

  it('sends detection progress to the window and answers epoch point samples', async () => {
    const { points, open } = fakeProject();
    const send = vi.fn();
    const handlers = projectHandlers(() => open, send);
    await expect(handlers.detect('e1', 'e2')).resolves.toEqual({ id: 7 });
    expect(send).toHaveBeenCalledWith(PROGRESS_CHANNEL, { phase: 'diff', done: 1, total: 1 });
    expect(handlers.cancelDetection()).toBe(false); // nothing running any more
    await expect(handlers.epochPoints(1, { maxPoints: 10, origin: [0, 0, 0] })).resolves.toEqual(new Uint8Array([1, 2, 3]));
    expect(points.sample).toHaveBeenCalledWith(1, { box: undefined, maxPoints: 10, origin: [0, 0, 0] });
    await expect(Promise.resolve().then(() => handlers.epochPoints('1', {}))).rejects.toThrow(/epoch id/);
  });

  it('says so when no project is open', async () => {
    const handlers = projectHandlers(() => null, vi.fn());
    await expect(handlers.info()).rejects.toThrow(/no project is open/);
  });
});

describe('the PDF report over IPC', () => {
  function fakeProject() {
    const api = {
      info: vi.fn(async () => ({ name: '罗湖区: 2024/09', runs: [{ id: 3 }] })),
      exportReport: vi.fn(
        async (
          runId: number | undefined,
          options: { outPath: string },
          hooks: { onProgress?: (p: unknown) => void; signal?: AbortSignal },
        ) => {
          hooks.onProgress?.({ done: 1, total: 2 });
          return { path: options.outPath, runId: runId ?? 3, changes: 2, pages: 6, bytes: 1000 };
        },
      ),
    };
    return { api, open: { api, points: {} } as unknown as OpenProject };
  }

  it('asks for the path with a native dialog, then writes the report there with progress', async () => {
    const { api, open } = fakeProject();
    const send = vi.fn();
    const askPath = vi.fn(async (_name: string) => '/home/analyst/罗湖.pdf');
    const handlers = reportHandlers(() => open, send, askPath);
    const request = { lang: 'zh-CN', query: { verdicts: ['confirmed'] }, author: '李工', snapshots: { C001: 'iVBORw0KGgo=' } };
    await expect(handlers.exportReport(null, request)).resolves.toMatchObject({ path: '/home/analyst/罗湖.pdf', pages: 6 });
    expect(askPath).toHaveBeenCalledWith('罗湖区_ 2024_09-run3-zh-CN.pdf');
    expect(api.exportReport).toHaveBeenCalledWith(undefined, { ...request, outPath: '/home/analyst/罗湖.pdf' }, expect.anything());
    expect(send).toHaveBeenCalledWith(REPORT_PROGRESS_CHANNEL, { done: 1, total: 2 });
  });

  it('writes nothing when the user cancels the dialog, and never takes a path from the page', async () => {
    const { api, open } = fakeProject();
    const handlers = reportHandlers(
      () => open,
      vi.fn(),
      async () => null,
    );
    await expect(handlers.exportReport(2, { lang: 'en' })).resolves.toBeNull();
    await expect(handlers.exportReport(2, { lang: 'en', outPath: '/etc/passwd' })).rejects.toThrow(/unknown field "outPath"/);
    await expect(handlers.exportReport(2, { lang: 'fr' })).rejects.toThrow(/one of zh-CN, en/);
    await expect(handlers.exportReport(2, { lang: 'en', snapshots: { C001: 42 } })).rejects.toThrow(/base64/);
    expect(api.exportReport).not.toHaveBeenCalled();
  });

  it('cancels the running report', async () => {
    const { api, open } = fakeProject();
    let release!: () => void;
    api.exportReport.mockImplementationOnce(async (_r, options, hooks) => {
      await new Promise<void>((resolve) => (release = resolve));
      if (hooks.signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
      return { path: options.outPath, runId: 1, changes: 0, pages: 1, bytes: 1 };
    });
    const handlers = reportHandlers(
      () => open,
      vi.fn(),
      async () => '/tmp/r.pdf',
    );
    const running = handlers.exportReport(1, { lang: 'en' }) as Promise<unknown>;
    await vi.waitFor(() => expect(api.exportReport).toHaveBeenCalled());
    expect(handlers.cancelReport()).toBe(true);
    release();
    await expect(running).rejects.toThrow(/cancelled/);
    expect(handlers.cancelReport()).toBe(false);
  });

  it('names the file after the project, without characters a file system refuses', () => {
    expect(reportFileName('a/b:c*?"<>|', 4, 'en')).toBe('a_b_c_-run4-en.pdf');
    expect(reportFileName('', null, 'zh-CN')).toBe('voxwatch-zh-CN.pdf');
  });
});

describe('app lifecycle', () => {
  const mainFileUrl = pathToFileURL(path.join(appRoot, 'out', 'electron', 'main.js')).href;

  it('quits at once when another instance holds the lock', async () => {
    fake.app.requestSingleInstanceLock.mockReturnValue(false);
    await startApp({ platform: 'linux', mainFileUrl });
    expect(fake.app.quit).toHaveBeenCalled();
    expect(fake.app.whenReady).not.toHaveBeenCalled();
    expect(fake.FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('when ready: secures the session, registers IPC, sets the menu and opens one window', async () => {
    await startApp({ platform: 'linux', mainFileUrl });
    expect(fake.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalledOnce();
    expect(fake.defaultSession.setPermissionRequestHandler).toHaveBeenCalledOnce();
    expect([...fake.ipcHandlers.keys()]).toContain('voxwatch:version');
    expect(fake.Menu.setApplicationMenu).toHaveBeenCalledOnce();
    expect(fake.FakeBrowserWindow.instances).toHaveLength(1);
    const window = fake.FakeBrowserWindow.instances[0];
    expect(window.loadFile).toHaveBeenCalledWith(paths.indexHtml);
    expect((window.options.webPreferences as { preload: string }).preload).toBe(paths.preloadPath);

    // ProjectApi is on IPC too, method by method.
    for (const method of Object.keys(REMOTE_METHODS)) expect([...fake.ipcHandlers.keys()]).toContain(`voxwatch:${method}`);
    expect([...fake.ipcHandlers.keys()]).toEqual(expect.arrayContaining(['voxwatch:exportReport', 'voxwatch:cancelReport']));

    // Run detection reaches this window's renderer; New Project opens a save dialog in the main process instead.
    const template = fake.Menu.buildFromTemplate.mock.calls[0][0] as MenuItemConstructorOptions[];
    const file = template.find((item) => item.label === 'File')!.submenu as MenuItemConstructorOptions[];
    file.find((item) => item.id === 'run-detection')!.click!({} as never, undefined, {} as never);
    expect(window.webContents.send).toHaveBeenCalledWith('voxwatch:menu', 'run-detection');
    file.find((item) => item.id === 'new-project')!.click!({} as never, undefined, {} as never);
    expect(fake.dialog.showSaveDialog).toHaveBeenCalledOnce();
    expect(window.webContents.send).not.toHaveBeenCalledWith('voxwatch:menu', 'new-project');

    // A second launch brings this window back instead of opening another.
    fake.app.emit('second-instance');
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(fake.FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('remembers an opened project in userData and lists it under Open Recent', async () => {
    const projectPath = path.join(mkdtempSync(path.join(tmpdir(), 'voxwatch-app-')), 'luohu.voxwatch');
    await LocalProject.create(projectPath, { name: 'luohu' }, 'test').close();
    await startApp({ platform: 'linux', mainFileUrl, argv: ['electron', '.', projectPath] });
    const stored = JSON.parse(readFileSync(path.join(fake.app.userData, 'recent-projects.json'), 'utf8')) as string[];
    expect(stored).toEqual([projectPath]);
    const openRecent = () => {
      const template = fake.Menu.buildFromTemplate.mock.calls.at(-1)![0] as MenuItemConstructorOptions[];
      const file = template.find((item) => item.label === 'File')!.submenu as MenuItemConstructorOptions[];
      return file.find((item) => item.label === 'Open Recent')!.submenu as MenuItemConstructorOptions[];
    };
    expect(openRecent()[0].label).toContain('luohu.voxwatch');
    openRecent().find((item) => item.id === 'clear-recent')!.click!({} as never, undefined, {} as never);
    expect(openRecent()).toEqual([{ label: 'No Recent Projects', enabled: false }]); // the menu was rebuilt
    fake.app.emit('will-quit');
  });

  it('quits when the last window closes, except on macOS', async () => {
    await startApp({ platform: 'linux', mainFileUrl });
    fake.app.emit('window-all-closed');
    expect(fake.app.quit).toHaveBeenCalledOnce();

    fake.app.listeners.clear();
    fake.app.quit.mockClear();
    await startApp({ platform: 'darwin', mainFileUrl });
    fake.app.emit('window-all-closed');
    expect(fake.app.quit).not.toHaveBeenCalled();
  });
});

describe('preload', () => {
  async function loadPreload() {
    vi.resetModules();
    await import('../../electron/preload');
    expect(fake.contextBridge.exposeInMainWorld).toHaveBeenCalledOnce();
    const [key, api] = fake.contextBridge.exposeInMainWorld.mock.calls[0] as [string, Record<string, unknown>];
    return { key, api: api as { version: () => Promise<string>; onMenu: (callback: (id: string) => void) => () => void } };
  }

  it('exposes only functions under window.voxwatch, never ipcRenderer', async () => {
    const { key, api } = await loadPreload();
    expect(key).toBe('voxwatch');
    expect(Object.keys(api).sort()).toEqual(
      [
        'cancelDetection',
        'cancelReport',
        'exportReport',
        'epochPoints',
        'octreeStatus',
        'onMenu',
        'ping',
        'version',
        ...Object.keys(REMOTE_METHODS),
      ].sort(),
    );
    for (const value of Object.values(api)) {
      expect(typeof value).toBe('function');
      expect(value).not.toBe(fake.ipcRenderer);
    }
  });

  it('invokes only channels the main process handles', async () => {
    const { api } = await loadPreload();
    await expect(api.version()).resolves.toBe('answer of voxwatch:version');
    await (api as unknown as { ping: () => Promise<string> }).ping();
    const channels = fake.ipcRenderer.invoke.mock.calls.map(([channel]) => channel);
    expect(channels).toEqual(['voxwatch:version', 'voxwatch:ping']);
    for (const channel of channels) expect(Object.keys(shellHandlers).map((name) => `voxwatch:${name}`)).toContain(channel);
  });

  it('has a main-process handler for every channel it can invoke', async () => {
    const { api } = await loadPreload();
    const handled = new Set(
      [
        ...Object.keys(shellHandlers),
        ...Object.keys(projectHandlers(() => null, vi.fn())),
        ...Object.keys(
          reportHandlers(
            () => null,
            vi.fn(),
            async () => null,
          ),
        ),
      ].map((n) => `voxwatch:${n}`),
    );
    const calls = api as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const [name, call] of Object.entries(calls)) if (name !== 'onMenu') await call(1, 2, 3);
    const channels = fake.ipcRenderer.invoke.mock.calls.map(([channel]) => channel as string);
    expect(channels.length).toBe(Object.keys(calls).length - 1);
    for (const channel of channels) expect(handled.has(channel), channel).toBe(true);
  });

  it('relays detection progress to the callback while the run lasts', async () => {
    const { api } = await loadPreload();
    const onProgress = vi.fn();
    const detect = (api as unknown as { detect: (...a: unknown[]) => Promise<unknown> }).detect;
    fake.ipcRenderer.invoke.mockImplementationOnce(async (channel: string) => {
      fake.ipcRenderer.emit(PROGRESS_CHANNEL, {}, { phase: 'read', done: 1, total: 2 });
      return `answer of ${channel}`;
    });
    await expect(detect('e1', 'e2', undefined, onProgress)).resolves.toBe('answer of voxwatch:detect');
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith('voxwatch:detect', 'e1', 'e2', null);
    expect(onProgress).toHaveBeenCalledWith({ phase: 'read', done: 1, total: 2 });
    expect(fake.ipcRenderer.listeners.get(PROGRESS_CHANNEL) ?? []).toHaveLength(0); // unsubscribed after the run
  });

  it('passes menu ids (not the IPC event) to onMenu listeners until they unsubscribe', async () => {
    const { api } = await loadPreload();
    const callback = vi.fn();
    const unsubscribe = api.onMenu(callback);
    expect([...fake.ipcRenderer.listeners.keys()]).toEqual([MENU_CHANNEL]);
    fake.ipcRenderer.emit(MENU_CHANNEL, { sender: fake.ipcRenderer }, 'open-project');
    fake.ipcRenderer.emit(MENU_CHANNEL, { sender: fake.ipcRenderer }, { not: 'an id' });
    expect(callback.mock.calls).toEqual([['open-project']]);
    unsubscribe();
    fake.ipcRenderer.emit(MENU_CHANNEL, {}, 'add-epoch');
    expect(callback).toHaveBeenCalledOnce();
  });

  it('bundles into CommonJS that requires nothing but electron (a sandboxed preload can load no more)', async () => {
    const result = await build({
      absWorkingDir: repoRoot,
      entryPoints: ['electron/preload.ts'],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].text;
    const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });
});

describe('octree protocol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-electron-octree-'));
  const source = join(SHARED_DATA, 'las-conformance/pdal/las/1.2-with-color.las');
  const octrees = new EpochOctrees(join(dir, 'p.voxwatch.octrees'), async (id) => {
    if (id !== 1) throw new Error(`no epoch ${id}`);
    return { files: [source], label: 'e1' };
  });
  const get = (url: string, headers: Record<string, string> = {}) => answerOctreeRequest(new Request(url, { headers }), octrees);

  it('registers a privileged fetch scheme before ready and answers it from the open project', async () => {
    await startApp({ platform: 'linux', mainFileUrl: pathToFileURL(join(dir, 'out', 'electron', 'main.js')).href });
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([OCTREE_SCHEME_PRIVILEGES]);
    expect(OCTREE_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true, supportFetchAPI: true });
    expect(fake.protocolHandlers.has('voxwatch-octree')).toBe(true);
    // No project open: nothing to serve.
    expect((await fake.protocolHandlers.get('voxwatch-octree')!(new Request('voxwatch-octree://epoch/1/metadata.json'))).status).toBe(404);
  });

  it('serves a built octree by byte ranges and nothing else', async () => {
    expect((await get('voxwatch-octree://epoch/1/metadata.json')).status).toBe(404); // not built yet
    await octrees.build(1);
    const meta = await get('voxwatch-octree://epoch/1/metadata.json');
    expect(meta.status).toBe(200);
    expect(((await meta.json()) as { points: number }).points).toBe(1065);
    const whole = readFileSync(join(octrees.dir(1), 'octree.bin'));
    const part = await get('voxwatch-octree://epoch/1/octree.bin', { Range: 'bytes=100-299' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-299/${whole.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(100, 300))).toBe(true);
    expect((await get('voxwatch-octree://epoch/1/octree.bin', { Range: `bytes=${whole.length}-` })).status).toBe(416);
    for (const url of [
      'voxwatch-octree://epoch/1/voxwatch-octree.json',
      'voxwatch-octree://epoch/2/metadata.json',
      'voxwatch-octree://other/1/metadata.json',
      'voxwatch-octree://epoch/1/../../p.voxwatch',
      'voxwatch-octree://epoch/1/%2e%2e/%2e%2e/p.voxwatch',
    ])
      expect((await get(url)).status, url).toBe(404);
  });

  it('answers octreeStatus over IPC for an integer epoch id', async () => {
    const handlers = projectHandlers(() => ({ api: {} as OpenProject['api'], points: {} as OpenProject['points'], octrees }), vi.fn());
    await expect(handlers.octreeStatus(1)).resolves.toMatchObject({ epochId: 1, state: 'ready' });
    await expect(Promise.resolve().then(() => handlers.octreeStatus('1'))).rejects.toThrow(/epoch id/);
  });
});
