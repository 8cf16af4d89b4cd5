/**
 * What a page is told when a project call fails, the same through `voxwatch serve` (HTTP) and the desktop app (IPC):
 * a user's mistake in its own words, SQLite's refusal to write as "nothing was saved: why" (the write was rolled
 * back), a cancel as "cancelled", and anything else as our bug. By name, not class: the project answers from its own
 * thread, and errors cross it as plain Errors with their names.
 */

export interface Failure {
  /** The HTTP status `voxwatch serve` answers with. */
  status: number;
  message: string;
  /** Not the user's doing: logged where it happened, and the page is told only that it happened. */
  ourBug: boolean;
}

/** A call the app refuses as things stand (no project open, a detection already running): the page is told why. */
export class RefusedError extends Error {
  override name = 'RefusedError';
}

/** The names of the errors that are a user's mistake (ApiArgumentError, SourceError and its ProjectFileError, DetectionInputError). */
const USER_ERRORS = new Set(['ApiArgumentError', 'SourceError', 'ProjectFileError', 'DetectionInputError']);

/** SQLite's refusals to write the project file, by message. */
const STORAGE_ERRORS: [RegExp, number, string][] = [
  [/database (table )?is locked/i, 503, 'another VoxWatch (a server or the CLI) is writing the project; try again'],
  [/readonly database|read-only file system/i, 409, 'the project file cannot be written here (a read-only file, folder or disk)'],
  [/database or disk is full|disk is full/i, 507, 'the disk holding the project is full'],
  [/disk I\/O error/i, 503, 'the disk holding the project failed to write it (disk I/O error)'],
];

export function failureOf(e: unknown): Failure {
  const error = e as Error | undefined;
  if (error?.name === 'SqliteError') {
    const known = STORAGE_ERRORS.find(([re]) => re.test(error.message));
    if (known) return { status: known[1], message: `nothing was saved: ${known[2]}`, ourBug: false };
  }
  if (error?.name === 'RefusedError') return { status: 409, message: error.message, ourBug: false };
  if (error && USER_ERRORS.has(error.name)) return { status: 400, message: error.message, ourBug: false };
  if (error?.name === 'AbortError') return { status: 409, message: 'cancelled', ourBug: false };
  return { status: 500, message: 'internal error (see the log)', ourBug: true };
}
