/**
 * Two hands on one project (the review UI and the CLI, two windows): a verdict given against what the analyst was
 * shown is refused once another hand has changed it since, naming who, and nothing of the other's is undone.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { errorZh } from '../../core/review/errors-zh';
import { LocalProject } from '../../core/store/project';
import { seedProject } from '../../samples/synthetic-project';

it('refuses a verdict given against a stale view, and keeps the newer one with its case', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'voxwatch-stale-')), 'p.voxwatch');
  seedProject(file, 1, 20);
  const window = LocalProject.open(file, 'ui');
  const cli = LocalProject.open(file, 'cli');
  try {
    const added = (await window.listChanges()).items.find((c) => c.volume_m3 > 0 && c.verdict === 'unreviewed')!;
    // The window shows it unreviewed; meanwhile the CLI confirms it, which opens its case.
    await cli.setVerdict([added.key], 'confirmed', { actor: '王工' });
    const refusal = await window
      .setVerdict([added.key], 'false_positive', { actor: '李工', expected: added.verdict })
      .then(() => null)
      .catch((e: Error) => e.message);
    expect(refusal).toMatch(
      new RegExp(
        `^verdict: run 1 ${added.id} was set to confirmed by 王工 at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\(UTC\\+8\\) since it was shown to you; nothing was changed`,
      ),
    );
    // As the zh-CN review UI shows it.
    expect(errorZh(refusal!)).toMatch(
      new RegExp(`^批次 1 ${added.id} 在您打开后已由 王工 于 \\S+ \\S+ \\(UTC\\+8\\) 改为“已确认”：本次未作更改，请查看后再定$`),
    );
    const now = await window.getChange(added.key);
    expect(now.verdict).toBe('confirmed');
    expect(now.case?.status).toBe('open');
    // Shown the change as it now stands, the analyst's verdict is taken.
    expect(await window.setVerdict([added.key], 'false_positive', { actor: '李工', expected: now.verdict })).toBe(1);
    expect((await cli.getChange(added.key)).verdict).toBe('false_positive');
    // Without `expected` (a bulk review from the CLI) the last word wins, as before.
    expect(await cli.setVerdict([added.key], 'permitted', { actor: '王工' })).toBe(1);
  } finally {
    await window.close();
    await cli.close();
  }
});
