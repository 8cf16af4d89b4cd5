/**
 * Sharding: a prepared run folder, three shards of its tiles and a merge give exactly the run an
 * unsharded detection gives, objects crossing the seams between shards included.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDetectionOutputs } from '../../cli/commands/detect';
import {
  detectChanges,
  detectShard,
  mergeDetection,
  prepareDetection,
  type DetectionResult,
  type DetectOptions,
  type EpochInput,
} from '../../core/detect';
import { parseShard, shareOf } from '../../core/tiles/shard';
import { runCli } from '../helpers/cli';
import { writeDistrict, type WrittenDistrict } from '../helpers/district';

const REPO = resolve(import.meta.dirname, '../..');
const TILE_CELLS = 48;
const tiny: Partial<DetectOptions> = { tileCells: TILE_CELLS, halo: 48 };
let district: WrittenDistrict;
let single: DetectionResult;
let root: string;
let work: string;
const parts: string[] = [];
const shares: number[][] = [];

const epochs = (): [EpochInput, EpochInput] => [{ files: [district.epoch(1)] }, { files: [district.epoch(2)] }];
const comparable = (r: DetectionResult) => ({ ...r, timings: {} });

beforeAll(async () => {
  district = await writeDistrict({ seed: 11, size: 160 });
  single = await detectChanges(...epochs(), tiny);
  root = mkdtempSync(join(tmpdir(), 'voxwatch-shard-'));
  work = join(root, 'work');
}, 300_000);

afterAll(() => {
  // The shards' run folder keeps its spill (a merge does not know it): it goes with the test's folder.
  for (const dir of [root, district.dir]) rmSync(dir, { recursive: true, force: true });
});

describe('sharded detection', () => {
  it('prepares the first pass once, itself fanned out over two shares of the parts', async () => {
    const first = await prepareDetection(...epochs(), tiny, { workDir: work }, { index: 0, count: 2 });
    expect(first).toEqual({ partsDone: 1, parts: 2, tiles: null });
    const second = await prepareDetection(...epochs(), tiny, { workDir: work }, { index: 1, count: 2 });
    expect(second).toEqual({ partsDone: 2, parts: 2, tiles: 49 });
  }, 300_000);

  it('gives, merged from three shards, the run an unsharded detection gives, objects across shard seams whole', async () => {
    for (let i = 0; i < 3; i++) {
      const out = join(root, `part-${i}`);
      const r = await detectShard(...epochs(), tiny, { workDir: work }, { index: i, count: 3 }, out);
      parts.push(out);
      shares.push(r.tiles);
    }
    // Every tile in exactly one share, each share a run of consecutive tiles.
    expect(shares.flat().sort((p, q) => p - q)).toEqual(Array.from({ length: 49 }, (_, t) => t));
    for (const s of shares) expect(s.at(-1)! - s[0]).toBe(s.length - 1);
    const merged = await mergeDetection([parts[2], parts[0], parts[1]]);
    expect(comparable(merged)).toEqual(comparable(single));

    // Some objects lie in tiles of two shards: the merge did join across shard seams.
    const shardOf = new Map(shares.flatMap((s, i) => s.map((t) => [t, i] as const)));
    const g = single.grid;
    const tileAt = (x: number, y: number) => {
      const [i, j] = [Math.floor((x - g.x0) / g.cell / TILE_CELLS), Math.floor((y - g.y0) / g.cell / TILE_CELLS)];
      return j * Math.ceil(g.nx / TILE_CELLS) + i;
    };
    const across = single.changes.filter((c) => {
      const ring = c.footprint.flatMap((p) => p[0]);
      return new Set(ring.map(([x, y]) => shardOf.get(tileAt(x - 1e-6, y - 1e-6)))).size > 1;
    });
    expect(across.length).toBeGreaterThanOrEqual(1);
  }, 300_000);

  it('merges on the command line to the same bytes as an unsharded detect', async () => {
    const unsharded = join(root, 'unsharded');
    await writeDetectionOutputs(single, unsharded);
    const out = join(root, 'merged');
    const code = await new Promise<number | null>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'cli/voxwatch.ts'), 'merge', ...parts, '--out', out, '-q'], {
        cwd: REPO,
        stdio: 'ignore',
      });
      child.on('exit', done);
    });
    expect(code).toBe(0);
    for (const name of ['changes.geojson', 'suppressed.geojson', 'uncertain.geojson']) {
      expect(await readFile(join(out, name), 'utf8')).toBe(await readFile(join(unsharded, name), 'utf8'));
    }
    const summary = async (dir: string) => {
      const { timings_ms: _t, created_at: _c, ...rest } = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
      return rest;
    };
    expect(await summary(out)).toEqual(await summary(unsharded));
  }, 300_000);

  it('refuses incomplete or mismatched partial results, and shards of an unprepared folder', async () => {
    await expect(mergeDetection([parts[0], parts[2]])).rejects.toThrow('shard 1/3 missing: run and pass every shard');
    await expect(mergeDetection([parts[0], parts[1], parts[1], parts[2]])).rejects.toThrow(/are both shard 1\/3: give each shard once/);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await expect(mergeDetection([...parts, empty])).rejects.toThrow(
      /empty holds no finished partial result \(partial\.bin missing or damaged\)/,
    );
    await expect(
      detectShard(...epochs(), tiny, { workDir: join(root, 'unprepared') }, { index: 0, count: 2 }, join(root, 'x')),
    ).rejects.toThrow(/holds no prepared first pass .*run voxwatch detect with --prepare/);
    const r = await runCli('detect', district.epoch(1), district.epoch(2), '--work', work, '--shard', '3/3', '--out', join(root, 'y'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--shard expects i/N with 0 ≤ i < N');
  }, 300_000);

  it('splits tiles into contiguous shares balanced by their points', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    expect(() => parseShard('5/5')).toThrow(/0 ≤ i < N/);
    const weights = [100, 0, 0, 100, 100, 0, 100, 0];
    const split = [0, 1, 2, 3].map((i) => shareOf(weights, i, 4));
    expect(split).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
    ]);
    expect(shareOf(weights, 0, 1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
