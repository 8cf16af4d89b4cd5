// The epochs as level-of-detail point clouds: potree-core 2.0.15 loading the Potree 2.0 octrees our core builds,
// under one point budget shared by both epochs. The viewer asks it to update before each frame and to show one
// epoch per pass (the swipe draws before and after in two scissored passes); it asks for more frames only while
// nodes are still loading, so an idle view draws nothing.
import * as THREE from 'three';
import { PointCloudOctree, PointColorType, PointShape, PointSizeType, Potree, VIRIDIS } from 'potree-core';
import type { Epoch } from '../viewer';
import type { OctreeSource } from './octree-source';

/** How points are coloured: their own RGB, height, ASPRS class, or grey with the changed volumes in red. */
export type CloudColour = 'rgb' | 'height' | 'class' | 'change';

/** A change's volume as a box in world coordinates (its footprint's bounds, bottom to top). */
export interface ChangeBox {
  key: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  bottom: number;
  top: number;
}

/** ASPRS classes in the colours GIS tools use. */
const ASPRS_COLOURS = (() => {
  const c = (r: number, g: number, b: number) => new THREE.Vector4(r / 255, g / 255, b / 255, 1);
  return {
    0: c(160, 160, 160), // never classified
    1: c(200, 200, 200), // unclassified
    2: c(166, 112, 64), // ground
    3: c(140, 200, 90), // low vegetation
    4: c(70, 170, 60), // medium vegetation
    5: c(30, 120, 40), // high vegetation
    6: c(230, 90, 60), // building
    7: c(255, 0, 255), // low noise
    9: c(60, 120, 220), // water
    17: c(120, 120, 200), // bridge deck
    18: c(255, 0, 255), // high noise
    DEFAULT: c(230, 220, 120),
  };
})();

/** Visibility updates per frame while loaded nodes wait to be drawn (see update). */
const MAX_UPDATE_TURNS = 16;

/**
 * "change" colouring: red inside the changed volumes (orange for the selected one), and everything else in greys that
 * keep the district readable: lighter with height over the height ramp's span (2nd–98th percentile) and with the
 * point's own brightness, so buildings stand out from the streets around them (one flat grey made a silhouette).
 */
const CHANGE_HIT = [235, 64, 52];
const CHANGE_SELECTED = [255, 150, 40];
/** The unchanged points' greys, darkest to lightest: under the changes' reds in brightness, never the background. */
const GREY_LOW = 62;
const GREY_HIGH = 200;

/** An unchanged point's grey: its height's place on the ramp (0–1) and its own brightness (0–1, null without colours). */
export function unchangedGrey(height: number, brightness: number | null): [number, number, number] {
  const h = Math.min(1, Math.max(0, height));
  const mix = brightness === null ? h : 0.6 * h + 0.4 * brightness;
  const g = Math.round(GREY_LOW + (GREY_HIGH - GREY_LOW) * mix);
  return [g, g, Math.min(255, g + 6)]; // a touch of blue, as the view's other greys
}

interface LoadedCloud {
  epochId: number;
  /** The vertical alignment it was lifted by. */
  dz: number;
  pco: PointCloudOctree;
}

export class OctreeClouds {
  readonly object = new THREE.Group();
  private readonly potree = new Potree();
  private readonly clouds: Partial<Record<Epoch, LoadedCloud>> = {};
  private colour: CloudColour = 'rgb';
  private heightRange: [number, number] = [0, 50];
  private boxes: ChangeBox[] = [];
  private selectedKey: number | null = null;
  /** Bumped whenever CPU-side colours (class, change) must be recomputed. */
  private colourVersion = 0;
  /** Points drawn in the last frame (both epochs). */
  visiblePoints = 0;
  /** Called after each update with the points chosen for the frame. */
  onUpdate: (visiblePoints: number, loading: boolean) => void = () => undefined;

  constructor(
    private readonly source: OctreeSource,
    /** Subtracted from world coordinates, as in the viewer. */
    private readonly origin: [number, number, number],
    pointBudget: number,
  ) {
    this.potree.pointBudget = pointBudget;
  }

