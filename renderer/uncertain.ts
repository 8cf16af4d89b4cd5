// The run's uncertain areas in the 3D view: where one epoch saw nothing, so change there is neither claimed nor ruled
// out (core/changes/uncertain.ts). Drawn unlike any change: grey hatching on the ground with a dashed outline, and a
// dashed outline as high as the other epoch saw, over everything else so that a blind spot is never hidden. A toggle
// in the view's toolbar says how many the run has, drawn or not; the choice is remembered.
import * as THREE from 'three';
import type { RunRecord } from '../core/api';
import type { UncertainArea } from '../core/changes/types';
import type { ViewerApi } from './bridge';
import { h } from './dom';
import { groundUnder } from './ground-at';
import { t } from './i18n';
import { leaveOutOfReports } from './snapshot';
import type { Viewer } from './viewer';
import { viewToolbar } from './view-tools';

const SHOWN_KEY = 'voxwatch.uncertain';
/** Metres between two hatching lines on the ground. */
const HATCH_PERIOD_M = 3;
export const UNCERTAIN_COLOUR = '#c9ced6';

/** One diagonal line in a square that repeats: hatching when tiled. */
function hatchTexture(): THREE.Texture {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 32;
  const g = canvas.getContext('2d')!;
  g.strokeStyle = '#ffffff';
  g.lineWidth = 5;
  g.beginPath();
  for (const d of [-32, 0, 32]) {
    g.moveTo(d, 32);
    g.lineTo(d + 32, 0);
  }
  g.stroke();
  const texture = new THREE.CanvasTexture(canvas);
  texture.wrapS = texture.wrapT = THREE.RepeatWrapping;
  // ShapeGeometry's UVs are its x, y in metres: one tile every HATCH_PERIOD_M.
  texture.repeat.set(1 / HATCH_PERIOD_M, 1 / HATCH_PERIOD_M);
  return texture;
}

export class UncertainLayer {
  private shown = localStorage.getItem(SHOWN_KEY) === 'shown';
  private areas: UncertainArea[] = [];
  private runId: number | null = null;
  private readonly group = new THREE.Group();
  private readonly button: HTMLButtonElement;
  private texture: THREE.Texture | null = null;
  /** Called when the layer is shown or hidden, or its count changes (the legend lists it while shown). */
  onChange: () => void = () => undefined;

  constructor(
    private readonly viewer: Viewer,
    private readonly api: ViewerApi,
    container: HTMLElement,
    /** The lowest height of the project's epochs (scene coordinates): the ground when no points are drawn yet. */
    private readonly floorZ: number,
  ) {
    this.group.name = 'uncertain';
    leaveOutOfReports(this.group);
    this.group.renderOrder = 5;
    viewer.three.scene.add(this.group);
    this.button = h('button', { id: 'uncertain-toggle', 'aria-pressed': String(this.shown), onclick: () => this.toggle() });
    viewToolbar(container).append(this.button);
    this.relabel();
  }

  get visible(): boolean {
    return this.shown;
  }

  get count(): number {
    return this.areas.length;
  }

  relabel(): void {
    this.button.textContent = `${t('uncertainAreas')} ${this.runId === null ? '' : this.areas.length}`.trim();
    this.button.title = t('uncertainHint');
  }

  /** Loads the run's areas (none without a run). */
  async setRun(run: RunRecord | null): Promise<void> {
    this.runId = run?.id ?? null;
    const areas = run ? await this.api.uncertainAreas(run.id) : [];
    if (this.runId !== (run?.id ?? null)) return; // another run was opened meanwhile
    this.areas = areas;
    this.button.dataset.count = String(areas.length);
    this.relabel();
    this.build();
    this.onChange();
  }

  toggle(): void {
    this.shown = !this.shown;
    localStorage.setItem(SHOWN_KEY, this.shown ? 'shown' : 'hidden');
    this.button.setAttribute('aria-pressed', String(this.shown));
    this.build();
    this.onChange();
  }

  /** Draws the areas again on the ground the drawn points show now (once the epochs' points have loaded). */
  redraw(): void {
    if (this.shown) this.build();
  }

  /** Drawn when shown; set on the ground the drawn points show now. */
  private build(): void {
    for (const child of [...this.group.children]) {
      this.group.remove(child);
      // Each build makes its own materials: dispose of them with the geometry (the hatching texture is kept).
      (child as THREE.Mesh | THREE.Line).geometry.dispose();
      ((child as THREE.Mesh | THREE.Line).material as THREE.Material).dispose();
    }
    this.viewer.canvas.parentElement!.dataset.uncertain = this.shown ? String(this.areas.length) : 'hidden';
    this.viewer.requestRender();
    if (!this.shown || this.areas.length === 0) return;
    this.texture ??= hatchTexture();
    const [ox, oy] = this.viewer.origin;
    const groundAt = groundUnder(
      this.viewer.three.scene,
      this.viewer.origin,
      this.areas.map((a) => a.footprint),
      this.floorZ,
    );
    const fill = new THREE.MeshBasicMaterial({
      color: UNCERTAIN_COLOUR,
      map: this.texture,
      transparent: true,
      opacity: 0.7,
      depthTest: false,
      depthWrite: false,
      side: THREE.DoubleSide,
    });
    const line = new THREE.LineDashedMaterial({
      color: UNCERTAIN_COLOUR,
      dashSize: 1.2,
      gapSize: 0.8,
      depthTest: false,
      transparent: true,
    });
    for (const area of this.areas) {
      const z = groundAt(area.centroid[0] - ox, area.centroid[1] - oy);
      const shapes = area.footprint.map((polygon) => {
        const [outer, ...holes] = polygon.map((ring) => ring.map(([x, y]) => new THREE.Vector2(x - ox, y - oy)));
        const s = new THREE.Shape(outer);
        s.holes = holes.map((ring) => new THREE.Path(ring));
        return s;
      });
      const patch = new THREE.Mesh(new THREE.ShapeGeometry(shapes), fill);
      patch.position.z = z + 0.1;
      patch.renderOrder = 5;
      this.group.add(patch);
      // The outline on the ground, and as high as the other epoch saw: the unknown volume's top.
      const tops = area.otherHeight_m > 1 ? [0.1, area.otherHeight_m] : [0.1];
      for (const polygon of area.footprint) {
        for (const dz of tops) {
          const points = polygon[0].map(([x, y]) => new THREE.Vector3(x - ox, y - oy, z + dz));
          const outline = new THREE.Line(new THREE.BufferGeometry().setFromPoints(points), line);
          outline.computeLineDistances();
          outline.renderOrder = 6;
          this.group.add(outline);
        }
      }
    }
  }
}
