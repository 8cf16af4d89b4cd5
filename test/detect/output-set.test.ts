/**
 * A run's outputs appear together or not at all: whatever stops the writing (a folder in the way,
 * a full disk, a file another program holds), an analyst never finds one run's changes.geojson
 * beside another run's summary.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeDetectionOutputs } from '../../cli/commands/detect';
import { detectChanges, type DetectionResult } from '../../core/detect';
import { runCli } from '../helpers/cli';
import { writeDistrict, type WrittenDistrict } from '../helpers/district';

// Faults a disk or another program would cause, injected where the writer meets the file system.
const faults = vi.hoisted(() => ({
  write: undefined as RegExp | undefined,
  /** Renames that fail with EBUSY (a file held open), by source and target path. */
  rename: undefined as ((from: string, to: string) => boolean) | undefined,
  /** The code opening a folder for fsync fails with (EISDIR as on Windows, EIO as a failing disk). */
  openDir: undefined as string | undefined,
  synced: [] as string[],
}));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const fail = (code: string) => Promise.reject(Object.assign(new Error(code), { code }));
  return {
    ...fs,
    writeFile: ((path, ...rest) =>
      faults.write?.test(String(path)) ? fail('ENOSPC') : fs.writeFile(path, ...rest)) as typeof fs.writeFile,
    rename: ((from, to) => (faults.rename?.(String(from), String(to)) ? fail('EBUSY') : fs.rename(from, to))) as typeof fs.rename,
    open: (async (path, ...rest) => {
      const isDir = (await fs.stat(path).catch(() => null))?.isDirectory();
      if (isDir && faults.openDir) return fail(faults.openDir);
      const handle = await fs.open(path, ...rest);
      if (!isDir) return handle;
      const sync = handle.sync.bind(handle);
      return Object.assign(handle, { sync: () => sync().then(() => void faults.synced.push(String(path))) });
    }) as typeof fs.open,
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
  faults.write = faults.openDir = undefined;
  faults.rename = undefined;
  faults.synced = [];
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

/** Run B's outputs written alone into a fresh folder: what a kept set must hold. */
async function runBAlone(): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-outset-'));
  made.push(dir);
  await writeDetectionOutputs(runB, dir);
  return undated(contents(dir));
}

