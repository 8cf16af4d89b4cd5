/**
 * Exports carry verdicts and case status, and the GeoPackage is one GDAL/QGIS opens: checked
 * with Debian's ogrinfo, and read back by our own reader (also used to import zone layers).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readGeoPackage, writeGeoPackage } from '../../core/io/gpkg/geopackage';
import { decodeWkb, encodeWkb } from '../../core/io/gpkg/wkb';
import { LocalProject } from '../../core/store/project';
import { seedProject } from '../../samples/synthetic-project';

const dir = mkdtempSync(join(tmpdir(), 'voxwatch-export-'));

async function reviewedProject() {
  const path = join(dir, `p-${Math.random().toString(36).slice(2)}.voxwatch`);
  seedProject(path, 1, 40);
  const p = LocalProject.open(path, 'test');
  // The synthetic project has no CRS yet: give it the one the sample district uses.
  const { items } = await p.listChanges();
  await p.setVerdict([items[0].key], 'false_positive', { note: '树冠，误报, "quoted"' });
  const added = items.find((c) => c.volume_m3 > 0)!;
  await p.setVerdict([added.key], 'confirmed');
  return { p, items, added };
}

describe('exports', () => {
  it('writes a GeoPackage that ogrinfo opens, with verdicts and case status', async () => {
    const { p, items, added } = await reviewedProject();
    const out = join(dir, 'changes.gpkg');
    expect((await p.exportChanges('gpkg', out)).features).toBe(items.length);
    const info = execFileSync('ogrinfo', ['-ro', '-al', '-so', out], { encoding: 'utf8' });
    expect(info).toContain('Layer name: changes');
    expect(info).toContain('Geometry: Multi Polygon');
    expect(info).toContain(`Feature Count: ${items.length}`);
    expect(info).toMatch(/verdict: String/);
    expect(info).toMatch(/volume_m3: Real/);
    const rows = execFileSync(
      'ogrinfo',
      ['-ro', out, '-sql', `SELECT change_id, verdict, case_status, note FROM changes WHERE key = ${items[0].key} OR key = ${added.key}`],
      { encoding: 'utf8' },
    );
    expect(rows).toContain('verdict (String) = false_positive');
    expect(rows).toContain('树冠，误报, "quoted"');
    expect(rows).toContain('case_status (String) = open');
    // Our reader gets the same features back.
    const [layer] = readGeoPackage(out);
    expect(layer.features).toHaveLength(items.length);
    expect(layer.features[0].geometry.type).toBe('MultiPolygon');
    await p.close();
  });

  it('declares the CRS in a GeoPackage so GIS places it', () => {
    const out = join(dir, 'crs.gpkg');
    writeGeoPackage(out, [
      {
        name: 'zones',
        epsg: 4547,
        geometryType: 'POLYGON',
        fields: [{ name: 'name', type: 'TEXT' }],
        features: [
          {
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [513200, 2494300],
                  [513250, 2494300],
                  [513250, 2494350],
                  [513200, 2494300],
                ],
              ],
            },
            properties: { name: '耕地保护区' },
          },
        ],
      },
    ]);
    const info = execFileSync('ogrinfo', ['-ro', '-al', '-so', out], { encoding: 'utf8' });
    expect(info).toMatch(/CGCS2000 \/ 3-degree Gauss-Kruger CM 114E/);
    expect(info).toMatch(/ID\["EPSG",4547\]|AUTHORITY\["EPSG","4547"\]/);
    expect(info).toContain('Extent: (513200.000000, 2494300.000000) - (513250.000000, 2494350.000000)');
  });

  it('writes GeoJSON and CSV carrying the verdicts', async () => {
    const { p, items } = await reviewedProject();
    const gj = join(dir, 'c.geojson');
    await p.exportChanges('geojson', gj);
    const doc = JSON.parse(readFileSync(gj, 'utf8')) as { features: { properties: Record<string, unknown> }[] };
    expect(doc.features).toHaveLength(items.length);
    expect(doc.features.find((f) => f.properties.key === items[0].key)!.properties).toMatchObject({ verdict: 'false_positive' });
    const csv = join(dir, 'c.csv');
    await p.exportChanges('csv', csv);
    const text = readFileSync(csv, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('"树冠，误报, ""quoted"""');
    expect(text.trim().split('\r\n')).toHaveLength(items.length + 1);
    await p.close();
  });

  it('refuses to export to a folder that does not exist, naming it', async () => {
    const { p } = await reviewedProject();
    await expect(p.exportChanges('gpkg', join(dir, 'missing', 'x.gpkg'))).rejects.toThrow(/missing\/x\.gpkg: cannot write/);
    await expect(p.exportChanges('csv', join(dir, 'missing', 'x.csv'))).rejects.toThrow(/missing\/x\.csv: cannot write/);
    await p.close();
  });

  it('round-trips WKB, and reads Z geometries other tools write', () => {
    const mp = {
      type: 'MultiPolygon' as const,
      coordinates: [
        [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
        [
          [
            [5, 5],
            [6, 5],
            [6, 6],
            [5, 5],
          ],
        ],
      ] as [number, number][][][],
    };
    expect(decodeWkb(encodeWkb(mp))).toEqual(mp);
    // A POINT Z in ISO WKB (type 1001), as GDAL writes 3D points.
    const b = Buffer.alloc(29);
    b.writeUInt8(1, 0);
    b.writeUInt32LE(1001, 1);
    [513000.5, 2494000.25, 12].forEach((v, i) => b.writeDoubleLE(v, 5 + 8 * i));
    expect(decodeWkb(b)).toEqual({ type: 'Point', coordinates: [513000.5, 2494000.25] });
  });

  it('imports zones from a GeoPackage and refuses points as zones', async () => {
    const { p } = await reviewedProject();
    const gpkg = join(dir, 'farmland.gpkg');
    writeGeoPackage(gpkg, [
      {
        name: 'farmland',
        epsg: null,
        geometryType: 'POLYGON',
        fields: [{ name: '名称', type: 'TEXT' }],
        features: [
          {
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [513000, 2494000],
                  [522000, 2494000],
                  [522000, 2503000],
                  [513000, 2494000],
                ],
              ],
            },
            properties: { 名称: '永久基本农田 1' },
          },
        ],
      },
    ]);
    expect(await p.importZones(gpkg, { kind: 'protected', category: 'farmland' })).toEqual({
      imported: 1,
      layer: 'farmland',
      replaced: 0,
      withoutGeometry: 0,
    });
    // Imported again, the layer replaces itself: no change is tagged twice.
    expect(await p.importZones(gpkg, { kind: 'protected', category: 'farmland' })).toEqual({
      imported: 1,
      layer: 'farmland',
      replaced: 1,
      withoutGeometry: 0,
    });
    expect((await p.listZones()).filter((z) => z.layer === 'farmland')).toHaveLength(1);
    const tagged = await p.listChanges({ zone: 'farmland' });
    expect(tagged.total).toBeGreaterThan(0);
    expect(tagged.items.every((c) => c.zones.some((z) => z.name === '永久基本农田 1'))).toBe(true);
    const points = join(dir, 'points.geojson');
    writeFileSync(
      points,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { name: 'x' }, geometry: { type: 'Point', coordinates: [513100, 2494100] } }],
      }),
    );
    await expect(p.importZones(points, { kind: 'protected' })).rejects.toThrow(/points.geojson: the 1st feature is not a polygon/);
    await p.close();
  });

  it('imports a GeoPackage of several tables one table at a time, by its EPSG code, and counts features without geometry', async () => {
    const { p } = await reviewedProject();
    const gpkg = join(dir, 'zones-multi.gpkg');
    const table = (name: string, label: string) => ({
      name,
      epsg: 4547,
      geometryType: 'POLYGON' as const,
      fields: [{ name: 'name', type: 'TEXT' as const }],
      features: [
        {
          geometry: {
            type: 'Polygon' as const,
            coordinates: [
              [
                [513000, 2494000],
                [522000, 2494000],
                [522000, 2503000],
                [513000, 2494000],
              ] as [number, number][],
            ],
          },
          properties: { name: label },
        },
      ],
    });
    writeGeoPackage(gpkg, [table('farmland', '基本农田'), table('eco_line', '生态控制线')]);
    // The spatial reference's own key need not be its EPSG code (GDAL numbers custom ones from 100000),
    // and a row may hold no geometry at all.
    const db = new Database(gpkg);
    db.pragma('foreign_keys = OFF');
    db.exec(`UPDATE gpkg_spatial_ref_sys SET srs_id = 100001 WHERE srs_id = 4547;
      UPDATE gpkg_contents SET srs_id = 100001; UPDATE gpkg_geometry_columns SET srs_id = 100001;
      INSERT INTO farmland (geom, name) VALUES (NULL, '无图形');`);
    db.close();
    await expect(p.importZones(gpkg, { kind: 'protected' })).rejects.toThrow(
      'zones-multi.gpkg: holds 2 feature tables (farmland, eco_line): import them one at a time with --table NAME, each with its --kind',
    );
    await expect(p.importZones(gpkg, { kind: 'protected', table: 'roads' })).rejects.toThrow(
      'zones-multi.gpkg: has no feature table "roads" (it has: farmland, eco_line)',
    );
    expect(await p.importZones(gpkg, { kind: 'protected', category: 'farmland', table: 'farmland' })).toEqual({
      imported: 1,
      layer: 'zones-multi:farmland',
      replaced: 0,
      withoutGeometry: 1,
    });
    await p.importZones(gpkg, { kind: 'protected', category: 'ecological_control_line', table: 'eco_line' });
    const zones = (await p.listZones()).filter((z) => z.layer.startsWith('zones-multi:'));
    expect(zones.map((z) => [z.layer, z.category, z.name])).toEqual([
      ['zones-multi:farmland', 'farmland', '基本农田'],
      ['zones-multi:eco_line', 'ecological_control_line', '生态控制线'],
    ]);
    // A ring that encloses nothing is refused, naming the feature.
    const sliver = join(dir, 'sliver.geojson');
    writeFileSync(
      sliver,
      JSON.stringify({
        type: 'FeatureCollection',
        crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4547' } },
        features: [
          {
            type: 'Feature',
            properties: { name: 'x' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [513000, 2494000],
                  [513100, 2494000],
                  [513000, 2494000],
                ],
              ],
            },
          },
        ],
      }),
    );
    await expect(p.importZones(sliver, { kind: 'protected' })).rejects.toThrow(
      'sliver.geojson: the 1st feature: a ring of 2 distinct point(s) encloses no area',
    );
    // Three distinct points on one line enclose nothing either.
    const line = sliver.replace('sliver', 'line');
    const doc = JSON.parse(readFileSync(sliver, 'utf8')) as { features: { geometry: { coordinates: number[][][] } }[] };
    doc.features[0].geometry.coordinates[0].splice(2, 0, [513200, 2494000]);
    writeFileSync(line, JSON.stringify(doc));
    await expect(p.importZones(line, { kind: 'protected' })).rejects.toThrow(
      'line.geojson: the 1st feature: a ring whose points lie on one line encloses no area',
    );
    // A lead with no place would be answered nowhere.
    const nowhere = join(dir, 'leads-nowhere.geojson');
    writeFileSync(
      nowhere,
      JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'N1' }, geometry: null }] }),
    );
    await expect(p.importLeads(nowhere)).rejects.toThrow(
      'leads-nowhere.geojson: 1 feature(s) have no geometry; every lead needs its place',
    );
    await p.close();
  });

  it('refuses what would silently match nothing or come out wrong: lon/lat layers and leads, bad permit dates, blank coordinates', async () => {
    const { p } = await reviewedProject();
    const write = (name: string, content: unknown) => {
      const file = join(dir, name);
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      return file;
    };
    const square = (x: number, y: number, d: number) => [
      [
        [x, y],
        [x + d, y],
        [x + d, y + d],
        [x, y + d],
        [x, y],
      ],
    ];
    const layer = (properties: Record<string, unknown>, coordinates: number[][][]) => ({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties, geometry: { type: 'Polygon', coordinates } }],
    });
    // A GeoJSON with no crs member is WGS84 (RFC 7946): read as metres it would tag nothing.
    const lonLat = write('farm-wgs84.geojson', layer({ name: '耕地' }, square(114.1, 22.54, 0.01)));
    await expect(p.importZones(lonLat, { kind: 'protected', category: 'farmland' })).rejects.toThrow(
      /farm-wgs84.geojson: its coordinates look like longitude\/latitude \(WGS84\)/,
    );
    const leads = write('leads-wgs84.geojson', {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { id: 'M1' }, geometry: { type: 'Point', coordinates: [114.12, 22.55] } }],
    });
    await expect(p.importLeads(leads)).rejects.toThrow(/leads-wgs84.geojson: its coordinates look like longitude\/latitude/);
    const twice = write('leads-twice.csv', 'id,x,y,date,text\nM3,513100,2494100,2024/7/12,举报\nM3,513200,2494200,2024-07-13,又一条\n');
    await expect(p.importLeads(twice)).rejects.toThrow('leads-twice.csv: lead M3 is listed twice');
    const once = write('leads-once.csv', 'id,x,y,date,text\nM4,513100,2494100,2024/7/12,举报\n');
    await p.importLeads(once);
    await p.importLeads(once);
    expect((await p.listLeads()).filter((l) => l.code === 'M4')).toMatchObject([{ code: 'M4', reportedOn: '2024-07-12' }]);
    const blank = write('leads-blank.csv', 'id,x,y,date,text\nM2,,2494100,2024-07-12,举报\n');
    await expect(p.importLeads(blank)).rejects.toThrow(/leads-blank.csv: row 2: the coordinates are not numbers/);
    // A permit's expiry as Chinese offices write it counts; one that is no date is refused.
    const permit = (valid_to: unknown) => layer({ name: '临建', valid_from: '2023-01-01', valid_to }, square(513000, 2494000, 2000));
    await expect(p.importZones(write('permit-bad.geojson', permit('2024-13-45')), { kind: 'permit' })).rejects.toThrow(
      'permit-bad.geojson: the 1st feature: valid_to "2024-13-45" is not a date (write it as 2024-06-30)',
    );
    expect((await p.importZones(write('permit-zh.geojson', permit('2024年6月30日')), { kind: 'permit' })).imported).toBe(1);
    // Administrative units without a category would never set a change's sub-district.
    const streets = write('streets.geojson', layer({ name: '东门街道' }, square(513000, 2494000, 500)));
    await expect(p.importZones(streets, { kind: 'admin' })).rejects.toThrow(
      'streets.geojson: the 1st feature: administrative zones are sub-districts (街道) or communities (社区): pass --category sub_district or community, not "admin"',
    );
    await p.close();
  });

  it('never exports over the project itself, names a run that does not exist, and keeps formulas out of the CSV', async () => {
    const { p, items } = await reviewedProject();
    await expect(p.exportChanges('csv', p.path)).rejects.toThrow(/is the project file itself/);
    expect((await p.listChanges()).total).toBe(items.length);
    await expect(p.listChanges({ runId: 99 })).rejects.toThrow(/no run 99 in this project/);
    await expect(p.listChanges({ sort: 'constructor' as never })).rejects.toThrow(/unknown sort "constructor"/);
    await p.setVerdict([items[1].key], 'confirmed', { note: '=HYPERLINK("http://x","点我")' });
    const out = join(dir, 'formula.csv');
    await p.exportChanges('csv', out);
    expect(readFileSync(out, 'utf8')).toContain(`"'=HYPERLINK(""http://x"",""点我"")"`);
    await p.close();
  });

  it('writes the PDF report through the API, with a viewer snapshot, and audits it', async () => {
    const { p, items } = await reviewedProject();
    const snapshot = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } })
      .png()
      .toBuffer();
    const out = join(dir, 'api-report.pdf');
    const r = await p.exportReport(undefined, { lang: 'zh-CN', outPath: out, snapshots: { [items[0].id]: snapshot.toString('base64') } });
    expect(r).toMatchObject({ path: out, runId: 1, changes: items.length });
    expect(execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' })).toContain(items[0].id);
    // The snapshot is embedded: poppler lists an image of exactly its size.
    expect(execFileSync('pdfimages', ['-list', out], { encoding: 'utf8' })).toMatch(/\s64\s+48\s+rgb/);
    expect((await p.auditLog(10)).find((a) => a.action === 'report')).toMatchObject({ target: out });
    await p.close();
  });
});
