// The 3D view: the run's two epochs as THREE.Points, its changes as translucent extruded footprints with id labels,
// before / after / swipe (the two epochs either side of a divider, one camera, scissor test), and fly-to.
// It renders on demand only: software rendering (SwiftShader) and a shared CPU make a render loop costly.
import * as THREE from 'three';
import { MapControls } from 'three/addons/controls/MapControls.js';
import type { PolygonCoords } from '../core/changes/types';
import { declutter } from './declutter';
import type { PointCloudData } from './point-data';
import { PressTravel } from './press';
import { DEFAULT_SIDE, REACH_M, viewSide, type ViewSide } from './view-side';

export type ViewMode = 'before' | 'after' | 'swipe';
/** 'class' and 'change' need the octrees (renderer/clouds); the plain samples show height for them. */
export type PointColour = 'rgb' | 'height' | 'class' | 'change';
export type Epoch = 'before' | 'after';
/** An epoch's overview sample, or its denser sample around the selected change. */
export type CloudLayer = Epoch | 'beforeDetail' | 'afterDetail';

export interface ChangeShape {
  key: number;
  label: string;
  footprint: PolygonCoords[];
  /** Absolute heights of the changed volume's bottom and top. */
  bottom: number;
  top: number;
  colour: string;
  /** Whose label gives way when labels overlap: the higher rank (0 first) stays; the selected change's always does. */
  rank: number;
  /** A change of another run than the one shown, where it stood then: dashed edges, a fainter body. */
  elsewhere?: boolean;
}

export interface BoxXY {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/**
 * Epoch clouds drawn beside the plain samples (the level-of-detail octrees, renderer/clouds): updated before each
 * frame and shown per epoch like the samples, which are hidden for an epoch the layer covers.
 */
export interface EpochLayer {
  readonly object: THREE.Object3D;
  covers(epoch: Epoch): boolean;
  show(epoch: Epoch | null): void;
  /** Picks what to draw for this camera; true while another frame would show more (nodes still loading). */
  update(camera: THREE.Camera, renderer: THREE.WebGLRenderer, shown: Epoch[]): boolean;
}

/**
 * What a click in the view can choose (the change boxes, a layer's patches): the objects to hit, asked at each click
 * (a layer rebuilds them, or has none while hidden), and what a hit on the nearest of them does.
 */
interface Pickable {
  objects: () => THREE.Object3D[];
  onHit: (hit: THREE.Intersection) => void;
}

interface Cloud {
  points: THREE.Points;
  rgb: THREE.BufferAttribute | null;
  height: THREE.BufferAttribute;
}

interface ChangeMesh {
  shape: ChangeShape;
  mesh: THREE.Mesh;
  edges: THREE.LineSegments;
  label: HTMLElement;
  anchor: THREE.Vector3;
  /** The label's size in CSS pixels, measured once while it is shown (its text never changes). */
  labelSize: [number, number] | null;
}

/** A dark-blue → teal → yellow ramp (viridis-like): readable on a dark background. */
function ramp(t: number): [number, number, number] {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(stops[i][c] + (stops[i + 1][c] - stops[i][c]) * f)) as [number, number, number];
}

export class Viewer {
  readonly canvas: HTMLCanvasElement;
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(50, 1, 0.5, 20_000);
  private readonly controls: MapControls;
  private readonly changeGroup = new THREE.Group();
  private readonly labelLayer: HTMLElement;
  private readonly clouds: Partial<Record<CloudLayer, Cloud>> = {};
  private changes: ChangeMesh[] = [];
  private selectedKey: number | null = null;
  /** Colours that replace the changes' own while a report's snapshot is drawn (paintChanges). */
  private paint: ReadonlyMap<number, string> | null = null;
  private pointColour: PointColour = 'rgb';
  private heightRange: [number, number] | null = null;
  private pending = false;
  private flight: number | null = null;
  /** Where the last flight put the camera and its target (scene coordinates), until the camera moves. */
  private flown: { position: THREE.Vector3; target: THREE.Vector3 } | null = null;
  private epochLayer: EpochLayer | null = null;
  private more: ReturnType<typeof setTimeout> | undefined;
  private readonly pickables: Pickable[] = [];
  /** How far the pointer went during the last press: an orbit or a pan ends in a click that must not pick. */
  private readonly press = new PressTravel();
  mode: ViewMode = 'after';
  /** Divider position as a share of the width from the left (swipe mode). */
  swipe = 0.5;
  frames = 0;
  onPick: (key: number) => void = () => undefined;
  /** Called after each frame (overlays placed over the view), and when an epoch's layers are shown (the ground). */
  readonly hooks = { afterRender: [] as (() => void)[], showEpoch: [] as ((epoch: Epoch) => void)[] };

