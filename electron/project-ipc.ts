// ProjectApi over IPC: one `voxwatch:<method>` handler per method a page may call (the same list and argument
// checks as `voxwatch serve`, core/api-args.ts), plus the epoch point samples, detection progress and cancel.
import type { ProjectApi } from '../core/api';
import { RefusedError } from '../core/api-failure';
import { checkArgs, REMOTE_METHODS, type RemoteMethod } from '../core/api-args';
import type { EpochOctrees } from '../core/octree/epoch-octrees';
import type { EpochPointSampler, EpochPointsQuery } from '../core/view/point-sample';
import type { IpcHandler } from './ipc';

/** Sent to the window while a detection runs: `{ phase, done, total }`. */
export const PROGRESS_CHANNEL = 'voxwatch:progress';

export interface OpenProject {
  api: ProjectApi;
  points: EpochPointSampler;
  /** The epochs' level-of-detail octrees (served by electron/octree-protocol.ts). */
  octrees?: EpochOctrees;
}

/** Handler names besides the ProjectApi methods (the preload exposes the same). */
export const VIEW_HANDLERS = ['epochPoints', 'cancelDetection', 'octreeStatus'] as const;

export function projectHandlers(
  current: () => OpenProject | null,
  send: (channel: string, payload: unknown) => void,
): Record<string, IpcHandler> {
  const open = (): OpenProject => {
    const project = current();
    if (!project) throw new RefusedError('no project is open: File › Open Project…');
    return project;
  };
  let detection: AbortController | null = null;

  const handlers: Record<string, IpcHandler> = {};
  for (const method of Object.keys(REMOTE_METHODS) as RemoteMethod[]) {
    handlers[method] = async (...raw) => {
      const args = checkArgs(method, raw);
      const { api } = open();
      if (method !== 'detect') return (api[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      if (detection) throw new RefusedError('a detection is already running; cancel it or wait');
      detection = new AbortController();
      try {
        return await api.detect(args[0] as number | string, args[1] as number | string, args[2] as object | undefined, {
          signal: detection.signal,
          onProgress: (p) => send(PROGRESS_CHANNEL, p),
        });
      } finally {
        detection = null;
      }
    };
  }
  handlers.cancelDetection = () => {
    const running = detection !== null;
    detection?.abort();
    return running;
  };
  handlers.epochPoints = (epochId, query) => {
    if (!Number.isInteger(epochId)) throw new TypeError('epochPoints: the epoch id must be an integer');
    const q = (query ?? {}) as Partial<EpochPointsQuery>;
    if (typeof q.maxPoints !== 'number') throw new TypeError('epochPoints: maxPoints must be a number');
    return open().points.sample(epochId as number, { box: q.box, maxPoints: q.maxPoints, origin: q.origin });
  };
  handlers.octreeStatus = (epochId) => {
    if (!Number.isInteger(epochId)) throw new TypeError('octreeStatus: the epoch id must be an integer');
    const { octrees } = open();
    if (!octrees) throw new RefusedError('this project has no octrees');
    return octrees.ensure(epochId as number);
  };
  return handlers;
}
