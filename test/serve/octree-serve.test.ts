// `voxwatch serve`'s octree routes: status (a build starts on first view), the three files of an epoch's octree
// with byte ranges as potree-core asks for them, the token, and no path to anything but those three files.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectInfo } from '../../core/api';
import { EpochOctrees, type OctreeStatus } from '../../core/octree/epoch-octrees';
import { parseByteRange } from '../../core/octree/byte-range';
import { readOctree } from '../../core/octree/reader';
import { LocalProject } from '../../core/store/project';
import { EpochPointSampler } from '../../core/view/point-sample';
import { createServeServer, TOKEN_HEADER } from '../../cli/serve/server';
import { makeReviewProject } from '../helpers/review-project';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

let project: LocalProject;
let info: ProjectInfo;
let octrees: EpochOctrees;
const servers: Server[] = [];
const staticDir = mkdtempSync(join(tmpdir(), 'voxwatch-static-'));

async function start(token?: string): Promise<number> {
  const server = createServeServer({
    project,
    points: EpochPointSampler.forProject(project),
    octrees,
    staticDir,
    token,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function waitReady(port: number, epoch: number): Promise<OctreeStatus[]> {
  const seen: OctreeStatus[] = [];
  for (;;) {
    const s = JSON.parse((await get(port, `/api/octree?epoch=${epoch}`)).body.toString()) as OctreeStatus;
    seen.push(s);
    if (s.state === 'ready' || s.state === 'failed') return seen;
    await new Promise((r) => setTimeout(r, 100));
  }
}

let port: number;

beforeAll(async () => {
  const { path } = await makeReviewProject({ size: 90, seed: 4, runs: 0 });
  project = LocalProject.open(path, 'test');
  info = await project.info();
  octrees = await EpochOctrees.forProject(project);
  port = await start();
}, 120_000);

afterAll(async () => {
  for (const s of servers) s.close();
  await octrees?.close();
  await project?.close();
});

describe('octrees over HTTP', () => {
  it('builds an epoch’s octree on first view, beside the project file, reporting progress', async () => {
    const epoch = info.epochs[0].id;
    const seen = await waitReady(port, epoch);
    expect(seen[0].state === 'queued' || seen[0].state === 'building').toBe(true);
    expect(seen.at(-1)!.state).toBe('ready');
    const dir = `${info.path}.octrees/${epoch}`;
    expect(readOctree(dir).metadata.points).toBe(info.epochs[0].points);
  });

  it('serves metadata.json whole and octree.bin by byte ranges, as potree-core reads nodes', async () => {
    const epoch = info.epochs[0].id;
    const dir = `${info.path}.octrees/${epoch}`;
    const meta = await get(port, `/api/octree/${epoch}/metadata.json`);
    expect(meta.status).toBe(200);
    expect(JSON.parse(meta.body.toString()).points).toBe(info.epochs[0].points);
    const octree = readOctree(dir);
    const node = octree.nodes[3];
    const range = await get(port, `/api/octree/${epoch}/octree.bin`, {
      Range: `bytes=${node.byteOffset}-${node.byteOffset + node.byteSize - 1}`,
    });
    expect(range.status).toBe(206);
    const whole = readFileSync(join(dir, 'octree.bin'));
    expect(range.headers['content-range']).toBe(`bytes ${node.byteOffset}-${node.byteOffset + node.byteSize - 1}/${whole.length}`);
    expect(range.body.equals(whole.subarray(node.byteOffset, node.byteOffset + node.byteSize))).toBe(true);
    const hierarchy = await get(port, `/api/octree/${epoch}/hierarchy.bin`, {
      Range: `bytes=0-${octree.metadata.hierarchy.firstChunkSize - 1}`,
    });
    expect(hierarchy.status).toBe(206);
    expect(hierarchy.body.length).toBe(octree.metadata.hierarchy.firstChunkSize);
    expect((await get(port, `/api/octree/${epoch}/octree.bin`, { Range: `bytes=${whole.length}-` })).status).toBe(416);
  });

  it('serves nothing but the three octree files, and nothing of an epoch without an octree', async () => {
    const epoch = info.epochs[0].id;
    writeFileSync(`${info.path}.octrees/${epoch}/secret.bin`, 'SECRET');
    const paths = [
      `/api/octree/${epoch}/secret.bin`,
      `/api/octree/${epoch}/voxwatch-octree.json`,
      `/api/octree/${epoch}/..%2f..%2freview.voxwatch`,
      `/api/octree/${epoch}/%2e%2e/%2e%2e/%2e%2e/review.voxwatch`,
      `/api/octree/${epoch}/../../review.voxwatch`,
      `/api/octree/99/metadata.json`,
      `/api/octree/${info.epochs[2].id}/metadata.json`, // not built
    ];
    for (const p of paths) {
      const r = await get(port, p);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.body.toString()).not.toContain('SECRET');
      expect(r.body.toString()).not.toContain('SQLite');
    }
    expect((await get(port, '/api/octree?epoch=99')).status).toBe(400);
  });

  it('requires the token for octree files when one is set', async () => {
    const tokenPort = await start('octree-secret-token');
    const epoch = info.epochs[0].id;
    const host = { Host: `127.0.0.1:${tokenPort}` };
    expect((await get(tokenPort, `/api/octree/${epoch}/metadata.json`, host)).status).toBe(401);
    expect((await get(tokenPort, `/api/octree/${epoch}/metadata.json`, { ...host, [TOKEN_HEADER]: 'octree-secret-token' })).status).toBe(
      200,
    );
  });
});

describe('byte ranges', () => {
  it('reads the forms potree-core and browsers send, and refuses the rest', () => {
    expect(parseByteRange(undefined, 100)).toEqual({ kind: 'whole' });
    expect(parseByteRange('bytes=0-9', 100)).toEqual({ kind: 'range', start: 0, end: 9 });
    expect(parseByteRange('bytes=90-200', 100)).toEqual({ kind: 'range', start: 90, end: 99 });
    expect(parseByteRange('bytes=90-', 100)).toEqual({ kind: 'range', start: 90, end: 99 });
    expect(parseByteRange('bytes=-10', 100)).toEqual({ kind: 'range', start: 90, end: 99 });
    expect(parseByteRange('bytes=100-', 100).kind).toBe('unsatisfiable');
    expect(parseByteRange('bytes=5-2', 100).kind).toBe('unsatisfiable');
    expect(parseByteRange('bytes=0-1,4-5', 100).kind).toBe('unsatisfiable');
    expect(parseByteRange('items=0-1', 100).kind).toBe('unsatisfiable');
  });
});