  /** The Three.js objects, for the modules that add to the view (ground, measuring, snapshots). */
  get three(): { renderer: THREE.WebGLRenderer; scene: THREE.Scene; camera: THREE.PerspectiveCamera } {
    return { renderer: this.renderer, scene: this.scene, camera: this.camera };
  }

  constructor(
    private readonly container: HTMLElement,
    /** Subtracted from world coordinates: Float32 on the GPU cannot hold projected coordinates to the centimetre. */
    readonly origin: [number, number, number],
  ) {
    this.renderer = new THREE.WebGLRenderer({ antialias: false, powerPreference: 'high-performance' });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.setClearColor(0x15171a);
    this.canvas = this.renderer.domElement;
    container.append(this.canvas);
    this.labelLayer = document.createElement('div');
    this.labelLayer.className = 'labels';
    container.append(this.labelLayer);
    this.camera.up.set(0, 0, 1); // survey coordinates: z is up
    this.camera.position.set(0, -200, 200);
    this.controls = new MapControls(this.camera, this.canvas);
    this.controls.screenSpacePanning = false;
    this.controls.maxPolarAngle = Math.PI * 0.49;
    this.controls.addEventListener('change', () => this.requestRender());
    this.scene.add(this.changeGroup);
    new ResizeObserver(() => this.resize()).observe(container);
    // The changes first: on a tie along the ray, the change wins (pick keeps the first of equally near hits).
    this.addPickable(
      () => this.changes.map((c) => c.mesh),
      (hit) => this.onPick(hit.object.userData.key as number),
    );
    // The only click listener on the canvas: one click chooses one thing (see pick), and a drag chooses nothing.
    this.press.listen(this.canvas);
    this.canvas.addEventListener('click', (e) => {
      if (!this.press.dragged(e.clientX, e.clientY)) this.pick(e);
    });
    this.resize();
  }

  private resize(): void {
    const { clientWidth: w, clientHeight: h } = this.container;
    if (w === 0 || h === 0) return;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  /**
   * Shows a sample as one layer. `spacing` is the sample's mean distance between points (metres): points are drawn
   * that large in the world, so a decimated cloud still reads as closed surfaces at every zoom.
   */
  setCloud(layer: CloudLayer, data: PointCloudData, spacing: number): void {
    this.removeCloud(layer);
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(data.xyz, 3));
    // The sample's own origin may differ from the scene's: the object is moved, the floats stay small.
    this.heightRange ??= percentileRange(data.xyz, data.origin[2] - this.origin[2]);
    const cloud: Cloud = {
      points: new THREE.Points(geometry, new THREE.PointsMaterial({ size: this.worldPointSize(spacing), vertexColors: true })),
      rgb: data.rgb ? new THREE.BufferAttribute(data.rgb, 3, true) : null,
      height: this.heightColours(data),
    };
    cloud.points.position.set(data.origin[0] - this.origin[0], data.origin[1] - this.origin[1], data.origin[2] - this.origin[2]);
    cloud.points.frustumCulled = false;
    geometry.setAttribute('color', this.pointColour === 'rgb' && cloud.rgb ? cloud.rgb : cloud.height);
    this.clouds[layer] = cloud;
    this.scene.add(cloud.points);
    this.requestRender();
  }

  /**
   * PointsMaterial draws `size × (half the canvas height) / depth` pixels, while a length L at that depth spans
   * `L × (half height) / (depth × tan(fov/2))`: dividing by tan(fov/2) makes a point as wide as 1.4 spacings.
   */
  private worldPointSize(spacing: number): number {
    return Math.min(4, Math.max(0.05, spacing * 1.4)) / Math.tan(THREE.MathUtils.degToRad(this.camera.fov / 2));
  }

  removeCloud(layer: CloudLayer): void {
    const cloud = this.clouds[layer];
    if (!cloud) return;
    this.scene.remove(cloud.points);
    cloud.points.geometry.dispose();
    delete this.clouds[layer];
    this.requestRender();
  }

