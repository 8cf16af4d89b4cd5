/**
 * An export or a report is never written over the project: not the file itself (named through a link too), not
 * its -wal (which holds the latest verdicts until SQLite copies them into the file), not its safety copy.
 */
import { linkSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LocalProject } from '../../core/store/project';
import { seedProject } from '../../samples/synthetic-project';

it('refuses to export or report over the project, its side files or its safety copy, and the verdicts stay', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-export-guard-'));
  const file = join(dir, 'p.voxwatch');
  seedProject(file, 1, 5);
  const p = LocalProject.open(file, 'test');
  const keys = (await p.listChanges()).items.map((c) => c.key);
  await p.setVerdict(keys, 'false_positive', { note: '误报：树冠' });
  symlinkSync(file, join(dir, 'link.csv'));
  linkSync(file, join(dir, 'hard.csv'));
  for (const out of [`${file}-wal`, `${file}-shm`, join(dir, 'link.csv'), join(dir, 'hard.csv'), `${file}.schema1.bak`, file]) {
    await expect(p.exportChanges('csv', out), out).rejects.toThrow(/project/);
    await expect(p.exportChanges('gpkg', out), out).rejects.toThrow(/project/);
  }
  await expect(p.exportReport(undefined, { lang: 'en', outPath: file })).rejects.toThrow(/project file itself/);
  await expect(p.exportReport(undefined, { lang: 'en', outPath: join(dir, 'link.csv') })).rejects.toThrow(/project file itself/);
  // A file beside it is fine.
  expect((await p.exportChanges('csv', join(dir, 'changes.csv'))).features).toBe(5);
  await p.close();

  const again = LocalProject.open(file, 'test');
  try {
    expect((await again.listChanges({ verdicts: ['false_positive'] })).total).toBe(5);
    expect((await again.getChange(keys[0])).note).toBe('误报：树冠');
  } finally {
    await again.close();
  }
});
