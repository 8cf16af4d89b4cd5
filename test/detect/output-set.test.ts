/**
 * A run's outputs appear together or not at all: whatever stops the writing (a folder in the way,
 * a full disk, a file another program holds), an analyst never finds one run's changes.geojson
 * beside another run's summary.json.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeDetectionOutputs } from '../../cli/commands/detect';
import { detectChanges, type DetectionResult } from '../../core/detect';
import { runCli } from '../helpers/cli';
import { writeDistrict, type WrittenDistrict } from '../helpers/district';

// Faults a disk or another program would cause, injected where the writer meets the file system.
const faults = vi.hoisted(() => ({ write: undefined as RegExp | undefined, rename: undefined as RegExp | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const fail = (code: string) => Promise.reject(Object.assign(new Error(code), { code }));
  return {
    ...fs,
    writeFile: ((path, ...rest) =>
      faults.write?.test(String(path)) ? fail('ENOSPC') : fs.writeFile(path, ...rest)) as typeof fs.writeFile,
    rename: ((from, to) => (faults.rename?.test(String(to)) ? fail('EBUSY') : fs.rename(from, to))) as typeof fs.rename,
  };
});

const OUTPUTS = ['changes.geojson', 'summary.json', 'suppressed.geojson', 'uncertain.geojson'];
let district: WrittenDistrict;
let runA: DetectionResult;
let runB: DetectionResult;
const made: string[] = [];

beforeAll(async () => {
  district = await writeDistrict({ seed: 5, size: 120 });
  const options = { tileCells: 64, halo: 32 };
  runA = await detectChanges({ files: [district.epoch(1)] }, { files: [district.epoch(2)] }, options);
  runB = await detectChanges({ files: [district.epoch(2)] }, { files: [district.epoch(3)] }, options);
}, 120_000);

afterEach(() => {
  faults.write = faults.rename = undefined;
});

afterAll(() => {
  for (const dir of [...made, district.dir]) rmSync(dir, { recursive: true, force: true });
});

/** A folder holding run A's outputs, and their bytes. */
async function folderWithRunA(): Promise<{ dir: string; a: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-outset-'));
  made.push(dir);
  await writeDetectionOutputs(runA, dir);
  return { dir, a: contents(dir) };
}

const contents = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [e.name, readFileSync(join(dir, e.name), 'utf8')]),
  );

describe("detect outputs are one run's set", () => {
  it('the two runs differ in every file, and a run written over another replaces all four', async () => {
    const { dir, a } = await folderWithRunA();
    expect(Object.keys(a).sort()).toEqual(OUTPUTS);
    await writeDetectionOutputs(runB, dir);
    const b = contents(dir);
    expect(Object.keys(b).sort()).toEqual(OUTPUTS);
    for (const name of OUTPUTS) expect(b[name], name).not.toBe(a[name]);
    expect(JSON.parse(b['changes.geojson']).features).toHaveLength(runB.changes.length);
  });

  it('a folder in the way of uncertain.geojson: refused before anything is written, run A whole', async () => {
    const { dir, a } = await folderWithRunA();
    rmSync(join(dir, 'uncertain.geojson'));
    mkdirSync(join(dir, 'uncertain.geojson'));
    await expect(writeDetectionOutputs(runB, dir)).rejects.toThrow(/uncertain\.geojson: cannot write: a folder is in the way/);
    const after = contents(dir);
    for (const name of ['changes.geojson', 'suppressed.geojson', 'summary.json']) expect(after[name], name).toBe(a[name]);
    expect(readdirSync(dir).sort()).toEqual(OUTPUTS);
  });

  it('the disk full while writing uncertain.geojson: run A stays whole and no temporary file is left', async () => {
    const { dir, a } = await folderWithRunA();
    faults.write = /uncertain\.geojson/;
    await expect(writeDetectionOutputs(runB, dir)).rejects.toThrow(
      /uncertain\.geojson: cannot write \(ENOSPC\); the folder keeps the outputs it had/,
    );
    expect(readdirSync(dir).sort()).toEqual(OUTPUTS);
    expect(contents(dir)).toEqual(a);
  });

  it('a file that cannot be replaced (held open, EBUSY): no summary.json is left beside part of a run', async () => {
    const { dir } = await folderWithRunA();
    faults.rename = /uncertain\.geojson$/;
    await expect(writeDetectionOutputs(runB, dir)).rejects.toThrow(
      /uncertain\.geojson: cannot replace it \(EBUSY\); the folder now holds no complete run's outputs/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('voxwatch detect finds a folder in the way before it reads a single epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwatch-outset-'));
    made.push(dir);
    mkdirSync(join(dir, 'summary.json'));
    // Epochs that do not exist: had detection started, their error would come first.
    const r = await runCli('detect', join(dir, 'missing-before.las'), join(dir, 'missing-after.las'), '--out', dir, '-q');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`voxwatch: ${join(dir, 'summary.json')}: cannot write: a folder is in the way (nothing was written)`);
  });
});
