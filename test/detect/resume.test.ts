/**
 * Resumable runs: a `voxwatch detect --work` process killed with SIGKILL among its tiles, a run
 * cancelled through its AbortSignal, and damaged tile results all end, once resumed, in exactly
 * the result of an uninterrupted run, without redoing what was finished.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  detectChanges,
  detectShard,
  prepareDetection,
  type DetectHooks,
  type EpochInput,
  type DetectionResult,
  type DetectOptions,
} from '../../core/detect';
import { writeDistrict, type WrittenDistrict } from '../helpers/district';

const REPO = resolve(import.meta.dirname, '../..');
let district: WrittenDistrict;
let uninterrupted: DetectionResult;
// 24 m tiles over a 160 m district: 49 tiles, objects crossing seams (as in tiles.test.ts).
const tiny: Partial<DetectOptions> = { tileCells: 48, halo: 48 };

const run = (hooks: DetectHooks = {}, options = tiny) =>
  detectChanges({ files: [district.epoch(1)] }, { files: [district.epoch(2)] }, options, hooks);
const comparable = (r: DetectionResult) => ({ ...r, timings: {} });
const made: string[] = [];
const scratch = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `voxwatch-${name}-`));
  made.push(dir);
  return dir;
};
/** A file's identity: a rewrite (temp + rename) gives it a new inode. */
const identity = (path: string) => {
  const s = statSync(path);
  return `${s.ino}:${s.mtimeMs}`;
};
const tileFiles = (work: string) => readdirSync(join(work, 'tiles')).filter((f) => /^t\d+\.bin$/.test(f));

beforeAll(async () => {
  district = await writeDistrict({ seed: 11, size: 160 });
  uninterrupted = await run();
});

afterAll(() => {
  for (const dir of [...made, district.dir]) rmSync(dir, { recursive: true, force: true });
});

/** Processes whose command line names `marker` (the run folder is unique to a test). */
function processesNaming(marker: string): number[] {
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(marker)) pids.push(Number(e));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** `voxwatch detect` in this very process id (node --import tsx, no launcher in between). */
function detectProcess(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'cli/voxwatch.ts'), 'detect', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal, stderr })),
  );
  return { child, exited };
}

/** The outputs as bytes, summary.json apart from its timings and creation time. */
async function outputs(dir: string) {
  const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
  expect(summary.timings_ms).toBeDefined();
  delete summary.timings_ms;
  delete summary.created_at;
  return {
    changes: await readFile(join(dir, 'changes.geojson'), 'utf8'),
    suppressed: await readFile(join(dir, 'suppressed.geojson'), 'utf8'),
    uncertain: await readFile(join(dir, 'uncertain.geojson'), 'utf8'),
    summary: JSON.stringify(summary),
  };
}

