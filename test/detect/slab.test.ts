/**
 * A worker's tile buffers are views of one block (core/diff/slab.ts): each must be its own
 * memory, aligned for its type, and a slab asked for more than it holds must say so rather than
 * hand out overlapping views.
 */
import { describe, expect, it } from 'vitest';
import { Slab } from '../../core/diff/slab';
import { TileWorkspace } from '../../core/tiles/tile-job';

describe('a slab of typed arrays', () => {
  it('hands out views that never share a byte, each aligned for its type', () => {
    const slab = new Slab(1000);
    const views = [slab.u8(3), slab.f32(5), slab.u8(1), slab.i32(7), slab.u32(2)];
    // Fill each view with its own marker, then check that no later fill overwrote an earlier one.
    views.forEach((v, k) => v.fill(k + 1));
    views.forEach((v, k) => expect([...v].every((x) => x === k + 1)).toBe(true));
    for (const v of views) expect(v.byteOffset % 8).toBe(0);
  });

  it('refuses to hand out more than it holds', () => {
    const slab = new Slab(64);
    slab.f32(8);
    slab.u8(24);
    expect(() => slab.u8(9)).toThrow(/slab of 64 bytes cannot hold 72/);
  });

  it('holds a tile workspace’s buffers (columns, masks, ground, work rasters) side by side, separate', () => {
    const ws = new TileWorkspace();
    ws.ensure(1001);
    const all = [
      ...ws.columns!.flatMap((c) => [...c.f32, ...c.u32]),
      ...Object.values(ws.segment!.take(1001)),
      ...ws.observed!,
      ws.ground!,
    ];
    expect(all).toHaveLength(2 * 11 + 6 + 3);
    for (const a of all) expect(a.length).toBeGreaterThanOrEqual(1001);
    all.forEach((a, k) => a.fill(k + 1));
    all.forEach((a, k) => expect(Array.from(a).every((x) => x === k + 1)).toBe(true));
  });
});
