/** `voxwatch serve` rebuilds the UI when its sources changed, core's included (the bundle holds core's modules). */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rendererIsStale } from '../../cli/serve/renderer-build';

describe('the renderer bundle', () => {
  it('is stale when a renderer or a core source is newer than it, fresh otherwise', () => {
    const root = mkdtempSync(join(tmpdir(), 'voxwatch-rb-'));
    const renderer = join(root, 'renderer');
    mkdirSync(join(renderer, 'dist'), { recursive: true });
    mkdirSync(join(root, 'core', 'review'), { recursive: true });
    const files = {
      main: join(renderer, 'main.ts'),
      core: join(root, 'core', 'review', 'ledger-zh.ts'),
      index: join(renderer, 'dist', 'index.html'),
    };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const at = (f: string, s: number) => utimesSync(f, s, s);
    at(files.main, 1000);
    at(files.core, 1000);
    at(files.index, 2000);
    expect(rendererIsStale(renderer)).toBe(false);
    at(files.core, 3000); // a translation changed in core
    expect(rendererIsStale(renderer)).toBe(true);
    at(files.index, 4000);
    expect(rendererIsStale(renderer)).toBe(false);
    at(files.main, 5000);
    expect(rendererIsStale(renderer)).toBe(true);
  });
});
