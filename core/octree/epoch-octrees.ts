/**
 * The octrees of a project's epochs, kept beside the project file (`<project>.octrees/<epoch id>/`), never in the
 * SQLite file: built on first view (or by `voxwatch octree`), one build at a time (the machine's cores are shared
 * with detection), rebuilt when a source file or the converter changed, cancelled when the shell closes.
 */
import { join } from 'node:path';
import type { ProjectApi } from '../api';
import { ApiArgumentError } from '../api-args';
import { buildOctreeInThread } from './build-thread';
import { octreeIsCurrent, type OctreeBuildOptions, type OctreePhase, type OctreeSummary } from './convert';

/** The files a viewer may fetch from an epoch's octree folder; nothing else is ever served from it. */
export const OCTREE_FILES = ['metadata.json', 'hierarchy.bin', 'octree.bin'] as const;
export type OctreeFileName = (typeof OCTREE_FILES)[number];

export function isOctreeFile(name: string): name is OctreeFileName {
  return (OCTREE_FILES as readonly string[]).includes(name);
}

export interface OctreeStatus {
  epochId: number;
  state: 'ready' | 'building' | 'queued' | 'failed';
  phase: OctreePhase | null;
  done: number;
  total: number;
  /** Why the last build failed (a source that cannot be read, …). */
  error: string | null;
}

interface EpochSources {
  files: string[];
  label: string;
  projection?: string;
}

interface Job {
  status: OctreeStatus;
  done: Promise<OctreeSummary>;
}

export class EpochOctrees {
  private readonly jobs = new Map<number, Job>();
  private readonly failures = new Map<number, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly abort = new AbortController();

  constructor(
    /** `<project>.octrees`. */
    readonly root: string,
    private readonly epochSources: (epochId: number) => Promise<EpochSources>,
    private readonly options: Pick<OctreeBuildOptions, 'chunkPoints' | 'leafPoints' | 'nodePoints'> = {},
  ) {}

  /** The octrees of a project; an unknown epoch id is the caller's mistake (ApiArgumentError). */
  static async forProject(project: Pick<ProjectApi, 'info'>): Promise<EpochOctrees> {
    const info = await project.info();
    return new EpochOctrees(octreeRootOf(info.path), async (id) => {
      const epoch = (await project.info()).epochs.find((e) => e.id === id);
      if (!epoch) throw new ApiArgumentError(`no epoch ${id} in this project`);
      return { files: epoch.files, label: epoch.label, projection: epoch.crs?.epsg !== undefined ? `EPSG:${epoch.crs.epsg}` : undefined };
    });
  }

  dir(epochId: number): string {
    return join(this.root, String(epochId));
  }

  /** Where the epoch's octree stands; starts building it in the background when there is none (or a stale one). */
  async ensure(epochId: number): Promise<OctreeStatus> {
    const job = this.jobs.get(epochId);
    if (job) return { ...job.status };
    const { files } = await this.epochSources(epochId);
    if (octreeIsCurrent(this.dir(epochId), files)) return idle(epochId, 'ready');
    const failure = this.failures.get(epochId);
    if (failure !== undefined) return { ...idle(epochId, 'failed'), error: failure };
    this.build(epochId).catch(() => undefined); // the outcome is read through the status
    return { ...this.jobs.get(epochId)!.status };
  }

  /** Builds (or rebuilds) an epoch's octree after any build already running; the same promise for a build asked twice. */
  build(epochId: number, hooks: Pick<OctreeBuildOptions, 'onProgress' | 'signal'> = {}): Promise<OctreeSummary> {
    const running = this.jobs.get(epochId);
    if (running) return running.done;
    this.failures.delete(epochId);
    const status: OctreeStatus = { ...idle(epochId, 'queued') };
    const signal = hooks.signal ? AbortSignal.any([hooks.signal, this.abort.signal]) : this.abort.signal;
    const done = this.queue.then(async () => {
      status.state = 'building';
      const sources = await this.epochSources(epochId);
      return buildOctreeInThread(sources.files, this.dir(epochId), {
        ...this.options,
        name: sources.label,
        projection: sources.projection,
        signal,
        onProgress: (p) => {
          Object.assign(status, p);
          hooks.onProgress?.(p);
        },
      });
    });
    this.queue = done.catch(() => undefined);
    this.jobs.set(epochId, { status, done });
    done.then(
      () => this.jobs.delete(epochId),
      (e: Error) => {
        this.jobs.delete(epochId);
        if (e.name !== 'AbortError') this.failures.set(epochId, e.message);
      },
    );
    return done;
  }

  /** The path of one of an epoch's octree files when the octree is complete and current, else null. */
  async file(epochId: number, name: string): Promise<string | null> {
    if (!isOctreeFile(name) || this.jobs.has(epochId)) return null;
    const { files } = await this.epochSources(epochId);
    return octreeIsCurrent(this.dir(epochId), files) ? join(this.dir(epochId), name) : null;
  }

  /** Cancels every build (the shell is closing); their work folders are removed by the builds themselves. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.queue;
  }
}

export function octreeRootOf(projectPath: string): string {
  return `${projectPath}.octrees`;
}

function idle(epochId: number, state: OctreeStatus['state']): OctreeStatus {
  return { epochId, state, phase: null, done: 0, total: 0, error: null };
}
