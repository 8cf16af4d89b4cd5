/**
 * The Potree 2.0 octree format as PotreeConverter 2 writes it and potree-core 2.0.15 loads it (encoding DEFAULT):
 *
 * - `metadata.json`: offset, scale, the cubic bounding box, root spacing, hierarchy chunking, attribute list;
 * - `octree.bin`: each node's points one after another, every point one interleaved record in attribute order;
 * - `hierarchy.bin`: 22 bytes per node (type u8, child mask u8, point count u32, byte offset i64, byte size i64),
 *   in chunks of `stepSize` levels, each chunk breadth-first from its own root; a node at a chunk's last level
 *   that has children is a proxy (type 2) whose offset and size point at its own chunk, where it comes first.
 *
 * Child i of a node takes the upper half along x when bit 2 is set, along y for bit 1, along z for bit 0.
 */

export const HIERARCHY_BYTES_PER_NODE = 22;
/** Levels per hierarchy chunk, as PotreeConverter writes them. */
export const HIERARCHY_STEP_SIZE = 4;

export const NODE_NORMAL = 0;
export const NODE_LEAF = 1;
export const NODE_PROXY = 2;

export type PotreeAttributeType = 'int32' | 'uint16' | 'uint8';

export interface PotreeAttribute {
  name: string;
  description: string;
  size: number;
  numElements: number;
  elementSize: number;
  type: PotreeAttributeType;
  min: number[];
  max: number[];
}

export interface PotreeMetadata {
  version: '2.0';
  name: string;
  description: string;
  points: number;
  projection: string;
  hierarchy: { firstChunkSize: number; stepSize: number; depth: number };
  offset: [number, number, number];
  scale: [number, number, number];
  spacing: number;
  boundingBox: { min: [number, number, number]; max: [number, number, number] };
  encoding: 'DEFAULT';
  attributes: PotreeAttribute[];
}

/** Which optional attributes a record carries besides the position. */
export interface RecordFields {
  rgb: boolean;
  intensity: boolean;
  classification: boolean;
}

/** Byte offsets of each attribute inside one point record; -1 when absent. */
export interface RecordLayout {
  fields: RecordFields;
  bytes: number;
  rgb: number;
  intensity: number;
  classification: number;
}

/** Attribute order of PotreeConverter (position, intensity, …, classification, …, rgb). */
export function recordLayout(fields: RecordFields): RecordLayout {
  let at = 12; // position: 3 × int32
  const take = (present: boolean, size: number) => {
    if (!present) return -1;
    const offset = at;
    at += size;
    return offset;
  };
  const intensity = take(fields.intensity, 2);
  const classification = take(fields.classification, 1);
  const rgb = take(fields.rgb, 6);
  return { fields, bytes: at, rgb, intensity, classification };
}

export interface AttributeRanges {
  position: { min: [number, number, number]; max: [number, number, number] };
  intensity: [number, number];
  classification: [number, number];
  rgb: { min: [number, number, number]; max: [number, number, number] };
}

export function metadataAttributes(layout: RecordLayout, ranges: AttributeRanges): PotreeAttribute[] {
  const out: PotreeAttribute[] = [attribute('position', 'int32', 3, ranges.position.min, ranges.position.max)];
  if (layout.intensity >= 0) out.push(attribute('intensity', 'uint16', 1, [ranges.intensity[0]], [ranges.intensity[1]]));
  if (layout.classification >= 0) out.push(attribute('classification', 'uint8', 1, [ranges.classification[0]], [ranges.classification[1]]));
  if (layout.rgb >= 0) out.push(attribute('rgb', 'uint16', 3, ranges.rgb.min, ranges.rgb.max));
  return out;
}

function attribute(name: string, type: PotreeAttributeType, numElements: number, min: number[], max: number[]): PotreeAttribute {
  const elementSize = type === 'int32' ? 4 : type === 'uint16' ? 2 : 1;
  return { name, description: '', size: elementSize * numElements, numElements, elementSize, type, min, max };
}

/** One node of a finished octree, as the hierarchy describes it. */
export interface OctreeNodeInfo {
  /** "r", then one digit 0–7 per level. */
  name: string;
  numPoints: number;
  byteOffset: number;
  byteSize: number;
  /** Bit i set when child i exists. */
  childMask: number;
}

