/** `npm run demo`'s command on a smaller district: the whole loop runs and writes the project, GIS files and PDFs. */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { SYSTEM_ACTOR, TERMS } from '../../core/review/terms';
import { LocalProject } from '../../core/store/project';

const BIN = resolve(import.meta.dirname, '../../bin/voxwatch.mjs');

it('runs the review loop on a generated district and writes the reports', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-demo-'));
  await promisify(execFile)('node', [BIN, 'samples', '--out', dir, '--size', '180', '--seed', '3']);
  const { stdout } = await promisify(execFile)('node', [BIN, 'demo', '--dir', dir], { maxBuffer: 1 << 24 });
  expect(stdout).toMatch(/against the generator's truth: F1 1\.000/);
  expect(stdout).toMatch(/case ledger after epoch 3 \(\d+ cases checked\)/);
  expect(stdout).toMatch(/kept the verdict given in run 1/);
  // A case is run 1's change, the removal that rectified it run 2's, and both runs number theirs from C001: each is
  // named with its run.
  expect(stdout).toMatch(/^ {4}case \d+ +run 1 C\d+ +\w+ +→ rectified: [\d,]+ m³ removed \(run 2 C\d+(, C\d+)*\), of the /m);
  expect(stdout).not.toMatch(/case \d+ +C\d+|removed \(C\d+/);
  // Each count says what it counts, and the rows under it add up to it.
  const section = (from: RegExp, to: RegExp) => stdout.slice(stdout.search(from), stdout.search(to)).split('\n');
  const run1 = section(/^run 1,/m, /^run 2,/m);
  const rows1 = run1.filter((l) => /^ {4}C\d+ /.test(l));
  const [violations, cases] = /^ {4}(\d+) added structures confirmed as violations: (\d+) cases opened/m.exec(stdout)!.slice(1).map(Number);
  const removals = Number(/^ {4}(\d+) removals confirmed \(.*\): a removal is no violation, so no case$/m.exec(stdout)![1]);
  expect(cases).toBe(violations);
  expect(rows1.filter((l) => / confirmed +case \d+ /.test(l))).toHaveLength(violations);
  expect(rows1.filter((l) => / (demolished|height_decrease) .* confirmed {10}/.test(l))).toHaveLength(removals);
  expect(rows1.filter((l) => / confirmed /.test(l))).toHaveLength(violations + removals);
  const run3 = section(/^run 3,/m, /^ {2}complaint leads/m);
  const [kept, total] = /^ {2}(\d+) of its (\d+) changes kept the verdict given in run 1 /m.exec(stdout)!.slice(1).map(Number);
  const left = Number(/^ {2}(\d+) left to review:$/m.exec(stdout)![1]);
  expect(kept + left).toBe(total);
  const toReview = run3.slice(run3.findIndex((l) => /left to review:$/.test(l)) + 1).filter((l) => /^ {4}C\d+ /.test(l));
  expect(toReview).toHaveLength(left);
  for (const l of toReview) expect(l).toMatch(/ unreviewed .*\[(no verdict in an earlier run to carry|judged .*: review again)\]$/);
  // A lead's answer is wrapped, not one line of a thousand characters.
  for (const l of section(/^ {2}complaint leads/m, /^wrote /m)) expect(l.length, l).toBeLessThanOrEqual(100);
  expect(stdout).toMatch(/^ {10}seen by both epochs: surface at [\d,.]+ m elevation before, [\d,.]+ m after$/m);
  // A case's top is an elevation, and says so.
  expect(stdout).toMatch(/keeps its height \(top at [\d,.]+ m elevation\)$/m);
  // Volumes are grouped in thousands, like the point counts.
  expect(stdout).toMatch(/[-+]\d{1,3}(,\d{3})+ m³/);
  expect(stdout).not.toMatch(/\d{4} m³/);
  const results = join(dir, 'results');
  for (const f of [
    'demo.voxwatch',
    'changes-1-2.gpkg',
    'changes-1-2.csv',
    'report-1-2.zh-CN.pdf',
    'report-1-2.en.pdf',
    'report-2-3.zh-CN.pdf',
  ]) {
    expect(existsSync(join(results, f)), f).toBe(true);
  }
  // What the analyst did is theirs ('demo'); carried verdicts and case checks are the software's, not the OS user's.
  const p = LocalProject.open(join(results, 'demo.voxwatch'), 'test');
  try {
    const runs = (await p.info()).runs;
    const actors = new Set<string>();
    for (const c of (await p.listChanges({ runId: runs.at(-1)!.id })).items)
      for (const e of await p.changeHistory(c.key)) actors.add(`${e.kind} ${e.actor}`);
    expect([...actors].sort()).toEqual([`carried ${SYSTEM_ACTOR}`, `case ${SYSTEM_ACTOR}`, 'case demo']);
    // The demo's notes are in one language, and a removal's says what kind it is (a height decrease is no 拆除).
    const reviewed = (await p.listChanges({ runId: runs[0].id })).items;
    const removals = reviewed.filter((c) => c.volume_m3 < 0);
    expect(new Set(removals.map((c) => c.type))).toEqual(new Set(['demolished', 'height_decrease']));
    for (const c of removals) expect(c.note, c.id).toBe(`${TERMS['zh-CN'].types[c.type]}属实`);
    for (const c of reviewed) if (c.note) expect(c.note, c.id).not.toMatch(/[a-z]/i);
  } finally {
    await p.close();
  }
  const zh = execFileSync('pdftotext', [join(results, 'report-1-2.zh-CN.pdf'), '-'], { encoding: 'utf8' });
  expect(zh).toContain('卫片执法');
  expect(zh).toContain('C001');
  expect(zh).toContain('高度降低属实');
  expect(zh).not.toMatch(/demolition|拆除 \//);
  expect(execFileSync('pdftotext', [join(results, 'report-1-2.en.pdf'), '-'], { encoding: 'utf8' })).toContain('Confirmed');
}, 300_000);
