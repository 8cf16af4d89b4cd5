import { randomBytes } from 'node:crypto';
import { lstat, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceError } from '../io/types';

const SUMMARY = 'summary.json';
const why = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * Writes one run's output files into `dir` so that they appear together or not at all: an analyst
 * must never find one run's changes.geojson beside another run's summary.json. Every file is
 * first written whole and flushed under a hidden temporary name, so a full disk leaves the
 * previous run's set as it was; only then is the previous set removed (summary.json first) and
 * the new one renamed in (summary.json last), so a folder holding a summary.json holds its run.
 */
export async function writeOutputSet(dir: string, files: Record<string, string>): Promise<string[]> {
  const names = Object.keys(files).sort((a, b) => Number(a === SUMMARY) - Number(b === SUMMARY));
  await checkNothingInTheWay(dir, names);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = (name: string) => join(dir, `.${name}.voxwatch-${tag}.tmp`);
  const removeTemps = () => Promise.all(names.map((n) => rm(temp(n), { force: true }).catch(() => undefined)));
  for (const name of names) {
    try {
      await writeFile(temp(name), files[name], { flag: 'wx', flush: true });
    } catch (e) {
      await removeTemps();
      throw new SourceError(join(dir, name), `cannot write (${why(e)}); the folder keeps the outputs it had`);
    }
  }
  const moved: string[] = [];
  let failed: string | undefined;
  try {
    // Old set out before the new one goes in: a stop half-way leaves part of one run and no summary.
    for (const name of [...names].reverse()) {
      failed = name;
      await rm(join(dir, name), { force: true });
    }
    for (const name of names) {
      failed = name;
      await rename(temp(name), join(dir, name));
      moved.push(name);
    }
  } catch (e) {
    await Promise.all(moved.map((n) => rm(join(dir, n), { force: true }).catch(() => undefined)));
    await removeTemps();
    throw new SourceError(join(dir, failed!), `cannot replace it (${why(e)}); the folder now holds no complete run's outputs: run again`);
  }
  return names.map((n) => join(dir, n));
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
