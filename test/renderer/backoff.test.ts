/** The octree's fetch stops hammering a server it cannot reach, and resumes once it answers again. */
import { describe, expect, it } from 'vitest';
import { withBackoff } from '../../renderer/clouds/backoff';

describe('fetch with back-off', () => {
  it('fails at once for a doubling pause after a network failure, and resets once a call gets through', async () => {
    let clock = 0;
    let up = false;
    let calls = 0;
    const fetchLike = async (n: number) => {
      calls++;
      if (!up) throw new TypeError('Failed to fetch');
      return n * 2;
    };
    const f = withBackoff(fetchLike, () => clock);
    await expect(f(1)).rejects.toThrow('Failed to fetch');
    // 100 frames within the first second: none reaches the network.
    for (let i = 0; i < 100; i++) await expect(f(1)).rejects.toThrow(/server unreachable/);
    expect(calls).toBe(1);
    clock = 1000;
    await expect(f(1)).rejects.toThrow('Failed to fetch'); // tried again, still down: 2 s now
    clock = 2500;
    await expect(f(1)).rejects.toThrow(/server unreachable/);
    expect(calls).toBe(2);
    clock = 3000;
    up = true;
    expect(await f(21)).toBe(42);
    expect(await f(1)).toBe(2);
    expect(calls).toBe(4);
  });

  it('does not pause on an answer that is an error (an HTTP status is not a lost server)', async () => {
    let calls = 0;
    const f = withBackoff(async () => {
      calls++;
      throw new Error('404');
    });
    await expect(f()).rejects.toThrow('404');
    await expect(f()).rejects.toThrow('404');
    expect(calls).toBe(2);
  });
});
