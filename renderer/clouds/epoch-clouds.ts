// Puts a run's two epochs on screen with level of detail: asks for each epoch's octree (the server builds it on
// first view), shows "building level of detail… n %" meanwhile while the viewer draws the plain point samples, and
// switches each side to its octree once ready. The view's data-octree says where it stands (for tests and users).
import type { ChangeRecord, EpochRecord, RunRecord } from '../../core/api';
import type { Epoch, PointColour, Viewer } from '../viewer';
import { OctreeClouds, type ChangeBox } from './octree-clouds';
import { octreeSource, type OctreeSource, type OctreeStatus } from './octree-source';

const POLL_MS = 700;

export class EpochClouds {
  readonly octrees: OctreeClouds;
  private wanted = '';

  constructor(
    private readonly viewer: Viewer,
    private readonly container: HTMLElement,
    pointBudget: number,
    private readonly onStatus: (status: OctreeStatus[]) => void = () => undefined,
    private readonly source: OctreeSource = octreeSource(),
  ) {
    this.octrees = new OctreeClouds(source, viewer.origin, pointBudget);
    this.octrees.onUpdate = (points, loading) => {
      container.dataset.octreePoints = String(points);
      container.dataset.octreeLoading = String(loading);
    };
    viewer.setEpochLayer(this.octrees);
  }

  /** Shows the run's epochs from their octrees as soon as each is ready; a later call supersedes an earlier one. */
  async showRun(run: RunRecord, epochs: EpochRecord[]): Promise<void> {
    const wanted = `${run.before.id}/${run.after.id}/${run.alignment?.dz ?? 0}`;
    if (this.wanted === wanted) return;
    this.wanted = wanted;
    this.fitHeights(epochs.filter((e) => e.id === run.before.id || e.id === run.after.id));
    const sides: [Epoch, number][] = [
      ['before', run.before.id],
      ['after', run.after.id],
    ];
    for (const [side] of sides) if (this.octrees.epochIds()[side] !== undefined) this.octrees.remove(side);
    this.container.dataset.octree = 'waiting';
    const statuses = new Map<number, OctreeStatus>();
    const ready = await Promise.all(
      sides.map(async ([side, id]) => {
        for (;;) {
          const s = await this.source.status(id);
          if (this.wanted !== wanted) return false;
          statuses.set(id, s);
          this.onStatus([...statuses.values()]);
          if (s.state === 'failed') return false;
          if (s.state === 'ready') {
            this.fitHeights(epochs.filter((e) => e.id === run.before.id || e.id === run.after.id));
            // The later epoch drawn where the run compared it: lifted by the run's vertical alignment.
            await this.octrees.load(side, id, side === 'after' ? (run.alignment?.dz ?? 0) : 0);
            if (this.wanted !== wanted) return false;
            this.viewer.requestRender();
            return true;
          }
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      }),
    );
    if (this.wanted !== wanted) return;
    this.container.dataset.octree = ready.every(Boolean) ? 'ready' : 'failed';
  }

  /** Both of the run's epochs are drawn from octrees (the plain samples are not needed). */
  covers(run: RunRecord): boolean {
    const ids = this.octrees.epochIds();
    return ids.before === run.before.id && ids.after === run.after.id;
  }

  /** Whether both epochs' octrees are ready now (asking starts their builds when they are missing). */
  async bothReady(run: RunRecord): Promise<boolean> {
    const states = await Promise.all([run.before.id, run.after.id].map((id) => this.source.status(id).then((s) => s.state)));
    return states.every((s) => s === 'ready');
  }

  setColour(colour: PointColour): void {
    this.octrees.setColour(colour);
    this.viewer.requestRender();
  }

  setChanges(changes: ChangeRecord[], selected: number | null): void {
    const boxes: ChangeBox[] = changes.map((c) => {
      const xs = c.footprint.flatMap((p) => p[0].map(([x]) => x));
      const ys = c.footprint.flatMap((p) => p[0].map(([, y]) => y));
      return {
        key: c.key,
        minX: Math.min(...xs),
        minY: Math.min(...ys),
        maxX: Math.max(...xs),
        maxY: Math.max(...ys),
        bottom: Math.min(c.before_top_z, c.after_top_z),
        top: Math.max(c.before_top_z, c.after_top_z),
      };
    });
    this.octrees.setChangeBoxes(boxes, selected);
    this.viewer.requestRender();
  }

  /** The plain samples' height span when known, else the epochs' bounds, so both draw the same ramp. */
  private fitHeights(epochs: EpochRecord[]): void {
    const span = this.viewer.heightSpan();
    if (span) return this.octrees.setHeightRange(span[0], span[1]);
    const oz = this.viewer.origin[2];
    const lo = Math.min(...epochs.map((e) => e.bounds.minZ));
    const hi = Math.max(...epochs.map((e) => e.bounds.maxZ));
    if (Number.isFinite(lo) && Number.isFinite(hi)) this.octrees.setHeightRange(lo - oz, hi - oz);
  }
}
