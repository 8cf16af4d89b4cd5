// The run's suppressed candidates in the 3D view: what looked like change but was judged not to be a building change
// (a tree, a car, a sliver…). Without them an analyst cannot check why something was NOT flagged: a real shed taken
// for a tree would be invisible. Drawn unlike any change: a faint patch on the ground with dotted outlines at the
// ground and as high as the candidate's mean height change, coloured by reason, over everything else. A toggle in the
// view's toolbar counts them, drawn or not (remembered); while shown, a panel lists them and a click on an outline or a
// row tells why it was not flagged.
import * as THREE from 'three';
import { mergeGeometries } from 'three/addons/utils/BufferGeometryUtils.js';
import type { RunRecord } from '../core/api';
import type { SuppressedCandidate, SuppressionReason } from '../core/changes/types';
import type { ViewerApi } from './bridge';
import { h } from './dom';
import { groundUnder } from './ground-at';
import { t } from './i18n';
import { renderSuppressedPanel } from './panels/suppressed-panel';
import { leaveOutOfReports } from './snapshot';
import type { Viewer } from './viewer';
import { viewToolbar } from './view-tools';

const SHOWN_KEY = 'voxwatch.suppressed';

/** Light, unlike the change types' and verdicts' colours (renderer/colours.ts), so an outline is never read as a change. */
export const SUPPRESSION_COLOURS: Record<SuppressionReason, string> = {
  vegetation: '#8ee07a',
  vehicle: '#7cc8ff',
  too_small: '#f5a3d6',
  not_building: '#c7a6ff',
  sliver: '#ffe08a',
  low_coverage: '#8fe3d6',
};
export const SUPPRESSION_REASONS = Object.keys(SUPPRESSION_COLOURS) as SuppressionReason[];

/** Dots of about this many pixels on the screen, whatever the zoom: metre-long dashes blur into a line from afar. */
const DOT_PX = 4;
const PANEL_KEY = 'voxwatch.suppressed-panel';

/** Below this mean height change (metres) the upper outline would sit on the lower one: only the ground's is drawn. */
const MIN_RAISED_M = 0.5;

/** One ring's edges as segment pairs at height z (scene coordinates), for a LineSegments geometry. */
function ringSegments(ring: [number, number][], origin: readonly number[], z: number, out: number[]): void {
  const [ox, oy] = origin;
  for (let i = 0; i + 1 < ring.length; i++) out.push(ring[i][0] - ox, ring[i][1] - oy, z, ring[i + 1][0] - ox, ring[i + 1][1] - oy, z);
}

/** Frees an object's GPU buffers. */
function disposeOf(o: THREE.Mesh | THREE.LineSegments): void {
  o.geometry.dispose();
  (o.material as THREE.Material).dispose();
}

export class SuppressedLayer {
  private shown = localStorage.getItem(SHOWN_KEY) === 'shown';
  private candidates: SuppressedCandidate[] = [];
  private runId: number | null = null;
  private selected: number | null = null;
  /** The ground under each candidate (scene z), as last drawn. */
  private groundZ: number[] = [];
  private readonly group = new THREE.Group();
  private readonly highlight = new THREE.Group();
  private readonly button: HTMLButtonElement;
  private readonly panel: HTMLDetailsElement;
  private dashed: THREE.LineDashedMaterial[] = [];
  /** Called when the layer is shown or hidden, or its count changes (the legend lists the reasons while shown). */
  onChange: () => void = () => undefined;

  constructor(
    private readonly viewer: Viewer,
    private readonly api: ViewerApi,
    container: HTMLElement,
    /** The lowest height of the project's epochs (scene coordinates): the ground when no points are drawn yet. */
    private readonly floorZ: number,
  ) {
    this.group.name = 'suppressed';
    leaveOutOfReports(this.group);
    this.group.renderOrder = 5;
    this.highlight.name = 'suppressed-selected';
    this.group.add(this.highlight);
    viewer.three.scene.add(this.group);
    this.button = h('button', { id: 'suppressed-toggle', 'aria-pressed': String(this.shown), onclick: () => this.toggle() });
    viewToolbar(container).append(this.button);
    // Open unless the analyst folded it: remembered, as the legend's.
    this.panel = h('details', { id: 'suppressed-panel', class: 'suppressed-panel', hidden: !this.shown });
    this.panel.open = localStorage.getItem(PANEL_KEY) !== 'closed';
    this.panel.addEventListener('toggle', () => localStorage.setItem(PANEL_KEY, this.panel.open ? 'open' : 'closed'));
    // Beside the view, in a column of the page's grid (style.css), not over it: it would hide the changes' labels.
    document.body.append(this.panel);
    // Picked through the viewer, not a click listener of its own: a change over a patch must not be chosen with it.
    viewer.addPickable(
      () => (this.shown ? this.group.children.filter((o): o is THREE.Mesh => o instanceof THREE.Mesh) : []),
      (hit) => this.pick(hit),
    );
    viewer.hooks.afterRender.push(() => this.fitDots());
    this.relabel();
  }

