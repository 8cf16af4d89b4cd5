// The orthophoto draped as the ground: each epoch's orthophoto, downsampled by the server over the project area
// (ProjectApi.getOrthophotoImage), as the texture of a terrain mesh under the clouds: its heights come from the drawn
// points (the lowest per cell, opened so that roofs do not lift it, holes filled from their neighbours). The before
// view shows the earlier epoch's image, the after view the later one's (swipe: each side its own). A toggle in
// the view's toolbar; loaded on first use.
import * as THREE from 'three';
import type { RunRecord, ViewImage } from '../core/api';
import type { ViewerApi } from './bridge';
import { h } from './dom';
import { t } from './i18n';
import type { Epoch, Viewer } from './viewer';
import { terrainHeights } from './terrain';
import { viewToolbar } from './view-tools';

/** The orthophoto's longer side in pixels: 2048 keeps a 300 m district at 15 cm and the texture within any GPU's limits. */
const GROUND_PIXELS = 2048;

/** A low percentile of the drawn points' heights (scene coordinates): the ground under the district. */
export function groundLevel(viewer: Viewer): number | null {
  const zs: number[] = [];
  viewer.three.scene.traverse((o) => {
    if (!(o instanceof THREE.Points) || o.name === 'overlay') return;
    const position = o.geometry.getAttribute('position');
    if (!position || position.count < 100) return;
    const step = Math.max(1, Math.floor(position.count / 20_000));
    for (let i = 0; i < position.count; i += step) zs.push(position.getZ(i) + o.position.z);
  });
  if (zs.length === 0) return null;
  zs.sort((a, b) => a - b);
  return zs[Math.floor(zs.length * 0.03)];
}

/** Cells of the terrain mesh along each side. */
const TERRAIN_CELLS = 64;

export class OrthoGround {
  private enabled = false;
  private run: RunRecord | null = null;
  private readonly meshes: Partial<Record<Epoch, THREE.Mesh>> = {};
  private loaded = '';
  private readonly button: HTMLButtonElement;
  private readonly note: HTMLElement;
  private epochShown: Epoch = 'after';

  constructor(
    private readonly viewer: Viewer,
    private readonly api: ViewerApi,
    container: HTMLElement,
  ) {
    this.button = h('button', { id: 'ortho-ground', 'aria-pressed': 'false', onclick: () => void this.toggle() });
    this.note = h('span', { class: 'view-note', hidden: true });
    viewToolbar(container).append(this.button, this.note);
    viewer.hooks.showEpoch.push((epoch) => {
      this.epochShown = epoch;
      for (const [e, mesh] of Object.entries(this.meshes)) mesh.visible = this.enabled && e === epoch;
    });
    this.relabel();
  }

  relabel(): void {
    this.button.textContent = t('orthoGround');
    this.showMissing();
  }

  /** The run whose two epochs' orthophotos are shown (reloaded when it changes, if the ground is on). */
  setRun(run: RunRecord | null): void {
    this.run = run;
    if (this.enabled) void this.load().catch((e: unknown) => this.fail(e));
  }

  async toggle(): Promise<void> {
    this.enabled = !this.enabled;
    this.button.setAttribute('aria-pressed', String(this.enabled));
    try {
      if (this.enabled) await this.load();
    } catch (e) {
      this.fail(e);
    }
    this.viewer.showEpoch(this.epochShown);
    this.showMissing();
    this.viewer.requestRender();
  }

  private fail(e: unknown): void {
    this.note.hidden = false;
    this.note.textContent = `${t('error')}: ${(e as Error).message}`;
  }

  private missing: Partial<Record<Epoch, string>> = {};

  private showMissing(): void {
    const missing = this.enabled ? this.missing[this.epochShown] : undefined;
    this.note.hidden = missing === undefined;
    this.note.textContent = missing ? `${t('orthoGroundNone')}` : '';
    this.note.title = missing ?? '';
  }

  private async load(): Promise<void> {
    const run = this.run;
    if (!run) return;
    const wanted = `${run.before.id}/${run.after.id}`;
    if (this.loaded === wanted) return;
    this.loaded = wanted;
    const container = this.viewer.canvas.parentElement!;
    container.dataset.ground = 'loading';
    const [before, after] = await Promise.all(
      [run.before.id, run.after.id].map((id) => this.api.getOrthophotoImage(id, { pixels: GROUND_PIXELS })),
    );
    if (this.loaded !== wanted) return;
    const z = (groundLevel(this.viewer) ?? 0) - 0.15; // just under the ground points, so they keep their colours
    for (const epoch of ['before', 'after'] as const) {
      const image = epoch === 'before' ? before : after;
      this.place(
        epoch,
        image,
        z,
        image.image === null ? null : terrainHeights(this.viewer.three.scene, this.viewer.origin, image.box, TERRAIN_CELLS),
      );
    }
    container.dataset.ground = [before, after].map((i) => (i.image === null ? i.missing : 'ready')).join('/');
    this.viewer.showEpoch(this.epochShown);
    this.showMissing();
  }

  private place(epoch: Epoch, image: ViewImage, z: number, terrain: Float32Array | null): void {
    const old = this.meshes[epoch];
    if (old) {
      this.viewer.three.scene.remove(old);
      old.geometry.dispose();
      const material = old.material as THREE.MeshBasicMaterial;
      material.map?.dispose();
      material.dispose();
      delete this.meshes[epoch];
    }
    if (image.image === null) {
      this.missing[epoch] = image.detail || image.missing;
      return;
    }
    delete this.missing[epoch];
    const texture = new THREE.TextureLoader().load(image.image, () => this.viewer.requestRender());
    texture.colorSpace = THREE.SRGBColorSpace;
    texture.anisotropy = this.viewer.three.renderer.capabilities.getMaxAnisotropy();
    const { box } = image;
    const [ox, oy] = this.viewer.origin;
    const geometry = terrain
      ? new THREE.PlaneGeometry(box.maxX - box.minX, box.maxY - box.minY, TERRAIN_CELLS, TERRAIN_CELLS)
      : new THREE.PlaneGeometry(box.maxX - box.minX, box.maxY - box.minY);
    if (terrain) {
      // PlaneGeometry's vertices run row by row from its top (north) edge; the terrain's rows from the south.
      const position = geometry.getAttribute('position');
      const n = TERRAIN_CELLS;
      for (let k = 0; k < position.count; k++) {
        const i = k % (n + 1);
        const j = n - Math.floor(k / (n + 1));
        position.setZ(k, terrain[j * (n + 1) + i] - 0.15);
      }
      position.needsUpdate = true;
    }
    const mesh = new THREE.Mesh(geometry, new THREE.MeshBasicMaterial({ map: texture }));
    mesh.position.set((box.minX + box.maxX) / 2 - ox, (box.minY + box.maxY) / 2 - oy, terrain ? 0 : z);
    mesh.name = `ground-${epoch}`;
    mesh.visible = false;
    this.meshes[epoch] = mesh;
    this.viewer.three.scene.add(mesh);
  }
}
