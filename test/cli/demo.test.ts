/** `npm run demo`'s command on a smaller district: the whole loop runs and writes the project, GIS files and PDFs. */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../core/review/terms';
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
  } finally {
    await p.close();
  }
  const zh = execFileSync('pdftotext', [join(results, 'report-1-2.zh-CN.pdf'), '-'], { encoding: 'utf8' });
  expect(zh).toContain('卫片执法');
  expect(zh).toContain('C001');
  expect(execFileSync('pdftotext', [join(results, 'report-1-2.en.pdf'), '-'], { encoding: 'utf8' })).toContain('Confirmed');
}, 300_000);