  get visible(): boolean {
    return this.shown;
  }

  /** How many of the run's candidates were suppressed for each reason. */
  counts(): Record<SuppressionReason, number> {
    const counts = Object.fromEntries(SUPPRESSION_REASONS.map((r) => [r, 0])) as Record<SuppressionReason, number>;
    for (const c of this.candidates) counts[c.reason]++;
    return counts;
  }

  relabel(): void {
    this.button.textContent = `${t('notFlagged')} ${this.runId === null ? '' : this.candidates.length}`.trim();
    this.button.title = t('notFlaggedHint');
    this.renderPanel();
  }

  /** Loads the run's candidates (none without a run). */
  async setRun(run: RunRecord | null): Promise<void> {
    this.runId = run?.id ?? null;
    const candidates = run ? await this.api.suppressedCandidates(run.id) : [];
    if (this.runId !== (run?.id ?? null)) return; // another run was opened meanwhile
    this.candidates = candidates;
    this.selected = null;
    this.viewer.canvas.parentElement!.dataset.suppressedSelected = '';
    this.button.dataset.count = String(candidates.length);
    this.relabel();
    this.build();
    this.onChange();
  }

  toggle(): void {
    this.shown = !this.shown;
    localStorage.setItem(SHOWN_KEY, this.shown ? 'shown' : 'hidden');
    this.button.setAttribute('aria-pressed', String(this.shown));
    this.panel.hidden = !this.shown;
    this.build();
    this.onChange();
  }

  /** Draws the candidates again on the ground the drawn points show now (once the epochs' points have loaded). */
  redraw(): void {
    if (this.shown) this.build();
  }

  /** Chooses a candidate (null: none): outlined in white, its card in the panel; `fly` moves the camera to it. */
  select(index: number | null, fly = false): void {
    this.selected = index;
    this.viewer.canvas.parentElement!.dataset.suppressedSelected = index === null ? '' : String(index);
    this.drawHighlight();
    this.renderPanel();
    if (index !== null && fly) this.flyTo(index);
  }

  private flyTo(index: number): void {
    const c = this.candidates[index];
    const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
    for (const polygon of c.footprint)
      for (const [x, y] of polygon[0])
        [box.minX, box.minY, box.maxX, box.maxY] = [
          Math.min(box.minX, x),
          Math.min(box.minY, y),
          Math.max(box.maxX, x),
          Math.max(box.maxY, y),
        ];
    const margin = 15;
    const around = { minX: box.minX - margin, minY: box.minY - margin, maxX: box.maxX + margin, maxY: box.maxY + margin };
    this.viewer.flyTo(around, (this.groundZ[index] ?? this.floorZ) + this.viewer.origin[2]);
  }

  private renderPanel(): void {
    renderSuppressedPanel(this.panel, {
      candidates: this.candidates,
      selected: this.selected,
      colours: SUPPRESSION_COLOURS,
      onSelect: (i) => this.select(i, true),
      onFlyTo: (i) => this.flyTo(i),
      onClose: () => this.select(null),
    });
  }

