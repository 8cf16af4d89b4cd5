/**
 * What the analyst does while a detection run is computed (the UI stays usable through `voxwatch serve`) is what the
 * run's end works on: a case closed meanwhile is not checked and given a proposal as if it were still open.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LocalProject } from '../../core/store/project';
import { writeSampleDistrict } from '../../samples/generator/index';

it('does not check a case whose confirmation was withdrawn while the run was computed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-meanwhile-'));
  await writeSampleDistrict(dir, { seed: 2, size: 120 });
  const p = LocalProject.create(join(dir, 'p.voxwatch'), { name: 'meanwhile' }, 'test');
  try {
    for (const k of [1, 2, 3]) await p.addEpoch({ label: `e${k}`, files: [join(dir, `epoch-${k}.las`)] });
    const run12 = await p.detect('e1', 'e2');
    const added = (await p.listChanges({ runId: run12.id })).items.filter((c) => c.volume_m3 > 0);
    await p.setVerdict(
      added.map((c) => c.key),
      'confirmed',
    );
    const cases = await p.listCases();
    expect(cases.length).toBeGreaterThan(1);
    const [withdrawn, ...kept] = cases;

    let done = false;
    const run23 = await p.detect(
      'e2',
      'e3',
      {},
      {
        onProgress: () => {
          // Mid-run the analyst takes back one confirmation: its case closes.
          if (done) return;
          done = true;
          void p.setVerdict([withdrawn.changeKey], 'false_positive', { note: '复核为误报' });
        },
      },
    );
    expect(done).toBe(true);

    const after = new Map((await p.listCases()).map((c) => [c.id, c]));
    const closed = after.get(withdrawn.id)!;
    expect(closed.status).toBe('closed');
    expect(closed.proposal).toBeNull();
    expect(closed.history.filter((h) => h.runId === run23.id)).toEqual([]);
    // The others were checked by the run as usual.
    for (const c of kept) expect(after.get(c.id)!.history.some((h) => h.runId === run23.id)).toBe(true);
  } finally {
    await p.close();
  }
}, 300_000);
