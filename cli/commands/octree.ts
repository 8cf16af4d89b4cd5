import { existsSync } from 'node:fs';
import { LocalProject } from '../../core/store/project';
import { EpochOctrees } from '../../core/octree/epoch-octrees';
import type { OctreePhase } from '../../core/octree/convert';
import { UsageError } from '../usage-error';
import { progressBar } from '../progress';
import { VERSION } from '../version';
import { abortOnSignals } from '../interrupt';

export interface OctreeCliOptions {
  epoch?: string[];
  quiet?: boolean;
}

const PHASES: Record<OctreePhase, string> = { scan: 'counting', distribute: 'distributing', index: 'building nodes' };

/** `voxwatch octree <project> [--epoch L…]`: builds (or rebuilds) the epochs' level-of-detail octrees beside the project. */
export async function octreeCommand(file: string, o: OctreeCliOptions): Promise<number> {
  if (!existsSync(file)) throw new UsageError(`no project file ${file}`);
  const project = LocalProject.open(file, `VoxWatch ${VERSION}`);
  const controller = new AbortController();
  const stopListening = abortOnSignals(controller);
  try {
    const info = await project.info();
    const wanted = o.epoch?.length ? o.epoch : info.epochs.map((e) => e.label);
    const epochs = wanted.map((label) => {
      const e = info.epochs.find((x) => x.label === label || String(x.id) === label);
      if (!e) throw new UsageError(`no epoch "${label}" in ${file} (it has ${info.epochs.map((x) => x.label).join(', ') || 'none'})`);
      return e;
    });
    const octrees = await EpochOctrees.forProject(project);
    for (const e of epochs) {
      const bar = o.quiet ? null : progressBar(`octree ${e.label}`);
      const started = Date.now();
      try {
        const s = await octrees.build(e.id, {
          signal: controller.signal,
          onProgress: (p) => bar?.update(p.done, p.total, PHASES[p.phase]),
        });
        bar?.stop();
        process.stdout.write(
          `epoch ${e.label}: ${s.points.toLocaleString('en')} points in ${s.nodes} nodes, ${s.depth + 1} levels, ` +
            `${(s.bytes / 2 ** 20).toFixed(1)} MiB (${((Date.now() - started) / 1000).toFixed(1)} s) → ${s.dir}\n`,
        );
      } finally {
        bar?.stop();
      }
    }
    return 0;
  } finally {
    stopListening();
    await project.close();
  }
}
