/**
 * Lead and zone imports as analysts' files really come: a leads CSV saved by Excel on a Chinese
 * Windows (GBK bytes, not UTF-8), a lead date that is no day of the calendar, an export that came
 * out empty, and a case due date that does not exist. Each is read right or refused, never stored wrong.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalProject } from '../../core/store/project';
import { seedProject } from '../../samples/synthetic-project';

const dir = mkdtempSync(join(tmpdir(), 'voxwatch-lead-imports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const project = (name: string) => LocalProject.create(join(dir, `${name}.voxwatch`), { name, district: '罗湖区' }, 'test');
const write = (name: string, content: string | Buffer) => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
};
/** 群众举报 in GBK, as `printf 群众举报 | iconv -f utf-8 -t gbk | xxd -i` gives it. */
const GBK_QUNZHONG_JUBAO = Buffer.from([0xc8, 0xba, 0xd6, 0xda, 0xbe, 0xd9, 0xb1, 0xa8]);
/** 耕地 in GBK (iconv as above). */
const GBK_GENGDI = Buffer.from([0xb8, 0xfb, 0xb5, 0xd8]);
const square = (x: number, y: number) => [
  [
    [x, y],
    [x + 50, y],
    [x + 50, y + 50],
    [x, y + 50],
    [x, y],
  ],
];

describe('leads CSV encodings', () => {
  it('reads a GBK leads CSV (Excel on a Chinese Windows) as GB18030 and says so; UTF-8 with a BOM stays UTF-8', async () => {
    const p = project('gbk');
    const gbk = write(
      'leads-gbk.csv',
      Buffer.concat([Buffer.from('id,x,y,date,text\nG1,513100,2494100,2024-07-12,'), GBK_QUNZHONG_JUBAO, Buffer.from('\n')]),
    );
    expect(await p.importLeads(gbk)).toEqual({ imported: 1, encoding: 'gb18030' });
    const bom = write('leads-bom.csv', '\uFEFFid,x,y,date,text\nU1,513200,2494200,2024-07-13,违法加建\n');
    expect(await p.importLeads(bom)).toEqual({ imported: 1, encoding: 'utf-8' });
    expect((await p.listLeads()).map((l) => [l.code, l.text])).toEqual([
      ['G1', '群众举报'],
      ['U1', '违法加建'],
    ]);
    await p.close();
  });

  it('refuses, naming the file, bytes that are neither UTF-8 nor GB18030, and a GeoJSON that is not UTF-8', async () => {
    const p = project('neither');
    // 0xFF is no byte of either encoding.
    const bad = write('leads-bad.csv', Buffer.concat([Buffer.from('id,x,y,text\nB1,513100,2494100,'), Buffer.from([0xff, 0xfe, 0x41])]));
    await expect(p.importLeads(bad)).rejects.toThrow(
      `${bad}: is neither UTF-8 nor GB18030 (GBK) text: nothing was imported; save it as CSV UTF-8`,
    );
    const zones = write(
      'farm-gbk.geojson',
      Buffer.concat([
        Buffer.from('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"'),
        GBK_GENGDI,
        Buffer.from(`"},"geometry":{"type":"Polygon","coordinates":${JSON.stringify(square(513000, 2494000))}}}]}`),
      ]),
    );
    await expect(p.importZones(zones, { kind: 'protected', category: 'farmland' })).rejects.toThrow(
      `${zones}: is not UTF-8 text (it reads as GB18030/GBK): nothing was imported`,
    );
    expect(await p.listZones()).toEqual([]);
    expect(await p.listLeads()).toEqual([]);
    await p.close();
  });
});