  private heightColours(data: PointCloudData): THREE.BufferAttribute {
    const [lo, hi] = this.heightRange!;
    const shift = data.origin[2] - this.origin[2];
    const colours = new Uint8Array(data.count * 3);
    for (let i = 0; i < data.count; i++) colours.set(ramp((data.xyz[i * 3 + 2] + shift - lo) / (hi - lo || 1)), i * 3);
    return new THREE.BufferAttribute(colours, 3, true);
  }

  setPointColour(colour: PointColour): void {
    this.pointColour = colour;
    for (const cloud of Object.values(this.clouds)) {
      cloud.points.geometry.setAttribute('color', colour === 'rgb' && cloud.rgb ? cloud.rgb : cloud.height);
    }
    this.requestRender();
  }

  setChanges(shapes: ChangeShape[]): void {
    for (const c of this.changes) {
      c.mesh.geometry.dispose();
      c.edges.geometry.dispose();
      (c.mesh.material as THREE.Material).dispose();
      (c.edges.material as THREE.Material).dispose();
      c.label.remove();
    }
    this.changeGroup.clear();
    // Kept in rank order: the labels are placed in it every frame.
    this.changes = shapes.map((shape) => this.buildChange(shape)).sort((a, b) => a.shape.rank - b.shape.rank);
    this.highlight();
  }

  /** Recolours without rebuilding geometry (a verdict changed). */
  recolour(colours: Map<number, string>): void {
    for (const c of this.changes) {
      const colour = colours.get(c.shape.key);
      if (colour) c.shape.colour = colour;
    }
    this.highlight();
  }

  private buildChange(shape: ChangeShape): ChangeMesh {
    const [ox, oy, oz] = this.origin;
    const shapes = shape.footprint.map((polygon) => {
      const [outer, ...holes] = polygon.map((ring) => ring.map(([x, y]) => new THREE.Vector2(x - ox, y - oy)));
      const s = new THREE.Shape(outer);
      s.holes = holes.map((ring) => new THREE.Path(ring));
      return s;
    });
    const depth = Math.max(0.3, shape.top - shape.bottom);
    const geometry = new THREE.ExtrudeGeometry(shapes, { depth, bevelEnabled: false });
    const mesh = new THREE.Mesh(
      geometry,
      new THREE.MeshBasicMaterial({ transparent: true, opacity: 0.35, depthWrite: false, side: THREE.DoubleSide }),
    );
    const edges = new THREE.LineSegments(
      new THREE.EdgesGeometry(geometry, 20),
      shape.elsewhere ? new THREE.LineDashedMaterial({ dashSize: 1, gapSize: 0.6 }) : new THREE.LineBasicMaterial(),
    );
    if (shape.elsewhere) edges.computeLineDistances();
    for (const object of [mesh, edges]) {
      object.position.z = shape.bottom - oz;
      object.userData.key = shape.key;
      this.changeGroup.add(object);
    }
    geometry.computeBoundingBox();
    const box = geometry.boundingBox!;
    const anchor = new THREE.Vector3((box.min.x + box.max.x) / 2, (box.min.y + box.max.y) / 2, shape.bottom - oz + depth);
    const label = document.createElement('button');
    label.className = shape.elsewhere ? 'change-label elsewhere' : 'change-label';
    label.textContent = shape.label;
    label.addEventListener('click', () => this.onPick(shape.key));
    this.labelLayer.append(label);
    return { shape, mesh, edges, label, anchor, labelSize: null };
  }

  select(key: number | null): void {
    this.selectedKey = key;
    this.highlight();
  }

  /**
   * Draws the changes in `colours` (by key) instead of their own, without the selection's emphasis, and leaves out
   * those it does not name, until called with null: a report's snapshot paints them as the report does.
   */
  paintChanges(colours: ReadonlyMap<number, string> | null): void {
    this.paint = colours;
    this.highlight();
  }

  private highlight(): void {
    for (const c of this.changes) {
      const paint = this.paint;
      const selected = !paint && c.shape.key === this.selectedKey;
      const colour = paint?.get(c.shape.key) ?? c.shape.colour;
      c.mesh.visible = c.edges.visible = !paint || paint.has(c.shape.key);
      const material = c.mesh.material as THREE.MeshBasicMaterial;
      material.color.set(colour);
      material.opacity = (selected ? 0.4 : 0.28) * (c.shape.elsewhere ? 0.5 : 1);
      (c.edges.material as THREE.LineBasicMaterial).color.set(selected ? '#ffffff' : colour);
      c.label.style.borderColor = c.shape.colour;
      c.label.classList.toggle('selected', selected);
    }
    this.requestRender();
  }

