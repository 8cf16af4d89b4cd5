import { failureOf } from '../core/api-failure';
import { DetectionInputError, PartialError, RunFolderError } from '../core/detect';
import { SourceError } from '../core/io/types';
import { UsageError } from './usage-error';

/**
 * Prints an error the way a user should see it: one line for their mistakes (bad file, bad
 * argument, cancelled) and for a project file that refused a write, a stack only for our own bugs.
 * Returns the exit code.
 */
export function reportError(e: unknown): number {
  if (
    e instanceof SourceError ||
    e instanceof UsageError ||
    e instanceof DetectionInputError ||
    e instanceof RunFolderError ||
    e instanceof PartialError
  ) {
    process.stderr.write(`voxwatch: ${e.message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
  if (e instanceof Error && e.name === 'AbortError') {
    process.stderr.write('voxwatch: cancelled\n');
    return 130;
  }
  // By name, as the server and the app word them: errors from the project's thread arrive as plain Errors with their
  // names, and SQLite's refusal to write (read-only, locked, disk full) is the user's situation, not our bug.
  const failure = failureOf(e);
  if (!failure.ourBug) {
    process.stderr.write(`voxwatch: ${failure.message}\n`);
    return 1;
  }
  process.stderr.write(`voxwatch: internal error, please report it with this trace:\n${(e as Error)?.stack ?? String(e)}\n`);
  return 70;
}
