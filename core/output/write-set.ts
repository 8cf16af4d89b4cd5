import { randomBytes } from 'node:crypto';
import { lstat, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceError } from '../io/types';

const SUMMARY = 'summary.json';
const why = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;
/** This module's own hidden names: `.<name>.voxwatch-<pid>-<8 hex>.tmp` (new) and `.bak` (previous). */
const OWN_NAME = /^\.[^/\\]+\.voxwatch-(\d+)-[0-9a-f]{8}\.(tmp|bak)$/;

/**
 * Writes one run's output files into `dir` so that they appear together or not at all: an analyst
 * must never find one run's changes.geojson beside another run's summary.json. Every file is
 * first written whole and flushed under a hidden temporary name, so a full disk leaves the
 * previous run's set as it was. Then the previous set is renamed aside to hidden backups
 * (summary.json first), the new one renamed in (summary.json last), the folder flushed, and only
 * then are the backups deleted. When a rename fails (a file held open in QGIS on Windows) the
 * previous set is put back and the new set, finished and possibly hours in the making, is kept
 * beside it as `changes.kept-<time>.geojson` and so on, which the error gives.
 */
export async function writeOutputSet(dir: string, files: Record<string, string>): Promise<string[]> {
  const names = Object.keys(files).sort((a, b) => Number(a === SUMMARY) - Number(b === SUMMARY));
  await checkNothingInTheWay(dir, names);
  const random = randomBytes(4).toString('hex');
  const tag = `${process.pid}-${random}`;
  const temp = (name: string) => join(dir, `.${name}.voxwatch-${tag}.tmp`);
  const backup = (name: string) => join(dir, `.${name}.voxwatch-${tag}.bak`);
  for (const name of names) {
    try {
      await writeFile(temp(name), files[name], { flag: 'wx', flush: true });
    } catch (e) {
      await Promise.all(names.map((n) => rm(temp(n), { force: true }).catch(() => undefined)));
      throw new SourceError(join(dir, name), `cannot write (${why(e)}); the folder keeps the outputs it had`);
    }
  }
  const aside: string[] = [];
  const moved: string[] = [];
  let failed = names[0];
  try {
    // Previous set out before the new one goes in: a stop half-way leaves no summary.json beside part of a run.
    for (const name of [...names].reverse()) {
      failed = name;
      if (!(await lstat(join(dir, name)).catch(() => null))) continue;
      await rename(join(dir, name), backup(name));
      aside.push(name);
    }
    for (const name of names) {
      failed = name;
      await rename(temp(name), join(dir, name));
      moved.push(name);
    }
  } catch (e) {
    throw await rollBack(dir, failed, why(e), { tag: random, names, aside, moved, temp, backup });
  }
  await syncFolder(dir);
  await Promise.all(aside.map((n) => rm(backup(n), { force: true }).catch(() => undefined)));
  await removeStale(dir);
  return names.map((n) => join(dir, n));
}

interface Swap {
  /** This write's random part, for the names of what it keeps. */
  tag: string;
  names: string[];
  aside: string[];
  moved: string[];
  temp: (name: string) => string;
  backup: (name: string) => string;
}

/** Undoes a swap that failed half-way and returns the error saying where every file now is. */
async function rollBack(dir: string, failed: string, cause: string, s: Swap): Promise<SourceError> {
  const stuck: string[] = [];
  for (const name of [...s.moved].reverse()) {
    await rename(join(dir, name), s.temp(name)).catch(() => stuck.push(name));
  }
  const unrestored: string[] = [];
  // The new files still in the way keep their backups from coming back (summary.json is put back last).
  for (const name of [...s.aside].reverse()) {
    if (stuck.includes(name)) unrestored.push(name);
    else await rename(s.backup(name), join(dir, name)).catch(() => unrestored.push(name));
  }
  // What is kept goes under visible names no later run clears (hidden ones were deleted as a dead
  // run's leftovers by the next run in the folder, before the analyst had read the error).
  // UTC, said so (Z), and this write's own random part: two failures in one second, or two
  // processes failing together, never share a name (a rename would silently replace the other).
  const stamp = `${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}Z-${s.tag}`;
  const kept: string[] = [];
  for (const name of s.names) {
    kept.push(stuck.includes(name) ? join(dir, name) : await renameOrStay(s.temp(name), join(dir, visible(name, `kept-${stamp}`))));
  }
  const previousAt: string[] = [];
  for (const name of unrestored) {
    previousAt.push(`${name} is at ${await renameOrStay(s.backup(name), join(dir, visible(name, `previous-${stamp}`)))}`);
  }
  await syncFolder(dir).catch(() => undefined);
  const previous =
    unrestored.length === 0
      ? 'the folder keeps the outputs it had'
      : `the previous outputs could not all be put back: ${previousAt.join(', ')}`;
  return new SourceError(
    join(dir, failed),
    `cannot replace it (${cause}); ${previous}; this run's complete outputs are kept as ${kept.join(', ')} (close the program holding the file and rename them, or run again)`,
  );
}

/** `changes.geojson` as `changes.<label>.geojson`: beside its set, and opened by the same programs. */
function visible(name: string, label: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}.${label}${name.slice(dot)}` : `${name}.${label}`;
}

/** Renames `from` to `to` unless `to` exists or the rename fails; returns where the file is. */
async function renameOrStay(from: string, to: string): Promise<string> {
  if (await lstat(to).catch(() => null)) return from;
  return rename(from, to).then(
    () => to,
    () => from,
  );
}

/** Flushes the folder's entries (the renames) to disk; Windows cannot open a folder for it. */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') {
      throw new SourceError(dir, `the outputs are in place but the folder could not be flushed to disk (${why(e)})`);
    }
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Deletes the temporary and backup files a crashed earlier run left, once a complete newer set is
 * in place: only this module's own names, and only those of a process no longer running (another
 * run may be writing its set into the same folder right now; this process's own may be a set an
 * error said it kept).
 */
async function removeStale(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries) {
    const m = OWN_NAME.exec(entry);
    if (!m || running(Number(m[1]))) continue;
    await rm(join(dir, entry), { force: true }).catch(() => undefined);
  }
}

function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Refuses, naming it, a folder (or other non-file) standing where one of `names` is to be written. */
export async function checkNothingInTheWay(dir: string, names: string[]): Promise<void> {
  for (const name of names) {
    const s = await lstat(join(dir, name)).catch(() => null);
    if (s && !s.isFile() && !s.isSymbolicLink()) {
      throw new SourceError(
        join(dir, name),
        `cannot write: a ${s.isDirectory() ? 'folder' : 'non-file'} is in the way (nothing was written)`,
      );
    }
  }
}