describe('lead dates', () => {
  it('refuses a date that is no day of the calendar by its row, keeping the lead as it was; the forms accepted before still are', async () => {
    const p = project('dates');
    await p.importLeads(
      write('leads-good.csv', 'id,x,y,date,text\nD1,513100,2494100,2024/06/30,举报\nD2,513200,2494200,2024-06-30,举报\n'),
    );
    const bad = write('leads-bad-date.csv', 'id,x,y,date,text\nD2,513200,2494200,2024-06-30,举报\nD1,513100,2494100,2024/13/45,举报\n');
    await expect(p.importLeads(bad)).rejects.toThrow(`${bad}: row 3: date "2024/13/45" is not a date (write it as 2024-06-30)`);
    const feb = write('leads-feb.csv', 'id,x,y,date,text\nD1,513100,2494100,2025-02-30,举报\n');
    await expect(p.importLeads(feb)).rejects.toThrow(`${feb}: row 2: date "2025-02-30" is not a date`);
    expect((await p.listLeads()).map((l) => [l.code, l.reportedOn])).toEqual([
      ['D1', '2024-06-30'],
      ['D2', '2024-06-30'],
    ]);
    const points = write(
      'leads-bad-date.geojson',
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            id: 'D1',
            properties: { id: 'D1', date: '2024-02-30' },
            geometry: { type: 'Point', coordinates: [513100, 2494100] },
          },
        ],
      }),
    );
    await expect(p.importLeads(points)).rejects.toThrow(`${points}: the feature with id "D1" (the 1st): date "2024-02-30" is not a date`);
    await p.close();
  });
});

describe('empty imports', () => {
  it('refuses an empty zone file, keeping the layer of its name', async () => {
    const p = project('empty-zones');
    const layer = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
    const farm = write(
      'farm.geojson',
      layer([{ type: 'Feature', properties: { name: '基本农田' }, geometry: { type: 'Polygon', coordinates: square(513000, 2494000) } }]),
    );
    await p.importZones(farm, { kind: 'protected', category: 'farmland' });
    writeFileSync(farm, layer([]));
    await expect(p.importZones(farm, { kind: 'protected', category: 'farmland' })).rejects.toThrow(
      `${farm}: holds no features: nothing was imported, the layer farm is kept`,
    );
    writeFileSync(farm, layer([{ type: 'Feature', properties: { name: '空' }, geometry: null }]));
    await expect(p.importZones(farm, { kind: 'protected', category: 'farmland' })).rejects.toThrow(
      `${farm}: holds no features with geometry (1 without): nothing was imported, the layer farm is kept`,
    );
    expect((await p.listZones()).map((z) => [z.layer, z.name])).toEqual([['farm', '基本农田']]);
    const fresh = write('water.geojson', layer([]));
    await expect(p.importZones(fresh, { kind: 'protected' })).rejects.toThrow(`${fresh}: holds no features: nothing was imported`);
    await p.close();
  });

  it('refuses a leads CSV with no rows (header only, or no bytes) and a leads GeoJSON with no features', async () => {
    const p = project('empty-leads');
    for (const content of ['id,x,y,date,text\n', '']) {
      const file = write('leads-empty.csv', content);
      await expect(p.importLeads(file)).rejects.toThrow(`${file}: holds no rows: nothing was imported`);
    }
    const points = write('leads-empty.geojson', JSON.stringify({ type: 'FeatureCollection', features: [] }));
    await expect(p.importLeads(points)).rejects.toThrow(`${points}: holds no features: nothing was imported`);
    expect(await p.listLeads()).toEqual([]);
    await p.close();
  });
});

describe('case due dates', () => {
  it('refuses a due date that is no day of the calendar, as set-date does a survey date', async () => {
    const path = join(dir, 'cases.voxwatch');
    seedProject(path, 1, 5);
    const p = LocalProject.open(path, 'test');
    // A case opens on a confirmed structure that was built (or raised).
    const first = (await p.listChanges({})).items.find((c) => c.volume_m3 > 0)!;
    await p.setVerdict([first.key], 'confirmed');
    const [c] = await p.listCases();
    await expect(p.updateCase(c.id, { dueDate: '2025-02-30' })).rejects.toThrow(
      'due date "2025-02-30" is not a day of the calendar written yyyy-mm-dd',
    );
    await expect(p.updateCase(c.id, { dueDate: '2025-13-01' })).rejects.toThrow(/is not a day of the calendar/);
    expect((await p.updateCase(c.id, { dueDate: '2024-02-29' })).dueDate).toBe('2024-02-29');
    expect((await p.listCases())[0].dueDate).toBe('2024-02-29');
    await p.close();
  });
});