  setMode(mode: ViewMode): void {
    this.mode = mode;
    this.requestRender();
  }

  setSwipe(share: number): void {
    this.swipe = Math.min(1, Math.max(0, share));
    this.requestRender();
  }

  /**
   * Moves the camera to look at a box obliquely from `side` (from the south unless told), aimed at the height
   * `targetZ` (absolute) over the box's centre; animated unless `instant`.
   */
  flyTo(box: BoxXY, targetZ: number, instant = false, side: ViewSide = DEFAULT_SIDE): void {
    const [ox, oy, oz] = this.origin;
    const target = new THREE.Vector3((box.minX + box.maxX) / 2 - ox, (box.minY + box.maxY) / 2 - oy, targetZ - oz);
    const size = Math.max(box.maxX - box.minX, box.maxY - box.minY, 40); // never so close that context is lost
    const distance = (size / 2 / Math.tan(THREE.MathUtils.degToRad(this.camera.fov / 2))) * 1.5;
    const flat = Math.cos(side.elevation);
    const direction = new THREE.Vector3(side.dx * flat, side.dy * flat, Math.sin(side.elevation));
    const position = target.clone().add(direction.multiplyScalar(distance));
    if (this.flight !== null) cancelAnimationFrame(this.flight);
    this.flown = { position: position.clone(), target: target.clone() };
    if (instant) {
      this.controls.target.copy(target);
      this.camera.position.copy(position);
      this.controls.update();
      this.requestRender();
      return;
    }
    const [fromTarget, fromPosition] = [this.controls.target.clone(), this.camera.position.clone()];
    const start = performance.now();
    const step = (now: number) => {
      const f = Math.min(1, (now - start) / 600);
      const e = f * f * (3 - 2 * f);
      this.controls.target.lerpVectors(fromTarget, target, e);
      this.camera.position.lerpVectors(fromPosition, position, e);
      this.controls.update();
      this.requestRender();
      this.flight = f < 1 ? requestAnimationFrame(step) : null;
    };
    this.flight = requestAnimationFrame(step);
  }

  /** Whether a flight is under way (animated). */
  get flying(): boolean {
    return this.flight !== null;
  }

  /** Whether the camera is where the last flight put it (the analyst has not moved it since); false during a flight. */
  atFlightEnd(): boolean {
    const f = this.flown;
    return (
      !!f && this.flight === null && this.camera.position.distanceTo(f.position) < 0.01 && this.controls.target.distanceTo(f.target) < 0.01
    );
  }

  /**
   * The side a change is open to view from (renderer/view-side), judged on the points drawn or loaded around it now
   * (both epochs, the overview samples, the denser ones and the octrees' nodes); `targetZ` absolute. Null while no
   * points are there to judge by.
   */
  sideToView(footprint: PolygonCoords[], targetZ: number): ViewSide | null {
    const [ox, oy, oz] = this.origin;
    const rings = footprint.map((polygon) => polygon[0].map(([x, y]) => [x - ox, y - oy]));
    const xs = rings.flatMap((r) => r.map(([x]) => x));
    const ys = rings.flatMap((r) => r.map(([, y]) => y));
    if (xs.length === 0) return DEFAULT_SIDE;
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const reach = REACH_M + Math.hypot(maxX - minX, maxY - minY) / 2 + 1;
    const [cx, cy] = [(minX + maxX) / 2, (minY + maxY) / 2];
    const near: number[] = [];
    const sphere = new THREE.Sphere();
    this.scene.traverse((o) => {
      if (!(o instanceof THREE.Points)) return;
      const position = o.geometry.getAttribute('position') as THREE.BufferAttribute | undefined;
      if (!position || position.count < 100) return; // a marker's few points (measuring, a lead), not a survey's
      o.updateWorldMatrix(true, false);
      if (!o.geometry.boundingSphere) o.geometry.computeBoundingSphere();
      sphere.copy(o.geometry.boundingSphere!).applyMatrix4(o.matrixWorld);
      if (Math.hypot(sphere.center.x - cx, sphere.center.y - cy) > reach + sphere.radius) return;
      const e = o.matrixWorld.elements;
      for (let i = 0; i < position.count; i++) {
        const [px, py, pz] = [position.getX(i), position.getY(i), position.getZ(i)];
        const x = e[0] * px + e[4] * py + e[8] * pz + e[12];
        const y = e[1] * px + e[5] * py + e[9] * pz + e[13];
        if (Math.abs(x - cx) > reach || Math.abs(y - cy) > reach) continue;
        near.push(x, y, e[2] * px + e[6] * py + e[10] * pz + e[14]);
      }
    });
    return viewSide(rings, targetZ - oz, near);
  }

