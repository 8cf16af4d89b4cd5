/**
 * Decoded values, not just counts: compared with an independent decoder (loaders.gl, for the
 * LAS ≤ 1.3 files it reads), between the LAS and LAZ twins of the same points, and against
 * values published with the files.
 */
import { parse } from '@loaders.gl/core';
import { LASLoader } from '@loaders.gl/las';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LazDecoderPool } from '../../core/io/laz/decoder-pool';
import { LasFile } from '../../core/io/las/reader';
import { wktMatchesEpsg } from '../../core/geo/wkt-match';
import { CONFORMANCE, listPointFiles, readAll, SHARED_DATA } from '../helpers/data';

async function loadersGl(path: string) {
  const buf = readFileSync(path);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  // fp64: without it loaders.gl rounds positions to Float32 and loses decimetres.
  const data = (await parse(ab, LASLoader, { las: { fp64: true, shape: 'mesh' }, worker: false } as Record<string, unknown>)) as {
    attributes: Record<string, { value: ArrayLike<number> }>;
  };
  return data.attributes;
}

/** LAS ≤ 1.3 files loaders.gl decodes (its LAZ decoder refuses 1.4 and waveform formats). */
const ORACLE_FILES = listPointFiles(CONFORMANCE)
  .map((p) => relative(CONFORMANCE, p))
  .filter((n) =>
    [
      'laspy/autzen_geo_proj.las',
      'laspy/plane.laz',
      'laspy/simple1_1.las',
      'laspy/vegetation_1_3.las',
      'lasrs/32-1-472-150-76.laz',
      'lazperf/1815.las',
      'lazperf/1815.laz',
      'lazperf/point-color-time.las',
      'lazperf/point-color-time.las.laz',
      'liblas/certainty3d-color-utm-feet-navd88.las',
      'liblas/TO_core_last_clip.las',
      'pdal/las/1.2-with-color.las',
      'pdal/las/4_6_crop.las',
      'pdal/las/epsg_4326.las',
      'pdal/las/interesting.las',
      'pdal/laz_simple.laz',
      'pdal/laszip_liblas-generated.laz',
      'pdal/laszip_laszip-generated_with2bytespadding.laz',
    ].includes(n),
  );

describe('decoded values agree with loaders.gl (an independent decoder)', () => {
  it('covers LAS and LAZ files', () => {
    expect(ORACLE_FILES.length).toBe(18);
  });
  for (const name of ORACLE_FILES) {
    it(name, async () => {
      const path = join(CONFORMANCE, name);
      const [{ file, points }, oracle] = await Promise.all([readAll(path), loadersGl(path)]);
      const pos = oracle.POSITION.value;
      expect(pos.length / 3).toBe(points.count);
      const [sx, sy, sz] = file.info.header.scale;
      for (let i = 0; i < points.count; i++) {
        // loaders.gl multiplies by the scale; we divide: both within a hair of the stored value.
        expect(Math.abs(points.x[i] - pos[3 * i])).toBeLessThan(sx * 1e-3 + 1e-6);
        expect(Math.abs(points.y[i] - pos[3 * i + 1])).toBeLessThan(sy * 1e-3 + 1e-6);
        expect(Math.abs(points.z[i] - pos[3 * i + 2])).toBeLessThan(sz * 1e-3 + 1e-6);
      }
      const intensity = oracle.intensity.value;
      const classification = oracle.classification.value;
      for (let i = 0; i < points.count; i++) {
        expect(points.intensity![i]).toBe(intensity[i]);
        expect(points.classification![i]).toBe(classification[i]);
      }
    });
  }
});

