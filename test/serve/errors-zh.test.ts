/** The refusals a page is told when the project file cannot be written (core/api-failure.ts), as the zh-CN review UI shows them. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { errorZh } from '../../core/review/errors-zh';

it('translates every storage refusal the server words, whole', () => {
  // The sentences themselves, read from their source so that a new one is not missed.
  const source = readFileSync(new URL('../../core/api-failure.ts', import.meta.url), 'utf8');
  const reasons = [...source.matchAll(/\[\/.+\/i, \d{3}, '([^']+)'\]/g)].map((m) => `nothing was saved: ${m[1]}`);
  expect(reasons).toHaveLength(4);
  for (const r of reasons) {
    const zh = errorZh(r);
    expect(zh, r).toMatch(/^未保存：/);
    expect(zh.replace('VoxWatch', ''), r).not.toMatch(/[a-z]{4,}/);
  }
  expect(errorZh('something new')).toBe('something new');
  // Epoch labels with spaces, after the project's path.
  expect(
    errorZh(
      '/data/罗湖 2024.voxwatch: 2024 春季 was surveyed on 2025-03-01, after 2023 秋季 (2024-09-01): a run compares an earlier survey (before) with a later one (after); give 2023 秋季 first, or correct a wrong date (voxwatch project set-date)',
    ),
  ).toBe(
    '2024 春季 测于 2025-03-01，晚于 2023 秋季（2024-09-01）：检测须以较早的一期为前期，请先选 2023 秋季；日期有误时用 voxwatch project set-date 更正',
  );
});
