// `voxwatch serve`'s HTTP server: the built renderer as static files and ProjectApi as `POST /api/<method>` with a
// JSON array of arguments. Everything a page sends is checked (core/api-args.ts); the API is reachable only from
// the page's own origin, and with a token on every call when bound off the loopback interface.
import { createReadStream, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import type { ProjectApi } from '../../core/api';
import { ApiArgumentError, checkArgs, isRemoteMethod } from '../../core/api-args';
import { failureOf } from '../../core/api-failure';
import { toWire } from '../../core/api-wire';
import type { DetectPhase } from '../../core/detect';
import { parseByteRange } from '../../core/octree/byte-range';
import type { EpochOctrees } from '../../core/octree/epoch-octrees';
import { MAX_SAMPLE_POINTS, type EpochPointSampler } from '../../core/view/point-sample';
import { MAX_REPORT_BODY_BYTES, ReportBusyError, reportEndpoint } from './report-endpoint';

export const TOKEN_HEADER = 'x-voxwatch-token';
/** Names a detection request so that a cancel can reach it even when it arrives before the run has started. */
export const JOB_HEADER = 'x-voxwatch-job';

/** The same policy as the Electron shell (electron/main.ts), plus frame-ancestors, which only a header can carry. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' blob:; worker-src 'self' blob:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const MAX_BODY_BYTES = 1 << 20;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export interface ServeOptions {
  project: ProjectApi;
  points: EpochPointSampler;
  /** The built renderer; nothing outside it is ever served. */
  staticDir: string;
  /** Required in the X-VoxWatch-Token header of every /api call when set. */
  token?: string;
  /** The epochs' octrees (level of detail); without it the viewer draws the point samples only. */
  octrees?: EpochOctrees;
}

/** What GET /api/progress reports about the detection run started from a page (one at a time). */
export interface DetectionProgress {
  running: boolean;
  phase: DetectPhase | null;
  done: number;
  total: number;
  /** The last run's outcome once it ended: its id, or the error it ended with. */
  runId: number | null;
  error: string | null;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createServeServer(options: ServeOptions): Server {
  const progress: DetectionProgress = { running: false, phase: null, done: 0, total: 0, runId: null, error: null };
  let abort: AbortController | null = null;
  let runningJob: string | null = null;
  /** Jobs cancelled before their detect request got through (the two requests race): refused when they arrive. */
  const cancelledJobs = new Set<string>();
  const staticRoot = path.resolve(options.staticDir);
  const report = reportEndpoint(options.project);

  async function callApi(method: string, body: unknown, job: string | null): Promise<unknown> {
    if (!isRemoteMethod(method)) throw new HttpError(404, `no API method "${method}"`);
    const args = checkArgs(method, body);
    if (method !== 'detect') return (options.project[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    if (abort) throw new HttpError(409, 'a detection is already running; cancel it or wait');
    abort = new AbortController();
    runningJob = job;
    if (job !== null && cancelledJobs.delete(job)) abort.abort();
    Object.assign(progress, { running: true, phase: null, done: 0, total: 0, runId: null, error: null });
    try {
      const run = await options.project.detect(args[0] as number | string, args[1] as number | string, args[2] as object | undefined, {
        signal: abort.signal,
        onProgress: (p) => Object.assign(progress, p),
      });
      progress.runId = run.id;
      return run;
    } catch (e) {
      progress.error = failureOf(e).message;
      throw e;
    } finally {
      progress.running = false;
      abort = null;
      runningJob = null;
    }
  }

  /** `POST /api/cancel` with `[]` (the running detection) or `[job]` (that job, even if it has not started yet). */
  function cancel(body: unknown): boolean {
    const job: unknown = Array.isArray(body) ? body[0] : undefined;
    if (job !== undefined && typeof job !== 'string') throw new ApiArgumentError('cancel: the job must be a string');
    if (job === undefined || job === runningJob) {
      const running = abort !== null;
      abort?.abort();
      return running;
    }
    if (cancelledJobs.size > 100) cancelledJobs.clear(); // stale ids of requests that never came
    cancelledJobs.add(job.slice(0, 64));
    return true;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    checkToken(req, options.token);
    const name = url.pathname.slice('/api/'.length);
    const job = req.headers[JOB_HEADER];
    const jobId = typeof job === 'string' ? job.slice(0, 64) : null;
    if (req.method === 'GET' && name === 'progress') return sendJson(res, 200, progress);
    if (req.method === 'GET' && name === 'report-progress') return sendJson(res, 200, report.progress(url.searchParams.get('job')));
    if (name === 'octree' || name.startsWith('octree/')) return handleOctree(req, res, url, options.octrees);
    if (req.method === 'GET' && name === 'points') {
      const epochId = intParam(url, 'epoch');
      const bytes = await options.points.sample(epochId, pointsQuery(url));
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length, 'Cache-Control': 'no-store' });
      res.end(bytes);
      return;
    }
    if (req.method !== 'POST') throw new HttpError(405, 'API calls are POST requests (GET only for progress, points and octrees)');
    // A JSON content type cannot be sent cross-site without a CORS preflight, which this server never grants.
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'send a JSON body (application/json)');
    const body = await readJson(req, name === 'report' ? MAX_REPORT_BODY_BYTES : MAX_BODY_BYTES);
    if (name === 'cancel') return sendJson(res, 200, { cancelled: cancel(body) });
    if (name === 'report') return report.export(res, body, jobId);
    if (name === 'report-cancel') return sendJson(res, 200, { cancelled: report.cancel(Array.isArray(body) ? body[0] : undefined) });
    sendJson(res, 200, toWire(await callApi(name, body, jobId)) ?? null);
  }

  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const done = (e: unknown) => sendError(res, e);
    try {
      checkOrigin(req, options.token !== undefined);
      if (url.pathname.startsWith('/api/')) handleApi(req, res, url).catch(done);
      else serveStatic(req, res, staticRoot, req.url ?? '/');
    } catch (e) {
      done(e);
    }
  });
}

