/** `voxwatch project …` as a user runs it: the wiring from arguments to ProjectApi, and one-line errors. */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedProject } from '../../samples/synthetic-project';
import { runCli } from '../helpers/cli';
import { SHARED_DATA } from '../helpers/data';

const run = runCli;

describe('voxwatch project', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-cli-project-'));

  it('creates a project, adds real epochs, detects, and refuses mistakes in one line', async () => {
    const file = join(dir, 'autzen.voxwatch');
    expect((await run('project', 'init', file, '--name', 'Autzen')).code).toBe(0);
    const again = await run('project', 'init', file, '--name', 'Autzen');
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(
      `voxwatch: ${file}: a file already exists there; choose another name (projects are never overwritten)`,
    );
    const a = join(SHARED_DATA, 'autzen-bmx-2010-2023/autzen-bmx-2010.las');
    const b = join(SHARED_DATA, 'autzen-bmx-2010-2023/autzen-bmx-2023.las');
    const added = await run('project', 'add-epoch', file, '2010', a, '--date', '2010-06-01');
    expect(added.stdout).toMatch(/epoch 2010 \(2010-06-01\): 1 file\(s\)/);
    expect((await run('project', 'add-epoch', file, '2023', b, '--date', '2023-06-01')).code).toBe(0);
    const badDate = await run('project', 'add-epoch', file, 'x', b, '--date', '1/6/2023');
    expect(badDate.stderr.trim()).toMatch(/survey date "1\/6\/2023" is not yyyy-mm-dd$/);
    const unknown = await run('project', 'detect', file, '2010', '2031', '-q');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toMatch(/no epoch "2031" in this project \(it has 2010, 2023\)$/);
    const detected = await run('project', 'detect', file, '2010', '2023', '-q');
    expect(detected.code).toBe(0);
    expect(detected.stdout).toMatch(/^run 1: \d+ changes between 2010 and 2023/);
    const info = JSON.parse((await run('project', 'info', file, '--json')).stdout) as { runs: unknown[]; epochs: unknown[] };
    expect([info.epochs.length, info.runs.length]).toEqual([2, 1]);
  }, 180_000);

  it('reviews by id, lists with filters, and exports', async () => {
    const file = join(dir, 'seeded.voxwatch');
    seedProject(file, 2, 30);
    const reviewed = await run('project', 'review', file, 'C001', 'C002', '--verdict', 'false_positive', '--note', '车棚');
    expect(reviewed.stdout.trim()).toBe('2 change(s) marked false_positive');
    const bad = await run('project', 'review', file, 'C001', '--verdict', 'maybe');
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      'voxwatch: verdict "maybe" is not one of unreviewed, confirmed, false_positive, permitted, needs_site_visit',
    ]);
    const listed = JSON.parse((await run('project', 'changes', file, '--verdict', 'false_positive', '--json')).stdout) as {
      total: number;
      items: { id: string; note: string; runId: number }[];
    };
    expect(listed.total).toBe(2);
    expect(listed.items.map((c) => [c.id, c.note, c.runId])).toEqual([
      ['C001', '车棚', 2],
      ['C002', '车棚', 2],
    ]);
    const out = join(dir, 'seeded.csv');
    expect((await run('project', 'export', file, '--out', out)).stdout.trim()).toBe(`wrote 30 change(s) to ${out}`);
    // The format comes from the file's extension, not from a dot in a folder's name.
    const dotted = join(dir, '2025.03', 'changes');
    const noExtension = await run('project', 'export', file, '--out', dotted);
    expect(noExtension.stderr.trim()).toBe(`voxwatch: ${dotted} has no extension: name it .gpkg, .geojson or .csv, or give --format`);
    expect(noExtension.code).toBe(2);
  }, 180_000);

  it('says in one line that a damaged project is damaged, with the first problem SQLite found', async () => {
    const file = join(dir, 'damaged.voxwatch');
    seedProject(file, 1, 30);
    // A few bytes at the end of every third page: the pages' cells run off their ends.
    const fd = openSync(file, 'r+');
    for (let page = 3; page * 4096 < statSync(file).size; page += 3) writeSync(fd, Buffer.alloc(6, 0xab), 0, 6, page * 4096 + 4090);
    closeSync(fd);
    const r = await run('project', 'info', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^voxwatch: .*damaged\.voxwatch: the project file is damaged \(Tree \d+ page \d+ cell \d+: [^\n]*; \d+ more problem\(s\)\); restore it from a backup \(voxwatch project backup makes one\)\n$/,
    );
  });

  it('dates an epoch by when it was flown (the points’ GPS time), not when its file was written', async () => {
    const file = join(dir, 'ign.voxwatch');
    await run('project', 'init', file, '--name', 'IGN');
    // The 2021 survey's file was written in 2024 (its header), the 2022 one's in 2023.
    const laz = join(SHARED_DATA, 'ign-lidarhd-2021-vs-2022-patch/recipient_test.laz');
    const las = join(SHARED_DATA, 'ign-lidarhd-2021-vs-2022-patch/donor_test.las');
    expect((await run('project', 'add-epoch', file, 'a', laz)).stdout.trim()).toBe('epoch a (2021-06-15): 1 file(s), 9,580 points');
    expect((await run('project', 'add-epoch', file, 'b', las)).stdout.trim()).toBe('epoch b (2022-03-07): 1 file(s), 1,606 points');
  }, 120_000);

  it('lists zones by layer and removes a layer imported by mistake, re-tagging the changes', async () => {
    const file = join(dir, 'zones.voxwatch');
    seedProject(file, 1, 10);
    const layer = join(dir, '耕地.geojson');
    const ring = [
      [512000, 2493000],
      [530000, 2493000],
      [530000, 2510000],
      [512000, 2493000],
    ];
    writeFileSync(
      layer,
      JSON.stringify({
        type: 'FeatureCollection',
        crs: { type: 'name', properties: { name: 'EPSG:4547' } },
        features: [
          { type: 'Feature', properties: { name: '基本农田' }, geometry: { type: 'Polygon', coordinates: [ring] } },
          { type: 'Feature', properties: { name: '空' }, geometry: null },
        ],
      }),
    );
    const imported = await run('project', 'zones', 'import', file, layer, '--kind', 'protected', '--category', 'farmland');
    expect(imported.stdout.trim().split('\n')).toEqual([
      'imported 1 zone(s) into layer 耕地; changes re-tagged',
      `warning: 1 feature(s) of ${layer} have no geometry and were not imported`,
    ]);
    expect((await run('project', 'zones', 'list', file)).stdout).toMatch(/^\s+1\s+耕地\s+protected\s+farmland\s+基本农田$/m);
    const tagged = async () =>
      (JSON.parse((await run('project', 'changes', file, '--zone', 'farmland', '--json')).stdout) as { total: number }).total;
    expect(await tagged()).toBeGreaterThan(0);
    const unknown = await run('project', 'zones', 'remove', file, 'farmland');
    expect([unknown.code, unknown.stderr.trim()]).toEqual([
      1,
      `voxwatch: ${file}: no zone layer "farmland" in this project (it has: 耕地)`,
    ]);
    expect((await run('project', 'zones', 'remove', file, '耕地')).stdout.trim()).toBe('removed layer 耕地 (1 zone(s)); changes re-tagged');
    expect(await tagged()).toBe(0);
    expect((await run('project', 'zones', 'list', file)).stdout.trim()).toBe('');
  }, 180_000);

  it('imports a GBK leads CSV saying it read GB18030, and refuses an empty zone file and a due date that does not exist', async () => {
    const file = join(dir, 'imports.voxwatch');
    seedProject(file, 1, 10);
    // 群众举报 in GBK (printf 群众举报 | iconv -f utf-8 -t gbk | xxd -i), as Excel saves a CSV on a Chinese Windows.
    const gbk = Buffer.from([0xc8, 0xba, 0xd6, 0xda, 0xbe, 0xd9, 0xb1, 0xa8]);
    const leads = join(dir, 'leads-gbk.csv');
    writeFileSync(leads, Buffer.concat([Buffer.from('id,x,y,date,text\nG1,513100,2494100,2024-07-12,'), gbk, Buffer.from('\n')]));
    const imported = await run('project', 'leads', 'import', file, leads);
    expect([imported.code, imported.stdout.trim().split('\n')]).toEqual([
      0,
      ['imported 1 lead(s)', `note: ${leads} is not UTF-8; it was read as GB18030 (GBK) text`],
    ]);
    expect((await run('project', 'leads', 'list', file)).stdout).toContain('群众举报');
    const empty = join(dir, 'empty.geojson');
    writeFileSync(empty, JSON.stringify({ type: 'FeatureCollection', features: [] }));
    const zones = await run('project', 'zones', 'import', file, empty, '--kind', 'protected');
    expect([zones.code, zones.stderr.trim()]).toEqual([1, `voxwatch: ${empty}: holds no features: nothing was imported`]);
    await run('project', 'review', file, 'C001', 'C002', 'C003', 'C004', 'C005', '--verdict', 'confirmed');
    const due = await run('project', 'cases', file, '--case', '1', '--due', '2025-02-30');
    expect(due.code).toBe(1);
    expect(due.stderr.trim()).toMatch(/due date "2025-02-30" is not a day of the calendar written yyyy-mm-dd$/);
    expect((await run('project', 'cases', file, '--case', '1', '--due', '2025-02-28')).stdout).toMatch(/case 1 .* due 2025-02-28/);
  }, 120_000);

  it('refuses a file that is not a project, naming it', async () => {
    const file = join(dir, 'notes.voxwatch');
    writeFileSync(file, 'hello');
    const r = await run('project', 'changes', file);
    expect([r.code, r.stderr.trim()]).toEqual([1, `voxwatch: ${file}: not a VoxWatch project (not an SQLite database)`]);
  });

  it('writes the PDF report of a run, filtered, and refuses a bad filter in one line', async () => {
    const file = join(dir, 'report.voxwatch');
    seedProject(file, 1, 12);
    await run('project', 'review', file, 'C002', '--verdict', 'false_positive', '--note', '误报：树冠');
    const pdf = join(dir, 'report.pdf');
    const r = await run('report', file, '--lang', 'en', '--filter', 'verdict=false_positive', '--out', pdf);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.stdout).toMatch(/^wrote .*report\.pdf: run 1, 1 change\(s\), \d+ pages/);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('C002');
    expect(text).not.toMatch(/\bC003\b/);
    expect(text).toContain('误报：树冠');
    expect(text).toContain('verdict: False positive');
    // In Chinese, the filter line speaks the bureau's terms too.
    expect((await run('report', file, '--lang', 'zh-CN', '--filter', 'verdict=false_positive', '--out', pdf)).code).toBe(0);
    expect(execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' })).toContain('审核结论：误报');
    const bad = await run('report', file, '--filter', 'colour=red', '--out', pdf);
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      'voxwatch: --filter: unknown key "colour" (keys: type, verdict, zone, sub-district, min-volume)',
    ]);
  }, 180_000);
});
