import type { EpochSourceInfo, PointFormatDescriptor, SourceOptions, SourceReadOptions } from '../formats';
import type { Bounds3, PointChunk } from '../types';
import type { LoadedModel } from './model';
import { SurfaceSampler } from './sampler';
import { DEFAULT_SAMPLE_SPACING } from './spacing';
import type { MeshPart } from './types';

/** loaders.gl and sharp load only when a model is read: every CLI command and worker imports the descriptors. */
const loadModel = async (path: string, crs?: string) => (await import('./model')).loadModel(path, crs);

/**
 * OBJ, PLY and glTF/GLB models as epoch sources: the model is read whole (these formats have
 * no random access; big surveys come as tilesets instead), placed in the projected CRS and
 * sampled to points by surface area, a batch at a time.
 */
function modelDescriptor(
  id: string,
  name: string,
  extensions: string[],
  test: (head: Uint8Array) => boolean,
): PointFormatDescriptor<LoadedModel> {
  const descriptor: PointFormatDescriptor<LoadedModel> = {
    id,
    name,
    extensions,
    test,
    readInfo: (path) => loadModel(path),
    async sourceInfo(path: string, options?: SourceOptions): Promise<EpochSourceInfo> {
      const model = await loadModel(path, options?.crs);
      const sampler = new SurfaceSampler(options?.sampleSpacing ?? DEFAULT_SAMPLE_SPACING);
      const pointCount = model.parts.reduce((n, p) => n + sampler.count(p), 0);
      return {
        file: path,
        format: id,
        kind: model.kind,
        pointCount,
        bounds: boundsOf(model.parts),
        crs: model.georef.crs,
        splittable: false,
        boundsPlausible: true,
        warnings: model.warnings,
      };
    },
    async *parseInBatches(path: string, options: SourceReadOptions = {}): AsyncGenerator<PointChunk> {
      const model = await loadModel(path, options.crs);
      const sampler = new SurfaceSampler(options.sampleSpacing ?? DEFAULT_SAMPLE_SPACING, options.batchSize ?? 1 << 17, options.area);
      for (const part of model.parts) {
        for (const chunk of sampler.sample(part)) {
          options.signal?.throwIfAborted();
          yield chunk;
        }
      }
      yield* sampler.flush();
    },
  };
  return descriptor;
}

const startsWith = (head: Uint8Array, text: string) => head.length >= text.length && [...text].every((c, i) => head[i] === c.charCodeAt(0));

export const ObjFormat = modelDescriptor('obj', 'OBJ mesh', ['obj'], () => false);
export const PlyFormat = modelDescriptor('ply', 'PLY mesh', ['ply'], (head) => startsWith(head, 'ply\n') || startsWith(head, 'ply\r\n'));
export const GltfFormat = modelDescriptor('gltf', 'glTF/GLB mesh', ['glb', 'gltf'], (head) => startsWith(head, 'glTF'));

export function boundsOf(parts: MeshPart[]): Bounds3 {
  const b: Bounds3 = { minX: Infinity, minY: Infinity, minZ: Infinity, maxX: -Infinity, maxY: -Infinity, maxZ: -Infinity };
  for (const { positions: p } of parts) {
    for (let i = 0; i < p.length; i += 3) {
      if (p[i] < b.minX) b.minX = p[i];
      if (p[i] > b.maxX) b.maxX = p[i];
      if (p[i + 1] < b.minY) b.minY = p[i + 1];
      if (p[i + 1] > b.maxY) b.maxY = p[i + 1];
      if (p[i + 2] < b.minZ) b.minZ = p[i + 2];
      if (p[i + 2] > b.maxZ) b.maxZ = p[i + 2];
    }
  }
  return b;
}
