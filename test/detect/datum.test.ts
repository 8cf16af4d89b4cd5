/**
 * Epochs on different height datums (ellipsoidal against orthometric heights differ by metres
 * everywhere): the common offset of their stable surfaces is found and removed, and said, so the
 * changes come out as with no offset. A band around zero once found no stable surface at all and
 * left the offset in: the whole area became one object.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectChanges } from '../../core/detect';
import { LasFormat } from '../../core/io/las/reader';
import { createLasWriter } from '../../core/io/las/writer';
import { writeDistrict } from '../helpers/district';

describe('epochs on different height datums', () => {
  it('finds and removes a 30 m offset, finding the changes it finds with none', async () => {
    const district = await writeDistrict({ seed: 21, size: 120 });
    const raised = join(district.dir, 'epoch-2-raised.las');
    const w = createLasWriter(raised, { version: '1.2', epsg: 4547, offset: [513000, 2494000, 0] });
    for await (const c of LasFormat.parseInBatches(district.epoch(2))) await w.write({ ...c, z: c.z.map((z) => z + 30) });
    await w.close();
    const plain = await detectChanges({ files: [district.epoch(1)] }, { files: [district.epoch(2)] });
    const shifted = await detectChanges({ files: [district.epoch(1)] }, { files: [raised] });
    expect(shifted.alignment!.dz).toBeCloseTo(plain.alignment!.dz - 30, 1);
    expect(shifted.warnings.some((x) => /^the later epoch lay 30\.\d\d m above the earlier one on its stable surfaces/.test(x))).toBe(true);
    const summary = (r: typeof plain) => r.changes.map((c) => [c.type, Math.round(c.volume_m3 / 10)]);
    expect(summary(shifted)).toEqual(summary(plain));
  }, 120_000);
});