describe('LAS and LAZ twins decode to the same points', () => {
  const twins = [
    ['lazperf/1815.las', 'lazperf/1815.laz'],
    ['lazperf/point-color-time.las', 'lazperf/point-color-time.las.laz'],
    ['lazperf/point10-1.0.las', 'lazperf/point10-1.0.laz'],
    ['laspy/1_4_w_evlr.las', 'laspy/1_4_w_evlr.laz'],
    ['loadersgl/pdrf6-1.4.las', 'loadersgl/pdrf6-1.4.laz'],
    ['loadersgl/pdrf8-1.4.las', 'loadersgl/pdrf8-1.4.laz'],
    ['pdal/las/1.2-with-color.las', 'pdal/laz_simple.laz'],
  ];
  for (const [las, laz] of twins) {
    it(`${las} = ${laz}`, async () => {
      const [a, b] = await Promise.all([readAll(join(CONFORMANCE, las)), readAll(join(CONFORMANCE, laz))]);
      expect(b.file.info.header.compressed).toBe(true);
      expect(b.points.count).toBe(a.points.count);
      expect(Array.from(b.points.x)).toEqual(Array.from(a.points.x));
      expect(Array.from(b.points.y)).toEqual(Array.from(a.points.y));
      expect(Array.from(b.points.z)).toEqual(Array.from(a.points.z));
      expect(b.points.intensity).toEqual(a.points.intensity);
      expect(b.points.classification).toEqual(a.points.classification);
      expect(b.points.returnNumber).toEqual(a.points.returnNumber);
      expect(b.points.rgb).toEqual(a.points.rgb);
      expect(b.points.gpsTime).toEqual(a.points.gpsTime);
    });
  }

  it('LASzip item version 4 (LASzip 3.5): geometry and attributes decode, colour is withheld with a warning', async () => {
    const [a, b] = await Promise.all([
      readAll(join(CONFORMANCE, 'loadersgl/pdrf7-v4-1.4.las')),
      readAll(join(CONFORMANCE, 'loadersgl/pdrf7-v4-1.4.laz')),
    ]);
    expect(Array.from(b.points.x)).toEqual(Array.from(a.points.x));
    expect(Array.from(b.points.z)).toEqual(Array.from(a.points.z));
    expect(b.points.gpsTime).toEqual(a.points.gpsTime);
    expect(b.points.classification).toEqual(a.points.classification);
    expect(b.points.rgb).toBeUndefined();
    expect(b.file.info.hasRgb).toBe(false);
    expect(b.file.info.warnings.join(' ')).toMatch(/item version 4/);
  });

  it('a COPC file holds the same points as its plain LAZ 1.4 twin (in another order)', async () => {
    const [plain, copc] = await Promise.all([
      readAll(join(CONFORMANCE, 'copcjs/ellipsoid-1.4.laz')),
      readAll(join(CONFORMANCE, 'copcjs/ellipsoid.copc.laz')),
    ]);
    expect(copc.points.count).toBe(100_000);
    const key = (p: typeof plain.points, i: number) => `${p.x[i]},${p.y[i]},${p.z[i]}`;
    const a = Array.from({ length: plain.points.count }, (_, i) => key(plain.points, i)).sort();
    const b = Array.from({ length: copc.points.count }, (_, i) => key(copc.points, i)).sort();
    expect(b).toEqual(a);
  });
});

