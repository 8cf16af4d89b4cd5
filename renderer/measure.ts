// Measuring in the 3D view: click two points (picked on the drawn points, else on the ground plane) and read the
// horizontal distance, the 3D distance and the height difference. M or the toolbar button starts; Esc cancels.
import * as THREE from 'three';
import { h } from './dom';
import { t } from './i18n';
import { PressTravel } from './press';
import type { Viewer } from './viewer';
import { viewToolbar } from './view-tools';

export interface Measurement {
  /** World coordinates (project CRS, metres). */
  from: [number, number, number];
  to: [number, number, number];
  horizontal: number;
  distance: number;
  /** to.z − from.z */
  dz: number;
}

export function measureBetween(from: [number, number, number], to: [number, number, number]): Measurement {
  const [dx, dy, dz] = [to[0] - from[0], to[1] - from[1], to[2] - from[2]];
  const horizontal = Math.hypot(dx, dy);
  return { from, to, horizontal, distance: Math.hypot(horizontal, dz), dz };
}

const fmt = (v: number) => `${v.toFixed(2)} m`;

export class MeasureTool {
  private active = false;
  private picked: THREE.Vector3[] = [];
  /** How far the last press went: a drag (panning the view) ends in a click that must not pick a point. */
  private readonly press = new PressTravel();
  private readonly group = new THREE.Group();
  private readonly button: HTMLButtonElement;
  private readonly readout: HTMLElement;
  private readonly label: HTMLElement;
  /** Height of the ground plane picked when no point is hit (scene coordinates). */
  groundZ = 0;

  constructor(
    private readonly viewer: Viewer,
    private readonly container: HTMLElement,
  ) {
    this.group.renderOrder = 10;
    viewer.three.scene.add(this.group);
    this.button = h('button', { id: 'measure', 'aria-pressed': 'false', onclick: () => (this.active ? this.cancel() : this.start()) });
    viewToolbar(container).append(this.button);
    this.readout = h('div', { id: 'measure-readout', class: 'measure-readout', hidden: true });
    this.label = h('div', { class: 'measure-label', hidden: true });
    container.append(this.readout, this.label);
    // Capture phase on the container: a measuring click must not also select a change under it.
    container.addEventListener('click', (e) => this.onClick(e), true);
    this.press.listen(container);
    document.addEventListener('keydown', (e) => this.onKey(e));
    viewer.hooks.afterRender.push(() => this.placeLabel());
    this.relabel();
  }

  /** Texts in the current language (after a language switch). */
  relabel(): void {
    this.button.textContent = t('measure');
    this.button.title = `${t('measure')} (M)`;
    this.showReadout();
  }

  start(): void {
    this.clear();
    this.active = true;
    this.container.dataset.measuring = 'true';
    this.button.setAttribute('aria-pressed', 'true');
    this.showReadout();
  }

  cancel(): void {
    this.clear();
    this.active = false;
    delete this.container.dataset.measuring;
    this.button.setAttribute('aria-pressed', 'false');
    this.showReadout();
  }

  private clear(): void {
    this.picked = [];
    for (const child of [...this.group.children]) {
      this.group.remove(child);
      const object = child as THREE.Mesh;
      object.geometry?.dispose();
      (object.material as THREE.Material)?.dispose();
    }
    delete this.readout.dataset.horizontal;
    this.viewer.requestRender();
  }

  private onKey(e: KeyboardEvent): void {
    if ((e.target as HTMLElement).closest?.('input, textarea, select, [role="dialog"]') || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape' && (this.active || this.picked.length)) {
      this.cancel();
      e.preventDefault();
    } else if (e.key === 'm' || e.key === 'M') {
      if (this.active) this.cancel();
      else this.start();
      e.preventDefault();
    }
  }

  private onClick(e: MouseEvent): void {
    if (!this.active || e.target !== this.viewer.canvas) return;
    e.stopPropagation();
    if (this.press.dragged(e.clientX, e.clientY)) return;
    if (this.picked.length === 2) this.clear(); // a third click starts a new measurement
    const point = this.pick(e);
    if (!point) return;
    this.picked.push(point);
    this.draw();
    this.showReadout();
  }

