// `voxwatch serve`'s HTTP server without a browser: ProjectApi over POST /api/<method>, argument checks, errors as
// 4xx JSON, the token, origin and host checks, the point samples, and that no path leaves the static folder.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRecord, ProjectInfo } from '../../core/api';
import { toWire } from '../../core/api-wire';
import { LocalProject } from '../../core/store/project';
import { EpochPointSampler, samplePoints } from '../../core/view/point-sample';
import { createServeServer, JOB_HEADER, TOKEN_HEADER } from '../../cli/serve/server';
import { fromWire } from '../../renderer/wire';
import { decodePointSample } from '../../renderer/point-data';
import { makeReviewProject } from '../helpers/review-project';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json: () => unknown;
}

/** A raw HTTP request (fetch would not let us set Host, nor send a path with `..` in it unnormalised). */
function send(port: number, path: string, o: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: o.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const body = Buffer.concat(parts);
        resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
      });
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

const api = (port: number, method: string, args: unknown, headers: Record<string, string> = {}) =>
  send(port, `/api/${method}`, { method: 'POST', body: JSON.stringify(args), headers: { 'Content-Type': 'application/json', ...headers } });

let project: LocalProject;
let info: ProjectInfo;
let staticDir: string;
const servers: Server[] = [];

async function start(token?: string): Promise<number> {
  const points = EpochPointSampler.forProject(project);
  const server = createServeServer({ project, points, staticDir, token });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

let port: number;

beforeAll(async () => {
  const { dir, path } = await makeReviewProject({ size: 90, seed: 4 });
  project = LocalProject.open(path, 'test');
  info = await project.info();
  // A stand-in for renderer/dist with a secret file beside it that must never be served.
  staticDir = join(dir, 'site', 'dist');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>ok</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'site', 'secret.txt'), 'SECRET');
  port = await start();
}, 120_000);

afterAll(async () => {
  for (const s of servers) s.close();
  await project?.close();
});

