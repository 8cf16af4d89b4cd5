import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { EpochOctrees } from '../../core/octree/epoch-octrees';
import { EpochPointSampler } from '../../core/view/point-sample';
import { openProjectInWorker } from '../../core/workers/project-client';
import { UsageError } from '../usage-error';
import { ensureRendererBuilt, RENDERER_DIR, RENDERER_DIST } from '../serve/renderer-build';
import { createServeServer } from '../serve/server';
import { VERSION } from '../version';

export const DEMO_PROJECT = 'samples/district/results/demo.voxwatch';

export interface ServeCliOptions {
  port?: string;
  host?: string;
  token?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** `voxwatch serve [project]`: the review UI in a browser, over the same ProjectApi the desktop app uses. */
export async function serveCommand(file: string | undefined, o: ServeCliOptions): Promise<number> {
  const projectFile = file ?? DEMO_PROJECT;
  if (!existsSync(projectFile))
    throw new UsageError(file ? `no project file ${file}` : `no project given and no demo project at ${DEMO_PROJECT} (run npm run demo)`);
  const host = o.host ?? '127.0.0.1';
  const port = o.port === undefined ? 8737 : Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port expects a port number, got "${o.port}"`);
  if (!LOOPBACK.has(host) && !o.token)
    throw new UsageError(`serving on ${host} lets other machines reach the project: give --token <secret> as well`);
  if (o.token !== undefined && o.token.length < 8) throw new UsageError('--token must be at least 8 characters');

  if (await ensureRendererBuilt()) process.stderr.write(`voxwatch: built the renderer into ${RENDERER_DIST}\n`);
  else process.stderr.write(`voxwatch: renderer up to date (${RENDERER_DIR})\n`);

  // The project answers from its own thread, so a report or a detection's bookkeeping never stalls other requests.
  const project = await openProjectInWorker(projectFile, `VoxWatch ${VERSION}`);
  const points = EpochPointSampler.forProject(project);
  const octrees = await EpochOctrees.forProject(project);
  const server = createServeServer({ project, points, octrees, staticDir: RENDERER_DIST, token: o.token });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
  } catch (e) {
    // The project's thread and the octree builder would keep the process alive: close them before saying why.
    await octrees.close();
    await project.close();
    throw listenProblem(e as NodeJS.ErrnoException, host, port);
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/${o.token ? `#token=${encodeURIComponent(o.token)}` : ''}`;
  // The exact line tests and scripts wait for.
  process.stdout.write(`VoxWatch serving ${projectFile} at ${url}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => {
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await octrees.close(); // cancels a build in progress; its work folder is removed
  await project.close();
  return 0;
}

function listenProblem(e: NodeJS.ErrnoException, host: string, port: number): Error {
  if (e.code === 'EADDRINUSE')
    return new UsageError(
      `port ${port} on ${host} is in use (another voxwatch serve?): give another with --port, or --port 0 for any free one`,
    );
  if (e.code === 'EACCES') return new UsageError(`port ${port} needs more privileges than this user has: give one above 1023 with --port`);
  if (e.code === 'EADDRNOTAVAIL') return new UsageError(`--host ${host} is not an address of this machine`);
  return e;
}
