/**
 * The `voxwatch` command as a user runs it (through bin/voxwatch.mjs, as `npx voxwatch` does):
 * facts on real files, one clear line and a non-zero exit for bad input, never a stack trace.
 */

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { SHARED_DATA } from '../helpers/data';

const run = runCli;

describe('voxwatch info', () => {
  it('describes a real UAV LAZ file', async () => {
    const file = join(SHARED_DATA, 'red-rocks-uav-photogrammetry/lidar_medium_subset_las1pt2_utmzone13N_compressed.laz');
    const r = await run('info', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('LAZ 1.2, point format 3');
    expect(r.stdout).toContain('663,500');
    expect(r.stdout).toContain('EPSG:26913 NAD83 / UTM zone 13N');
    expect(r.stdout).toMatch(/RGB\s+yes/);
  });

  it('says when heights are in another unit than the grid (feet on a metre grid)', async () => {
    const r = await run('info', join(SHARED_DATA, 'autzen-bmx-2010-2023/autzen-bmx-2023.las'));
    expect(r.stdout).toMatch(/CRS\s+EPSG:2991 NAD83 \/ Oregon LCC \(m\) \+ vertical EPSG:6360 \[metre, heights in US survey foot\]/);
  });

  it('prints JSON with --json, with bounds from the points', async () => {
    const file = join(SHARED_DATA, 'autzen-bmx-2010-2023/autzen-bmx-2023.las');
    const r = await run('info', '--json', file);
    expect(r.code).toBe(0);
    const facts = JSON.parse(r.stdout);
    expect(facts).toMatchObject({ format: 'LAS', version: '1.4', pointFormat: 7, pointCount: 687, hasRgb: true });
    expect(facts.crs.epsg).toBe(2991);
    expect(facts.crs.verticalUnit).toBe('US survey foot');
    expect(facts.bounds.minX).toBeCloseTo(194472.8, 2);
    expect(facts.bounds.maxZ).toBeCloseTo(439.11, 2);
    expect(facts.classes).toEqual({ 2: 687 });
    expect(facts.gpsTime.minDate).toBe('2023-07-22');
  });

  it('describes a folder file by file, as detect reads it as an epoch', async () => {
    const folder = join(SHARED_DATA, 'ign-lidarhd-2021-vs-2022-patch');
    const r = await run('info', '--json', folder);
    expect(r.code).toBe(0);
    const facts = JSON.parse(r.stdout) as { file: string; pointCount: number }[];
    expect(facts.map((f) => [f.file, f.pointCount])).toEqual([
      [join(folder, 'donor_test.las'), 1606],
      [join(folder, 'recipient_test.laz'), 9580],
    ]);
    // A folder holding no source says so in one line (exit 2, a usage error), not "is a directory".
    const empty = mkdtempSync(join(tmpdir(), 'voxwatch-cli-empty-'));
    const none = await run('info', empty);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toMatch(new RegExp(`^voxwatch: ${empty}: folder holds no epoch files \\(\\.las, \\.laz, `));
  });

  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-cli-'));
  const bad: [string, string | Uint8Array, RegExp][] = [
    ['empty.las', new Uint8Array(0), /empty\.las: empty file \(0 bytes\)/],
    ['text.las', 'hello, this is not a point cloud', /text\.las: not a LAS\/LAZ file \(signature "hell", expected "LASF"\)/],
    ['short.las', new Uint8Array([0x4c, 0x41, 0x53, 0x46, 1, 2, 3]), /short\.las: truncated header \(7 bytes/],
  ];
  for (const [name, content, message] of bad) {
    it(`refuses ${name} in one line, exit 1`, async () => {
      writeFileSync(join(dir, name), content);
      const r = await run('info', join(dir, name));
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    });
  }

  it('refuses a missing file and a truncated LAZ by name', async () => {
    const laz = join(SHARED_DATA, 'las-conformance/lazperf/1815.laz');
    const { readFileSync } = await import('node:fs');
    const cut = join(dir, 'cut.laz');
    const bytes = readFileSync(laz);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = await run('info', join(dir, 'missing.las'), cut);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'missing.las')}: file not found`);
    expect(r.stderr).toMatch(/cut\.laz: truncated or corrupt: the LAZ chunk table offset \d+ lies outside the file/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe('voxwatch detect', () => {
  it('refuses a bad option value in one line, exit 2', async () => {
    const f = join(SHARED_DATA, 'autzen-bmx-2010-2023/autzen-bmx-2010.las');
    const r = await run('detect', f, f, '--out', join(tmpdir(), 'voxwatch-x'), '--voxel', 'big');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('voxwatch: --voxel expects a number, got "big"');
    const refusals: [string[], string][] = [
      [['--min-height', '-3'], '--min-height must be above 0, got -3'],
      [['--voxel', '300'], '--voxel must be from 0.05 to 10, got 300'],
      [['--fresh'], '--fresh starts a --work folder afresh: give --work DIR too'],
    ];
    for (const [args, message] of refusals) {
      const bad = await run('detect', f, f, '--out', join(tmpdir(), 'voxwatch-x'), ...args);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr.trim()).toBe(`voxwatch: ${message}`);
    }
  });

  it('checks the output folder before detecting: a file in the way is one line, exit 2', async () => {
    const f = join(SHARED_DATA, 'autzen-bmx-2010-2023/autzen-bmx-2010.las');
    const blocker = join(mkdtempSync(join(tmpdir(), 'voxwatch-out-')), 'taken');
    writeFileSync(blocker, 'not a folder');
    const r = await run('detect', f, f, '--out', blocker);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`voxwatch: --out ${blocker}: cannot use it as the output folder (a file is in the way)`);
  });

  it('tries the output folder for real before detecting, and never hangs on one it cannot make', async () => {
    const f = join(SHARED_DATA, 'autzen-bmx-2010-2023/autzen-bmx-2010.las');
    // Node's recursive mkdir never returns under /proc; root "may" write to /sys and cannot.
    for (const out of ['/proc/voxwatch-x/y', '/sys/voxwatch-x']) {
      const r = await run('detect', f, f, '--out', out);
      expect(r.code, out).toBe(2);
      expect(r.stderr.trim()).toMatch(new RegExp(`^voxwatch: --out ${out}: cannot use it as the output folder \\(.+\\)$`));
    }
  });

  it('names the files in what it refuses or warns of: an empty epoch, the same files twice, a file in both, a file far from the rest', async () => {
    const autzen = join(SHARED_DATA, 'autzen-bmx-2010-2023/autzen-bmx-2010.las');
    const empty = await run(
      'detect',
      join(SHARED_DATA, 'las-conformance/pdal/las/no-points.las'),
      autzen,
      '--out',
      join(tmpdir(), 'voxwatch-y'),
    );
    expect(empty.code).toBe(1);
    expect(empty.stderr.trim()).toBe('voxwatch: the before epoch (no-points.las) holds no points');
    const out = mkdtempSync(join(tmpdir(), 'voxwatch-detect-'));
    const same = await run('detect', autzen, `${autzen},${autzen}`, '--out', out);
    expect(same.stdout).toContain('warning: the after epoch names a file more than once: each is read once');
    expect(same.stdout).toMatch(/: 0 changes( in the \d+ % of the area both epochs saw)? \(\d[\d,]* points/);
    expect(same.stdout).toContain(
      'warning: the before and after epochs are the same file(s) (autzen-bmx-2010.las): nothing can have changed',
    );
    const autzen23 = join(SHARED_DATA, 'autzen-bmx-2010-2023/autzen-bmx-2023.las');
    const mixed = await run('detect', `${autzen},${autzen23}`, autzen23, '--out', out, '--voxel', '3');
    expect(mixed.stdout).toContain(`warning: ${autzen23} is in both epochs: no change can be found where it covers`);
    const ttp = (year: number) => join(SHARED_DATA, `toronto-ttp-2015-2023/ttp-${year}.las`);
    const stray = join(SHARED_DATA, 'las-conformance/pdal/las/gps-time-nan.las');
    const apart = await run('detect', `${ttp(2015)},${stray}`, ttp(2023), '--out', out, '--voxel', '5');
    expect(apart.code).toBe(0);
    expect(apart.stdout).toContain(`warning: ${stray} (in the before epoch) lies wholly outside the after epoch, at x 0.0–0.0, y 0.0–0.0`);
  });

  it('refuses epochs in different CRSs with the reason, exit 1, and leaves no output folder behind', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'voxwatch-out-')), 'new', 'folder');
    const r = await run(
      'detect',
      join(SHARED_DATA, 'toronto-ttp-2015-2023/ttp-2015.las'),
      join(SHARED_DATA, 'ign-lidarhd-2021-vs-2022-patch/recipient_test.laz'),
      '--out',
      out,
    );
    expect(existsSync(dirname(out))).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^voxwatch: the epochs are in different coordinate systems/);
  });

  it('runs on a real pair and writes the output contract', async () => {
    const out = mkdtempSync(join(tmpdir(), 'voxwatch-detect-'));
    const r = await run(
      'detect',
      join(SHARED_DATA, 'toronto-ttp-2015-2023/ttp-2015.las'),
      join(SHARED_DATA, 'toronto-ttp-2015-2023/ttp-2023.las'),
      '--out',
      out,
      '--voxel',
      '5',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 changes');
    const { readFileSync } = await import('node:fs');
    const fc = JSON.parse(readFileSync(join(out, 'changes.geojson'), 'utf8'));
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.crs.properties.name).toBe('urn:ogc:def:crs:EPSG::26917');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.inputs[0].points).toBe(89815);
    expect(summary.inputs[1].points).toBe(81515);
    expect(summary.parameters.voxel).toBe(5);
    // A spit into the lake surveyed at 0.2 points/m²: at 5 m voxels both epochs see the land,
    // not the water around it (43 %).
    expect(summary.coverage.compared_area_m2).toBeGreaterThan(300_000);
    expect(summary.coverage.seen_by_both_share).toBeGreaterThan(0.3);
    expect(summary.coverage.seen_by_both_share).toBeLessThan(0.6);
    expect(summary.coverage.seen_by_both_m2 / summary.coverage.compared_area_m2).toBeCloseTo(summary.coverage.seen_by_both_share, 2);
    expect(summary.alignment.residualAfter.medianAbs).toBeLessThan(summary.alignment.residualBefore.medianAbs);
    expect(summary.counts.by_type.new_building.count).toBe(0);
  });
});
