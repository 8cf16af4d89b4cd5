/**
 * A cancel that comes while the page is still preparing a call (the report dialog's last
 * snapshot) aborts the signal before the call starts; an aborted signal never fires 'abort'
 * again, so the bridge must refuse to start rather than send a request nobody can stop.
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