/** Files with summary.json's write time taken out: two writes of one run differ only there. */
const undated = (files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([n, t]) => [n, t.replace(/"created_at": "[^"]*"/, '"created_at": ""')]));

/** `changes.geojson` as the writer's visible name for a kept copy: `changes.<label>-<yyyymmdd>-<hhmmss>Z-<8 hex>.geojson`. */
const labelled = (name: string, label: string) => {
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}\\.${label}-\\d{8}-\\d{6}Z-[0-9a-f]{8}\\${name.slice(dot)}`;
};

/** Where the error says this run's `name` was kept. */
const keptPath = (error: string, name: string) =>
  error
    .match(new RegExp(`kept as (.*) \\(close`))?.[1]
    .split(', ')
    .find((p) => new RegExp(`/${labelled(name, 'kept')}$`).test(p) || p.endsWith(`/${name}`));

/** Run A whole under its own names, and run B whole at the temporary names the error gives. */
function expectKept(dir: string, a: Record<string, string>, b: Record<string, string>, error: string) {
  const after = contents(dir);
  for (const name of OUTPUTS) expect(after[name], name).toBe(a[name]);
  for (const name of OUTPUTS) {
    const kept = keptPath(error, name);
    expect(kept, name).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/${labelled(name, 'kept')}$`));
    expect(undated({ [name]: readFileSync(kept!, 'utf8') }), name).toEqual({ [name]: b[name] });
  }
  // Only the four outputs and the four kept files: no backup left behind.
  expect(readdirSync(dir)).toHaveLength(8);
}

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

  // On Windows a file QGIS holds open cannot be renamed: the previous set must stay whole and this
  // run's finished set, perhaps hours in the making, must not be thrown away.
  it('an old file held open (EBUSY as it is moved aside): run A stays whole and run B is kept under the names the error gives', async () => {
    const { dir, a } = await folderWithRunA();
    const b = await runBAlone();
    faults.rename = (from) => from === join(dir, 'uncertain.geojson');
    const error = await writeDetectionOutputs(runB, dir).catch((e: Error) => e);
    expect(String(error)).toMatch(
      /uncertain\.geojson: cannot replace it \(EBUSY\); the folder keeps the outputs it had; this run's complete outputs are kept as /,
    );
    expectKept(dir, a, b, String(error));
  });

  it('a new file that cannot be moved in (EBUSY): the ones already in go back, run A is restored, run B kept', async () => {
    const { dir, a } = await folderWithRunA();
    const b = await runBAlone();
    faults.rename = (from, to) => to === join(dir, 'uncertain.geojson') && from.endsWith('.tmp');
    const error = await writeDetectionOutputs(runB, dir).catch((e: Error) => e);
    expect(String(error)).toMatch(/uncertain\.geojson: cannot replace it \(EBUSY\); the folder keeps the outputs it had/);
    expectKept(dir, a, b, String(error));
  });

  it('when even putting run A back fails, the error says where its files are and nothing of either run is lost', async () => {
    const { dir, a } = await folderWithRunA();
    const b = await runBAlone();
    faults.rename = (from, to) =>
      (to === join(dir, 'uncertain.geojson') && from.endsWith('.tmp')) || (to === join(dir, 'changes.geojson') && from.endsWith('.bak'));
    const error = String(await writeDetectionOutputs(runB, dir).catch((e: Error) => e));
    expect(error).toMatch(
      /the previous outputs could not all be put back: changes\.geojson is at \S+\/changes\.previous-\d{8}-\d{6}Z-[0-9a-f]{8}\.geojson/,
    );
    const after = contents(dir);
    // No mixed set under the real names: summary.json is back, changes.geojson is not.
    expect(
      Object.keys(after)
        .filter((n) => OUTPUTS.includes(n))
        .sort(),
    ).toEqual(['summary.json', 'suppressed.geojson', 'uncertain.geojson']);
    const backup = error.match(/changes\.geojson is at (\S+\.geojson)/)![1];
    expect(readFileSync(backup, 'utf8')).toBe(a['changes.geojson']);
    for (const name of ['summary.json', 'suppressed.geojson', 'uncertain.geojson']) expect(after[name], name).toBe(a[name]);
    for (const name of OUTPUTS) expect(keptPath(error, name), name).toBeDefined();
    for (const name of OUTPUTS)
      expect(undated({ [name]: readFileSync(keptPath(error, name)!, 'utf8') }), name).toEqual({ [name]: b[name] });
  });

  it('two failed writes in the same second keep both sets, each under its own visible names', async () => {
    const { dir } = await folderWithRunA();
    const b = await runBAlone();
    faults.rename = (from) => from === join(dir, 'uncertain.geojson');
    const first = String(await writeDetectionOutputs(runB, dir).catch((e: Error) => e));
    const second = String(await writeDetectionOutputs(runB, dir).catch((e: Error) => e));
    for (const name of OUTPUTS) {
      const [one, two] = [keptPath(first, name), keptPath(second, name)];
      expect(one, name).toBeDefined();
      expect(two, name).toBeDefined();
      expect(two).not.toBe(one);
      for (const path of [one!, two!]) expect(undated({ [name]: readFileSync(path, 'utf8') }), name).toEqual({ [name]: b[name] });
    }
  });

  it('a set kept by a failed run is still there after a later run in the same folder has cleared up', async () => {
    const { dir } = await folderWithRunA();
    const b = await runBAlone();
    faults.rename = (from) => from === join(dir, 'uncertain.geojson');
    const error = String(await writeDetectionOutputs(runB, dir).catch((e: Error) => e));
    faults.rename = undefined;
    // The failed run has since ended: had it kept its set under names carrying its process id,
    // they would now carry a dead one.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const kept = OUTPUTS.map((name) => {
      const path = keptPath(error, name)!;
      const ended = path.replace(/voxwatch-\d+-/, `voxwatch-${dead}-`);
      if (ended !== path) renameSync(path, ended);
      return [name, ended] as const;
    });
    await writeDetectionOutputs(runA, dir);
    for (const [name, path] of kept) expect(undated({ [name]: readFileSync(path, 'utf8') }), name).toEqual({ [name]: b[name] });
  });

  it('a run writes its set whole and then clears the temporary and backup files dead runs left, nothing else', async () => {
    const { dir } = await folderWithRunA();
    // What a crashed run (a process no longer running) and a live one left, and a user's own hidden files.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = [`.changes.geojson.voxwatch-${dead}-0badc0de.tmp`, `.summary.json.voxwatch-${dead}-0badc0de.bak`];
    const live = `.summary.json.voxwatch-${process.ppid}-12345678.tmp`;
    const theirs = ['.changes.geojson.bak', `.notes.voxwatch-${dead}-0badc0de.txt`, `changes.geojson.voxwatch-${dead}-0badc0de.tmp`];
    for (const name of [...stale, live, ...theirs]) writeFileSync(join(dir, name), name);
    await writeDetectionOutputs(runB, dir);
    expect(readdirSync(dir).sort()).toEqual([...OUTPUTS, live, ...theirs].sort());
    expect(undated(contents(dir))).toMatchObject(await runBAlone());
    expect(faults.synced).toContain(dir);
  });

  it('the folder is flushed after the renames; a platform that cannot open a folder (EISDIR) still gets its set, a failing disk (EIO) is said', async () => {
    const { dir } = await folderWithRunA();
    const b = await runBAlone();
    faults.openDir = 'EISDIR';
    await writeDetectionOutputs(runB, dir);
    expect(undated(contents(dir))).toEqual(b);
    faults.openDir = 'EIO';
    await expect(writeDetectionOutputs(runA, dir)).rejects.toThrow(
      /the outputs are in place but the folder could not be flushed to disk \(EIO\)/,
    );
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
