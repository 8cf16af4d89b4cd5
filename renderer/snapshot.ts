// 3D snapshots for the PDF report: the viewer's scene rendered from an oblique camera of our own (the analyst's
// view is left alone) into an off-screen target of a fixed size, read back and encoded as a PNG.
import * as THREE from 'three';
import type { BoxXY, Epoch, Viewer } from './viewer';

export interface SnapshotOptions {
  width: number;
  height: number;
  /** Which epoch's layers are drawn (the later one by default: what stands now, with the change's volume). */
  epoch?: Epoch;
}

/** A camera looking at `box` obliquely from the south-south-west, as the report's own oblique view does. */
export function obliqueCamera(viewer: Viewer, box: BoxXY, baseZ: number, aspect: number): THREE.PerspectiveCamera {
  const [ox, oy, oz] = viewer.origin;
  const camera = new THREE.PerspectiveCamera(40, aspect, 0.5, 20_000);
  camera.up.set(0, 0, 1);
  const target = new THREE.Vector3((box.minX + box.maxX) / 2 - ox, (box.minY + box.maxY) / 2 - oy, baseZ - oz);
  const size = Math.max(box.maxX - box.minX, box.maxY - box.minY, 30);
  const distance = (size / 2 / Math.tan(THREE.MathUtils.degToRad(camera.fov / 2))) * 1.35;
  camera.position.copy(target).add(new THREE.Vector3(-0.3, -0.75, 0.75).normalize().multiplyScalar(distance));
  camera.lookAt(target);
  camera.updateProjectionMatrix();
  return camera;
}

/** Renders the view of `box` and returns it as a base64 PNG (no data: prefix), as ProjectApi's report takes it. */
export function snapshot(viewer: Viewer, box: BoxXY, baseZ: number, options: SnapshotOptions): string {
  const { renderer, scene } = viewer.three;
  const { width, height } = options;
  const camera = obliqueCamera(viewer, box, baseZ, width / height);
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
  try {
    for (const m of points) m.size *= factor;
    viewer.showEpoch(options.epoch ?? 'after');
    renderer.setRenderTarget(target);
    renderer.setScissorTest(false);
    renderer.clear();
    renderer.render(scene, camera);
    renderer.readRenderTargetPixels(target, 0, 0, width, height, pixels);
  } finally {
    for (const m of points) m.size /= factor;
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
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}