  /**
   * Loads an epoch's octree for one side (before/after); resolves once its metadata is read.
   * `dz` lifts it as the run's vertical alignment lifted its heights.
   */
  async load(epoch: Epoch, epochId: number, dz = 0): Promise<void> {
    if (this.clouds[epoch]?.epochId === epochId && this.clouds[epoch]?.dz === dz) return;
    const pco = await this.potree.loadPointCloud('metadata.json', this.source.requests(epochId));
    this.remove(epoch);
    pco.name = `octree-${epoch}-${epochId}`;
    // The octree sits at its cube's corner in world coordinates; the scene is shifted by the viewer's origin.
    pco.position.sub(new THREE.Vector3(...this.origin));
    pco.position.z += dz;
    pco.updateMatrix();
    pco.frustumCulled = false;
    const m = pco.material;
    m.outputColorEncoding = 1; // sRGB out: without it potree-core's colours come out wrong (see its README)
    m.pointSizeType = PointSizeType.ADAPTIVE;
    m.shape = PointShape.SQUARE; // the cheapest fragment on software rendering
    m.size = 1;
    m.minSize = 2;
    m.maxSize = 12;
    m.gradient = VIRIDIS;
    this.clouds[epoch] = { epochId, dz, pco };
    this.object.add(pco);
    this.applyColour(pco);
  }

  remove(epoch: Epoch): void {
    const cloud = this.clouds[epoch];
    if (!cloud) return;
    this.object.remove(cloud.pco);
    cloud.pco.dispose();
    delete this.clouds[epoch];
  }

  /** True once the epoch's octree has its root node on screen, so the plain sample of it can be hidden. */
  covers(epoch: Epoch): boolean {
    const cloud = this.clouds[epoch];
    return !!cloud && cloud.pco.root !== null && cloud.pco.pcoGeometry.root.loaded === true;
  }

  /** Shows one epoch (a swipe pass) or none. */
  show(epoch: Epoch | null): void {
    for (const [side, cloud] of Object.entries(this.clouds)) cloud.pco.visible = side === epoch;
  }

  /**
   * Chooses the nodes to draw for this camera (both epochs, one budget) and starts loading missing ones. Returns
   * true while nodes are loading, i.e. while another frame would show more.
   */
  update(camera: THREE.Camera, renderer: THREE.WebGLRenderer, shown: Epoch[]): boolean {
    const list = shown.map((e) => this.clouds[e]?.pco).filter((p): p is PointCloudOctree => !!p);
    if (list.length === 0) {
      this.visiblePoints = 0;
      return false;
    }
    for (const pco of list) pco.visible = true;
    let result = this.potree.updatePointClouds(list, camera, renderer);
    // potree-core turns at most two loaded nodes into drawable ones per update: take a few more turns now rather
    // than a frame each (a frame costs up to a second in software rendering).
    for (let turn = 0; turn < MAX_UPDATE_TURNS && result.exceededMaxLoadsToGPU; turn++)
      result = this.potree.updatePointClouds(list, camera, renderer);
    this.visiblePoints = result.numVisiblePoints;
    for (const pco of list) for (const node of pco.visibleNodes) this.prepareNode(node.sceneNode);
    const loading =
      result.exceededMaxLoadsToGPU ||
      result.nodeLoadPromises.length > 0 ||
      list.some((p) => p.pcoGeometry.numNodesLoading > 0 || !p.pcoGeometry.root.loaded);
    this.onUpdate(this.visiblePoints, loading);
    return loading;
  }

  setColour(colour: CloudColour): void {
    this.colour = colour;
    this.colourVersion++;
    for (const cloud of Object.values(this.clouds)) this.applyColour(cloud.pco);
  }

  /** Heights the height ramp spans, in scene coordinates (world minus origin), as the plain samples use. */
  setHeightRange(lo: number, hi: number): void {
    this.heightRange = [lo, hi];
    if (this.colour === 'change') this.colourVersion++; // the unchanged greys follow the ramp
    for (const cloud of Object.values(this.clouds)) this.applyColour(cloud.pco);
  }

  /** The run's changed volumes for "change" colouring; the selected one and the largest get the highlight slots. */
  setChangeBoxes(boxes: ChangeBox[], selectedKey: number | null): void {
    this.boxes = boxes;
    this.selectedKey = selectedKey;
    if (this.colour === 'change') this.colourVersion++;
    for (const cloud of Object.values(this.clouds)) this.applyColour(cloud.pco);
  }

