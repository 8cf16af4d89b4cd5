import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalProject } from '../../core/store/project';
import { REVIEW_FILES, writeSampleDistrict } from '../../samples/generator/index';

/**
 * A project that has been through the review loop, as `npm run demo` builds it but on a smaller district: three
 * epochs with orthophotos, zones and complaint leads, run e1 → e2 reviewed (added structures confirmed, so cases
 * open and are notified), then run e2 → e3, which proposes an outcome for every open case and answers the leads.
 */
export async function makeLedgerProject(options: { size?: number; seed?: number } = {}): Promise<{ dir: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-ledger-'));
  await writeSampleDistrict(dir, { seed: options.seed ?? 2, size: options.size ?? 120, orthoPixelSize: 0.2 });
  const path = join(dir, 'ledger.voxwatch');
  const p = LocalProject.create(path, { name: '台账测试 ledger', district: '罗湖区', author: '张工' }, 'test');
  try {
    for (const k of [1, 2, 3])
      await p.addEpoch({ label: `e${k}`, files: [join(dir, `epoch-${k}.las`)], orthophoto: join(dir, `ortho-${k}.tif`) });
    await p.importZones(join(dir, REVIEW_FILES.subDistricts), { kind: 'admin', category: 'sub_district' });
    await p.importZones(join(dir, REVIEW_FILES.protectedZones), { kind: 'protected', category: 'ecological_control_line' });
    await p.importZones(join(dir, REVIEW_FILES.permits), { kind: 'permit' });
    await p.importLeads(join(dir, REVIEW_FILES.leads));
    const run12 = await p.detect('e1', 'e2');
    const changes = (await p.listChanges({ runId: run12.id })).items;
    await p.setVerdict(
      changes.filter((c) => c.volume_m3 > 0).map((c) => c.key),
      'confirmed',
    );
    for (const c of await p.listCases()) await p.updateCase(c.id, { status: 'notified', dueDate: '2025-01-31' });
    await p.detect('e2', 'e3');
  } finally {
    await p.close();
  }
  return { dir, path };
}
