/**
 * Opening a project made by an older VoxWatch: the safety copy taken before migrating is whole, and two processes
 * opening it at the same time both end up with it migrated once.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { caseBasisOf } from '../../core/store/cases-repo';
import { migrate, SCHEMA_VERSION } from '../../core/store/migrations';
import { LocalProject } from '../../core/store/project';
import { schema1Project } from '../helpers/schema1-project';

it('makes a whole safety copy even when a copy cut short is left from an earlier attempt', async () => {
  const path = schema1Project();
  const backup = `${path}.schema1.bak`;
  // The process that was copying was killed: half a copy is left under the final name.
  copyFileSync(path, backup);
  writeFileSync(backup, readFileSync(backup).subarray(0, 4096 + 100));

  let made: string | null = null;
  const p = LocalProject.open(path, 'test', { onMigrated: (_from, _to, b) => (made = b) });
  await p.close();
  expect(made).toBe(backup);
  const copy = new Database(backup, { readonly: true });
  try {
    expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
    expect(copy.pragma('user_version', { simple: true })).toBe(1);
    expect(copy.prepare('SELECT verdict, note FROM reviews').get()).toEqual({ verdict: 'false_positive', note: '彩钢棚已拆除' });
  } finally {
    copy.close();
  }
});

it('opens a project another process is migrating at the same moment, migrated once, with its verdicts', async () => {
  const path = schema1Project();
  // The other process takes the write lock, migrates to the newest schema inside it a second later, and commits.
  const migrations = pathToFileURL(resolve(import.meta.dirname, '../../core/store/migrations.ts')).href;
  const script = `
    import Database from 'better-sqlite3';
    import { MIGRATIONS } from '${migrations}';
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n', () => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      for (const m of MIGRATIONS.slice(1)) db.exec(m);
      db.pragma('user_version = ${SCHEMA_VERSION}');
      db.exec('COMMIT');
      db.close();
    });
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, path], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', done));
  await new Promise<void>((locked, fail) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && locked());
    void exited.then(() => fail(new Error(`the other process ended first: ${stderr}`)));
  });

  // This process saw schema 1 and starts migrating while the other holds the lock.
  const p = LocalProject.open(path, 'test');
  try {
    expect(await exited).toBe(0);
    expect((await p.info()).schemaVersion).toBe(SCHEMA_VERSION);
    const [change] = (await p.listChanges()).items;
    expect(change).toMatchObject({ verdict: 'false_positive', note: '彩钢棚已拆除' });
    await p.setVerdict([change.key], 'confirmed');
    expect((await p.listCases()).length).toBe(1);
  } finally {
    await p.close();
  }
}, 60_000);

it('reopens, where it was, a case an older VoxWatch closed because its change went to needs a site visit', async () => {
  const path = schema1Project();
  const db = new Database(path);
  migrate(db, 4);
  // Confirmed (case 1 opened, then notified), carried to a second change, then set to needs a site visit, which closed
  // the case under the old rule.
  db.prepare("UPDATE reviews SET verdict = 'needs_site_visit', note = '需现场核实' WHERE change_id = 1").run();
  db.prepare("INSERT INTO cases (id, change_id, status, opened_at, updated_at) VALUES (1, 1, 'closed', 'x', 'x')").run();
  const ev = db.prepare(
    'INSERT INTO case_events (case_id, at, actor, from_status, to_status, run_id, detail) VALUES (1, ?, ?, ?, ?, NULL, ?)',
  );
  ev.run('2025-01-01T00:00:00Z', '李工', null, 'open', null);
  ev.run('2025-01-02T00:00:00Z', '李工', 'open', 'notified', null);
  ev.run('2025-01-03T00:00:00Z', '李工', 'notified', 'closed', 'verdict changed to needs_site_visit');
  db.close();
  const p = LocalProject.open(path, 'test');
  try {
    const [c] = await p.listCases();
    expect(c.status).toBe('notified');
    expect(c.history.at(-1)).toMatchObject({ from: 'closed', to: 'notified', actor: 'VoxWatch' });
    // The verdict and note are untouched.
    expect(await p.getChange(1)).toMatchObject({ verdict: 'needs_site_visit', note: '需现场核实' });
  } finally {
    await p.close();
  }
  // Its report names the hand that set the status it has again (notified on 2025-01-02), not the upgrade.
  const raw = new Database(path);
  try {
    expect(caseBasisOf(raw, 1)).toMatchObject({ runId: null, date: '2025-01-02T00:00:00Z' });
  } finally {
    raw.close();
  }
});

it('migrates a project whose review names a change no longer there (edited by hand) instead of failing to open', async () => {
  const path = schema1Project();
  const db = new Database(path);
  migrate(db, 4);
  db.pragma('foreign_keys = OFF');
  db.prepare('UPDATE reviews SET carried_from = 99 WHERE change_id = 1').run();
  db.close();
  const p = LocalProject.open(path, 'test');
  try {
    expect((await p.info()).schemaVersion).toBe(SCHEMA_VERSION);
    expect(await p.getChange(1)).toMatchObject({ verdict: 'false_positive', note: '彩钢棚已拆除', verdictCarriedFrom: null });
  } finally {
    await p.close();
  }
});
