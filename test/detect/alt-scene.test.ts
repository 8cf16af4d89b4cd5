/**
 * Detection on a scene built by a second, different generator (test/helpers/alt-scene.ts):
 * gable and L-shaped buildings, dome crowns, a sloping site, 10 cm of misregistration.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectChanges } from '../../core/detect';
import { createLasWriter } from '../../core/io/las/writer';
import type { PointChunk } from '../../core/io/types';
import { formatScore, scoreChanges } from '../../samples/evaluate';
import { buildAltScene, sampleAltEpoch } from '../helpers/alt-scene';

async function write(path: string, chunk: PointChunk, origin: [number, number], version: '1.2' | '1.4') {
  const w = createLasWriter(path, {
    version,
    pointFormat: version === '1.2' ? 3 : 7,
    scale: [0.001, 0.001, 0.001],
    offset: [origin[0], origin[1], 0],
    epsg: 32650,
  });
  await w.write(chunk);
  await w.close();
}

describe('a scene from a second generator', () => {
  for (const [density, green] of [
    [12, true],
    [30, true],
    [20, false],
  ] as const) {
    it(`finds its six changes and no tree or car at ${density} points/m², ${green ? 'green' : 'grey'} crowns`, async () => {
      const scene = buildAltScene();
      const dir = mkdtempSync(join(tmpdir(), 'voxwatch-alt-'));
      const voxel = density < 16 ? 0.75 : 0.5;
      await write(
        join(dir, 'before.las'),
        sampleAltEpoch(scene, scene.before, { density, noise: 0.05, shift: [0, 0, 0], seed: 7, green }),
        scene.origin,
        '1.2',
      );
      await write(
        join(dir, 'after.las'),
        sampleAltEpoch(scene, scene.after, { density: density * 1.3, noise: 0.05, shift: [0.1, -0.07, 0.06], seed: 8, green }),
        scene.origin,
        '1.4',
      );
      const r = await detectChanges({ files: [join(dir, 'before.las')] }, { files: [join(dir, 'after.las')] }, { voxel });
      const [ox, oy] = scene.origin;
      const truth = scene.truth.map((t) => ({
        id: t.name,
        type: 'any',
        volume_m3: t.volume,
        footprint: t.ring.map(([x, y]) => [x + ox, y + oy] as [number, number]),
      }));
      const score = scoreChanges(r.changes, truth);
      const report =
        formatScore(score) + '\n' + r.changes.map((c) => `${c.id} ${c.type} ${c.volume_m3} ${c.evidence.reasons.join('; ')}`).join('\n');
      expect(score.f1, report).toBeGreaterThanOrEqual(0.95);
      expect(score.medianVolumeError, report).toBeLessThanOrEqual(0.1);
      expect(score.signErrors, report).toBe(0);
      expect(r.alignment!.dz).toBeCloseTo(-0.06, 1);
      const types = Object.fromEntries(score.matches.map((m) => [m.truth.id, m.found.type]));
      expect(types, report).toMatchObject({
        'new gable house': 'new_building',
        'new L-shaped block': 'new_building',
        'rooftop structure': 'rooftop_structure',
        'gable house demolished': 'demolished',
        extension: 'extension',
        'two storeys added': 'storeys_added',
      });
    });
  }
});