  /** Drawn when shown; set on the ground the drawn points show now. One geometry per reason: a district has thousands. */
  private build(): void {
    for (const child of [...this.group.children]) {
      if (child === this.highlight) continue;
      this.group.remove(child);
      disposeOf(child as THREE.Mesh | THREE.LineSegments);
    }
    this.viewer.canvas.parentElement!.dataset.suppressed = this.shown ? String(this.candidates.length) : 'hidden';
    const origin = this.viewer.origin;
    const groundAt = groundUnder(
      this.viewer.three.scene,
      origin,
      this.candidates.map((c) => c.footprint),
      this.floorZ,
    );
    this.groundZ = this.candidates.map((c) => groundAt(c.centroid[0] - origin[0], c.centroid[1] - origin[1]));
    this.drawHighlight();
    this.dashed = [];
    if (!this.shown || this.candidates.length === 0) return this.viewer.requestRender();
    for (const reason of SUPPRESSION_REASONS) {
      const colour = SUPPRESSION_COLOURS[reason];
      const fill = new THREE.MeshBasicMaterial({
        color: colour,
        transparent: true,
        opacity: 0.16,
        depthTest: false,
        depthWrite: false,
        side: THREE.DoubleSide,
      });
      const segments: number[] = [];
      // The patches on the ground, one geometry per reason; a click finds the candidate by the triangle it hit.
      const patches: THREE.BufferGeometry[] = [];
      const owners: number[] = [];
      const firstTriangle: number[] = [];
      let triangles = 0;
      this.candidates.forEach((c, i) => {
        if (c.reason !== reason) return;
        const z = this.groundZ[i];
        const patch = new THREE.ShapeGeometry(this.shapes(c)).translate(0, 0, z + 0.12);
        patches.push(patch);
        owners.push(i);
        firstTriangle.push(triangles);
        triangles += patch.index!.count / 3;
        const rise = Math.abs(c.height_change_mean_m);
        for (const polygon of c.footprint) {
          ringSegments(polygon[0], origin, z + 0.15, segments);
          if (rise >= MIN_RAISED_M) ringSegments(polygon[0], origin, z + rise, segments);
        }
      });
      if (patches.length > 0) {
        const merged = mergeGeometries(patches);
        for (const patch of patches) patch.dispose();
        const mesh = new THREE.Mesh(merged, fill);
        mesh.renderOrder = 5;
        mesh.userData = { owners, firstTriangle };
        this.group.add(mesh);
      }
      if (segments.length === 0) continue;
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.Float32BufferAttribute(segments, 3));
      // Dotted: short dashes with equal gaps, unlike the uncertain areas' long dashes (sized by fitDots).
      const dots = new THREE.LineDashedMaterial({ color: colour, dashSize: 1, gapSize: 1, depthTest: false, transparent: true });
      this.dashed.push(dots);
      const outline = new THREE.LineSegments(geometry, dots);
      outline.computeLineDistances();
      outline.renderOrder = 6;
      this.group.add(outline);
    }
    this.viewer.requestRender();
  }

  /**
   * Keeps the dots about DOT_PX wide at the ground the camera looks at (after each frame; one more frame when the zoom
   * has changed them by more than a sixth).
   */
  private fitDots(): void {
    if (!this.shown || this.dashed.length === 0) return;
    const { camera } = this.viewer.three;
    const ahead = camera.getWorldDirection(new THREE.Vector3());
    // Along the view ray to the floor; straight down to it when the camera looks above the horizon.
    const down = Math.max(1, camera.position.z - this.floorZ);
    const distance = ahead.z < -0.05 ? down / -ahead.z : down;
    const metresPerPixel =
      (2 * distance * Math.tan(THREE.MathUtils.degToRad(camera.fov / 2))) / Math.max(1, this.viewer.canvas.clientHeight);
    const scale = 1 / (metresPerPixel * DOT_PX); // dashSize 1 ÷ scale = the dot's length in metres
    if (Math.abs(this.dashed[0].scale / scale - 1) < 1 / 6) return;
    for (const m of this.dashed) m.scale = scale;
    this.viewer.requestRender();
  }

  /** The selected candidate's outlines, solid white over the dotted ones. */
  private drawHighlight(): void {
    for (const child of [...this.highlight.children]) {
      this.highlight.remove(child);
      disposeOf(child as THREE.LineSegments);
    }
    const i = this.selected;
    if (this.shown && i !== null && this.candidates[i]) {
      const c = this.candidates[i];
      const z = this.groundZ[i] ?? this.floorZ;
      const rise = Math.max(MIN_RAISED_M, Math.abs(c.height_change_mean_m));
      const segments: number[] = [];
      for (const polygon of c.footprint) for (const dz of [0.15, rise]) ringSegments(polygon[0], this.viewer.origin, z + dz, segments);
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.Float32BufferAttribute(segments, 3));
      const line = new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ color: '#ffffff', depthTest: false, transparent: true }));
      line.renderOrder = 7;
      this.highlight.add(line);
    }
    this.viewer.requestRender();
  }

  private shapes(c: SuppressedCandidate): THREE.Shape[] {
    const [ox, oy] = this.viewer.origin;
    return c.footprint.map((polygon) => {
      const [outer, ...holes] = polygon.map((ring) => ring.map(([x, y]) => new THREE.Vector2(x - ox, y - oy)));
      const s = new THREE.Shape(outer);
      s.holes = holes.map((ring) => new THREE.Path(ring));
      return s;
    });
  }

  /**
   * A click whose nearest hit is a candidate's patch chooses it (the viewer casts the ray, the layer shown); a click
   * elsewhere leaves the choice as it is.
   */
  private pick(hit: THREE.Intersection): void {
    if (hit.faceIndex == null) return;
    const { owners, firstTriangle } = hit.object.userData as { owners: number[]; firstTriangle: number[] };
    // The last candidate whose triangles start at or before the one hit.
    let [lo, hi] = [0, firstTriangle.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (firstTriangle[mid] <= hit.faceIndex) lo = mid;
      else hi = mid - 1;
    }
    this.select(owners[lo]);
  }
}
