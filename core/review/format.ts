/**
 * A number as the review's sentences and the command line write it: grouped in thousands like the
 * point counts and the report's volumes ("1,647"), to `digits` decimals (none by default).
 */
export function grouped(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
