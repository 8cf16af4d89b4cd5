/**
 * The run folder of a resumable detection: what a run has finished, kept on disk so that a run
 * interrupted by a crash, a cancel, a kill or a power cut starts again where it stopped.
 *
 *   manifest.json       what the folder belongs to: a hash of the inputs and options (the key)
 *   spill/              the first pass's spill files (one per part of an epoch and tile)
 *   parts/eE-pP.bin     a part's marker: its spill files are complete; holds its coarse sums
 *   plan.bin            the first pass's outcome: ground, alignment, density, layout facts
 *   tiles/tT.bin        one finished tile's result
 *
 * Every .bin is sealed (magic, length, SHA-256 of the payload) and written atomically (temp
 * file, fsync, rename, fsync of the folder), so a file is either whole and checked or ignored
 * and redone: nothing half-written is ever trusted. Payloads are V8's structured clone (what the
 * worker threads already send), which keeps typed arrays, NaN and −0 exactly, so a resumed run
 * gives the same bytes as an uninterrupted one.
 */
import { VERSION } from '../version';
import { workerCodeFingerprint } from '../workers/spawn';
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { EpochSourceInfo } from '../io/formats';

/** Bumped whenever what a folder holds changes meaning; part of the key. */
const FOLDER_FORMAT = 2;
const MAGIC = 0x4b435856; // "VXCK"
const HEADER_BYTES = 4 + 4 + 8 + 32;
/** The tiles' worker, whose code judges what a folder keeps: other code (other rules) is another run. */
const TILE_WORKER = new URL('./worker.ts', import.meta.url);
const software = () => `${VERSION}+${workerCodeFingerprint(TILE_WORKER)}`;

/** A run folder that cannot be used for this run: its message says why and what to do. */
export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

export interface RunIdentity {
  /** Each epoch's sources, as the readers describe them (any format with a descriptor). */
  epochs: [EpochSourceInfo[], EpochSourceInfo[]];
  /** The detection options (every one: a default that changes between versions counts). */
  options: object;
  /** Anything else the tiles' results depend on (e.g. watched areas). */
  extra?: unknown;
}

interface FileFacts {
  path: string;
  size: number;
  mtimeMs: number;
  source: EpochSourceInfo;
}

interface Manifest {
  format: number;
  software: string;
  /** The V8 that serialised the payloads (its format is what we read back). */
  v8: string;
  key: string;
  created: string;
  epochs: [FileFacts[], FileFacts[]];
  options: object;
  extra: unknown;
}

/** Sorted keys, so the same facts always hash alike. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest();

/** Writes `data` to `path` so that a crash leaves either the old file or the new one, never a mix. */
export async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let done = 0;
    while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  await rename(temp, path);
  syncDir(join(path, '..'));
}

/** A rename is durable only once its folder is: fsync it (not possible on every platform). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a folder for fsync; NTFS journals the rename itself.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A payload behind a header that proves it whole: magic, format, length, SHA-256. */
export function seal(value: unknown): Buffer {
  const payload = serialize(value);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(FOLDER_FORMAT, 4);
  header.writeBigUInt64LE(BigInt(payload.byteLength), 8);
  sha256(payload).copy(header, 16);
  return Buffer.concat([header, payload]);
}

/** The sealed value, or null when the bytes are not exactly what `seal` wrote. */
export function unseal<T>(bytes: Buffer): T | null {
  if (bytes.byteLength < HEADER_BYTES || bytes.readUInt32LE(0) !== MAGIC || bytes.readUInt32LE(4) !== FOLDER_FORMAT) return null;
  const length = Number(bytes.readBigUInt64LE(8));
  if (bytes.byteLength !== HEADER_BYTES + length) return null;
  const payload = bytes.subarray(HEADER_BYTES);
  if (!sha256(payload).equals(bytes.subarray(16, 48))) return null;
  try {
    return deserialize(payload) as T;
  } catch {
    return null;
  }
}

/** Reads a sealed file: its value, or null when it is missing, truncated or damaged. */
export async function readSealed<T>(path: string): Promise<T | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return unseal<T>(bytes);
}

async function fileFacts(sources: EpochSourceInfo[]): Promise<FileFacts[]> {
  return Promise.all(
    sources.map(async (source) => {
      const s = await stat(source.file);
      return { path: resolve(source.file), size: s.size, mtimeMs: s.mtimeMs, source };
    }),
  );
}

