/** Every explanation the detector writes reads in Chinese in the zh-CN report. */
import { describe, expect, it } from 'vitest';
import { detectChanges } from '../../core/detect';
import { reasonZh } from '../../core/review/reasons-zh';
import { writeDistrict } from '../helpers/district';

const untranslated = (zh: string) => /[a-z]{3,}/i.test(zh.replace(/ExG/g, ''));

describe('reasons in Chinese', () => {
  it('translates every reason the detector gives on a generated district', async () => {
    const d = await writeDistrict({ seed: 21, size: 160 });
    const all = new Set<string>();
    for (const from of [1, 2] as const) {
      const r = await detectChanges({ files: [d.epoch(from)] }, { files: [d.epoch((from + 1) as 2 | 3)] });
      for (const c of r.changes) c.evidence.reasons.forEach((x) => all.add(x));
    }
    expect(all.size).toBeGreaterThan(10);
    const left = [...all].filter((r) => untranslated(reasonZh(r)));
    expect(left).toEqual([]);
  }, 120_000);

  it('translates the store’s note on a structure that grew, and keeps unknown sentences as written', () => {
    expect(reasonZh('judged false positive as run 1 C005, but 2.3 m taller than when it was judged: review again')).toBe(
      '批次 1 C005 曾判为“误报”，但比当时高出 2.3 m，需重新核查',
    );
    // As projects carried before the run was named with the change: the same Chinese.
    expect(reasonZh('judged false positive in run 1 (C005), but 2.3 m taller than when it was judged: review again')).toBe(
      '批次 1 C005 曾判为“误报”，但比当时高出 2.3 m，需重新核查',
    );
    // Two judged structures now seen as one, judged two ways.
    expect(reasonZh('judged confirmed as run 1 C001, but false positive as run 1 C002: review again')).toBe(
      '批次 1 C001 曾判为“已确认”，但批次 1 C002 曾判为“误报”，需重新核查',
    );
    expect(
      reasonZh('judged false positive as run 1 C001, which shares 30 % of its footprint: too little to carry the verdict; review again'),
    ).toBe('批次 1 C001 曾判为“误报”，与本图斑占地仅重叠 30%，不足以沿用其结论，需重新核查');
    expect(reasonZh('a sentence nobody taught it')).toBe('a sentence nobody taught it');
    expect(reasonZh('surface rose 6.0 m on average (up to 6.1 m) over 50.3 m²')).toBe('地表平均抬升 6.0 m（最大 6.1 m），面积 50.3 m²');
    expect(reasonZh('runs on into 64.5 m² the before epoch did not see: it may be larger than measured')).toBe(
      '延伸入前期未观测到的 64.5 m² 范围：实际规模可能大于量测值',
    );
    expect(reasonZh('borders 193.8 m² the after epoch did not see, more than its shadow: it may extend there')).toBe(
      '紧邻后期未观测到的 193.8 m² 范围（超出其自身遮挡阴影）：可能延伸至该处',
    );
  });
});