/** Breadth-first: shorter names (higher levels) first, then by name, which is the loader's queue order. */
export function compareBreadthFirst(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Lays the nodes out as hierarchy chunks of `stepSize` levels. Returns the bytes, the size of the first (root)
 * chunk, which metadata.json names, and the depth of the deepest node.
 */
export function encodeHierarchy(
  nodes: Iterable<OctreeNodeInfo>,
  stepSize = HIERARCHY_STEP_SIZE,
): { bytes: Uint8Array; firstChunkSize: number; depth: number } {
  const byName = new Map<string, OctreeNodeInfo>();
  for (const n of nodes) byName.set(n.name, n);
  if (!byName.has('r')) throw new Error('an octree needs a root node');
  const levelOf = (name: string) => name.length - 1;
  const childrenOf = (n: OctreeNodeInfo) => {
    const out: OctreeNodeInfo[] = [];
    for (let i = 0; i < 8; i++) {
      if (!(n.childMask & (1 << i))) continue;
      const child = byName.get(n.name + i);
      if (!child) throw new Error(`node ${n.name} names child ${i}, which does not exist`);
      out.push(child);
    }
    return out;
  };

  // Chunks in the order PotreeConverter writes them: a stack of chunk roots, each chunk gathered below its root.
  const chunks: { root: OctreeNodeInfo; nodes: OctreeNodeInfo[] }[] = [];
  const pending = [byName.get('r')!];
  while (pending.length > 0) {
    const root = pending.pop()!;
    const level = levelOf(root.name);
    const members: OctreeNodeInfo[] = [];
    const stack = [root];
    while (stack.length > 0) {
      const n = stack.pop()!;
      members.push(n);
      const atProxyLevel = levelOf(n.name) === level + stepSize;
      if (atProxyLevel) {
        if (n.childMask !== 0) pending.push(n);
      } else stack.push(...childrenOf(n));
    }
    members.sort((a, b) => compareBreadthFirst(a.name, b.name));
    chunks.push({ root, nodes: members });
  }
  const chunkOffset = new Map<string, { offset: number; size: number }>();
  let at = 0;
  for (const c of chunks) {
    const size = c.nodes.length * HIERARCHY_BYTES_PER_NODE;
    chunkOffset.set(c.root.name, { offset: at, size });
    at += size;
  }
  const bytes = new Uint8Array(at);
  const view = new DataView(bytes.buffer);
  let depth = 0;
  let p = 0;
  for (const c of chunks) {
    const chunkLevel = levelOf(c.root.name);
    for (const n of c.nodes) {
      depth = Math.max(depth, levelOf(n.name));
      const proxy = levelOf(n.name) === chunkLevel + stepSize && n.childMask !== 0;
      const target = proxy ? chunkOffset.get(n.name)! : { offset: n.byteOffset, size: n.byteSize };
      view.setUint8(p, proxy ? NODE_PROXY : n.childMask === 0 ? NODE_LEAF : NODE_NORMAL);
      view.setUint8(p + 1, n.childMask);
      view.setUint32(p + 2, n.numPoints, true);
      view.setBigInt64(p + 6, BigInt(target.offset), true);
      view.setBigInt64(p + 14, BigInt(target.size), true);
      p += HIERARCHY_BYTES_PER_NODE;
    }
  }
  return { bytes, firstChunkSize: chunks[0].nodes.length * HIERARCHY_BYTES_PER_NODE, depth };
}

/**
 * Reads a whole hierarchy back the way potree-core's NodeLoader does (parseHierarchy, chunk by chunk through the
 * proxies): every node with its name, point count, place in octree.bin and child mask.
 */
export function decodeHierarchy(bytes: Uint8Array, firstChunkSize: number): OctreeNodeInfo[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: OctreeNodeInfo[] = [];
  const chunks: { name: string; offset: number; size: number }[] = [{ name: 'r', offset: 0, size: firstChunkSize }];
  while (chunks.length > 0) {
    const chunk = chunks.shift()!;
    if (chunk.size % HIERARCHY_BYTES_PER_NODE !== 0 || chunk.offset + chunk.size > bytes.length)
      throw new Error(`hierarchy chunk ${chunk.name} at ${chunk.offset}+${chunk.size} does not fit the ${bytes.length}-byte file`);
    const count = chunk.size / HIERARCHY_BYTES_PER_NODE;
    const names: string[] = [chunk.name];
    for (let i = 0; i < count; i++) {
      const p = chunk.offset + i * HIERARCHY_BYTES_PER_NODE;
      const name = names[i];
      if (name === undefined) throw new Error(`hierarchy chunk ${chunk.name} has more entries than its nodes name`);
      const type = view.getUint8(p);
      const childMask = view.getUint8(p + 1);
      const numPoints = view.getUint32(p + 2, true);
      const offset = Number(view.getBigInt64(p + 6, true));
      const size = Number(view.getBigInt64(p + 14, true));
      if (type === NODE_PROXY && i > 0) {
        chunks.push({ name, offset, size });
        continue;
      }
      out.push({ name, numPoints, byteOffset: offset, byteSize: size, childMask });
      for (let c = 0; c < 8; c++) if (childMask & (1 << c)) names.push(name + c);
    }
  }
  return out;
}

export interface Box3 {
  min: [number, number, number];
  max: [number, number, number];
}

/** The box of a node, by halving the root box along its name (the loader's createChildAABB). */
export function nodeBox(root: Box3, name: string): Box3 {
  const min = [...root.min] as [number, number, number];
  const max = [...root.max] as [number, number, number];
  for (let i = 1; i < name.length; i++) {
    const index = name.charCodeAt(i) - 48;
    for (const [axis, bit] of [
      [0, 4],
      [1, 2],
      [2, 1],
    ] as const) {
      const half = (max[axis] - min[axis]) / 2;
      if (index & bit) min[axis] += half;
      else max[axis] -= half;
    }
  }
  return { min, max };
}
