// The reverse of core/api-wire.ts (kept apart from bridge.ts so Node tests can check the pair without a DOM).

/** Typed arrays travel as { $f32: [...] } / { $u8: [...] } over JSON (core/api-wire.ts): turn them back. */
export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.$f32)) return Float32Array.from(record.$f32 as (number | null)[], (v) => (v === null ? NaN : v));
  if (Array.isArray(record.$u8)) return Uint8Array.from(record.$u8 as number[]);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromWire(v)]));
}
