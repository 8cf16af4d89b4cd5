/**
 * vitest global setup: every temporary file of a test run (generated districts are hundreds of MB
 * each, projects, Chromium profiles, CLI outputs) goes under one folder, removed when the run
 * ends, so that test runs do not fill the disk. Test files and the processes they start inherit
 * TMPDIR, which os.tmpdir() reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'voxwatch-tests-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    rmSync(root, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  };
}
