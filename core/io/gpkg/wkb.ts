/**
 * Well-known binary for the geometries VoxWatch exchanges: points, polygons and multipolygons
 * (2D). Written little-endian; read in either byte order, with ISO or EWKB-free type codes.
 */
export type Geometry =
  | { type: 'Point'; coordinates: [number, number] }
  | { type: 'Polygon'; coordinates: [number, number][][] }
  | { type: 'MultiPolygon'; coordinates: [number, number][][][] };

export function encodeWkb(g: Geometry): Buffer {
  const parts: Buffer[] = [];
  const head = (type: number) => {
    const b = Buffer.alloc(5);
    b.writeUInt8(1, 0);
    b.writeUInt32LE(type, 1);
    parts.push(b);
  };
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n, 0);
    parts.push(b);
  };
  const ring = (r: [number, number][]) => {
    u32(r.length);
    const b = Buffer.alloc(16 * r.length);
    r.forEach(([x, y], i) => {
      b.writeDoubleLE(x, 16 * i);
      b.writeDoubleLE(y, 16 * i + 8);
    });
    parts.push(b);
  };
  const polygon = (p: [number, number][][]) => {
    head(3);
    u32(p.length);
    p.forEach(ring);
  };
  if (g.type === 'Point') {
    head(1);
    const b = Buffer.alloc(16);
    b.writeDoubleLE(g.coordinates[0], 0);
    b.writeDoubleLE(g.coordinates[1], 8);
    parts.push(b);
  } else if (g.type === 'Polygon') polygon(g.coordinates);
  else {
    head(6);
    u32(g.coordinates.length);
    g.coordinates.forEach(polygon);
  }
  return Buffer.concat(parts);
}

/** Decodes WKB; Z and M ordinates are read and dropped. Throws on anything else. */
export function decodeWkb(buf: Uint8Array): Geometry {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  let little = true;
  const u32 = () => {
    const v = view.getUint32(at, little);
    at += 4;
    return v;
  };
  const f64 = () => {
    const v = view.getFloat64(at, little);
    at += 8;
    return v;
  };
  const header = () => {
    little = view.getUint8(at) === 1;
    at += 1;
    const raw = u32();
    // ISO codes: 1000s add Z, 2000s add M, 3000s both; EWKB flags in the high bits.
    const ewkbZ = (raw & 0x80000000) !== 0;
    const ewkbM = (raw & 0x40000000) !== 0;
    if (raw & 0x20000000) at += 4; // EWKB SRID
    const code = raw & 0xffff;
    const base = code % 1000;
    const dims =
      2 + (ewkbZ || [1, 3].includes(Math.floor(code / 1000)) ? 1 : 0) + (ewkbM || [2, 3].includes(Math.floor(code / 1000)) ? 1 : 0);
    return { base, dims };
  };
  const point = (dims: number): [number, number] => {
    const x = f64();
    const y = f64();
    at += 8 * (dims - 2);
    return [x, y];
  };
  const rings = (dims: number) => {
    const n = u32();
    const out: [number, number][][] = [];
    for (let i = 0; i < n; i++) {
      const m = u32();
      const r: [number, number][] = [];
      for (let k = 0; k < m; k++) r.push(point(dims));
      out.push(r);
    }
    return out;
  };
  const { base, dims } = header();
  if (base === 1) return { type: 'Point', coordinates: point(dims) };
  if (base === 3) return { type: 'Polygon', coordinates: rings(dims) };
  if (base === 6) {
    const n = u32();
    const polys: [number, number][][][] = [];
    for (let i = 0; i < n; i++) {
      const h = header();
      if (h.base !== 3) throw new Error(`a MultiPolygon holds a geometry of type ${h.base}`);
      polys.push(rings(h.dims));
    }
    return { type: 'MultiPolygon', coordinates: polys };
  }
  throw new Error(`geometry type ${base} is not supported (points, polygons and multipolygons are)`);
}
