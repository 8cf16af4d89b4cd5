/** The detection's warnings as the zh-CN report shows them: every shape core/detect.ts writes is translated. */
import { describe, expect, it } from 'vitest';
import { warningZh } from '../../core/review/warnings-zh';

// One of each, as core/detect.ts words them (numbers and names vary).
const WARNINGS = [
  'both epochs saw only 5 % of the compared area at 0.5 m voxels: no change can be found in the rest (water returns nothing; sparse points need a larger voxel)',
  'the after epoch is a DSM without colour: trees are told from buildings by shape alone; give its orthophoto too',
  'too few stable surfaces to check the alignment of the epochs: no vertical shift applied',
  'the epochs still differ by 0.21 m (median) on stable surfaces after alignment: check their registration',
  'the later epoch lay 30.02 m above the earlier one on its stable surfaces: are their heights on different datums (ellipsoidal against orthometric)? The shift was removed',
  'the before epoch has about 0.2 points/m², only 0.05 per 0.5 m cell: too sparse for this voxel size; use --voxel 5.5 or more',
  'the after epoch is a DSM of 1 m pixels, coarser than the 0.5 m voxel: most cells get no pixel; use --voxel 1 or more',
  'more than 99 % of the before epoch lies outside the area both epochs cover',
  '62 % of the after epoch lies outside the area both epochs cover',
  'the before and after epochs are the same file(s) (a.las): nothing can have changed',
  '/data/b.las is in both epochs: no change can be found where it covers',
  '2 files (/data/b.las, /data/c.las) are in both epochs: no change can be found where they cover',
  '/data/c.las (in the before epoch) lies wholly outside the after epoch, at x 0.0–0.0, y 0.0–0.0',
  'the after epoch (d.las) declares no CRS; assuming it matches the other (name it with --crs EPSG:xxxx)',
  'heights are in US survey foot; converted to metres (heights and volumes are reported in metres)',
  "2 objects reach beyond a tile's 32 m halo and may be cut at a tile seam: rerun with a larger halo",
  'the before epoch names a file more than once: each is read once',
  'the before epoch was surveyed on 2024-09-01, after the after epoch (2024-03-01): every change reads backwards (what was built reads as demolished); give the earlier survey first',
  'voxel 1 m chosen for about 8.4 points/m² (no --voxel given; 0.5 m needs 16 points/m²)',
  'voxel 0.75 m chosen for the DSM pixels (no --voxel given; 0.5 m needs 16 points/m²)',
  "where there are points they lie at about 20.1 points/m²: the files' extents hold stretches without any (water, or a stray point widening them); --voxel 0.5 would see finer detail",
];

describe('warnings in Chinese', () => {
  it.each(WARNINGS)('%s', (w) => {
    const zh = warningZh(w);
    expect(zh).not.toBe(w);
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    // No English sentence left over, only names, numbers and options.
    expect(zh.replace(/\/data\/\w+\.las|[a-z]\.las|--\w+|EPSG:x+|US survey foot|halo|DSM/g, '')).not.toMatch(/[a-z]{4,}/);
  });

  it('keeps a warning of an unknown shape as written', () => {
    expect(warningZh('something new happened')).toBe('something new happened');
  });
});