/** What the run is: the inputs (paths, sizes, modification times, header facts) and the options. */
async function identify(id: RunIdentity): Promise<Omit<Manifest, 'created'>> {
  const epochs = [await fileFacts(id.epochs[0]), await fileFacts(id.epochs[1])] as [FileFacts[], FileFacts[]];
  const body = {
    format: FOLDER_FORMAT,
    software: software(),
    v8: process.versions.v8,
    epochs,
    options: id.options,
    extra: id.extra ?? null,
  };
  const key = sha256(JSON.stringify(canonical(body))).toString('hex');
  return { ...body, key };
}

/** Names the first difference between the folder's run and this one, for the refusal message. */
function difference(old: Manifest, now: Omit<Manifest, 'created'>): string {
  if (old.format !== now.format || old.software !== now.software || old.v8 !== now.v8) {
    return `it was made by VoxWatch ${old.software} (format ${old.format}, V8 ${old.v8}), this is VoxWatch ${now.software} (format ${now.format}, V8 ${now.v8})`;
  }
  for (let e = 0; e < 2; e++) {
    const label = e === 0 ? 'before' : 'after';
    const [was, is] = [old.epochs[e], now.epochs[e]];
    const wasPaths = was.map((f) => f.path).join(', ');
    const isPaths = is.map((f) => f.path).join(', ');
    if (wasPaths !== isPaths) return `its ${label} epoch was ${wasPaths}, not ${isPaths}`;
    for (let i = 0; i < was.length; i++) {
      const [a, b] = [was[i], is[i]];
      if (a.size !== b.size || a.mtimeMs !== b.mtimeMs || JSON.stringify(canonical(a.source)) !== JSON.stringify(canonical(b.source))) {
        return `${b.path} changed since (size ${a.size} → ${b.size} bytes, modified ${new Date(a.mtimeMs).toISOString()} → ${new Date(b.mtimeMs).toISOString()})`;
      }
    }
  }
  const [oo, no] = [old.options as Record<string, unknown>, now.options as Record<string, unknown>];
  for (const k of new Set([...Object.keys(oo), ...Object.keys(no)])) {
    if (JSON.stringify(oo[k]) !== JSON.stringify(no[k]))
      return `its option ${k} was ${JSON.stringify(oo[k])}, now ${JSON.stringify(no[k])}`;
  }
  return 'its watched areas differ';
}

const ENTRIES = new Set(['manifest.json', 'spill', 'parts', 'plan.bin', 'tiles']);

/**
 * One run's folder. Opening it checks that it belongs to this run (same key) or creates it;
 * a folder of another run is refused with the difference named, unless `fresh` clears it.
 */
export class RunFolder {
  readonly spillDir: string;
  private constructor(
    readonly dir: string,
    readonly key: string,
  ) {
    this.spillDir = join(dir, 'spill');
  }

  static async open(dir: string, id: RunIdentity, fresh = false): Promise<RunFolder> {
    const now = await identify(id);
    await mkdir(dir, { recursive: true });
    const entries = await readdir(dir);
    const manifestPath = join(dir, 'manifest.json');
    let old: Manifest | null = null;
    if (entries.includes('manifest.json')) {
      try {
        old = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
      } catch {
        old = null; // an unreadable manifest is a run that never started properly: start over
      }
    } else if (entries.some((e) => !ENTRIES.has(e) && !e.includes('.tmp-'))) {
      throw new RunFolderError(
        `${dir} is not a VoxWatch run folder (it holds other files, e.g. ${entries.find((e) => !ENTRIES.has(e))}); give an empty or new folder to --work`,
      );
    }
    if (old && old.key !== now.key && !fresh) {
      throw new RunFolderError(
        `the run folder ${dir} belongs to another run: ${difference(old, now)}; pass --fresh to start it over, or give another --work folder`,
      );
    }
    if (!old || old.key !== now.key) {
      for (const e of entries) if (ENTRIES.has(e) || e.includes('.tmp-')) await rm(join(dir, e), { recursive: true, force: true });
      await writeAtomic(manifestPath, JSON.stringify({ ...now, created: new Date().toISOString() }, null, 1) + '\n');
    }
    const folder = new RunFolder(dir, now.key);
    for (const sub of ['spill', 'parts', 'tiles']) await mkdir(join(dir, sub), { recursive: true });
    await folder.removeTemporaries();
    return folder;
  }