/**
 * `GET /api/octree?epoch=N`: the epoch's octree status (a build starts when there is none);
 * `GET /api/octree/N/<metadata.json|hierarchy.bin|octree.bin>`: its files, with byte ranges (potree-core reads
 * nodes that way). The file name must be one of the three, so no path can reach anything else.
 */
async function handleOctree(req: IncomingMessage, res: ServerResponse, url: URL, octrees: EpochOctrees | undefined): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'octree files are read with GET');
  if (!octrees) throw new HttpError(404, 'this server has no octrees');
  if (url.pathname === '/api/octree') return sendJson(res, 200, await octrees.ensure(intParam(url, 'epoch')));
  const m = /^\/api\/octree\/(\d{1,9})\/([a-z]+\.(?:json|bin))$/.exec(url.pathname);
  if (!m) throw new HttpError(404, 'not found');
  const file = await octrees.file(Number(m[1]), m[2]);
  if (!file) throw new HttpError(404, `no octree file ${m[2]} for epoch ${m[1]} (not built yet?)`);
  const size = (await stat(file)).size;
  const range = parseByteRange(req.headers.range, size);
  const headers: Record<string, string | number> = {
    'Content-Type': m[2].endsWith('.json') ? 'application/json' : 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  };
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}` });
    return void res.end();
  }
  const [start, end] = range.kind === 'range' ? [range.start, range.end] : [0, size - 1];
  if (range.kind === 'range') headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range.kind === 'range' ? 206 : 200, { ...headers, 'Content-Length': Math.max(0, end - start + 1) });
  if (req.method === 'HEAD' || size === 0) return void res.end();
  createReadStream(file, { start, end }).pipe(res);
}

/**
 * Without a token the API trusts being on the loopback interface, so the page must be ours: the Host must name
 * the loopback (against DNS rebinding) and a cross-origin Origin is refused (against other sites' pages).
 */
function checkOrigin(req: IncomingMessage, hasToken: boolean): void {
  const host = req.headers.host ?? '';
  if (!hasToken && !/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i.test(host)) throw new HttpError(403, `host "${host}" refused`);
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) throw new HttpError(403, 'cross-origin requests are refused');
}

function checkToken(req: IncomingMessage, token: string | undefined): void {
  if (token === undefined) return;
  const given = Buffer.from(String(req.headers[TOKEN_HEADER] ?? ''));
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpError(401, 'missing or wrong token');
}

function intParam(url: URL, name: string): number {
  const v = Number(url.searchParams.get(name));
  if (!Number.isInteger(v) || v < 0) throw new HttpError(400, `${name} must be an integer`);
  return v;
}

function numParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new HttpError(400, `${name} must be a number`);
  return v;
}

function pointsQuery(url: URL) {
  const [minX, minY, maxX, maxY] = ['minX', 'minY', 'maxX', 'maxY'].map((k) => numParam(url, k));
  const [ox, oy, oz] = ['ox', 'oy', 'oz'].map((k) => numParam(url, k));
  const maxPoints = numParam(url, 'max') ?? 300_000;
  if (maxPoints < 0 || maxPoints > MAX_SAMPLE_POINTS) throw new HttpError(400, `max must be between 0 and ${MAX_SAMPLE_POINTS}`);
  const box = [minX, minY, maxX, maxY].every((v) => v !== undefined) ? { minX: minX!, minY: minY!, maxX: maxX!, maxY: maxY! } : undefined;
  const origin: [number, number, number] | undefined = ox !== undefined && oy !== undefined ? [ox, oy, oz ?? 0] : undefined;
  return { box, maxPoints, origin };
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > limit) throw new HttpError(413, 'request body too large');
    parts.push(part);
  }
  const text = Buffer.concat(parts).toString('utf8');
  try {
    return text === '' ? [] : JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

/** A refusal of ours (HttpError, a report already running) as it is; a project call's failure as core words it. */
function sendError(res: ServerResponse, e: unknown): void {
  if (res.headersSent) return void res.destroy();
  if (e instanceof HttpError) return sendJson(res, e.status, { error: e.message });
  if (e instanceof ReportBusyError) return sendJson(res, 409, { error: e.message });
  const failure = failureOf(e);
  if (failure.ourBug) console.error('voxwatch serve: internal error:', e);
  else if (failure.message.startsWith('nothing was saved'))
    console.error('voxwatch serve: the project was not written:', (e as Error).message);
  sendJson(res, failure.status, { error: failure.ourBug ? 'internal error (see the server log)' : failure.message });
}

/** Serves a file of the renderer's dist; any path that would leave it (`..`, encoded or not) is a 404. */
function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, rawUrl: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'only GET');
  let pathname: string;
  try {
    pathname = decodeURIComponent(rawUrl.split(/[?#]/)[0]);
  } catch {
    throw new HttpError(400, 'bad path');
  }
  if (pathname.includes('\0') || pathname.includes('\\')) throw new HttpError(404, 'not found');
  if (pathname.endsWith('/')) pathname += 'index.html';
  const file = path.resolve(root, '.' + path.posix.normalize('/' + pathname));
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new HttpError(404, 'not found');
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    throw new HttpError(404, 'not found');
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': size,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': file.endsWith('.html') ? 'no-cache' : 'max-age=3600',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}
