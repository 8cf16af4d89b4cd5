/**
 * A change's reasons quote its own figures as the report prints them: a page that says "面积 23.7 m²" above a reason
 * "over 23.6 m²" reads as two measurements. The object keeps a measure to two decimals (core/changes/objects.ts), the
 * report prints that to one; the reason must say the same digits, for every value, the half-way ones included.
 */
import { expect, it } from 'vitest';
import { f1 } from '../../core/changes/classify';
import { formatDecimal } from '../../core/report/i18n';

const keptToTwoDecimals = (v: number) => Math.round(v * 100) / 100;

it('says a measure with the digits the report prints for the change', () => {
  const values = [23.6499, 23.65, 0.049, -0.001, 2.95, 1234.45];
  for (let v = 0; v < 60; v += 0.0037) values.push(v, -v);
  for (const v of values)
    expect(f1(v), String(v)).toBe(
      formatDecimal(keptToTwoDecimals(v))
        .replace('−', '-')
        .replace(/,/g, '')
        .replace(/^-0\.0$/, '0.0'),
    );
});
