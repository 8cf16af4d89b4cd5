/**
 * The bench writes inputs of up to 13 GB once: one that cannot fit is refused before writing,
 * with the folder and both sizes named, not found out minutes later by a full disk.
 */
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ensureSpace } from '../../bench/fixtures/cache';

describe('the bench’s room for its inputs', () => {
  const dir = tmpdir();
  const fs = statfsSync(dir);
  const free = fs.bavail * fs.bsize;

  it('refuses an input larger than the free disk, naming the folder and the sizes', async () => {
    const err = await ensureSpace(dir, free + 1e12, 'a pair of 900 district copies,').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`a pair of 900 district copies, needs about ${((free + 1e12) / 1e9).toFixed(1)} GB in ${dir}`);
    expect((err as Error).message).toMatch(/GB are free: free some space, or point TMPDIR at a larger disk/);
  });

  it('lets an input that fits go ahead', async () => {
    await expect(ensureSpace(dir, 1e6, 'a small pair')).resolves.toBeUndefined();
  });
});
