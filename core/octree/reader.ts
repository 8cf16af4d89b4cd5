/**
 * Reads a Potree 2.0 octree back the way potree-core's loader and decoder worker do: metadata.json, the hierarchy
 * through its proxies, and any node's records decoded to coordinates and attributes. For tests and checks; the
 * viewer itself loads octrees with potree-core.
 */
import { openSync, readFileSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHierarchy, type OctreeNodeInfo, type PotreeMetadata } from './format';

export interface OctreeFiles {
  dir: string;
  metadata: PotreeMetadata;
  nodes: OctreeNodeInfo[];
}

export interface NodePoints {
  count: number;
  /** World coordinates, x y z per point. */
  xyz: Float64Array;
  rgb: Uint16Array | null;
  classification: Uint8Array | null;
  intensity: Uint16Array | null;
}

export function readOctree(dir: string): OctreeFiles {
  const metadata = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as PotreeMetadata;
  const hierarchy = readFileSync(join(dir, 'hierarchy.bin'));
  return { dir, metadata, nodes: decodeHierarchy(hierarchy, metadata.hierarchy.firstChunkSize) };
}

/** Reads one node's byte range of octree.bin (as potree-core's Range request does) and decodes it. */
export function readNodePoints(octree: OctreeFiles, node: OctreeNodeInfo): NodePoints {
  const { metadata } = octree;
  const bytes = new Uint8Array(node.byteSize);
  const fd = openSync(join(octree.dir, 'octree.bin'), 'r');
  try {
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, node.byteOffset + got);
      if (n === 0) throw new Error(`octree.bin ends before node ${node.name}'s ${node.byteSize} bytes at ${node.byteOffset}`);
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  const recordBytes = metadata.attributes.reduce((n, a) => n + a.size, 0);
  if (node.numPoints * recordBytes !== node.byteSize)
    throw new Error(`node ${node.name}: ${node.byteSize} bytes for ${node.numPoints} points of ${recordBytes} bytes`);
  const view = new DataView(bytes.buffer);
  const count = node.numPoints;
  const out: NodePoints = { count, xyz: new Float64Array(count * 3), rgb: null, classification: null, intensity: null };
  let at = 0;
  for (const a of metadata.attributes) {
    if (a.name === 'position') {
      for (let i = 0; i < count; i++)
        for (let k = 0; k < 3; k++)
          out.xyz[i * 3 + k] = view.getInt32(i * recordBytes + at + 4 * k, true) * metadata.scale[k] + metadata.offset[k];
    } else if (a.name === 'rgb') {
      out.rgb = new Uint16Array(count * 3);
      for (let i = 0; i < count; i++) for (let k = 0; k < 3; k++) out.rgb[i * 3 + k] = view.getUint16(i * recordBytes + at + 2 * k, true);
    } else if (a.name === 'classification') {
      out.classification = new Uint8Array(count);
      for (let i = 0; i < count; i++) out.classification[i] = view.getUint8(i * recordBytes + at);
    } else if (a.name === 'intensity') {
      out.intensity = new Uint16Array(count);
      for (let i = 0; i < count; i++) out.intensity[i] = view.getUint16(i * recordBytes + at, true);
    }
    at += a.size;
  }
  return out;
}
