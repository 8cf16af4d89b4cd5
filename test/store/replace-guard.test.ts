/**
 * A report or an export replaces only a file of its own kind, and only once it is whole: a slip of the hand in --out,
 * a Ctrl-C or a full disk never costs the analyst an earlier report, another project or a survey.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalProject } from '../../core/store/project';
import { seedProject } from '../../samples/synthetic-project';
import { SHARED_DATA } from '../helpers/data';

// A disk that fills up: writes to a matching path fail as the kernel says so.
const disk = vi.hoisted(() => ({ full: undefined as RegExp | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createWriteStream = ((path: string, ...rest: unknown[]) => {
    const stream = (fs.createWriteStream as (...a: unknown[]) => import('node:fs').WriteStream)(path, ...rest);
    if (disk.full?.test(String(path))) {
      stream._write = (_chunk, _encoding, done) =>
        done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    }
    return stream;
  }) as typeof fs.createWriteStream;
  return { ...fs, default: { ...fs, createWriteStream }, createWriteStream };
});

afterEach(() => {
  disk.full = undefined;
});

let dir: string;
let project: LocalProject;
let earlier: Buffer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'voxwatch-replace-'));
  seedProject(join(dir, 'p.voxwatch'), 1, 4);
  project = LocalProject.open(join(dir, 'p.voxwatch'), 'test');
  await project.exportReport(undefined, { lang: 'zh-CN', outPath: join(dir, 'r.pdf') });
  earlier = readFileSync(join(dir, 'r.pdf'));
});

const leftovers = () => readdirSync(dir).filter((f) => f.endsWith('.part'));

describe('an earlier report of the same name', () => {
  it('is kept whole when the new one is cancelled half-way', async () => {
    const controller = new AbortController();
    const run = project.exportReport(
      undefined,
      { lang: 'en', outPath: join(dir, 'r.pdf') },
      { signal: controller.signal, onProgress: (p) => p.done === 1 && controller.abort() },
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(readFileSync(join(dir, 'r.pdf')).equals(earlier)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('is kept whole when the disk fills up, and the refusal says so', async () => {
    disk.full = /r\.pdf/;
    await expect(project.exportReport(undefined, { lang: 'en', outPath: join(dir, 'r.pdf') })).rejects.toThrow(
      `${join(dir, 'r.pdf')}: cannot be written: the disk is full (nothing was replaced; free some space and export again)`,
    );
    expect(readFileSync(join(dir, 'r.pdf')).equals(earlier)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('is replaced by a whole new one', async () => {
    const r = await project.exportReport(undefined, { lang: 'en', outPath: join(dir, 'r.pdf') });
    const now = readFileSync(join(dir, 'r.pdf'));
    expect(now.equals(earlier)).toBe(false);
    expect(now.subarray(0, 5).toString()).toBe('%PDF-');
    expect(r.bytes).toBe(now.length);
    expect(leftovers()).toEqual([]);
  });
});

describe('a file of another kind under that name', () => {
  it('is never replaced by a report or an export', async () => {
    const las = join(dir, 'epoch-3.las');
    copyFileSync(join(SHARED_DATA, 'las-conformance/laszip/5points_14.las'), las);
    const other = join(dir, 'last-month.voxwatch');
    seedProject(other, 2, 2);
    const xlsx = join(dir, '台账 2025.xlsx');
    writeFileSync(xlsx, Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200, 7)]));
    const leads = join(dir, 'leads.csv');
    writeFileSync(leads, 'id,x,y,text\nL1,1,2,疑似加层\n');
    const zones = join(dir, 'zones.geojson');
    writeFileSync(zones, '{\n"type": "FeatureCollection",\n"features": []\n}\n');
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      [las, () => project.exportReport(undefined, { lang: 'en', outPath: las }), /is a LAS\/LAZ point cloud: .* with a PDF report/],
      [other, () => project.exportReport(undefined, { lang: 'en', outPath: other }), /is a VoxWatch project: .* with a PDF report/],
      [xlsx, () => project.exportReport(undefined, { lang: 'en', outPath: xlsx }), /is a ZIP file \(an Office document\?\)/],
      [las, () => project.exportChanges('csv', las), /is a LAS\/LAZ point cloud: .* with a CSV export/],
      [other, () => project.exportChanges('gpkg', other), /is a VoxWatch project: .* with a GeoPackage/],
      [
        leads,
        () => project.exportChanges('csv', leads),
        /is a text file VoxWatch did not write: .* with a CSV export; choose another name/,
      ],
      [zones, () => project.exportChanges('geojson', zones), /is a text file VoxWatch did not write/],
      [join(dir, 'r.pdf'), () => project.exportChanges('csv', join(dir, 'r.pdf')), /is a PDF: .* with a CSV export/],
    ];
    for (const [file, write, refusal] of cases) {
      const before = readFileSync(file);
      await expect(write(), file).rejects.toThrow(refusal);
      expect(readFileSync(file).equals(before), file).toBe(true);
    }
  });

  it('but an earlier export of the same kind is replaced', async () => {
    for (const format of ['csv', 'geojson', 'gpkg'] as const) {
      const out = join(dir, `changes.${format}`);
      expect((await project.exportChanges(format, out)).features).toBe(4);
      expect((await project.exportChanges(format, out)).features).toBe(4);
    }
    expect(leftovers()).toEqual([]);
  });
});