  requestRender(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  /** The height ramp's span in scene coordinates (2nd–98th percentile of the first sample), once known. */
  heightSpan(): [number, number] | null {
    return this.heightRange;
  }

  setEpochLayer(layer: EpochLayer): void {
    this.epochLayer = layer;
    this.scene.add(layer.object);
    this.requestRender();
  }

  /** Draws one frame now (the benchmark calls it directly). */
  render(): void {
    const size = this.renderer.getSize(new THREE.Vector2());
    const layer = this.epochLayer;
    const loading = layer?.update(this.camera, this.renderer, this.mode === 'swipe' ? ['before', 'after'] : [this.mode]) ?? false;
    const show = (epoch: Epoch) => this.showEpoch(epoch);
    if (this.mode === 'swipe') {
      const split = Math.round(size.x * this.swipe);
      this.renderer.setScissorTest(true);
      show('before');
      this.renderer.setScissor(0, 0, split, size.y);
      this.renderer.render(this.scene, this.camera);
      show('after');
      this.renderer.setScissor(split, 0, size.x - split, size.y);
      this.renderer.render(this.scene, this.camera);
      this.renderer.setScissorTest(false);
    } else {
      show(this.mode);
      this.renderer.render(this.scene, this.camera);
    }
    this.placeLabels(size);
    for (const hook of this.hooks.afterRender) hook();
    this.frames++;
    this.container.dataset.frames = String(this.frames);
    // Where the camera stands and looks (world coordinates), for the end-to-end tests.
    const [ox, oy, oz] = this.origin;
    const world = (v: THREE.Vector3) => [v.x + ox, v.y + oy, v.z + oz].map((c) => c.toFixed(2)).join(',');
    this.container.dataset.camera = world(this.camera.position);
    this.container.dataset.cameraTarget = world(this.controls.target);
    // Nodes still loading: draw again shortly (not every animation frame: the decoders need the CPU too).
    clearTimeout(this.more);
    if (loading) this.more = setTimeout(() => this.requestRender(), 80);
  }

  /**
   * Makes the layers of one epoch the visible ones (the clouds here, the ground through its hook). Where the epoch's
   * octree draws it, its plain samples stay hidden; `samplesOnly` shows the samples instead and hides the octree
   * (a snapshot draws the dense sample around a change, clipped to it, from a camera the octree did not choose its
   * nodes for).
   */
  showEpoch(epoch: Epoch, samplesOnly = false): void {
    const covered = !samplesOnly && (this.epochLayer?.covers(epoch) ?? false);
    for (const [layer, cloud] of Object.entries(this.clouds)) cloud.points.visible = layer.startsWith(epoch) && !covered;
    this.epochLayer?.show(samplesOnly ? null : epoch);
    for (const hook of this.hooks.showEpoch) hook(epoch);
  }

  /** Mean time of `frames` full renders, each waited for (a one-pixel read blocks until the GPU is done). */
  measureFrames(frames: number): number {
    const gl = this.renderer.getContext();
    const pixel = new Uint8Array(4);
    this.render();
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
    const start = performance.now();
    for (let i = 0; i < frames; i++) {
      this.camera.position.applyAxisAngle(new THREE.Vector3(0, 0, 1), 0.01); // a moving camera, as when orbiting
      this.render();
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
    }
    return (performance.now() - start) / frames;
  }

  /**
   * Puts each label over its change, the selected one first and the rest in rank order; a label that would overlap
   * one already placed is hidden (close changes seen from afar would pile their ids into an unreadable heap).
   */
  private placeLabels(size: THREE.Vector2): void {
    const v = new THREE.Vector3();
    const selected = this.changes.find((c) => c.shape.key === this.selectedKey);
    const order = selected ? [selected, ...this.changes.filter((c) => c !== selected)] : this.changes;
    const at = order.map((c) => {
      v.copy(c.anchor).project(this.camera);
      if (!(v.z < 1 && Math.abs(v.x) <= 1 && Math.abs(v.y) <= 1)) return null;
      // Measured while every label is still shown (the first frame); a hidden label measures 0.
      if (!c.labelSize && c.label.offsetWidth > 0) c.labelSize = [c.label.offsetWidth, c.label.offsetHeight];
      const [w, h] = c.labelSize ?? [8 + 7 * c.shape.label.length, 17];
      const [x, y] = [((v.x + 1) / 2) * size.x, ((1 - v.y) / 2) * size.y];
      // Where translate(-50%, -120%) puts it.
      return { x, y, box: { left: x - w / 2, top: y - 1.2 * h, right: x + w / 2, bottom: y - 0.2 * h } };
    });
    const shown = declutter(at.map((p) => p?.box ?? null));
    order.forEach((c, i) => {
      const p = at[i];
      c.label.hidden = !shown[i];
      // Hidden because another covers it, not because it is off the screen.
      c.label.classList.toggle('cluttered', p !== null && !shown[i]);
      if (p && shown[i]) c.label.style.transform = `translate(${p.x}px, ${p.y}px) translate(-50%, -120%)`;
    });
  }

  /** Where a change lies on the screen (CSS pixels from the view's top-left corner), or null when it is not in front of the camera. */
  screenBox(key: number | null): { left: number; top: number; right: number; bottom: number } | null {
    const c = this.changes.find((m) => m.shape.key === key);
    const box = c?.mesh.geometry.boundingBox;
    if (!c || !box) return null;
    const { clientWidth: w, clientHeight: h } = this.container;
    const out = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
    const v = new THREE.Vector3();
    for (let i = 0; i < 8; i++) {
      v.set(i & 1 ? box.max.x : box.min.x, i & 2 ? box.max.y : box.min.y, i & 4 ? box.max.z : box.min.z);
      v.add(c.mesh.position).project(this.camera);
      if (v.z > 1) return null; // behind the camera
      const [x, y] = [((v.x + 1) / 2) * w, ((1 - v.y) / 2) * h];
      [out.left, out.right, out.top, out.bottom] = [
        Math.min(out.left, x),
        Math.max(out.right, x),
        Math.min(out.top, y),
        Math.max(out.bottom, y),
      ];
    }
    return out;
  }

  /**
   * Lets a layer's objects be chosen by a click. The layer must not listen to the canvas itself: where its objects
   * and a change lie under the same pixel, one click would choose both.
   */
  addPickable(objects: () => THREE.Object3D[], onHit: (hit: THREE.Intersection) => void): void {
    this.pickables.push({ objects, onHit });
  }

  /**
   * One ray through the clicked pixel, over the change boxes and every layer's objects: only the nearest hit gets
   * the click. A click on nothing changes nothing.
   */
  private pick(event: MouseEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const pointer = new THREE.Vector2(
      ((event.clientX - rect.left) / rect.width) * 2 - 1,
      -((event.clientY - rect.top) / rect.height) * 2 + 1,
    );
    const raycaster = new THREE.Raycaster();
    raycaster.setFromCamera(pointer, this.camera);
    let nearest: { hit: THREE.Intersection; onHit: Pickable['onHit'] } | null = null;
    for (const { objects, onHit } of this.pickables) {
      const hit = raycaster.intersectObjects(objects(), false)[0]; // sorted nearest first
      if (hit && (!nearest || hit.distance < nearest.hit.distance)) nearest = { hit, onHit };
    }
    nearest?.onHit(nearest.hit);
  }
}

/** The 2nd–98th percentile of heights (from a subsample), so a few outliers do not flatten the height ramp. */
function percentileRange(xyz: Float32Array, shift: number): [number, number] {
  const n = xyz.length / 3;
  const step = Math.max(1, Math.floor(n / 20_000));
  const zs: number[] = [];
  for (let i = 0; i < n; i += step) zs.push(xyz[i * 3 + 2] + shift);
  if (zs.length === 0) return [0, 1];
  zs.sort((a, b) => a - b);
  return [zs[Math.floor(zs.length * 0.02)], zs[Math.floor(zs.length * 0.98)]];
}
