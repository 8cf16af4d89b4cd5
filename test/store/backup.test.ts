/**
 * `project backup`: a whole copy of the project as it stands, with the verdicts still in the -wal that a file copy
 * would miss; never over an existing file or the project's own.
 */
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LocalProject } from '../../core/store/project';
import { seedProject } from '../../samples/synthetic-project';

it('copies the latest verdicts, which a plain copy of the open file can miss, and refuses to write over a file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-backup-'));
  const file = join(dir, 'p.voxwatch');
  seedProject(file, 1, 10);
  const p = LocalProject.open(file, 'ui');
  try {
    const [a, b] = (await p.listChanges()).items;
    await p.setVerdict([a.key], 'false_positive', { note: '空调外机平台' });
    await p.setVerdict([b.key], 'confirmed');
    // While the project is open its latest writes sit in the -wal: a copy of the file alone lacks them.
    expect(existsSync(`${file}-wal`)).toBe(true);
    copyFileSync(file, join(dir, 'plain.voxwatch'));
    const plain = LocalProject.open(join(dir, 'plain.voxwatch'), 'check');
    const lost = (await plain.getChange(a.key)).verdict;
    await plain.close();
    expect(lost).toBe('unreviewed');

    const out = join(dir, 'backup.voxwatch');
    expect((await p.backup(out)).path).toBe(out);
    const copy = LocalProject.open(out, 'check');
    try {
      expect(await copy.getChange(a.key)).toMatchObject({ verdict: 'false_positive', note: '空调外机平台' });
      expect((await copy.getChange(b.key)).case?.status).toBe('open');
    } finally {
      await copy.close();
    }
    await expect(p.backup(out)).rejects.toThrow(/already exists: back up to a new file/);
    await expect(p.backup(`${file}-wal`)).rejects.toThrow(/is one of the project's own files/);
    expect((await p.auditLog(5)).find((e) => e.action === 'backup')).toMatchObject({ target: out });
  } finally {
    await p.close();
  }
});
