/**
 * The desktop app runs bundles, not our TypeScript sources: every worker thread core starts must be bundled beside
 * the main process and found there. This bundles a small entry with the app's own bundler settings and runs it in
 * plain Node (Electron's binary cannot be downloaded here): a project in its thread, detection on tile workers,
 * a PDF report with its oblique-view worker, and LAZ decoding.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LasFile } from '../../core/io/las/reader';
// @ts-expect-error: a plain ESM script without types
import { bundleNode, WORKER_ENTRIES } from '../../scripts/bundle.mjs';
import { makeReviewProject } from '../helpers/review-project';
import { SHARED_DATA } from '../helpers/data';

const appRoot = resolve('.');
// Two levels below the app root, as out/electron/main.js is: the bundle finds package.json and node_modules the same way.
const outDir = join(appRoot, 'out', `bundle-smoke-${process.pid}`);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Every `new URL('./x.ts', import.meta.url)` in a core module that starts workers. */
function workerSources(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const text = readFileSync(p, 'utf8');
        if (!text.includes('spawnWorker(')) continue;
        for (const m of text.matchAll(/new URL\('(\.\.?\/[^']+\.ts)', import\.meta\.url\)/g)) {
          found.push(relative(appRoot, resolve(p, '..', m[1])));
        }
      }
    }
  };
  walk(join(appRoot, 'core'));
  return found.sort();
}

describe('the bundled app', () => {
  it('bundles every worker thread core starts, under unique names', () => {
    expect([...(WORKER_ENTRIES as string[])].sort()).toEqual(workerSources());
    const names = (WORKER_ENTRIES as string[]).map((e) => basename(e));
    expect(new Set(names).size).toBe(names.length);
  });

  it('runs detection, the report and LAZ decoding from its bundles, each worker found', async () => {
    const { dir, path } = await makeReviewProject({ size: 100, seed: 6, runs: 0 });
    await bundleNode({ appRoot, outDir, main: 'test/electron/fixtures/bundle-smoke.ts' });
    // Each worker under its own name, beside the chunks code splitting shares between them.
    const bundled = readdirSync(join(outDir, 'workers')).filter((f) => f.endsWith('.js'));
    expect(bundled).toEqual(expect.arrayContaining((WORKER_ENTRIES as string[]).map((e) => basename(e).replace(/\.ts$/, '.js'))));
    const laz = join(SHARED_DATA, 'red-rocks-uav-photogrammetry/lidar_medium_subset_las1pt2_utmzone13N_compressed.laz');
    const pdf = join(dir, 'report.pdf');
    const out = execFileSync(process.execPath, [join(outDir, 'main.js'), path, pdf, laz], { encoding: 'utf8', timeout: 180_000 });
    const result = JSON.parse(out.trim().split('\n').pop()!) as { changes: number; pages: number; points: number; first: number[] };

    expect(result.changes).toBeGreaterThan(0);
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBe(result.pages);
    expect(result.pages).toBeGreaterThan(result.changes);
    const file = await LasFile.open(laz);
    try {
      expect(result.points).toBe(file.info.header.pointCount);
      for await (const c of file.chunks({ fields: [] })) {
        expect(result.first).toEqual([c.x[0], c.y[0], c.z[0]]);
        break;
      }
    } finally {
      await file.close();
    }
  }, 300_000);
});
