/**
 * The command run from the sources bundles its worker threads once (scripts/worker-cache.mjs) and
 * bundles them again when a source changes; a detection through the command runs on those
 * bundles (the same code the Electron app bundles, tested in test/electron/bundle.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { workerBundleDir } from '../../scripts/worker-cache.mjs';
import { spawnWorker } from '../../core/workers/spawn';
import { writeDistrict } from '../helpers/district';
import { BIN } from '../helpers/cli';

const REPO = resolve(import.meta.dirname, '../..');

describe('worker bundles of the command', () => {
  it('are built once, and again when a source they come from changes', async () => {
    // A copy of the sources, so that touching one leaves the repository alone.
    const app = mkdtempSync(join(tmpdir(), 'voxwatch-worker-cache-'));
    for (const p of ['core', 'scripts', 'package.json']) cpSync(join(REPO, p), join(app, p), { recursive: true });
    const first: string = await workerBundleDir(app);
    expect(existsSync(join(first, 'worker.js'))).toBe(true);
    expect(existsSync(join(first, 'decode-worker.js'))).toBe(true);
    expect(await workerBundleDir(app)).toBe(first);
    const later = new Date(Date.now() + 5000);
    utimesSync(join(app, 'core/diff/columns.ts'), later, later);
    const second: string = await workerBundleDir(app);
    expect(second).not.toBe(first);
    expect(existsSync(join(second, 'worker.js'))).toBe(true);
    expect(await workerBundleDir(app)).toBe(second);
  });

  it("are what the command's detection runs on", async () => {
    const district = await writeDistrict({ seed: 5, size: 120 });
    const detect = (env: Record<string, string>) => {
      const out = mkdtempSync(join(tmpdir(), 'voxwatch-bundled-detect-'));
      const r = spawnSync('node', [BIN, 'detect', district.epoch(1), district.epoch(2), '--out', out, '-q'], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      return { code: r.status, stderr: r.stderr, out };
    };
    const ok = detect({});
    expect(ok.code).toBe(0);
    expect(JSON.parse(readFileSync(join(ok.out, 'changes.geojson'), 'utf8')).features.length).toBeGreaterThan(0);
    // Pointed at a folder whose detection worker only fails, the command fails with it: its workers do come from there.
    const broken = mkdtempSync(join(tmpdir(), 'voxwatch-broken-bundles-'));
    writeFileSync(join(broken, 'worker.js'), "throw new Error('the bundled detection worker ran');\n");
    const failed = detect({ VOXWATCH_WORKER_BUNDLES: broken });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('the bundled detection worker ran');
  });

  it("leave workers that are not the core's own to tsx", async () => {
    const saved = process.env.VOXWATCH_WORKER_BUNDLES;
    process.env.VOXWATCH_WORKER_BUNDLES = await workerBundleDir(REPO);
    try {
      const w = spawnWorker(new URL('../helpers/hello-worker.ts', import.meta.url));
      expect(await new Promise((done, fail) => w.once('message', done).once('error', fail))).toBe('hello');
      await w.terminate();
    } finally {
      if (saved === undefined) delete process.env.VOXWATCH_WORKER_BUNDLES;
      else process.env.VOXWATCH_WORKER_BUNDLES = saved;
    }
  });
});
