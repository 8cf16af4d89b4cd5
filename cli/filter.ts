import type { ChangeQuery } from '../core/api';
import { CHANGE_TYPES, type ChangeType } from '../core/changes/types';
import { VERDICTS, type Verdict } from '../core/review/types';
import { UsageError } from './usage-error';

/**
 * A change selection written on one line: `type=new_building,storeys_added; verdict=confirmed;
 * zone=farmland; sub-district=东门街道; min-volume=100`.
 */
export function parseFilter(text: string | undefined): ChangeQuery {
  const q: ChangeQuery = {};
  if (!text) return q;
  for (const part of text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new UsageError(`--filter: "${part}" is not key=value (keys: type, verdict, zone, sub-district, min-volume)`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    const values = value.split(',').map((v) => v.trim());
    if (key === 'type') {
      const bad = values.filter((v) => !CHANGE_TYPES.includes(v as ChangeType));
      if (bad.length) throw new UsageError(`--filter: type "${bad[0]}" is not one of ${CHANGE_TYPES.join(', ')}`);
      q.types = values as ChangeType[];
    } else if (key === 'verdict') {
      const bad = values.filter((v) => !VERDICTS.includes(v as Verdict));
      if (bad.length) throw new UsageError(`--filter: verdict "${bad[0]}" is not one of ${VERDICTS.join(', ')}`);
      q.verdicts = values as Verdict[];
    } else if (key === 'zone') q.zone = value;
    else if (key === 'sub-district') q.subDistrict = value;
    else if (key === 'min-volume') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`--filter: min-volume expects a number, got "${value}"`);
      q.minVolume = n;
    } else throw new UsageError(`--filter: unknown key "${key}" (keys: type, verdict, zone, sub-district, min-volume)`);
  }
  return q;
}
