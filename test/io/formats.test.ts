import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPointFormat, POINT_FORMATS } from '../../core/io/formats';
import { CONFORMANCE } from '../helpers/data';

describe('format descriptors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-formats-'));

  it('recognise a LAZ file by its magic bytes whatever its name, and stream it', async () => {
    const renamed = join(dir, 'survey.bin');
    copyFileSync(join(CONFORMANCE, 'lazperf/point-color-time.las.laz'), renamed);
    const format = await detectPointFormat(renamed);
    expect(format.id).toBe('las');
    let n = 0;
    for await (const c of format.parseInBatches(renamed)) n += c.count;
    expect(n).toBe(1065);
  });

  it('refuse a file no reader knows, naming the formats that are known', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a point cloud');
    await expect(detectPointFormat(text)).rejects.toThrow(
      `${text}: not a point-cloud or model format VoxWatch reads (.las/.laz, .tif/.tiff, .ply, .glb/.gltf, .json, .obj)`,
    );
  });

  it('every descriptor declares extensions and a signature test', () => {
    for (const f of POINT_FORMATS) {
      expect(f.extensions.length).toBeGreaterThan(0);
      expect(f.test(new Uint8Array([0, 0, 0, 0]))).toBe(false);
      if (f.magic) expect(f.test(Uint8Array.from(f.magic))).toBe(true);
    }
  });
});
