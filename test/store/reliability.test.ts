/**
 * The project file never loses what the analyst entered: committed verdicts survive a SIGKILL,
 * a reader works while a writer writes, older schemas migrate (after a safety copy), and foreign
 * or damaged files are refused without being written to.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPLICATION_ID } from '../../core/store/db';
import { SCHEMA_VERSION } from '../../core/store/migrations';
import { LocalProject } from '../../core/store/project';
import { seedProject } from '../../samples/synthetic-project';
import { schema1Project } from '../helpers/schema1-project';

const tmp = () => mkdtempSync(join(tmpdir(), 'voxwatch-store-'));
const WRITER = resolve(import.meta.dirname, '../helpers/verdict-writer.ts');

/** Starts a child that writes verdicts one by one, printing each key once committed; kills it after `killAfter` acknowledgements. */
function writeUntilKilled(project: string, killAfter: number): Promise<Map<number, string>> {
  return new Promise((done, fail) => {
    // `--import tsx` runs the writer in this very process (the tsx CLI would fork a grandchild
    // that a SIGKILL of its parent leaves running).
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, project], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Map<number, string>();
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const l of lines) {
        if (l.startsWith('pid ')) {
          if (Number(l.slice(4)) !== child.pid) fail(new Error('the writer runs in another process than the one killed'));
          continue;
        }
        const [key, verdict] = l.split(' ');
        acked.set(Number(key), verdict);
        if (acked.size === killAfter) child.kill('SIGKILL');
      }
    });
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? done(acked) : fail(new Error(`writer ended without being killed: ${stderr}`)),
    );
  });
}

describe('project reliability', () => {
  it('keeps every committed verdict when the writer is killed mid-stream (SIGKILL, 8 times)', async () => {
    const dir = tmp();
    const seeded = join(dir, 'seed.voxwatch');
    seedProject(seeded, 1, 500);
    for (let round = 0; round < 8; round++) {
      const path = join(dir, `round-${round}.voxwatch`);
      copyFileSync(seeded, path);
      const acked = await writeUntilKilled(path, 20 + round * 11);
      expect(acked.size).toBeGreaterThanOrEqual(20);
      const p = LocalProject.open(path, 'test');
      const stored = new Map((await p.listChanges({ limit: 5000 })).items.map((c) => [c.key, c.verdict]));
      for (const [key, verdict] of acked) expect(stored.get(key), `change ${key} in round ${round}`).toBe(verdict);
      // The audit log holds one entry per acknowledged verdict at least.
      expect((await p.auditLog(100_000)).filter((a) => a.action === 'verdict').length).toBeGreaterThanOrEqual(acked.size);
      await p.close();
    }
  }, 120_000);

  it('lets a reader read while a writer holds a write transaction', async () => {
    const path = join(tmp(), 'p.voxwatch');
    seedProject(path, 1, 50);
    const writer = LocalProject.open(path, 'test');
    const keys = (await writer.listChanges()).items.map((c) => c.key);
    await writer.setVerdict(keys.slice(0, 5), 'false_positive');
    const raw = new Database(path);
    raw.exec('BEGIN IMMEDIATE');
    raw.prepare("UPDATE reviews SET verdict = 'confirmed'").run();
    const reader = LocalProject.open(path, 'test', { readonly: true });
    const seen = (await reader.listChanges({ verdicts: ['false_positive'] })).total;
    expect(seen).toBe(5); // the uncommitted update is invisible, and reading did not block
    raw.exec('COMMIT');
    expect((await reader.listChanges({ verdicts: ['confirmed'] })).total).toBe(5);
    raw.close();
    await reader.close();
    await writer.close();
  });

  it('migrates a schema-1 project forward, keeping its verdicts and a copy of the original', async () => {
    const path = schema1Project();
    const before = readFileSync(path);

    let migrated: [number, number, string] | null = null;
    const p = LocalProject.open(path, 'test', { onMigrated: (from, to, backup) => (migrated = [from, to, backup]) });
    expect(migrated).not.toBeNull();
    const [from, to, backup] = migrated!;
    expect([from, to]).toEqual([1, SCHEMA_VERSION]);
    expect(createHash('sha1').update(readFileSync(backup)).digest('hex')).not.toBe(''); // a real copy exists
    expect(new Database(backup, { readonly: true }).pragma('user_version', { simple: true })).toBe(1);
    const [change] = (await p.listChanges()).items;
    expect(change).toMatchObject({
      id: 'C001',
      verdict: 'false_positive',
      note: '彩钢棚已拆除',
      zones: [],
      permitStatus: 'none',
      priority: 'normal',
    });
    expect((await p.info()).schemaVersion).toBe(SCHEMA_VERSION);
    await p.listCases(); // the new tables exist
    await p.close();
    expect(before.length).toBeGreaterThan(0);
  });

  const refusals: [string, (path: string) => void, RegExp][] = [
    ['an empty file', (p) => writeFileSync(p, ''), /empty/],
    ['a text file', (p) => writeFileSync(p, 'name,verdict\nC001,confirmed\n'), /not an SQLite database/],
    ['random bytes', (p) => writeFileSync(p, createHash('sha512').update('x').digest()), /not an SQLite database/],
    [
      'another program’s SQLite database',
      (p) => {
        const d = new Database(p);
        d.exec('CREATE TABLE t (x)');
        d.close();
      },
      /not a VoxWatch project/,
    ],
    [
      'a project from a newer VoxWatch',
      (p) => {
        const d = new Database(p);
        d.pragma(`application_id = ${APPLICATION_ID}`);
        d.pragma('user_version = 99');
        d.close();
      },
      /newer VoxWatch/,
    ],
    [
      'a damaged project (pages overwritten)',
      (p) => {
        seedProject(p, 1, 400);
        const bytes = readFileSync(p);
        bytes.fill(0x5a, 4096 * 2, 4096 * 6);
        writeFileSync(p, bytes);
      },
      /damaged/,
    ],
  ];

  it.each(refusals)('refuses %s clearly and leaves it untouched', (_name, make, message) => {
    const path = join(tmp(), 'x.voxwatch');
    make(path);
    const hash = createHash('sha1').update(readFileSync(path)).digest('hex');
    expect(() => LocalProject.open(path, 'test')).toThrow(message);
    expect(createHash('sha1').update(readFileSync(path)).digest('hex')).toBe(hash);
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-shm`)).toBe(false);
  });

  it('never creates a project over an existing file', () => {
    const path = join(tmp(), 'x.voxwatch');
    writeFileSync(path, 'precious');
    expect(() => LocalProject.create(path, { name: 'x' }, 'test')).toThrow(/already exists/);
    expect(readFileSync(path, 'utf8')).toBe('precious');
  });

  it('keeps the audit log append-only', async () => {
    const path = join(tmp(), 'p.voxwatch');
    seedProject(path, 1, 5);
    const p = LocalProject.open(path, 'test');
    await p.setVerdict([1], 'confirmed', { actor: 'li' });
    await p.close();
    const raw = new Database(path);
    expect(() => raw.prepare("UPDATE audit SET actor = 'someone else'").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    raw.close();
  });
});
