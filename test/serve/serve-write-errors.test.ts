// `voxwatch serve` when the project cannot be written (another process holds it past the busy timeout, the file is
// read-only): the page is told that nothing was saved and why, not "internal error", and nothing half-written stays.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createServeServer } from '../../cli/serve/server';
import { LocalProject } from '../../core/store/project';
import { EpochPointSampler } from '../../core/view/point-sample';
import { seedProject } from '../../samples/synthetic-project';

const open: { server: Server; project: LocalProject }[] = [];

afterEach(async () => {
  for (const { server, project } of open.splice(0)) {
    server.close();
    await project.close();
  }
});

async function serve(project: LocalProject): Promise<(method: string, args: unknown) => Promise<{ status: number; error: string }>> {
  const server = createServeServer({ project, points: EpochPointSampler.forProject(project), staticDir: tmpdir() });
  open.push({ server, project });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return async (method, args) => {
    const r = await fetch(`http://127.0.0.1:${port}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
    });
    return { status: r.status, error: ((await r.json()) as { error: string }).error };
  };
}

function seeded(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'voxwatch-serve-write-')), 'p.voxwatch');
  seedProject(file, 1, 5);
  return file;
}

it('tells the page that a verdict was not saved while another process kept the project locked', async () => {
  const file = seeded();
  const project = LocalProject.open(file, 'test');
  const call = await serve(project);
  // Another process takes the write lock and holds it past the busy timeout (5 s), then lets go without writing.
  const script = `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n', () => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 7000);
      db.exec('ROLLBACK');
      db.close();
    });
  `;
  const child = spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((done) => child.on('exit', done));
  await new Promise<void>((locked) => child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && locked()));

  const r = await call('setVerdict', [[1], 'confirmed', { note: '违建' }]);
  expect(r.status).toBe(503);
  expect(r.error).toMatch(/^nothing was saved: another VoxWatch .* is writing the project; try again$/);
  expect(await exited).toBe(0);
  // Nothing half-done: no verdict, no case; once the other is done the same call goes through.
  expect((await project.getChange(1)).verdict).toBe('unreviewed');
  expect(await project.listCases()).toEqual([]);
  expect((await call('setVerdict', [[1], 'confirmed', { note: '违建' }])).status).toBe(200);
  expect(await project.getChange(1)).toMatchObject({ verdict: 'confirmed', note: '违建' });
}, 60_000);

it('tells the page that the project cannot be written when it is read-only', async () => {
  const project = LocalProject.open(seeded(), 'test', { readonly: true });
  const call = await serve(project);
  for (const [method, args] of [
    ['setVerdict', [[1], 'false_positive', { note: 'x' }]],
    ['setNote', [1, '树冠']],
  ] as const) {
    const r = await call(method, args);
    expect(r.status, method).toBe(409);
    expect(r.error).toMatch(/^nothing was saved: the project file cannot be written here/);
  }
});
