/**
 * Real epoch pairs with no building change (../shared/data: Toronto TTP 2015/2023 airborne
 * LiDAR of a park, IGN LiDAR HD 2021/2022, Autzen BMX track 2010/2023 earthworks): whatever
 * the voxel size, no building change may be flagged. Also the run-level input checks.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectChanges, DetectionInputError } from '../../core/detect';
import { LasFormat } from '../../core/io/las/reader';
import { createLasWriter } from '../../core/io/las/writer';
import { SHARED_DATA } from '../helpers/data';
import { writeDistrict } from '../helpers/district';

const pairs: { name: string; before: string; after: string; voxels: (number | 'auto')[] }[] = [
  {
    name: 'Toronto TTP 2015 → 2023',
    before: 'toronto-ttp-2015-2023/ttp-2015.las',
    after: 'toronto-ttp-2015-2023/ttp-2023.las',
    voxels: ['auto', 0.5, 1, 2, 3, 5],
  },
  {
    // The same park as 1 m nDSM rasters, without colour: its tree crowns are too small at these
    // voxels for their tops to be judged, so nothing tells them from buildings.
    name: 'Toronto TTP 2015 → 2023 nDSM rasters',
    before: 'toronto-ttp-2015-2023/derived/ttp_ndsm_source.tif',
    after: 'toronto-ttp-2015-2023/derived/ttp_ndsm_target.tif',
    voxels: ['auto', 1, 2],
  },
  {
    // The recipient was flown in 2021-06, the donor in 2022-03 (SOURCE.md; their GPS times).
    name: 'IGN LiDAR HD 2021 → 2022',
    before: 'ign-lidarhd-2021-vs-2022-patch/recipient_test.laz',
    after: 'ign-lidarhd-2021-vs-2022-patch/donor_test.las',
    voxels: ['auto', 0.5, 1, 2, 3],
  },
  {
    name: 'Autzen BMX 2010 → 2023',
    before: 'autzen-bmx-2010-2023/autzen-bmx-2010.las',
    after: 'autzen-bmx-2010-2023/autzen-bmx-2023.las',
    voxels: ['auto', 0.5, 1, 2, 3, 4],
  },
];

describe.each(pairs)('$name: no building change', ({ before, after, voxels }) => {
  for (const voxel of voxels) {
    it(voxel === 'auto' ? 'at the voxel its density calls for (none given)' : `at ${voxel} m voxels`, async () => {
      const r = await detectChanges(
        { files: [join(SHARED_DATA, before)] },
        { files: [join(SHARED_DATA, after)] },
        voxel === 'auto' ? {} : { voxel },
      );
      expect(r.changes.map((c) => `${c.type} ${c.area_m2} m² ${c.evidence.reasons[0]}`)).toEqual([]);
      expect(r.epochs[0].points + r.epochs[1].points).toBeGreaterThan(1000);
    });
  }
});

describe('run-level checks', () => {
  it('warns when the epochs are given the wrong way round, from the days their points were flown', async () => {
    const flown2021 = join(SHARED_DATA, 'ign-lidarhd-2021-vs-2022-patch/recipient_test.laz');
    const flown2022 = join(SHARED_DATA, 'ign-lidarhd-2021-vs-2022-patch/donor_test.las');
    const backwards = await detectChanges({ files: [flown2022] }, { files: [flown2021] }, { voxel: 2 });
    expect(backwards.warnings).toContain(
      'the before epoch was surveyed on 2022-03-07, after the after epoch (2021-06-15): every change reads backwards (what was built reads as demolished); give the earlier survey first',
    );
    const inOrder = await detectChanges({ files: [flown2021] }, { files: [flown2022] }, { voxel: 2 });
    expect(inOrder.warnings.filter((w) => w.includes('surveyed on'))).toEqual([]);
    // A date the caller knows (a project's epoch) speaks for the survey, not its GPS time.
    const dated = await detectChanges({ files: [flown2022], date: '2021-01-10' }, { files: [flown2021] }, { voxel: 2 });
    expect(dated.warnings.filter((w) => w.includes('surveyed on'))).toEqual([]);
  });

  it('warns when the density is too low for the voxel size, naming the density and a voxel that works', async () => {
    const r = await detectChanges(
      { files: [join(SHARED_DATA, 'toronto-ttp-2015-2023/ttp-2015.las')] },
      { files: [join(SHARED_DATA, 'toronto-ttp-2015-2023/ttp-2023.las')] },
      { voxel: 0.5 },
    );
    const w = r.warnings.find((x) => x.includes('too sparse'));
    expect(w).toMatch(/about 0\.\d points\/m²/);
    // And at that voxel the epochs hardly overlap in what they saw: said, and in the result.
    expect(r.coverage!.seenByBoth_m2).toBeLessThan(0.1 * r.coverage!.compared_m2);
    expect(r.warnings.some((x) => /^both epochs saw only \d+ % of the compared area at 0.5 m voxels/.test(x))).toBe(true);
    const suggested = Number(/--voxel ([\d.]+)/.exec(w!)![1]);
    expect(suggested).toBeGreaterThanOrEqual(4);
    expect(suggested).toBeLessThanOrEqual(6);
  });

  it('applies no vertical shift it could not check: too few stable surfaces leave the epochs as they are', async () => {
    const r = await detectChanges(
      { files: [join(SHARED_DATA, 'toronto-ttp-2015-2023/ttp-2015.las')] },
      { files: [join(SHARED_DATA, 'toronto-ttp-2015-2023/ttp-2023.las')] },
      { voxel: 2 },
    );
    expect(r.warnings).toContain('too few stable surfaces to check the alignment of the epochs: no vertical shift applied');
    expect(r.alignment).toBeNull();
  });

  it('refuses epochs in different coordinate systems, naming both', async () => {
    const run = detectChanges(
      { files: [join(SHARED_DATA, 'toronto-ttp-2015-2023/ttp-2015.las')] },
      { files: [join(SHARED_DATA, 'ign-lidarhd-2021-vs-2022-patch/donor_test.las')] },
    );
    await expect(run).rejects.toThrow(DetectionInputError);
    await expect(run).rejects.toThrow(
      /different coordinate systems: before \(ttp-2015\.las\) is EPSG:26917 .* after \(donor_test\.las\) is EPSG:2154/,
    );
  });

  it('refuses epochs whose heights are in different units (feet against metres), naming both', async () => {
    // Autzen 2023 as it is (NAVD88 heights in US survey feet), and a copy declaring only the
    // metric horizontal CRS: read alike, the two would differ by hundreds of metres everywhere.
    const feet = join(SHARED_DATA, 'autzen-bmx-2010-2023/autzen-bmx-2023.las');
    const metres = join(mkdtempSync(join(tmpdir(), 'voxwatch-units-')), 'autzen-metric.las');
    const w = createLasWriter(metres, { version: '1.4', epsg: 2991, scale: [0.01, 0.01, 0.01], offset: [635000, 850000, 0] });
    for await (const c of LasFormat.parseInBatches(feet)) await w.write(c);
    await w.close();
    await expect(detectChanges({ files: [metres] }, { files: [feet] })).rejects.toThrow(
      'the epochs give heights in different units: before (autzen-metric.las) in metre, after (autzen-bmx-2023.las) in US survey foot',
    );
  });

  it('refuses a file spread over thousands of kilometres with the memory it would need, not an internal error', async () => {
    const f = join(SHARED_DATA, 'las-conformance/loadersgl/pdrf6-1.4.las');
    const run = detectChanges({ files: [f] }, { files: [f] });
    await expect(run).rejects.toThrow(DetectionInputError);
    await expect(run).rejects.toThrow(/^the compared area \(x -2141972467\.0–2131726195\.0, .*\) needs about \d+\.\d GiB at 0\.5 m voxels/);
  });

  it('says epochs a metre across hold no area to compare, not that they do not overlap', async () => {
    const f = join(SHARED_DATA, 'las-conformance/laszip/5points_14.las');
    await expect(detectChanges({ files: [f] }, { files: [f] })).rejects.toThrow(
      /^the epochs' common area is less than a metre across: before \(5points_14\.las\) covers x 630498\.6/,
    );
  });

  it('refuses epochs that do not overlap, naming both extents', async () => {
    const here = await writeDistrict({ seed: 21, size: 80 });
    const there = await writeDistrict({ seed: 21, size: 80, origin: [514200, 2494300] });
    await expect(detectChanges({ files: [here.epoch(1)] }, { files: [there.epoch(2)] })).rejects.toThrow(
      /the epochs do not overlap: before \(epoch-1\.las\) covers x 5132\d\d.*after \(epoch-2\.las\) covers x 5142\d\d/,
    );
  });

  it('refuses a missing epoch file by name', async () => {
    await expect(detectChanges({ files: ['/nonexistent/a.las'] }, { files: ['/nonexistent/b.las'] })).rejects.toThrow(
      '/nonexistent/a.las: file not found',
    );
  });

  it('refuses nonsense options', async () => {
    const f = join(SHARED_DATA, 'autzen-bmx-2010-2023/autzen-bmx-2010.las');
    await expect(detectChanges({ files: [f] }, { files: [f] }, { voxel: -1 })).rejects.toThrow(/voxel must be a positive number/);
  });

  it('can be cancelled', async () => {
    const f = join(SHARED_DATA, 'toronto-ttp-2015-2023/ttp-2015.las');
    const controller = new AbortController();
    controller.abort();
    await expect(detectChanges({ files: [f] }, { files: [f] }, {}, { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});