  /** Temp files of writes a crash interrupted (only this folder's own, never other runs' files). */
  private async removeTemporaries(): Promise<void> {
    for (const sub of ['.', 'parts', 'tiles']) {
      for (const e of await readdir(join(this.dir, sub))) if (e.includes('.tmp-')) await rm(join(this.dir, sub, e), { force: true });
    }
  }

  spillPath(epoch: number, part: number, tile: number): string {
    return join(this.spillDir, `e${epoch}-p${part}-t${tile}.bin`);
  }

  private partPath(epoch: number, part: number): string {
    return join(this.dir, 'parts', `e${epoch}-p${part}.bin`);
  }

  private tilePath(tile: number): string {
    return join(this.dir, 'tiles', `t${tile}.bin`);
  }

  /** A finished part's record, or null (missing or damaged: its spill files are then redone). */
  readPart<T>(epoch: number, part: number): Promise<T | null> {
    return readSealed<T>(this.partPath(epoch, part));
  }

  /** Clears what an interrupted attempt at a part left, before the part is read again. */
  async resetPart(epoch: number, part: number): Promise<void> {
    await rm(this.partPath(epoch, part), { force: true });
    const prefix = `e${epoch}-p${part}-`;
    for (const e of await readdir(this.spillDir)) if (e.startsWith(prefix)) await unlink(join(this.spillDir, e));
  }

  /** Marks a part done, once its spill files are on disk (they are fsynced first). */
  async finishPart(epoch: number, part: number, record: unknown): Promise<void> {
    const prefix = `e${epoch}-p${part}-`;
    for (const e of await readdir(this.spillDir)) {
      if (!e.startsWith(prefix)) continue;
      const fd = openSync(join(this.spillDir, e), 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    syncDir(this.spillDir);
    await writeAtomic(this.partPath(epoch, part), seal(record));
  }

  /** Bytes the spill already holds (a resumed run needs only the rest). */
  async spillBytes(): Promise<number> {
    let n = 0;
    for (const e of await readdir(this.spillDir)) n += (await stat(join(this.spillDir, e))).size;
    return n;
  }

  /**
   * How many of the run's first-pass parts are finished (`parts[e]`: epoch e's parts): those with
   * a record, and those `needsNoRecord` names (a part the plan already holds all of).
   */
  async countParts(parts: unknown[][], needsNoRecord: (e: number, p: number) => boolean = () => false): Promise<number> {
    let n = 0;
    for (let e = 0; e < parts.length; e++) {
      for (let p = 0; p < parts[e].length; p++) if (needsNoRecord(e, p) || (await this.readPart(e, p))) n++;
    }
    return n;
  }

  /** Records per tile in the spill (from the files' sizes), for balancing shards. */
  async spillRecords(tiles: number, recordBytes: number): Promise<number[]> {
    const out = new Array<number>(tiles).fill(0);
    for (const e of await readdir(this.spillDir)) {
      const m = /-t(\d+)\.bin$/.exec(e);
      if (m) out[Number(m[1])] += (await stat(join(this.spillDir, e))).size / recordBytes;
    }
    return out;
  }

  readPlan<T>(): Promise<T | null> {
    return readSealed<T>(join(this.dir, 'plan.bin'));
  }

  writePlan(plan: unknown): Promise<void> {
    return writeAtomic(join(this.dir, 'plan.bin'), seal(plan));
  }

  /** A finished tile's result, or null when it must be (re)done. */
  readTile<T>(tile: number): Promise<T | null> {
    return readSealed<T>(this.tilePath(tile));
  }

  tileBytes(tile: number): Promise<Buffer> {
    return readFile(this.tilePath(tile));
  }

  writeTile(tile: number, result: unknown): Promise<void> {
    return writeAtomic(this.tilePath(tile), seal(result));
  }

  /**
   * Gives back the spill's disk once the run's result exists. The part markers go first: a
   * marker must never outlive its spill files, or a tile redone later would find no points.
   */
  async dropSpill(): Promise<void> {
    await rm(join(this.dir, 'parts'), { recursive: true, force: true });
    syncDir(this.dir);
    await rm(this.spillDir, { recursive: true, force: true });
    await mkdir(join(this.dir, 'parts'), { recursive: true });
    await mkdir(this.spillDir, { recursive: true });
  }
}
