/**
 * A zone or lead import that refuses a feature names it as the user's GIS does: a GeoPackage row
 * by its fid (checked against what ogrinfo shows for that fid), a GeoJSON feature by its id and
 * its place in the file, counting the features without geometry that come before it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGeoPackage } from '../../core/io/gpkg/geopackage';
import { ordinal } from '../../core/io/ordinal';
import { LocalProject } from '../../core/store/project';

const dir = mkdtempSync(join(tmpdir(), 'voxwatch-zone-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const square = (x: number, y: number): [number, number][][] => [
  [
    [x, y],
    [x + 50, y],
    [x + 50, y + 50],
    [x, y + 50],
    [x, y],
  ],
];
// Three distinct points on one line: a ring that encloses nothing.
const flat: [number, number][][] = [
  [
    [513000, 2494000],
    [513010, 2494000],
    [513020, 2494000],
    [513000, 2494000],
  ],
];
const project = (name: string) => LocalProject.create(join(dir, `${name}.voxwatch`), { name, district: '罗湖区' }, 'test');

describe('zone import errors name the feature as the file does', () => {
  it('GeoJSON: the place in the file counts the features without geometry before it', async () => {
    const file = join(dir, 'protected.geojson');
    const feature = (geometry: unknown, name: string, id?: unknown) => ({
      type: 'Feature',
      ...(id === undefined ? {} : { id }),
      properties: { name },
      geometry,
    });
    writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          feature(null, 'not drawn yet'),
          feature({ type: 'Polygon', coordinates: square(513000, 2494000) }, 'farmland A'),
          feature(null, 'not drawn yet either'),
          feature({ type: 'Polygon', coordinates: flat }, 'farmland B'),
        ],
      }),
    );
    const p = project('geojson');
    // Among the features with geometry it is the 2nd; in the file, as QGIS lists it, the 4th.
    await expect(p.importZones(file, { kind: 'protected' })).rejects.toThrow(
      'protected.geojson: the 4th feature: a ring whose points lie on one line encloses no area',
    );
    const withIds = join(dir, 'permits.geojson');
    writeFileSync(
      withIds,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          feature(null, '', 'P-1'),
          { ...feature({ type: 'Polygon', coordinates: square(513000, 2494000) }, ''), id: 'P-2', properties: {} },
        ],
      }),
    );
    await expect(p.importZones(withIds, { kind: 'permit' })).rejects.toThrow(
      'permits.geojson: the feature with id "P-2" (the 2nd) has no name (looked in name, NAME, 名称); pass --name-field',
    );
    await p.close();
  });

  it('GeoPackage: by fid, the number ogrinfo and QGIS show, not the place among rows with geometry', async () => {
    const file = join(dir, 'permits.gpkg');
    writeGeoPackage(file, [
      {
        name: 'permits',
        epsg: 4547,
        geometryType: 'POLYGON',
        fields: [
          { name: 'name', type: 'TEXT' },
          { name: 'valid_to', type: 'TEXT' },
        ],
        features: [
          { geometry: { type: 'Polygon', coordinates: square(513000, 2494000) }, properties: { name: '临建 1', valid_to: '2024-06-30' } },
        ],
      },
    ]);
    const db = new Database(file);
    db.exec(`INSERT INTO permits (geom, name) VALUES (NULL, '未绘制'), (NULL, '未绘制');`);
    db.prepare('INSERT INTO permits (fid, geom, name, valid_to) SELECT 7, geom, ?, ? FROM permits WHERE fid = 1').run(
      '临建 2',
      '2024-13-45',
    );
    db.close();
    const p = project('gpkg');
    await expect(p.importZones(file, { kind: 'permit' })).rejects.toThrow(
      'permits.gpkg: the feature with fid 7 in table permits: valid_to "2024-13-45" is not a date (write it as 2024-06-30)',
    );
    await p.close();
    // GDAL shows that very row under fid 7.
    const shown = execFileSync('ogrinfo', ['-ro', '-q', file, 'permits', '-fid', '7'], { encoding: 'utf8' });
    expect(shown).toMatch(/OGRFeature\(permits\):7/);
    expect(shown).toMatch(/valid_to \(String\) = 2024-13-45/);
  });

  it('leads too: a GeoPackage lead that is no point is named by its fid', async () => {
    const file = join(dir, 'leads.gpkg');
    writeGeoPackage(file, [
      {
        name: 'leads',
        epsg: 4547,
        geometryType: 'POLYGON',
        fields: [{ name: 'text', type: 'TEXT' }],
        features: [{ geometry: { type: 'Polygon', coordinates: square(513000, 2494000) }, properties: { text: '屋顶加建' } }],
      },
    ]);
    const db = new Database(file);
    db.exec('UPDATE leads SET fid = 12');
    db.close();
    const p = project('leads');
    await expect(p.importLeads(file)).rejects.toThrow(
      'leads.gpkg: the feature with fid 12 in table leads is not a point; leads are places',
    );
    await p.close();
  });

  it('counts from 1 in words that cannot be misread', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111, 112].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '101st',
      '111th',
      '112th',
    ]);
  });
});
