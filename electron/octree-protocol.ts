// The open project's octrees for potree-core in the window: `voxwatch-octree://epoch/<id>/<file>` answers only the
// three octree files of an epoch whose octree is complete (core/octree/epoch-octrees.ts), with byte ranges, and
// nothing else; the renderer asks for an epoch's status (and starts its build) over IPC (`octreeStatus`).
import { open } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { parseByteRange } from '../core/octree/byte-range';
import type { EpochOctrees } from '../core/octree/epoch-octrees';

export const OCTREE_SCHEME = 'voxwatch-octree';

/** Registered before the app is ready: a standard, secure scheme that fetch() may use (potree-core fetches nodes). */
export const OCTREE_SCHEME_PRIVILEGES = {
  scheme: OCTREE_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true },
};

export function handleOctreeRequests(protocol: Pick<Protocol, 'handle'>, current: () => EpochOctrees | null): void {
  protocol.handle(OCTREE_SCHEME, (request) => answerOctreeRequest(request, current()));
}

/** One request: 404 for anything but `//epoch/<id>/<metadata.json|hierarchy.bin|octree.bin>` of a built octree. */
export async function answerOctreeRequest(request: Request, octrees: EpochOctrees | null): Promise<Response> {
  const notFound = () => new Response('not found', { status: 404 });
  if (!octrees || request.method !== 'GET') return notFound();
  const url = new URL(request.url);
  const m = /^\/(\d{1,9})\/([a-z]+\.(?:json|bin))$/.exec(url.pathname);
  if (url.host !== 'epoch' || !m) return notFound();
  const file = await octrees.file(Number(m[1]), m[2]).catch(() => null); // an unknown epoch too
  if (!file) return notFound();
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const range = parseByteRange(request.headers.get('range'), size);
    const type = m[2].endsWith('.json') ? 'application/json' : 'application/octet-stream';
    if (range.kind === 'unsatisfiable') return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${size}` } });
    const [start, end] = range.kind === 'range' ? [range.start, range.end] : [0, size - 1];
    const body = new Uint8Array(Math.max(0, end - start + 1));
    if (body.length > 0) await handle.read(body, 0, body.length, start);
    const headers: Record<string, string> = { 'Content-Type': type, 'Accept-Ranges': 'bytes', 'Content-Length': String(body.length) };
    if (range.kind === 'range') headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    return new Response(body, { status: range.kind === 'range' ? 206 : 200, headers });
  } finally {
    await handle.close();
  }
}
