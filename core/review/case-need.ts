import type { Verdict } from './types';

/**
 * Whether a change calls for a case on the ledger (台账), as the store opens them (reviews-repo
 * setVerdicts): confirming an addition (volume > 0) opens one. A removal (拆除, 高度降低) is no
 * violation whatever its verdict, nor is a permitted change or a false positive (误报). An addition
 * not yet judged may need one. Shared by the report and the review UI, so both say the same.
 */
export function caseNeed(c: { verdict: Verdict; volume_m3: number }): 'needed' | 'not_needed' | 'undecided' {
  if (c.volume_m3 <= 0 || c.verdict === 'false_positive' || c.verdict === 'permitted') return 'not_needed';
  return c.verdict === 'confirmed' ? 'needed' : 'undecided';
}
