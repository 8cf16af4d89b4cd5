/** The refusals the server sends when the project file cannot be written, as the zh-CN review UI shows them. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { errorZh } from '../../core/review/errors-zh';

it('translates every storage refusal the server words, whole', () => {
  // The server's own sentences, read from its source so that a new one is not missed.
  const source = readFileSync(new URL('../../cli/serve/server.ts', import.meta.url), 'utf8');
  const reasons = [...source.matchAll(/\[\/.+\/i, \d{3}, '([^']+)'\]/g)].map((m) => `nothing was saved: ${m[1]}`);
  expect(reasons).toHaveLength(4);
  for (const r of reasons) {
    const zh = errorZh(r);
    expect(zh, r).toMatch(/^未保存：/);
    expect(zh.replace('VoxWatch', ''), r).not.toMatch(/[a-z]{4,}/);
  }
  expect(errorZh('something new')).toBe('something new');
});