describe('published values', () => {
  it('1.2-with-color.las (Autzen): first and last points as PDAL documents them', async () => {
    const { points: p } = await readAll(join(CONFORMANCE, 'pdal/las/1.2-with-color.las'));
    expect([p.x[0], p.y[0], p.z[0]]).toEqual([637012.24, 849028.31, 431.66]);
    expect(p.intensity![0]).toBe(143);
    expect(p.classification![0]).toBe(1);
    expect([p.returnNumber![0], p.numberOfReturns![0]]).toEqual([1, 1]);
    // 8-bit colour stored in 16-bit fields is scaled to 16 bits: 68 → 68·257.
    expect(Array.from(p.rgb!.subarray(0, 3))).toEqual([68 * 257, 77 * 257, 88 * 257]);
    expect(p.gpsTime![0]).toBeCloseTo(245380.78254962614, 9);
    const j = p.count - 1;
    expect([p.x[j], p.y[j], p.z[j]]).toEqual([637342.85, 853240.32, 423.92]);
  });

  it('CRS normalised to EPSG from GeoTIFF keys and WKT, with names', async () => {
    const expected: Record<string, number | undefined> = {
      'laspy/append-bug.laz': 2154,
      'laspy/autzen_geo_proj.las': 2994,
      // Its WKT (authoritative for point format 6) carries no EPSG code; see 'CRS precedence' below.
      'laspy/file_with_both_wkt_and_geotiff_vlrs.las': undefined,
      'laspy/simple1_4.las': 4326,
      'lasrs/32-1-472-150-76.laz': 25832,
      'lazperf/1815.laz': 6580,
      'lazperf/point-color-time.las': 26910,
      'liblas/certainty3d-color-utm-feet-navd88.las': 2229,
      'liblas/srs_vertcs.las': 32617,
      'pdal/las/4_6_crop.las': 2903,
      'pdal/las/bad-geotiff-keys.las': 32617,
      'pdal/las/bad_vlr_count.las': 32617,
      'pdal/las/epsg_4326.las': 4326,
      'pdal/las/no-points.las': 4269,
      'pdal/las/permutations_1.0_0.las': 26915,
      'pdal/laz_las_with_several_extra_byte_bloc.laz': 2154,
      // GeoTIFF key 32767 means user-defined: there is no EPSG code to report.
      'pdal/las/interesting.las': undefined,
      'laspy/plane.laz': undefined,
    };
    for (const [name, epsg] of Object.entries(expected)) {
      const f = await LasFile.open(join(CONFORMANCE, name));
      expect(f.info.crs?.epsg, name).toBe(epsg);
      await f.close();
    }
    const vert = await LasFile.open(join(CONFORMANCE, 'liblas/srs_vertcs.las'));
    expect(vert.info.crs).toMatchObject({ epsg: 32617, verticalEpsg: 5703, name: 'WGS 84 / UTM zone 17N', unit: 'metre' });
    await vert.close();
    const feet = await LasFile.open(join(CONFORMANCE, 'liblas/certainty3d-color-utm-feet-navd88.las'));
    expect(feet.info.crs?.name).toBe('NAD83 / California zone 5 (ftUS)');
    await feet.close();
  });
});

