import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalProject } from '../../core/store/project';
import { REVIEW_FILES, writeSampleDistrict } from '../../samples/generator/index';

/**
 * A small reviewed-ready project on a generated district: three epochs, zones, and one detection run (e1 → e2),
 * so a page has changes to review and a second run to start. `runs: 0` leaves detection to the caller.
 */
export async function makeReviewProject(
  options: { size?: number; seed?: number; runs?: 0 | 1 } = {},
): Promise<{ dir: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-review-'));
  await writeSampleDistrict(dir, { seed: options.seed ?? 2, size: options.size ?? 120, withOrthophoto: false, withDsm: false });
  const path = join(dir, 'review.voxwatch');
  const p = LocalProject.create(path, { name: '测试项目 review', district: '罗湖区' }, 'test');
  try {
    for (const k of [1, 2, 3]) await p.addEpoch({ label: `e${k}`, files: [join(dir, `epoch-${k}.las`)] });
    await p.importZones(join(dir, REVIEW_FILES.subDistricts), { kind: 'admin', category: 'sub_district' });
    await p.importZones(join(dir, REVIEW_FILES.protectedZones), { kind: 'protected', category: 'ecological_control_line' });
    await p.importZones(join(dir, REVIEW_FILES.permits), { kind: 'permit' });
    if ((options.runs ?? 1) > 0) await p.detect('e1', 'e2');
  } finally {
    await p.close();
  }
  return { dir, path };
}
