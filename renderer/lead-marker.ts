// The chosen complaint lead's spot in the 3D view: a pin standing on the ground where it was reported, a ring as wide
// as the distance within which changes answer it (LEAD_RADIUS_M), and its code over the pin. Drawn over everything
// (a lead often lies behind a building from the camera), and left out of the report's 3D views.
import * as THREE from 'three';
import { LEAD_RADIUS_M } from '../core/review/leads';
import { groundUnder } from './ground-at';
import { leaveOutOfReports } from './snapshot';
import type { Viewer } from './viewer';

/** Unlike the change types', verdicts' and not-flagged reasons' colours: a lead is none of them. */
export const LEAD_COLOUR = '#00e5ff';
/** How high the pin stands over the ground, metres (over most roofs around, its top in the view flown to). */
const PIN_M = 30;

export interface LeadSpot {
  code: string;
  x: number;
  y: number;
}

export class LeadMarker {
  private readonly group = new THREE.Group();
  private readonly label: HTMLElement;
  /** The spot on the ground and the pin's top (scene coordinates), while a lead is marked. */
  private at: { ground: THREE.Vector3; top: THREE.Vector3 } | null = null;

  constructor(
    private readonly viewer: Viewer,
    private readonly container: HTMLElement,
    /** The lowest height of the project's epochs (scene coordinates): the ground when no points are drawn there. */
    private readonly floorZ: number,
  ) {
    this.group.name = 'lead-marker';
    this.group.renderOrder = 11;
    leaveOutOfReports(this.group);
    viewer.three.scene.add(this.group);
    this.label = document.createElement('div');
    this.label.className = 'lead-label';
    this.label.hidden = true;
    container.append(this.label);
    viewer.hooks.afterRender.push(() => this.place());
  }

  /** Marks a lead's spot (or clears the mark); returns the ground's height there (world z). */
  show(lead: LeadSpot | null): number | null {
    for (const child of [...this.group.children]) {
      this.group.remove(child);
      const o = child as THREE.Line;
      o.geometry.dispose();
      (o.material as THREE.Material).dispose();
    }
    this.at = null;
    this.label.hidden = true;
    delete this.container.dataset.lead;
    delete this.container.dataset.leadAt;
    if (!lead) {
      this.viewer.requestRender();
      return null;
    }
    const [ox, oy, oz] = this.viewer.origin;
    const [x, y] = [lead.x - ox, lead.y - oy];
    const r = LEAD_RADIUS_M;
    const square: [number, number][] = [
      [lead.x - r, lead.y - r],
      [lead.x + r, lead.y - r],
      [lead.x + r, lead.y + r],
      [lead.x - r, lead.y + r],
      [lead.x - r, lead.y - r],
    ];
    const z = groundUnder(this.viewer.three.scene, this.viewer.origin, [[[square]]], this.floorZ)(x, y);
    const ground = new THREE.Vector3(x, y, z);
    const top = new THREE.Vector3(x, y, z + PIN_M);
    const material = () => new THREE.LineBasicMaterial({ color: LEAD_COLOUR, depthTest: false, transparent: true });
    const ring: THREE.Vector3[] = [];
    for (let i = 0; i < 64; i++) {
      const a = (i / 64) * Math.PI * 2;
      ring.push(new THREE.Vector3(x + r * Math.cos(a), y + r * Math.sin(a), z + 0.3));
    }
    // The pin, a cross on the spot (a line one pixel wide is easily missed), and the ring.
    const cross = [
      [x - 3, y, z + 0.3],
      [x + 3, y, z + 0.3],
      [x, y - 3, z + 0.3],
      [x, y + 3, z + 0.3],
    ].map(([a, b, c]) => new THREE.Vector3(a, b, c));
    this.group.add(
      new THREE.LineSegments(new THREE.BufferGeometry().setFromPoints([ground, top, ...cross]), material()),
      new THREE.LineLoop(new THREE.BufferGeometry().setFromPoints(ring), material()),
      new THREE.Points(
        new THREE.BufferGeometry().setFromPoints([ground]),
        new THREE.PointsMaterial({ color: LEAD_COLOUR, size: 12, sizeAttenuation: false, depthTest: false, transparent: true }),
      ),
    );
    for (const child of this.group.children) child.renderOrder = 11;
    this.at = { ground, top };
    this.label.textContent = lead.code;
    this.container.dataset.lead = lead.code;
    this.viewer.requestRender();
    return z + oz;
  }

  /** The code over the pin's top, and where the spot is on the screen (data-lead-at, CSS pixels), as the camera moves. */
  private place(): void {
    if (!this.at) return;
    const { camera } = this.viewer.three;
    const [w, h] = [this.container.clientWidth, this.container.clientHeight];
    const screen = (p: THREE.Vector3) => {
      const v = p.clone().project(camera);
      return { x: ((v.x + 1) / 2) * w, y: ((1 - v.y) / 2) * h, shown: v.z < 1 && Math.abs(v.x) <= 1 && Math.abs(v.y) <= 1 };
    };
    const ground = screen(this.at.ground);
    this.container.dataset.leadAt = `${Math.round(ground.x)},${Math.round(ground.y)}`;
    // The label at the pin's top, or at the spot when the top is off the screen (a camera close to the ground).
    const top = screen(this.at.top);
    const p = top.shown ? top : ground;
    this.label.hidden = !p.shown;
    this.label.style.transform = `translate(${p.x}px, ${p.y}px) translate(-50%, -120%)`;
  }
}