describe('CRS precedence (LAS 1.4 R15: WKT for point formats 6–10 and under the WKT bit, GeoTIFF keys otherwise)', () => {
  const BOTH = join(CONFORMANCE, 'laspy/file_with_both_wkt_and_geotiff_vlrs.las');

  it('a point format 6 file with both: the WKT (NAD83(2011) / Nebraska in US feet), not the keys (NAD83 / Nebraska, EPSG:32104)', async () => {
    const f = await LasFile.open(BOTH);
    expect(f.info.header.pointFormat).toBe(6);
    expect(f.info.header.globalEncoding & 16).toBe(16);
    expect(f.info.crs).toMatchObject({ source: 'wkt', name: 'NAD83_2011_Nebraska_ft', unit: 'US survey foot' });
    expect(f.info.crs?.epsg).toBeUndefined();
    // The keys' vertical unit is not the WKT's: the WKT declares no vertical CRS.
    expect(f.info.crs?.verticalUnit).toBeUndefined();
    expect(f.info.crs?.wkt).toMatch(/^PROJCS\["NAD83_2011_Nebraska_ft".*UNIT\["Foot_US",0\.30480060960121924\]\]$/);
    expect(f.info.warnings.join('\n')).toMatch(
      /GeoTIFF keys \(EPSG:32104 NAD83 \/ Nebraska\) and the WKT \(NAD83_2011_Nebraska_ft\) disagree; using the WKT/,
    );
    await f.close();
  });

  it('the same bytes as point format 1 without the WKT bit: the GeoTIFF keys rule; as format 6 without the bit, still the WKT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwatch-crs-'));
    const bytes = readFileSync(BOTH);
    const variant = (name: string, pointFormat: number) => {
      const b = Buffer.from(bytes);
      b.writeUInt16LE(0, 6); // global encoding: WKT bit cleared
      b[104] = pointFormat; // format 1 needs 28 of the 30 bytes per record: the rest are extra bytes
      writeFileSync(join(dir, name), b);
      return join(dir, name);
    };
    const pf1 = await LasFile.open(variant('pf1.las', 1));
    expect(pf1.info.crs).toMatchObject({ source: 'geotiff-keys', epsg: 32104, name: 'NAD83 / Nebraska', unit: 'US survey foot' });
    await pf1.close();
    const pf6 = await LasFile.open(variant('pf6.las', 6));
    expect(pf6.info.crs).toMatchObject({ source: 'wkt', name: 'NAD83_2011_Nebraska_ft' });
    expect(pf6.info.crs?.epsg).toBeUndefined();
    expect(pf6.info.warnings.join('\n')).toMatch(/using the WKT \(point format 6 requires it\)/);
    await pf6.close();
  });

  it("a WKT without a code takes the keys' code only when it describes that CRS (simple1_4: a bare WGS 84 GEOGCS and key 4326)", async () => {
    const f = await LasFile.open(join(CONFORMANCE, 'laspy/simple1_4.las'));
    expect(f.info.crs).toMatchObject({ source: 'wkt', epsg: 4326, name: 'WGS 84', unit: 'degree' });
    expect(f.info.warnings.filter((w) => /WKT/.test(w))).toEqual([]);
    await f.close();
  });

  it('matches WKT to an EPSG code by unit and parameters: Nebraska in US feet is EPSG:6880, not 32104 (metres)', async () => {
    const f = await LasFile.open(BOTH);
    const wkt = f.info.crs!.wkt!;
    await f.close();
    expect(wktMatchesEpsg(wkt, 6880)).toBe(true); // NAD83(2011) / Nebraska (ftUS)
    expect(wktMatchesEpsg(wkt, 6879)).toBe(false); // NAD83(2011) / Nebraska, metres
    expect(wktMatchesEpsg(wkt, 32104)).toBe(false); // NAD83 / Nebraska, metres
    expect(wktMatchesEpsg(wkt, 4326)).toBe(false);
    // Real WKTs with their AUTHORITY taken out still match their own code and not a neighbour's.
    for (const [name, own, other] of [
      ['pdal/las/wontcompress3.las', 26919, 26918],
      ['laspy/1_4_w_evlr.las', 2903, 2229],
      ['pdal/copc_1.2-with-color.copc.laz', 2991, 2992],
      ['laspy/append-bug.laz', 2154, 27572],
    ] as const) {
      const g = await LasFile.open(join(CONFORMANCE, name));
      const bare = g.info.crs!.wkt!.replace(/,\s*(AUTHORITY|ID)\["EPSG",[^\]]*\]/g, '');
      await g.close();
      expect(bare, name).not.toMatch(/EPSG/);
      expect(wktMatchesEpsg(bare, own), name).toBe(true);
      expect(wktMatchesEpsg(bare, other), name).toBe(false);
    }
  });
});

describe('coordinates are exact to the file scale', () => {
  it('a Shenzhen northing of 2 494 489.37 m comes back to the centimetre (and beyond)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwatch-'));
    const path = join(dir, 'northing.las');
    writeFileSync(
      path,
      tinyLas(
        [
          [13_412_345, 48_937, 2_537],
          [0, 0, 0],
        ],
        [0.01, 0.01, 0.01],
        [513_000, 2_494_000, 0],
      ),
    );
    const { points } = await readAll(path);
    expect(points.x[0]).toBe(647123.45);
    expect(points.y[0]).toBe(2494489.37);
    expect(points.z[0]).toBe(25.37);
    // Float32 could not hold it: the nearest float32 is 2494489.25.
    expect(Math.fround(points.y[0])).not.toBe(2494489.37);
  });
});