describe('ProjectApi over HTTP', () => {
  it('answers the API methods with JSON', async () => {
    const r = await api(port, 'info', []);
    expect(r.status).toBe(200);
    expect((r.json() as ProjectInfo).epochs.map((e) => e.label)).toEqual(['e1', 'e2', 'e3']);
    const page = (await api(port, 'listChanges', [{ sort: '-volume' }])).json() as { total: number; items: ChangeRecord[] };
    expect(page.total).toBeGreaterThan(0);
    expect(page.items.length).toBe(page.total);
  });

  it('stores a verdict sent over HTTP', async () => {
    const { items } = (await api(port, 'listChanges', [])).json() as { items: ChangeRecord[] };
    const key = items[0].key;
    const r = await api(port, 'setVerdict', [[key], 'false_positive', { note: 'air conditioner' }]);
    expect(r.status).toBe(200);
    expect(r.json()).toBe(1);
    expect(await project.getChange(key)).toMatchObject({ verdict: 'false_positive', note: 'air conditioner' });
  });

  it('sends height windows with their NaN cells intact', async () => {
    const { items } = (await api(port, 'listChanges', [])).json() as { items: ChangeRecord[] };
    const direct = await project.getChangeView(items[0].key);
    const r = await api(port, 'getChangeView', [items[0].key]);
    const patch = fromWire(r.json()) as typeof direct;
    expect(direct).not.toBeNull();
    expect(patch!.before).toBeInstanceOf(Float32Array);
    expect(Array.from(patch!.before)).toEqual(Array.from(direct!.before)); // toEqual treats NaN as equal to NaN
    expect(fromWire(toWire(new Float32Array([1, NaN, -2])))).toEqual(new Float32Array([1, NaN, -2]));
  });

  it('refuses bad arguments with 400 and the reason', async () => {
    const bad = await api(port, 'setVerdict', [[1], 'demolish']);
    expect(bad.status).toBe(400);
    expect((bad.json() as { error: string }).error).toMatch(/setVerdict argument 2: expected one of unreviewed/);
    expect((await api(port, 'getChange', ['1'])).status).toBe(400);
    expect((await api(port, 'getChange', [])).status).toBe(400);
    expect((await api(port, 'listChanges', [{ types: ['tree'] }])).status).toBe(400);
    expect((await api(port, 'listChanges', [{ sql: 'DROP' }])).status).toBe(400);
    expect((await api(port, 'getChange', { 0: 1 })).status).toBe(400);
    const broken = await send(port, '/api/info', { method: 'POST', body: '[', headers: { 'Content-Type': 'application/json' } });
    expect(broken.status).toBe(400);
  });

  it("reports the project's own refusals (unknown change) as 400", async () => {
    const r = await api(port, 'getChange', [999_999]);
    expect(r.status).toBe(400);
    expect((r.json() as { error: string }).error).toMatch(/no change with key 999999/);
  });

  it('has no method outside ProjectApi, and close is not exposed', async () => {
    for (const name of ['dropTables', 'close', 'constructor', '__proto__', 'toString']) {
      const r = await api(port, name, []);
      expect(r.status, name).toBe(404);
    }
    expect((await api(port, 'info', [])).status).toBe(200); // still open
  });

  it('takes JSON only: a form post from another site cannot reach the API', async () => {
    const r = await send(port, '/api/setVerdict', { method: 'POST', body: '[[1],"confirmed"]', headers: { 'Content-Type': 'text/plain' } });
    expect(r.status).toBe(415);
    const crossSite = await api(port, 'info', [], { Origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    const sameSite = await api(port, 'info', [], { Origin: `http://127.0.0.1:${port}` });
    expect(sameSite.status).toBe(200);
  });

  it('refuses a Host that is not the loopback without a token (DNS rebinding)', async () => {
    const r = await api(port, 'info', [], { Host: `attacker.example:${port}` });
    expect(r.status).toBe(403);
  });

  it('requires the token on every API call when one is set', async () => {
    const guarded = await start('correct-horse-battery');
    expect((await api(guarded, 'info', [])).status).toBe(401);
    expect((await api(guarded, 'info', [], { [TOKEN_HEADER]: 'wrong-horse-battery' })).status).toBe(401);
    expect((await send(guarded, '/api/progress')).status).toBe(401);
    expect((await send(guarded, `/api/points?epoch=${info.epochs[0].id}&max=10`)).status).toBe(401);
    const ok = await api(guarded, 'info', [], { [TOKEN_HEADER]: 'correct-horse-battery', Host: `192.168.1.20:${guarded}` });
    expect(ok.status).toBe(200);
  });
});

describe('detection over HTTP', () => {
  it('refuses a run whose cancel arrived before it, and reports that in the progress', async () => {
    const runs = (await project.info()).runs.length;
    expect((await api(port, 'cancel', ['job-42'])).json()).toEqual({ cancelled: true });
    const r = await api(port, 'detect', ['e1', 'e3'], { [JOB_HEADER]: 'job-42' });
    expect(r.status).toBe(409);
    expect((await send(port, '/api/progress')).json()).toMatchObject({ running: false, error: 'cancelled', runId: null });
    expect((await project.info()).runs).toHaveLength(runs);
    expect((await api(port, 'cancel', [])).json()).toEqual({ cancelled: false }); // nothing running
    expect((await api(port, 'detect', ['e1', 'e1'])).status).toBe(400); // the store's own refusal
  });
});

describe('epoch point samples', () => {
  it('sends at most max points, offset to the origin, that decode in the renderer', async () => {
    const e = info.epochs[0];
    const box = { minX: e.bounds.minX + 10, minY: e.bounds.minY + 10, maxX: e.bounds.minX + 50, maxY: e.bounds.minY + 40 };
    const origin: [number, number, number] = [Math.round(e.bounds.minX), Math.round(e.bounds.minY), 0];
    const q = new URLSearchParams({ epoch: String(e.id), max: '5000', ox: String(origin[0]), oy: String(origin[1]), oz: '0' });
    for (const [k, v] of Object.entries(box)) q.set(k, String(v));
    const r = await send(port, `/api/points?${q}`);
    expect(r.status).toBe(200);
    const sample = decodePointSample(new Uint8Array(r.body).buffer);
    const direct = await samplePoints(e.files, { box, maxPoints: 0 }); // counts the points in the box
    expect(sample.count).toBe(5000);
    expect(sample.inBox).toBe(direct.inBox);
    expect(sample.origin).toEqual(origin);
    expect(sample.rgb).not.toBeNull();
    for (let i = 0; i < sample.count; i++) {
      const [x, y] = [sample.xyz[i * 3] + origin[0], sample.xyz[i * 3 + 1] + origin[1]];
      expect(x >= box.minX - 0.01 && x <= box.maxX + 0.01 && y >= box.minY - 0.01 && y <= box.maxY + 0.01).toBe(true);
    }
  });

  it('returns every point of a small box and refuses bad parameters', async () => {
    const e = info.epochs[1];
    const box = { minX: e.bounds.minX, minY: e.bounds.minY, maxX: e.bounds.minX + 3, maxY: e.bounds.minY + 3 };
    const all = await samplePoints(e.files, { box, maxPoints: 1_000_000 });
    expect(all.count).toBe(all.inBox);
    expect((await send(port, `/api/points?epoch=${e.id}&max=abc`)).status).toBe(400);
    expect((await send(port, `/api/points?epoch=${e.id}&max=99999999`)).status).toBe(400);
    expect((await send(port, `/api/points?epoch=777`)).status).toBe(400);
  });
});

describe('static files', () => {
  it('serves the renderer with the strict CSP', async () => {
    const r = await send(port, '/');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toContain('<title>ok</title>');
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self' blob:");
    expect(String(r.headers['content-security-policy'])).toContain("connect-src 'self'");
    expect((await send(port, '/assets/app.js')).headers['content-type']).toMatch(/javascript/);
  });

  it('never serves a path outside the renderer dist', async () => {
    for (const path of [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/..%2Fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/%00/../secret.txt',
      '/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
    ]) {
      const r = await send(port, path);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.body.toString(), path).not.toContain('SECRET');
      expect(r.body.toString(), path).not.toContain('root:');
    }
    expect((await send(port, '/assets/nothing.js')).status).toBe(404);
    expect((await send(port, '/assets')).status).toBe(404); // a folder is not a file
  });
});

describe('voxwatch serve on the command line', () => {
  it('refuses to bind off the loopback without a token', () => {
    const r = spawnSync(process.execPath, ['bin/voxwatch.mjs', 'serve', join(mkdtempSync(join(tmpdir(), 'vw-')), 'x.voxwatch')], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no project file/);
    const open = spawnSync(process.execPath, ['bin/voxwatch.mjs', 'serve', project.path, '--host', '0.0.0.0'], { encoding: 'utf8' });
    expect(open.status).toBe(2);
    expect(open.stderr).toMatch(/--token/);
  });

  it('says a port is taken and exits, instead of hanging with the project open', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      // Asynchronously: the test's own server must answer while the CLI tries its port. A hang fails by the timeout.
      const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['bin/voxwatch.mjs', 'serve', project.path, '--port', String(port)],
          { timeout: 60_000 },
          (_e, _out, stderr) => resolve({ status: _e ? ((_e as { code?: number }).code ?? null) : 0, stderr }),
        );
      });
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(r.stderr).not.toMatch(/internal error|EADDRINUSE/);
      expect(r.status).toBe(2);
    } finally {
      taken.close();
    }
  });
});
