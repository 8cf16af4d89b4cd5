/**
 * A run folder keeps results judged by the code that made them: a folder made by other tile
 * code (rules changed, the version number not) is refused, not mixed with this code's results.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LasFormat } from '../../core/io/las/reader';
import { RunFolder } from '../../core/tiles/checkpoint';
import { workerCodeFingerprint } from '../../core/workers/spawn';
import { SHARED_DATA } from '../helpers/data';

const saved = process.env.VOXWATCH_WORKER_BUNDLES;
afterEach(() => {
  if (saved === undefined) delete process.env.VOXWATCH_WORKER_BUNDLES;
  else process.env.VOXWATCH_WORKER_BUNDLES = saved;
});

describe('a run folder and the code that made it', () => {
  it('refuses a folder made by other tile code, naming both, and reopens one made by the same code', async () => {
    const bundles = mkdtempSync(join(tmpdir(), 'voxwatch-bundles-'));
    process.env.VOXWATCH_WORKER_BUNDLES = bundles;
    const file = join(SHARED_DATA, 'autzen-bmx-2010-2023/autzen-bmx-2010.las');
    const source = await LasFormat.sourceInfo(file);
    const identity = { epochs: [[source], [source]] as [(typeof source)[], (typeof source)[]], options: { voxel: 1 } };
    const work = join(mkdtempSync(join(tmpdir(), 'voxwatch-code-')), 'work');

    writeFileSync(join(bundles, 'worker.js'), '// the tiles, as one version judged them\n');
    const first = workerCodeFingerprint(new URL('../../core/tiles/worker.ts', import.meta.url));
    await RunFolder.open(work, identity);
    await expect(RunFolder.open(work, identity)).resolves.toBeInstanceOf(RunFolder);

    writeFileSync(join(bundles, 'worker.js'), '// the tiles, with a vegetation rule changed since\n');
    const second = workerCodeFingerprint(new URL('../../core/tiles/worker.ts', import.meta.url));
    expect(second).not.toBe(first);
    await expect(RunFolder.open(work, identity)).rejects.toThrow(
      new RegExp(`belongs to another run: it was made by VoxWatch [\\d.]+\\+${first} .*this is VoxWatch [\\d.]+\\+${second}`),
    );
    await expect(RunFolder.open(work, identity, true)).resolves.toBeInstanceOf(RunFolder);
  });

  it('fingerprints the core sources when no bundle runs', () => {
    delete process.env.VOXWATCH_WORKER_BUNDLES;
    const fp = workerCodeFingerprint(new URL('../../core/tiles/worker.ts', import.meta.url));
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(workerCodeFingerprint(new URL('../../core/tiles/worker.ts', import.meta.url))).toBe(fp);
  });
});