  /** The nearest drawn point along the ray (within a tolerance that grows with distance), else the ground plane. */
  private pick(e: MouseEvent): THREE.Vector3 | null {
    const { camera, scene } = this.viewer.three;
    const rect = this.viewer.canvas.getBoundingClientRect();
    const pointer = new THREE.Vector2(((e.clientX - rect.left) / rect.width) * 2 - 1, -((e.clientY - rect.top) / rect.height) * 2 + 1);
    const raycaster = new THREE.Raycaster();
    raycaster.setFromCamera(pointer, camera);
    const clouds: THREE.Points[] = [];
    scene.traverseVisible((o) => {
      if (o instanceof THREE.Points && o.parent !== this.group) clouds.push(o);
    });
    const plane = new THREE.Plane(new THREE.Vector3(0, 0, 1), -this.groundZ);
    // About three pixels at the distance where the ray meets the ground.
    const range = raycaster.ray.distanceToPlane(plane) ?? camera.position.length();
    const pixel = (2 * range * Math.tan(THREE.MathUtils.degToRad(camera.fov / 2))) / rect.height;
    raycaster.params.Points = { threshold: Math.max(0.1, 3 * pixel) };
    const hit = raycaster.intersectObjects(clouds, false)[0];
    if (hit) return hit.point.clone();
    return raycaster.ray.intersectPlane(plane, new THREE.Vector3());
  }

  private draw(): void {
    const [a, b] = this.picked;
    const marker = (p: THREE.Vector3) => {
      const geometry = new THREE.BufferGeometry().setFromPoints([p]);
      return new THREE.Points(geometry, new THREE.PointsMaterial({ color: '#ffd32a', size: 9, sizeAttenuation: false, depthTest: false }));
    };
    const line = (points: THREE.Vector3[], color: string) =>
      new THREE.Line(new THREE.BufferGeometry().setFromPoints(points), new THREE.LineBasicMaterial({ color, depthTest: false }));
    this.group.clear();
    this.group.add(marker(a));
    if (b) {
      const corner = new THREE.Vector3(b.x, b.y, a.z);
      this.group.add(marker(b), line([a, b], '#ffd32a'), line([a, corner], '#7ed6df'), line([corner, b], '#ff9ff3'));
    }
    for (const child of this.group.children) child.renderOrder = 10;
    this.viewer.requestRender();
  }

  /** The measurement in world coordinates, once two points are picked. */
  get measurement(): Measurement | null {
    if (this.picked.length < 2) return null;
    const [ox, oy, oz] = this.viewer.origin;
    const world = (p: THREE.Vector3): [number, number, number] => [p.x + ox, p.y + oy, p.z + oz];
    return measureBetween(world(this.picked[0]), world(this.picked[1]));
  }

  private showReadout(): void {
    const m = this.measurement;
    this.readout.hidden = !this.active && !m;
    this.label.hidden = !m;
    if (!m) {
      this.readout.textContent = this.picked.length === 1 ? t('measureSecond') : t('measureHint');
      return;
    }
    this.readout.replaceChildren(
      h('span', { class: 'h' }, `${t('measureHorizontal')} ${fmt(m.horizontal)}`),
      h('span', { class: 'd' }, `${t('measure3d')} ${fmt(m.distance)}`),
      h('span', { class: 'z' }, `${t('measureHeight')} ${m.dz >= 0 ? '+' : '−'}${fmt(Math.abs(m.dz))}`),
    );
    Object.assign(this.readout.dataset, {
      horizontal: m.horizontal.toFixed(3),
      distance: m.distance.toFixed(3),
      dz: m.dz.toFixed(3),
      from: m.from.map((v) => v.toFixed(3)).join(','),
      to: m.to.map((v) => v.toFixed(3)).join(','),
    });
    this.label.textContent = fmt(m.distance);
    this.placeLabel();
  }

  /** The 3D distance beside the line's middle, kept there as the camera moves. */
  private placeLabel(): void {
    if (this.picked.length < 2) return;
    const mid = this.picked[0].clone().add(this.picked[1]).multiplyScalar(0.5).project(this.viewer.three.camera);
    const visible = mid.z < 1 && Math.abs(mid.x) <= 1 && Math.abs(mid.y) <= 1;
    this.label.hidden = !visible;
    const x = ((mid.x + 1) / 2) * this.container.clientWidth;
    const y = ((1 - mid.y) / 2) * this.container.clientHeight;
    this.label.style.transform = `translate(${x}px, ${y}px) translate(-50%, -140%)`;
  }
}
