/**
 * The renderer's bridge when a call fails or must not start. A cancel that comes while the page is still preparing a call (the report dialog's last
 * snapshot) aborts the signal before the call starts; an aborted signal never fires 'abort'
 * again, so the bridge must refuse to start rather than send a request nobody can stop. A failure in the desktop
 * app reaches the page wrapped in Electron's own words, which the bridge takes off.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect, type ElectronBridge } from '../../../renderer/bridge';

const aborted = () => {
  const c = new AbortController();
  c.abort();
  return c.signal;
};

afterEach(() => vi.unstubAllGlobals());

describe('a call whose signal is already aborted', () => {
  it('sends nothing over HTTP (voxwatch serve)', async () => {
    const fetch = vi.fn(async () => new Response('{}'));
    vi.stubGlobal('fetch', fetch);
    vi.stubGlobal('window', {});
    vi.stubGlobal('location', { hash: '', pathname: '/', search: '' });
    vi.stubGlobal('sessionStorage', { getItem: () => null, setItem: () => undefined });
    const api = connect();
    await expect(api.exportReportFile(1, { lang: 'en' }, { signal: aborted() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(api.detect(1, 2, {}, { signal: aborted() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('starts nothing in the desktop app (Electron bridge)', async () => {
    const bridge = { listChanges: vi.fn(), exportReport: vi.fn(), detect: vi.fn(), cancelReport: vi.fn(), cancelDetection: vi.fn() };
    vi.stubGlobal('window', { voxwatch: bridge as unknown as ElectronBridge });
    const api = connect();
    await expect(api.exportReportFile(1, { lang: 'en' }, { signal: aborted() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(api.detect(1, 2, {}, { signal: aborted() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(bridge.exportReport).not.toHaveBeenCalled();
    expect(bridge.detect).not.toHaveBeenCalled();
  });
});

describe('a call that failed in the desktop app', () => {
  it("reads as the project's sentence, without Electron's wording around it", async () => {
    // How Electron rejects a failed invoke(): its own words, then the String() of what the main process threw.
    const electronSaid = (channel: string, thrown: string) => new Error(`Error invoking remote method '${channel}': ${thrown}`);
    const off = vi.fn();
    const bridge = {
      listChanges: vi.fn(),
      setVerdict: vi.fn(async () => {
        throw electronSaid('voxwatch:setVerdict', 'Error: nothing was saved: the disk holding the project is full');
      }),
      getChange: vi.fn(async () => {
        throw electronSaid('voxwatch:getChange', 'Error: /data/罗湖 2024.voxwatch: no change with key 9 in this project');
      }),
      detect: vi.fn(async () => {
        throw electronSaid('voxwatch:detect', 'Error: the epochs do not overlap: before (a.las) covers x 1–2, y 3–4');
      }),
      stats: vi.fn(async () => {
        throw new Error('a failure of another kind');
      }),
      onMenu: vi.fn(() => off),
    };
    vi.stubGlobal('window', { voxwatch: bridge as unknown as ElectronBridge });
    const api = connect();
    await expect(api.setVerdict([1], 'confirmed')).rejects.toThrow(/^nothing was saved: the disk holding the project is full$/);
    await expect(api.getChange(9)).rejects.toThrow(/^\/data\/罗湖 2024\.voxwatch: no change with key 9 in this project$/);
    await expect(api.detect(1, 2)).rejects.toThrow(/^the epochs do not overlap: before \(a\.las\)/);
    await expect(api.stats(1)).rejects.toThrow(/^a failure of another kind$/);
    // A method that answers at once (the menu's unsubscribe) is passed through as it is.
    expect((api as unknown as ElectronBridge).onMenu?.(() => undefined)).toBe(off);
  });
});
