/**
 * Two processes on one project (`voxwatch serve` and a CLI `voxwatch project review`, or two servers): a write that
 * meets the other's write waits for it and then goes through, instead of failing with "database is locked".
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LocalProject } from '../../core/store/project';
import { seedProject } from '../../samples/synthetic-project';

/** Another process that takes the write lock, says so, holds it `ms` milliseconds, then commits a write of its own. */
function holdWriteLock(file: string, ms: number): Promise<{ committed: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE');
    db.prepare("INSERT INTO audit (at, actor, action, target, detail) VALUES (?, 'other', 'probe', NULL, NULL)").run(new Date().toISOString());
    process.stdout.write('locked\\n', () => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
      db.exec('COMMIT');
      db.close();
    });
  `;
  const child = spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const committed = new Promise<void>((done, fail) =>
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`the other process failed: ${stderr}`)))),
  );
  return new Promise((locked, fail) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && locked({ committed }));
    committed.catch(fail);
  });
}

it('waits for another process writing the project, then stores the verdict, note and case update', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'voxwatch-concurrent-')), 'p.voxwatch');
  seedProject(file, 1, 20);
  const p = LocalProject.open(file, 'test');
  try {
    const [a, b] = (await p.listChanges({ types: ['new_building', 'rooftop_structure', 'extension'], limit: 2 })).items;

    let other = await holdWriteLock(file, 1000);
    // The analyst's write starts while the other process is mid-transaction: it must wait, not fail.
    expect(await p.setVerdict([a.key], 'confirmed', { note: '违建 🏗️' })).toBe(1);
    await other.committed;

    other = await holdWriteLock(file, 1000);
    await p.setNote(b.key, 'checked on site');
    await other.committed;

    other = await holdWriteLock(file, 1000);
    const [opened] = await p.listCases();
    expect((await p.updateCase(opened.id, { status: 'notified', note: '已通知' })).status).toBe('notified');
    await other.committed;

    expect(await p.getChange(a.key)).toMatchObject({ verdict: 'confirmed', note: '违建 🏗️' });
    expect((await p.getChange(b.key)).note).toBe('checked on site');
    // Both processes' writes are in the log.
    expect((await p.auditLog(1000)).filter((e) => e.action === 'probe')).toHaveLength(3);
  } finally {
    await p.close();
  }
}, 60_000);
