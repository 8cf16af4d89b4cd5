/**
 * A sound project that cannot be opened where it lies (a read-only folder) is not called damaged: told "damaged,
 * restore it from a backup", an analyst would replace it, and every verdict since that backup, with an older copy.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { seedProject } from '../../samples/synthetic-project';

const root = process.getuid?.() === 0;
/** As root every folder is writable: the opening is tried as `nobody`, when that user can read this checkout. */
const NOBODY = 65534;
const asNobody = root ? { uid: NOBODY, gid: NOBODY } : {};
const db = resolve(import.meta.dirname, '../../core/store/db.ts');
const readable =
  spawnSync(process.execPath, ['-e', 'require("fs").accessSync(process.argv[1])', db], { ...asNobody, stdio: 'ignore' }).status === 0;

it.skipIf(process.platform === 'win32' || !readable)(
  'says that a project in a read-only folder is not damaged, and how to open it',
  () => {
    // `nobody` must reach the folder (the test run's temporary root is private: let others pass through it) and needs
    // a temporary folder of its own (tsx compiles there).
    if (root) chmodSync(tmpdir(), statSync(tmpdir()).mode | 0o001);
    const dir = mkdtempSync(join(tmpdir(), 'voxwatch-ro-'));
    const file = join(dir, 'p.voxwatch');
    seedProject(file, 1, 5);
    const own = join(dir, 'tmp');
    mkdirSync(own);
    chmodSync(own, 0o777);
    chmodSync(file, 0o444);
    chmodSync(dir, 0o555);
    try {
      const script = `
      import { openProjectDb } from '${pathToFileURL(db).href}';
      try { openProjectDb(process.argv[1]).close(); console.log('opened'); } catch (e) { console.log(e.message); }
    `;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, file], {
        ...asNobody,
        cwd: resolve(import.meta.dirname, '../..'),
        env: { ...process.env, TMPDIR: own },
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toMatch(/file is damaged|restore it from a backup/);
      expect(r.stdout).toMatch(/read-only.*the project is not damaged: copy it to a folder you can write to/);
    } finally {
      chmodSync(dir, 0o755);
    }
  },
  60_000,
);
