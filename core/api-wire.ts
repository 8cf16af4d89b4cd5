/**
 * ProjectApi results as JSON, for the HTTP shell. Height windows are Float32Arrays with NaN for cells an epoch did
 * not see, and report snapshots are Uint8Arrays: JSON has neither, so typed arrays travel as tagged plain arrays
 * (`{ "$f32": [...] }` with null for NaN, `{ "$u8": [...] }`). The renderer's bridge turns them back.
 */
export function toWire(value: unknown): unknown {
  if (value instanceof Float32Array) return { $f32: Array.from(value, (v) => (Number.isNaN(v) ? null : v)) };
  if (value instanceof Uint8Array) return { $u8: Array.from(value) };
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  }
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