/** A minimal LAS 1.2, point format 0 file built byte by byte (independent of our writer). */
function tinyLas(ints: [number, number, number][], scale: number[], offset: number[]): Uint8Array {
  const header = 227;
  const buf = new Uint8Array(header + ints.length * 20);
  const v = new DataView(buf.buffer);
  buf.set([0x4c, 0x41, 0x53, 0x46], 0);
  buf[24] = 1;
  buf[25] = 2;
  v.setUint16(94, header, true);
  v.setUint32(96, header, true);
  v.setUint32(100, 0, true);
  buf[104] = 0;
  v.setUint16(105, 20, true);
  v.setUint32(107, ints.length, true);
  for (let i = 0; i < 3; i++) {
    v.setFloat64(131 + 8 * i, scale[i], true);
    v.setFloat64(155 + 8 * i, offset[i], true);
  }
  const world = ints.map((p) => p.map((q, i) => q * scale[i] + offset[i]));
  const axis = (i: number) => world.map((p) => p[i]);
  [
    Math.max(...axis(0)),
    Math.min(...axis(0)),
    Math.max(...axis(1)),
    Math.min(...axis(1)),
    Math.max(...axis(2)),
    Math.min(...axis(2)),
  ].forEach((b, i) => v.setFloat64(179 + 8 * i, b, true));
  ints.forEach((p, i) => p.forEach((q, a) => v.setInt32(header + 20 * i + 4 * a, q, true)));
  return buf;
}

describe('streaming with reused buffers', () => {
  it('yields the same points as fresh arrays, batch after batch', async () => {
    const path = join(CONFORMANCE, 'pdal/las/1.2-with-color.las');
    const { points: fresh } = await readAll(path);
    const file = await LasFile.open(path);
    const xs: number[] = [];
    const reds: number[] = [];
    const seen = new Set<ArrayBufferLike>();
    for await (const c of file.chunks({ batchSize: 100, reuseBuffers: true })) {
      seen.add(c.x.buffer);
      for (let i = 0; i < c.count; i++) {
        xs.push(c.x[i]);
        reds.push(c.rgb![3 * i]);
      }
    }
    await file.close();
    expect(xs).toEqual(Array.from(fresh.x));
    expect(reds).toEqual(Array.from({ length: fresh.count }, (_, i) => fresh.rgb![3 * i]));
    // 11 batches, one set of arrays.
    expect(seen.size).toBe(1);
  });

  it('hands a LAZ chunk the consumer is done with back to the decoders, and decodes into it exactly', async () => {
    // 14 chunks of 8-bit colour: with 2 decoders (4 chunks in flight) the last ten reuse memory.
    const path = join(SHARED_DATA, 'red-rocks-uav-photogrammetry/lidar_medium_subset_las1pt2_utmzone13N_compressed.laz');
    const pool = new LazDecoderPool(2);
    try {
      const { points: fresh } = await readAll(path, { lazPool: pool });
      const file = await LasFile.open(path);
      const seen = {
        x: new Float64Array(fresh.count),
        y: new Float64Array(fresh.count),
        z: new Float64Array(fresh.count),
        cls: new Uint8Array(fresh.count),
        rgb: new Uint16Array(3 * fresh.count),
      };
      let at = 0;
      let last: { count: number; bytes: number } | undefined;
      try {
        for await (const c of file.chunks({ lazPool: pool, reuseBuffers: true, fields: ['classification', 'rgb'] })) {
          seen.x.set(c.x, at);
          seen.y.set(c.y, at);
          seen.z.set(c.z, at);
          seen.cls.set(c.classification!, at);
          seen.rgb.set(c.rgb!, 3 * at);
          at += c.count;
          last = { count: c.count, bytes: c.x.buffer.byteLength };
        }
      } finally {
        await file.close();
      }
      expect(at).toBe(fresh.count);
      const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      expect(bytes(seen.x).equals(bytes(fresh.x))).toBe(true);
      expect(bytes(seen.y).equals(bytes(fresh.y))).toBe(true);
      expect(bytes(seen.z).equals(bytes(fresh.z))).toBe(true);
      expect(bytes(seen.cls).equals(bytes(fresh.classification!))).toBe(true);
      expect(bytes(seen.rgb).equals(bytes(fresh.rgb!))).toBe(true);
      // The short last chunk was decoded into a full chunk's recycled memory, not fresh arrays.
      expect(last!.count).toBeLessThan(50_000);
      expect(last!.bytes).toBeGreaterThan(last!.count * 8);
    } finally {
      await pool.close();
    }
  });
});