describe('resumable detection', () => {
  it('cleans up its temporary files when stopped with SIGTERM (as systemd or Kubernetes stop it), as with Ctrl-C', async () => {
    const root = scratch('term');
    const tmp = join(root, 'tmp');
    mkdirSync(tmp);
    const run = detectProcess(
      [district.epoch(1), district.epoch(2), '--tile-cells', '16', '--halo', '16', '-q', '--out', join(root, 'out')],
      {
        ...process.env,
        TMPDIR: tmp,
      },
    );
    // Stopped once its tiles are under way: its spill and window folders exist by then.
    const ours = () => readdirSync(tmp).filter((f) => f.startsWith('voxwatch-'));
    while (ours().length === 0 && run.child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGTERM');
    const ended = await run.exited;
    expect(ended.signal).toBeNull(); // it handled the signal and exited by itself
    expect(ended.code).not.toBe(0);
    expect(ended.stderr).toMatch(/cancelled/);
    expect(ours()).toEqual([]);
  }, 120_000);

  it('resumes a voxwatch detect process killed with SIGKILL among its tiles, to the same bytes as a fresh run', async () => {
    const root = scratch('kill');
    const work = join(root, 'work');
    const common = [district.epoch(1), district.epoch(2), '--tile-cells', '16', '--halo', '16', '-q'];
    const fresh = detectProcess([...common, '--out', join(root, 'fresh')]);
    expect((await fresh.exited).code).toBe(0);

    const first = detectProcess([...common, '--out', join(root, 'killed'), '--work', work]);
    const pid = first.child.pid!;
    let killedAt: string[] = [];
    let cpuTicks = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      const done = statSync(join(work, 'tiles'), { throwIfNoEntry: false }) ? tileFiles(work) : [];
      if (done.length >= 30) {
        // The pid is the process doing the work: our child, running the detect command, with its worker threads.
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        expect(cmdline).toContain(join(REPO, 'cli/voxwatch.ts'));
        expect(cmdline).toContain('detect');
        expect(Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1])).toBe(process.pid);
        // …and it has done the reading itself (seconds of CPU), so it is no launcher waiting on another process.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        cpuTicks = Number(stat[11]) + Number(stat[12]);
        process.kill(pid, 'SIGKILL');
        break;
      }
      if (first.child.exitCode !== null) break;
    }
    const ended = await first.exited;
    expect(ended.signal).toBe('SIGKILL');
    expect(cpuTicks).toBeGreaterThan(50);
    // Nothing of the killed run survives (its worker threads died with it).
    expect(processesNaming(work)).toEqual([]);
    killedAt = tileFiles(work);
    const kept = new Map(killedAt.map((f) => [f, identity(join(work, 'tiles', f))]));

    const resumed = detectProcess([...common, '--out', join(root, 'resumed'), '--work', work]);
    const r = await resumed.exited;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const all = tileFiles(work);
    expect(killedAt.length).toBeGreaterThan(0);
    expect(killedAt.length).toBeLessThan(all.length);
    // Finished tiles were not redone.
    for (const [f, id] of kept) expect(identity(join(work, 'tiles', f))).toBe(id);
    expect(await outputs(join(root, 'resumed'))).toEqual(await outputs(join(root, 'fresh')));
    expect(JSON.parse(await readFile(join(root, 'fresh', 'changes.geojson'), 'utf8')).features.length).toBeGreaterThanOrEqual(5);
    // The finished run gave its spill back.
    expect(readdirSync(join(work, 'spill'))).toEqual([]);
    expect(processesNaming(work)).toEqual([]);
  }, 300_000);

  it('resumes a run cancelled through its AbortSignal without rereading the epochs or redoing finished tiles', async () => {
    const work = join(scratch('cancel'), 'work');
    const controller = new AbortController();
    const cancelled = run({
      workDir: work,
      workers: 2,
      signal: controller.signal,
      onProgress: ({ phase, done }) => {
        if (phase === 'diff' && done >= 12) controller.abort();
      },
    });
    await expect(cancelled).rejects.toThrow(/cancelled/);
    const kept = tileFiles(work);
    expect(kept.length).toBeGreaterThanOrEqual(12);
    expect(kept.length).toBeLessThan(49);
    const ids = new Map(kept.map((f) => [f, identity(join(work, 'tiles', f))]));
    const markers = readdirSync(join(work, 'parts'));
    expect(markers.sort()).toEqual(['e0-p0.bin', 'e1-p0.bin']);
    const markerIds = markers.map((m) => identity(join(work, 'parts', m)));

    let diffEvents = 0;
    let markersDuringTiles: string[] = [];
    const resumed = await run({
      workDir: work,
      onProgress: ({ phase }) => {
        if (phase !== 'diff') return;
        if (diffEvents++ === 0) markersDuringTiles = markers.map((m) => identity(join(work, 'parts', m)));
      },
    });
    // Only the unfinished tiles ran, and the first pass was taken from the folder, not reread.
    expect(diffEvents).toBe(49 - kept.length);
    expect(markersDuringTiles).toEqual(markerIds);
    for (const [f, id] of ids) expect(identity(join(work, 'tiles', f))).toBe(id);
    expect(comparable(resumed)).toEqual(comparable(uninterrupted));
  }, 300_000);

  it('once the plan is made, resumes without the first-pass record of a part its tiles read straight from its LAS', async () => {
    const work = join(scratch('planned'), 'work');
    const controller = new AbortController();
    // 2 × 2 tiles: epoch 1's file runs in rows, so its tiles read it again (indexed); epoch 2's
    // blocks reach every tile, so it is spilled.
    const options = { tileCells: 224, halo: 32 };
    const cancelled = run(
      {
        workDir: work,
        workers: 2,
        signal: controller.signal,
        onProgress: ({ phase, done }) => {
          if (phase === 'diff' && done >= 1) controller.abort();
        },
      },
      options,
    );
    await expect(cancelled).rejects.toThrow(/cancelled/);
    expect(readdirSync(join(work, 'parts')).sort()).toEqual(['e0-p0.bin', 'e1-p0.bin']);
    expect(readdirSync(join(work, 'spill')).filter((f) => f.startsWith('e0-'))).toEqual([]);
    // Without epoch 1's record, a run that still wanted it would read epoch 1 again to remake it.
    rmSync(join(work, 'parts', 'e0-p0.bin'));
    let markersDuringTiles: string[] | null = null;
    const resumed = await run(
      {
        workDir: work,
        onProgress: ({ phase }) => {
          if (phase === 'diff') markersDuringTiles ??= readdirSync(join(work, 'parts'));
        },
      },
      options,
    );
    expect(markersDuringTiles).toEqual(['e1-p0.bin']);
    expect(comparable(resumed)).toEqual(comparable(await run({}, options)));

    // The finished run gave its spill and records back, the plan stays: prepared again, the
    // folder takes shards, though epoch 1 never gets its record back (its blocks are in the plan).
    const epochs: [EpochInput, EpochInput] = [{ files: [district.epoch(1)] }, { files: [district.epoch(2)] }];
    expect(await prepareDetection(...epochs, options, { workDir: work })).toEqual({ partsDone: 2, parts: 2, tiles: 4 });
    expect(readdirSync(join(work, 'parts'))).toEqual(['e1-p0.bin']);
    const shard = await detectShard(...epochs, options, { workDir: work }, { index: 0, count: 1 }, join(scratch('planned-shard'), 'part'));
    expect(shard.tiles).toEqual([0, 1, 2, 3]);
  }, 300_000);

  it('redoes a truncated or corrupted tile result instead of trusting it', async () => {
    const work = join(scratch('damaged'), 'work');
    await run({ workDir: work });
    const tiles = join(work, 'tiles');
    // Tile 24 is the district's centre, where the buildings are.
    const damaged = ['t24.bin', 't10.bin', 't3.bin'];
    const before = new Map(tileFiles(work).map((f) => [f, identity(join(tiles, f))]));
    truncateSync(join(tiles, 't24.bin'), statSync(join(tiles, 't24.bin')).size - 7);
    const bytes = readFileSync(join(tiles, 't10.bin'));
    bytes[bytes.length - 5] ^= 0x40;
    writeFileSync(join(tiles, 't10.bin'), bytes);
    writeFileSync(join(tiles, 't3.bin'), '');
    const afterDamage = new Map(damaged.map((f) => [f, identity(join(tiles, f))]));

    let diffEvents = 0;
    const redone = await run({ workDir: work, onProgress: ({ phase }) => void (phase === 'diff' && diffEvents++) });
    expect(diffEvents).toBe(3);
    for (const [f, id] of before) {
      if (damaged.includes(f)) expect(identity(join(tiles, f))).not.toBe(afterDamage.get(f));
      else expect(identity(join(tiles, f))).toBe(id);
    }
    expect(comparable(redone)).toEqual(comparable(uninterrupted));
  }, 300_000);

  it('refuses a run folder of other inputs or options, naming the difference, and starts over when told', async () => {
    const work = join(scratch('mismatch'), 'work');
    const controller = new AbortController();
    await expect(
      run({ workDir: work, signal: controller.signal, onProgress: ({ phase }) => phase === 'diff' && controller.abort() }),
    ).rejects.toThrow(/cancelled/);
    expect(tileFiles(work).length).toBeGreaterThan(0);
    await expect(run({ workDir: work }, { ...tiny, minHeight: 2 })).rejects.toThrow(
      /run folder .* belongs to another run: its option minHeight was 1\.2, now 2; pass --fresh/,
    );
    await expect(detectChanges({ files: [district.epoch(1)] }, { files: [district.epoch(3)] }, tiny, { workDir: work })).rejects.toThrow(
      /belongs to another run: its after epoch was .*epoch-2\.las, not .*epoch-3\.las/,
    );
    const other = scratch('not-a-run');
    writeFileSync(join(other, 'notes.txt'), 'mine');
    await expect(run({ workDir: other })).rejects.toThrow(/is not a VoxWatch run folder \(it holds other files, e\.g\. notes\.txt\)/);
    expect(readdirSync(other)).toEqual(['notes.txt']);
    // --fresh: the old tiles are dropped and the new run is the one asked for.
    const fresh = await run({ workDir: work, fresh: true, workers: 1 }, { ...tiny, minHeight: 2 });
    expect(fresh.parameters.minHeight).toBe(2);
    expect(tileFiles(work).length).toBe(49);
  }, 300_000);
});