  /**
   * potree-core 2.0.15 draws a Potree 2.0 octree ("new format") in its `rgba` whatever the colour type, while its
   * Potree 1 path honours the height ramp but not (here) class or uniform colours. So: RGB, class and change
   * colours go through `rgba` (class and change computed per node on the CPU, the file's colours kept aside),
   * and height takes the Potree 1 path with `color` aliased to `rgba`.
   */
  private applyColour(pco: PointCloudOctree): void {
    const m = pco.material;
    const heightPath =
      this.colour === 'height' ||
      (this.colour === 'rgb' && !hasAttribute(pco, 'rgba')) ||
      (this.colour === 'class' && !hasAttribute(pco, 'classification'));
    m.elevationRange = [...this.heightRange];
    if (m.newFormat === heightPath) {
      m.newFormat = !heightPath;
      // sRGB out for the octree's colours (potree-core's advice); the ramp's texture colours are already sRGB.
      m.outputColorEncoding = heightPath ? 0 : 1;
      m.updateShaderSource();
    }
    m.pointColorType = heightPath ? PointColorType.HEIGHT : PointColorType.RGB;
  }

  /** Gives a node's geometry the colours of the current mode (once per mode change or new node). */
  private prepareNode(points: THREE.Points): void {
    const g = points.geometry;
    const key = `${this.colour}/${this.colourVersion}`;
    if (g.userData.vxColour === key) return;
    g.userData.vxColour = key;
    const n = g.getAttribute('position').count;
    let rgba = g.getAttribute('rgba') as THREE.BufferAttribute | undefined;
    if (!rgba) {
      rgba = new THREE.BufferAttribute(new Uint8Array(n * 4), 4, true);
      g.setAttribute('rgba', rgba);
    }
    const out = rgba.array as Uint8Array;
    g.userData.fileRgba ??= out.slice(); // the file's colours, to come back to
    const file = g.userData.fileRgba as Uint8Array;
    if (!g.getAttribute('color')) g.setAttribute('color', rgba); // the Potree 1 path's name for it
    if (this.colour === 'class') {
      const cls = g.getAttribute('classification');
      for (let i = 0; i < n; i++) out.set(classColour(cls ? Math.round(cls.getX(i)) : 0), i * 4);
    } else if (this.colour === 'change') {
      points.updateMatrixWorld(true);
      const toScene = points.matrixWorld;
      const pos = g.getAttribute('position');
      const v = new THREE.Vector3();
      const boxes = this.boxes.map((b) => ({ ...b, selected: b.key === this.selectedKey }));
      const [ox, oy, oz] = this.origin;
      const [lo, hi] = this.heightRange;
      const span = Math.max(1e-6, hi - lo);
      // A node read without colours holds zeros: its greys come from height alone.
      const coloured = file.some((c, k) => k % 4 !== 3 && c !== 0);
      for (let i = 0; i < n; i++) {
        v.fromBufferAttribute(pos, i).applyMatrix4(toScene);
        const x = v.x + ox;
        const y = v.y + oy;
        const z = v.z + oz;
        let colour: readonly number[] | null = null;
        for (const b of boxes) {
          if (x >= b.minX - 0.3 && x <= b.maxX + 0.3 && y >= b.minY - 0.3 && y <= b.maxY + 0.3 && z >= b.bottom - 0.6 && z <= b.top + 0.6) {
            colour = b.selected ? CHANGE_SELECTED : CHANGE_HIT;
            if (b.selected) break;
          }
        }
        colour ??= unchangedGrey(
          (v.z - lo) / span,
          coloured ? (0.299 * file[i * 4] + 0.587 * file[i * 4 + 1] + 0.114 * file[i * 4 + 2]) / 255 : null,
        );
        out[i * 4] = colour[0];
        out[i * 4 + 1] = colour[1];
        out[i * 4 + 2] = colour[2];
      }
    } else out.set(file);
    rgba.needsUpdate = true;
  }

  epochIds(): Partial<Record<Epoch, number>> {
    return Object.fromEntries(Object.entries(this.clouds).map(([side, c]) => [side, c.epochId]));
  }
}

function hasAttribute(pco: PointCloudOctree, name: string): boolean {
  return pco.pcoGeometry.pointAttributes?.attributes.some((a) => a.name === name) ?? false;
}

function classColour(code: number): number[] {
  const c = (ASPRS_COLOURS as Record<string, THREE.Vector4>)[code] ?? ASPRS_COLOURS.DEFAULT;
  return [Math.round(c.x * 255), Math.round(c.y * 255), Math.round(c.z * 255)];
}
