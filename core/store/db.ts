import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { SourceError } from '../io/types';
import { migrate, SCHEMA_VERSION } from './migrations';

/** SQLite's application_id for a VoxWatch project: "VXWT". */
export const APPLICATION_ID = 0x56585754;
export const PROJECT_EXTENSION = '.voxwatch';

/** A project file that cannot be opened or created, with the reason. */
export class ProjectFileError extends SourceError {
  override name = 'ProjectFileError';
}

/**
 * Durable settings for every connection: WAL (a reader works while a writer writes), FULL sync
 * (a committed verdict survives a crash or a power cut), and foreign keys enforced.
 */
function configure(db: Db, readonly: boolean): void {
  if (!readonly) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // A 64 MiB page cache: a district's runs are hundreds of MiB, and listings reread the same pages.
  db.pragma('cache_size = -65536');
}

/**
 * Runs `fn` as one write transaction that takes the write lock first (BEGIN IMMEDIATE). Another process may be
 * writing the same project (`voxwatch serve` and the CLI, two servers): a deferred transaction that had read
 * before it wrote would fail at once with "database is locked" (its snapshot is stale), where this one waits
 * (busy_timeout) and then writes on what the other committed.
 */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/** Creates a new project file; refuses to touch a file that already exists. */
export function createProjectDb(path: string, meta: Record<string, string>): Db {
  if (existsSync(path))
    throw new ProjectFileError(path, 'a file already exists there; choose another name (projects are never overwritten)');
  let db: Db;
  try {
    db = new Database(path);
  } catch (e) {
    throw new ProjectFileError(path, `cannot create the project (${(e as Error).message})`);
  }
  configure(db, false);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  migrate(db);
  const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  writeTransaction(db, () => {
    for (const [k, v] of Object.entries(meta)) put.run(k, v);
  });
  return db;
}

export interface OpenOptions {
  readonly?: boolean;
  /** Called with the path of the safety copy made before an older project is migrated. */
  onMigrated?: (from: number, to: number, backup: string) => void;
}

/**
 * Opens an existing project. A file that is not SQLite, an SQLite file that is not a VoxWatch
 * project, or a project from a newer VoxWatch is refused without being written to. An older
 * project is copied aside and then migrated forward.
 */
export function openProjectDb(path: string, options: OpenOptions = {}): Db {
  checkSqliteHeader(path);
  const sidecars = [`${path}-wal`, `${path}-shm`].filter((f) => !existsSync(f));
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: true, readonly: true });
  } catch (e) {
    throw new ProjectFileError(path, `cannot open it (${(e as Error).message})`);
  }
  let version: number;
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    version = db.pragma('user_version', { simple: true }) as number;
    if (appId !== APPLICATION_ID) throw new ProjectFileError(path, 'an SQLite database, but not a VoxWatch project');
    if (version > SCHEMA_VERSION) {
      throw new ProjectFileError(
        path,
        `made by a newer VoxWatch (project schema ${version}, this version reads up to ${SCHEMA_VERSION}); update VoxWatch to open it`,
      );
    }
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') {
      // SQLite lists every damaged page: the first says enough, the rest would bury the advice.
      const lines = check.split('\n').filter((l) => l.trim() !== '' && !/^\*\*\* in database/.test(l));
      const more = lines.length > 1 ? `; ${lines.length - 1} more problem(s)` : '';
      throw new ProjectFileError(
        path,
        `the project file is damaged (${lines[0]}${more}); restore it from a backup (voxwatch project backup makes one)`,
      );
    }
  } catch (e) {
    db.close();
    // Looking inside a WAL-mode file makes SQLite create its side files: leave no trace of a refusal.
    for (const f of sidecars) if (existsSync(f) && (f.endsWith('-shm') || statSync(f).size === 0)) unlinkSync(f);
    if (e instanceof ProjectFileError) throw e;
    throw new ProjectFileError(path, whyNotOpened(e as Error & { code?: string }));
  }
  if (options.readonly) {
    configure(db, true);
    return db;
  }
  db.close();
  db = new Database(path, { fileMustExist: true });
  configure(db, false);
  if (version < SCHEMA_VERSION) {
    // A safety copy first: the analyst's verdicts must survive even a migration that goes wrong.
    const backup = `${path}.schema${version}.bak`;
    if (!isCopyOf(backup, version)) safetyCopy(db, backup, version);
    migrate(db);
    options.onMigrated?.(version, SCHEMA_VERSION, backup);
  }
  return db;
}

/**
 * Is `backup` a whole safety copy of a project at schema `version`? One cut short (the process killed while it was
 * written, the disk full) is not, and must not stand in for one.
 */
function isCopyOf(backup: string, version: number): boolean {
  if (!existsSync(backup)) return false;
  let copy: Db | null = null;
  try {
    copy = new Database(backup, { readonly: true, fileMustExist: true });
    return (
      copy.pragma('application_id', { simple: true }) === APPLICATION_ID &&
      copy.pragma('user_version', { simple: true }) === version &&
      copy.pragma('quick_check', { simple: true }) === 'ok'
    );
  } catch {
    return false;
  } finally {
    copy?.close();
  }
}

/**
 * Writes the safety copy beside its final name, flushes it to disk and only then gives it that name: a copy under the
 * final name is always whole (another process may be making one at the same time: each writes its own).
 */
function safetyCopy(db: Db, backup: string, version: number): void {
  const part = `${backup}.${process.pid}.part`;
  rmSync(part, { force: true });
  try {
    db.prepare('VACUUM INTO ?').run(part);
    // Another process opening the project may have migrated it since the version was read: that copy is no copy of
    // schema `version`, and a whole one made meanwhile by the other process must not be replaced by it.
    if (!isCopyOf(part, version) || isCopyOf(backup, version)) return;
    const fd = openSync(part, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(part, backup);
  } finally {
    rmSync(part, { force: true });
  }
  const dir = openSync(dirname(backup), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Why SQLite could not look inside a file whose header is an SQLite database's. Only what points at the content is
 * called damage: told "damaged, restore it from a backup", an analyst would replace a sound project, and every
 * verdict since that backup, because of a read-only folder or a busy file.
 */
function whyNotOpened(e: Error & { code?: string }): string {
  const code = e.code ?? '';
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code.startsWith('SQLITE_CANTOPEN'))
    return `cannot be opened here: SQLite keeps its working files (-wal, -shm) beside the project, and this folder or file is read-only (${e.message}); the project is not damaged: copy it to a folder you can write to, or fix the permissions`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return `is locked by another program right now (${e.message}); the project is not damaged: try again once it is done`;
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_NOMEM' || code === 'SQLITE_FULL')
    return `could not be read (${e.message}); check the disk it is on before anything else`;
  return `the project file is damaged or not a database (${e.message})`;
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/** Looks at the first bytes before SQLite does, so a foreign file is refused without SQLite writing beside it. */
function checkSqliteHeader(path: string): void {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    throw new ProjectFileError(path, 'no such project file');
  }
  if (stat.isDirectory()) throw new ProjectFileError(path, 'is a folder, not a project file (name the .voxwatch file in it)');
  // A pipe or a device would block the read below for ever.
  if (!stat.isFile()) throw new ProjectFileError(path, 'is not a regular file: not a VoxWatch project');
  const size = stat.size;
  if (size === 0) throw new ProjectFileError(path, 'the file is empty: not a VoxWatch project');
  const head = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== SQLITE_MAGIC) throw new ProjectFileError(path, 'not a VoxWatch project (not an SQLite database)');
}
