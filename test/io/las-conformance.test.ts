/**
 * Every file of the shared LAS/LAZ conformance corpus (../shared/data/las-conformance, see its
 * SOURCE.md) either decodes with a point count and bounds that agree with its header, or is
 * refused with a clear error naming the file and the problem. Nothing may crash or hang.
 */
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LasFile } from '../../core/io/las/reader';
import { SourceError } from '../../core/io/types';
import { CONFORMANCE, listPointFiles, readAll } from '../helpers/data';

/** Files we refuse, and the problem the message must name. */
const REFUSED: Record<string, RegExp> = {
  'laspy/fullwave.laz': /waveform point format 10 is not supported/,
  'laszip/broken_coder.laz': /unknown entropy coder \(15\)/,
  'laszip/broken_compressor.laz': /unknown compressor \(16\)/,
  'laszip/broken_size.laz': /unknown version \(6\)/,
  'laszip/broken_type.laz': /unknown item type \(22\)/,
  'loadersgl/pdrf4-1.3.laz': /waveform point format 4/,
  'loadersgl/pdrf5-1.3.laz': /waveform point format 5/,
  'loadersgl/pdrf9-1.4.laz': /waveform point format 9/,
  'loadersgl/pdrf9-1.5.laz': /waveform point format 9/,
  'loadersgl/pdrf10-1.4.laz': /waveform point format 10/,
  'loadersgl/pdrf10-1.5.laz': /waveform point format 10/,
  'pdal/las/garbage_nVariableLength.las': /truncated: the header declares 719 points but the file holds only 718/,
  'pdal/las/permutations_1.2-no-points.las': /truncated: the header declares 1065 points but the file holds only 0/,
  'pdal/laz_simple-laszip-compressor-version-1.2r0.laz': /without chunks.*not supported/,
};

/** Headers known to lie (SOURCE.md): raw integers in the bbox, or a bbox looser than the data. */
const HEADER_BOUNDS_RAW = new Set(['laspy/simple1_3.las']);
const HEADER_BOUNDS_LOOSE = new Set(['laszip/5points_14.las', 'liblas/certainty3d-color-utm-feet-navd88.las']);

const files = listPointFiles(CONFORMANCE).map((p) => ({ path: p, name: relative(CONFORMANCE, p) }));

describe('LAS/LAZ conformance corpus', () => {
  it('holds the 91 files SOURCE.md lists', () => {
    expect(files.length).toBe(91);
    for (const name of Object.keys(REFUSED)) expect(files.map((f) => f.name)).toContain(name);
  });

  for (const { path, name } of files) {
    if (REFUSED[name]) {
      it(`refuses ${name} with a clear message`, async () => {
        const attempt = async () => {
          const { points } = await readAll(path);
          return points.count;
        };
        const err = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(SourceError);
        expect((err as SourceError).file).toBe(path);
        expect((err as SourceError).message.startsWith(path + ': ')).toBe(true);
        expect((err as SourceError).problem).toMatch(REFUSED[name]);
      });
      continue;
    }
    it(`decodes ${name}: count and bounds agree with the header`, async () => {
      const { file, points } = await readAll(path);
      const h = file.info.header;
      expect(points.count).toBe(h.pointCount);
      if (points.count === 0) return;
      const actual = boundsOf(points.x, points.y, points.z);
      const b = h.bounds;
      if (HEADER_BOUNDS_RAW.has(name)) {
        expect(file.info.headerBoundsPlausible).toBe(false);
        // The raw integers are the true bounds divided by the scale.
        expect(b.minX * h.scale[0] + h.offset[0]).toBeCloseTo(actual.minX, 6);
        return;
      }
      expect(file.info.headerBoundsPlausible).toBe(true);
      const tol = (axis: number) => Math.abs(h.scale[axis]) * 1.001 + 1e-9 * Math.abs(h.offset[axis]);
      if (HEADER_BOUNDS_LOOSE.has(name)) {
        expect(actual.minX).toBeGreaterThanOrEqual(b.minX - tol(0));
        expect(actual.maxX).toBeLessThanOrEqual(b.maxX + tol(0));
        expect(actual.minZ).toBeGreaterThanOrEqual(b.minZ - tol(2));
        expect(actual.maxZ).toBeLessThanOrEqual(b.maxZ + tol(2));
        return;
      }
      expect(Math.abs(actual.minX - b.minX)).toBeLessThanOrEqual(tol(0));
      expect(Math.abs(actual.maxX - b.maxX)).toBeLessThanOrEqual(tol(0));
      expect(Math.abs(actual.minY - b.minY)).toBeLessThanOrEqual(tol(1));
      expect(Math.abs(actual.maxY - b.maxY)).toBeLessThanOrEqual(tol(1));
      expect(Math.abs(actual.minZ - b.minZ)).toBeLessThanOrEqual(tol(2));
      expect(Math.abs(actual.maxZ - b.maxZ)).toBeLessThanOrEqual(tol(2));
    });
  }

  it('reads only the header to describe a file (LasFile.open does not decode points)', async () => {
    const f = await LasFile.open(`${CONFORMANCE}/pdal/laz_las_with_several_extra_byte_bloc.laz`);
    expect(f.info.header.pointCount).toBe(697_721);
    expect(f.info.header.pointFormat).toBe(8);
    expect(f.info.chunkTable!.counts.reduce((a, b) => a + b, 0)).toBe(697_721);
    await f.close();
  });
});

function boundsOf(x: Float64Array, y: Float64Array, z: Float64Array) {
  const min = (a: Float64Array) => a.reduce((m, v) => (v < m ? v : m), Infinity);
  const max = (a: Float64Array) => a.reduce((m, v) => (v > m ? v : m), -Infinity);
  return { minX: min(x), maxX: max(x), minY: min(y), maxY: max(y), minZ: min(z), maxZ: max(z) };
}
