// 3D snapshots for the PDF report: the viewer's scene rendered from an oblique camera of our own (the analyst's
// view is left alone) into an off-screen target of a fixed size, read back and encoded as a PNG. The scene is
// clipped to a box around the change, so the buildings in front of it in a dense district do not hide it.
import * as THREE from 'three';
import type { BoxXY, Epoch, Viewer } from './viewer';

export interface SnapshotOptions {
  width: number;
  height: number;
  /** Context kept around the box, metres: everything farther is clipped away. */
  margin: number;
  /** Heights of the changed volume's bottom and top (absolute): the camera looks at its middle. */
  bottom: number;
  top: number;
  /** Which epoch's layers are drawn (the later one by default: what stands now, with the change's volume). */
  epoch?: Epoch;
  /** The changes' colours in this snapshot, by key (those left out are not drawn); the view's own when absent. */
  changeColours?: ReadonlyMap<number, string>;
  /** What the colours mean, drawn in the snapshot's lower left corner. */
  legend?: SnapshotLegendEntry[];
}

export interface SnapshotLegendEntry {
  colour: string;
  label: string;
}

/** Marks a scene object drawn only for the analyst (a review aid with no legend in the report): snapshots leave it out. */
export function leaveOutOfReports(o: THREE.Object3D): void {
  o.userData.leftOutOfReports = true;
}

/** A camera looking down at `box` (about 55°) from the south-south-west, at the middle of heights `z`. */
export function obliqueCamera(viewer: Viewer, box: BoxXY, z: number, aspect: number): THREE.PerspectiveCamera {
  const [ox, oy, oz] = viewer.origin;
  const camera = new THREE.PerspectiveCamera(40, aspect, 0.5, 20_000);
  camera.up.set(0, 0, 1);
  const target = new THREE.Vector3((box.minX + box.maxX) / 2 - ox, (box.minY + box.maxY) / 2 - oy, z - oz);
  const size = Math.max(box.maxX - box.minX, box.maxY - box.minY, 20);
  const distance = (size / 2 / Math.tan(THREE.MathUtils.degToRad(camera.fov / 2))) * 1.25;
  camera.position.copy(target).add(new THREE.Vector3(-0.27, -0.5, 0.8).normalize().multiplyScalar(distance));
  camera.lookAt(target);
  camera.updateProjectionMatrix();
  return camera;
}

/** Renders the view of `box` and returns it as a base64 PNG (no data: prefix), as ProjectApi's report takes it. */
export function snapshot(viewer: Viewer, box: BoxXY, options: SnapshotOptions): string {
  const { renderer, scene } = viewer.three;
  const { width, height, margin } = options;
  const camera = obliqueCamera(viewer, box, (options.bottom + options.top) / 2, width / height);
  const [ox, oy] = viewer.origin;
  const clip = [
    new THREE.Plane(new THREE.Vector3(1, 0, 0), -(box.minX - margin - ox)),
    new THREE.Plane(new THREE.Vector3(-1, 0, 0), box.maxX + margin - ox),
    new THREE.Plane(new THREE.Vector3(0, 1, 0), -(box.minY - margin - oy)),
    new THREE.Plane(new THREE.Vector3(0, -1, 0), box.maxY + margin - oy),
  ];
  // An sRGB target, so the bytes read back are encoded as the screen shows them (a plain target would hold linear values).
  const target = new THREE.WebGLRenderTarget(width, height, { colorSpace: THREE.SRGBColorSpace });
  // Points are sized for the canvas' height (three.js scales them by the drawing buffer, not the target): rescale.
  const canvasHeight = renderer.getDrawingBufferSize(new THREE.Vector2()).y;
  const factor = height / Math.max(1, canvasHeight);
  const points: THREE.PointsMaterial[] = [];
  scene.traverse((o) => {
    if (o instanceof THREE.Points && o.material instanceof THREE.PointsMaterial) points.push(o.material);
  });
  const pixels = new Uint8Array(width * height * 4);
  // The review aids drawn over the view (the uncertain areas' hatching, the suppressed candidates' outlines) have no
  // legend in the report: they marked themselves to be left out of its figures.
  const overlays = scene.children.filter((o) => o.userData.leftOutOfReports === true);
  const overlaysShown = overlays.map((o) => o.visible);
  try {
    for (const o of overlays) o.visible = false;
    if (options.changeColours) viewer.paintChanges(options.changeColours);
    for (const m of points) m.size *= factor;
    renderer.clippingPlanes = clip;
    viewer.showEpoch(options.epoch ?? 'after', true); // the dense sample around the change, not the octree's nodes
    renderer.setRenderTarget(target);
    renderer.setScissorTest(false);
    renderer.clear();
    renderer.render(scene, camera);
    renderer.readRenderTargetPixels(target, 0, 0, width, height, pixels);
  } finally {
    overlays.forEach((o, i) => (o.visible = overlaysShown[i]));
    if (options.changeColours) viewer.paintChanges(null);
    for (const m of points) m.size /= factor;
    renderer.clippingPlanes = [];
    renderer.setRenderTarget(null);
    target.dispose();
    viewer.requestRender(); // the analyst's view as it was
  }
  // WebGL rows run bottom-up; a canvas' top-down.
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [width, height];
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(width, height);
  const stride = width * 4;
  for (let y = 0; y < height; y++) image.data.set(pixels.subarray((height - 1 - y) * stride, (height - y) * stride), y * stride);
  ctx.putImageData(image, 0, 0);
  if (options.legend?.length) drawLegend(ctx, options.legend, height);
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

/** The colours' meaning in the lower left corner: a swatch like a change's box (translucent, edged) and its label. */
function drawLegend(ctx: CanvasRenderingContext2D, entries: SnapshotLegendEntry[], height: number): void {
  const font = 18;
  const [pad, swatch, gap, row] = [8, 15, 6, 24];
  ctx.font = `${font}px "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif`;
  const width = pad * 2 + swatch + gap + Math.max(...entries.map((e) => ctx.measureText(e.label).width));
  const boxHeight = pad * 2 + row * entries.length - (row - swatch);
  const [x, y] = [8, height - 8 - boxHeight];
  ctx.fillStyle = 'rgba(21, 23, 26, 0.82)';
  ctx.fillRect(x, y, width, boxHeight);
  ctx.textBaseline = 'middle';
  entries.forEach((e, i) => {
    const top = y + pad + i * row;
    ctx.globalAlpha = 0.55;
    ctx.fillStyle = e.colour;
    ctx.fillRect(x + pad, top, swatch, swatch);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = e.colour;
    ctx.lineWidth = 2;
    ctx.strokeRect(x + pad + 1, top + 1, swatch - 2, swatch - 2);
    ctx.fillStyle = '#e4e6ea';
    ctx.fillText(e.label, x + pad + swatch + gap, top + swatch / 2 + 1);
  });
}
