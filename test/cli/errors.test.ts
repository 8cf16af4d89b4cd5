// How the CLI says what went wrong: one line for the user's situation (a bad file, a project that refused a write), a
// stack only for our own bugs. The errors are real: SQLite's own, and the store's from a file that is no project.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it, vi } from 'vitest';
import { reportError } from '../../cli/errors';
import { fromWireError } from '../../core/workers/project-wire';

afterEach(() => vi.restoreAllMocks());

function printed(e: unknown): { code: number; text: string } {
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const code = reportError(e);
  const text = write.mock.calls.map((c) => String(c[0])).join('');
  write.mockRestore();
  return { code, text };
}

it('says nothing was saved, and why, when the project file refuses a write', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'vw-cli-ro-')), 'p.voxwatch');
  new Database(file).exec('CREATE TABLE t (x)');
  let refused: unknown;
  try {
    new Database(file, { readonly: true }).exec('INSERT INTO t VALUES (1)');
  } catch (e) {
    refused = e;
  }
  expect((refused as Error).name).toBe('SqliteError');
  expect(printed(refused)).toEqual({
    code: 1,
    text: 'voxwatch: nothing was saved: the project file cannot be written here (a read-only file, folder or disk)\n',
  });
});

it("says a user's mistake from the project's thread in one line, by its name", () => {
  // As an error crosses the worker: a plain Error carrying the store's name and message.
  const e = fromWireError({ name: 'ProjectFileError', message: '/data/p.voxwatch: not a VoxWatch project (not an SQLite database)' });
  expect(printed(e)).toEqual({ code: 1, text: 'voxwatch: /data/p.voxwatch: not a VoxWatch project (not an SQLite database)\n' });
  const bug = printed(new TypeError('x is not a function'));
  expect(bug.code).toBe(70);
  expect(bug.text).toMatch(/^voxwatch: internal error, please report it with this trace:\nTypeError: x is not a function\n\s+at /);
});

it('refuses a folder given as the project, naming it, without a trace', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'vw-cli-dir-')), '罗湖 2025');
  mkdirSync(dir);
  const r = spawnSync(process.execPath, ['bin/voxwatch.mjs', 'project', 'info', dir], { encoding: 'utf8' });
  expect(r.stderr).toBe(`voxwatch: ${dir}: is a folder, not a project file (name the .voxwatch file in it)\n`);
  expect(r.status).toBe(1);
  // A named pipe would block the first read for ever.
  const fifo = join(dir, 'p.voxwatch');
  execFileSync('mkfifo', [fifo]);
  const pipe = spawnSync(process.execPath, ['bin/voxwatch.mjs', 'project', 'info', fifo], { encoding: 'utf8', timeout: 60_000 });
  expect(pipe.stderr).toBe(`voxwatch: ${fifo}: is not a regular file: not a VoxWatch project\n`);
});
