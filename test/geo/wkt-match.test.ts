/**
 * A LAS file's WKT without a code borrows its GeoTIFF keys' EPSG code only when it describes that
 * very CRS. Shenzhen's surveys are in CGCS2000 while old Beijing 1954 / Xian 1980 keys linger in
 * files: the three share the Gauss-Kruger zone CM 114E and stand up to 100 m and more apart, so a
 * wrong match is a silent datum shift under --reproject.
 */
import { describe, expect, it } from 'vitest';
import { lookupEpsg } from '../../core/geo/epsg';
import { proj4Facts } from '../../core/geo/proj4-facts';
import { wktMatchesEpsg } from '../../core/geo/wkt-match';

/** The registry's own WKT of a code with its AUTHORITY taken out, as a LAS writer may leave it. */
const bare = (code: number) => {
  const wkt = lookupEpsg(code)!.wkt!.replace(/,\s*AUTHORITY\["EPSG","\d+"\]/g, '');
  expect(wkt).not.toMatch(/EPSG/);
  return wkt;
};

// How ArcGIS and the Chinese survey software after it write CGCS2000 / 3-degree GK CM 114E.
const ESRI_CGCS2000_GK114 =
  'PROJCS["CGCS2000_3_Degree_GK_CM_114E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",' +
  'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],' +
  'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],' +
  'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],' +
  'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

const CGCS2000_GK114 = 4547;
const BEIJING54_GK114 = 2435;
const XIAN80_GK114 = 2383;
const NEW_BEIJING_GK114 = 4795;

describe('a WKT without a code matches an EPSG code only when it is that CRS', () => {
  it('CGCS2000 Gauss-Kruger CM 114E is EPSG:4547, not Beijing 1954 (2435) nor Xian 1980 (2383) on the same zone', () => {
    for (const wkt of [ESRI_CGCS2000_GK114, bare(CGCS2000_GK114)]) {
      expect(wktMatchesEpsg(wkt, CGCS2000_GK114)).toBe(true);
      expect(wktMatchesEpsg(wkt, BEIJING54_GK114)).toBe(false); // Krassowsky: a 108 m larger
      expect(wktMatchesEpsg(wkt, XIAN80_GK114)).toBe(false); // IAU 1976: a 3 m larger
      expect(wktMatchesEpsg(wkt, 4549)).toBe(false); // CM 120E
    }
  });

  it("the old zones' own WKTs match their own codes and not CGCS2000's", () => {
    for (const code of [BEIJING54_GK114, XIAN80_GK114, NEW_BEIJING_GK114]) {
      expect(wktMatchesEpsg(bare(code), code), String(code)).toBe(true);
      expect(wktMatchesEpsg(bare(code), CGCS2000_GK114), String(code)).toBe(false);
    }
  });

  it('another projection method with the same parameters does not match', () => {
    for (const method of ['Mercator_1SP', 'Lambert_Conformal_Conic', 'Transverse_Mercator_South_Orientated']) {
      expect(wktMatchesEpsg(ESRI_CGCS2000_GK114.replace('Gauss_Kruger', method), CGCS2000_GK114), method).toBe(false);
    }
    expect(wktMatchesEpsg(ESRI_CGCS2000_GK114.replace(/,?PROJECTION\["Gauss_Kruger"\]/, ''), CGCS2000_GK114)).toBe(false);
    // Spellings of the same method all match.
    for (const method of ['Transverse_Mercator', 'Transverse Mercator', 'Gauss-Kruger']) {
      expect(wktMatchesEpsg(ESRI_CGCS2000_GK114.replace('Gauss_Kruger', method), CGCS2000_GK114), method).toBe(true);
    }
  });

  it('CGCS2000 geographic is EPSG:4490, not Beijing 1954 (4214), Xian 1980 (4610) nor WGS 84 (4326)', () => {
    const wkt = bare(4490);
    expect(wktMatchesEpsg(wkt, 4490)).toBe(true);
    expect(wktMatchesEpsg(wkt, 4214)).toBe(false);
    expect(wktMatchesEpsg(wkt, 4610)).toBe(false);
    expect(wktMatchesEpsg(wkt, 4326)).toBe(false); // the same ellipsoid to 0.1 mm, another datum
  });

  it('Beijing 1954 and New Beijing share the Krassowsky ellipsoid but are different datums', () => {
    expect(wktMatchesEpsg(bare(BEIJING54_GK114), NEW_BEIJING_GK114)).toBe(false);
    expect(wktMatchesEpsg(bare(NEW_BEIJING_GK114), BEIJING54_GK114)).toBe(false);
    expect(wktMatchesEpsg(bare(4214), 4555)).toBe(false);
  });

  it('a datum shift to WGS 84 that differs from the code’s does not match; one the WKT leaves out is not compared', () => {
    const wkt = bare(BEIJING54_GK114);
    expect(wkt).toMatch(/TOWGS84\[15\.8,-154\.4,-82\.3/);
    expect(wktMatchesEpsg(wkt.replace('TOWGS84[15.8,', 'TOWGS84[24,'), BEIJING54_GK114)).toBe(false);
    expect(wktMatchesEpsg(wkt.replace(/,TOWGS84\[[^\]]*\]/, ''), BEIJING54_GK114)).toBe(true);
  });

  it('a WKT that states no ellipsoid, or another prime meridian, does not match', () => {
    const noSpheroid = ESRI_CGCS2000_GK114.replace(/,SPHEROID\[[^\]]*\]/, '');
    expect(noSpheroid).not.toMatch(/SPHEROID/);
    expect(wktMatchesEpsg(noSpheroid, CGCS2000_GK114)).toBe(false);
    expect(wktMatchesEpsg(ESRI_CGCS2000_GK114.replace('PRIMEM["Greenwich",0.0]', 'PRIMEM["Paris",2.33722917]'), CGCS2000_GK114)).toBe(
      false,
    );
  });
});

describe("proj4's own reading of a code's definition", () => {
  it('takes the ellipsoid from proj4 tables or the +a/+rf given, and refuses one proj4 does not know', () => {
    expect(proj4Facts(lookupEpsg(BEIJING54_GK114)!.proj4!)).toMatchObject({
      a: 6378245,
      projName: 'tmerc',
      towgs84: [15.8, -154.4, -82.3, 0, 0, 0, 0],
    });
    expect(proj4Facts(lookupEpsg(XIAN80_GK114)!.proj4!)?.a).toBe(6378140);
    expect(proj4Facts('+proj=tmerc +lon_0=114 +a=6378140 +rf=298.257')?.a).toBe(6378140);
    // proj4 itself would quietly use WGS 84 for these.
    expect(proj4Facts('+proj=tmerc +lon_0=114 +ellps=nosuchellipsoid')).toBeUndefined();
    expect(proj4Facts('+proj=tmerc +lon_0=114 +datum=nosuchdatum')).toBeUndefined();
    expect(proj4Facts('+proj=tmerc +lon_0=114')).toBeUndefined();
    expect(proj4Facts('+proj=tmerc +lon_0=114 +datum=WGS84')?.towgs84).toEqual([0, 0, 0]);
  });
});
