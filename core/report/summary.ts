/** The summary's tallies: counts, added and removed volumes and areas, grouped several ways. */
import { CHANGE_TYPES } from '../changes/types';
import { CASE_STATUSES, VERDICTS, type CaseOutcome, type Verdict } from '../review/types';
import { caseNeed } from '../review/case-need';
import type { ReportChange } from './model';

export interface Tally {
  count: number;
  /** Sum of positive volumes, m³. */
  added: number;
  /** Sum of negative volumes as a positive number, m³. */
  removed: number;
  area: number;
}

export interface TallyRow extends Tally {
  /** A key the renderer translates (a type, verdict, case status) or a name to print as is. */
  key: string;
}

export interface ReportSummary {
  /** Every change but those marked false positive (误报): what the headline and the tables add up. */
  total: Tally;
  /** Changes marked false positive: counted only in the table by verdict. */
  falsePositives: number;
  /** Every change, false positives included: the table by verdict's total. */
  all: Tally;
  byType: TallyRow[];
  byVerdict: TallyRow[];
  /**
   * Case statuses, then CASE_AWAITING, then the changes that are evidence for a case by what its
   * check found (caseEvidenceKey), then the changes without a case by whether they need one (caseNeed):
   * 'none' (a case is needed: 应立案未立案), CASE_UNDECIDED, NO_CASE_NEEDED.
   */
  byCaseStatus: TallyRow[];
  /** "category\tname" keys, then 'none' for changes in no zone. */
  byZone: TallyRow[];
  /** Sub-district names, then 'none' for changes without one. */
  bySubDistrict: TallyRow[];
}

export const NO_GROUP = 'none';
/**
 * The case-status groups of changes with no case of their own that a case check rested on (a
 * removal that rectified a case): one per outcome of the check, `case_evidence:rectified`.
 */
export const CASE_EVIDENCE = 'case_evidence';
const OUTCOMES: readonly CaseOutcome[] = ['rectified', 'grew', 'rebuilt', 'still_standing', 'unverifiable'];
export const caseEvidenceKey = (outcome: CaseOutcome): string => `${CASE_EVIDENCE}:${outcome}`;

/** The outcome a case-status key of evidence stands for, or null for any other key. */
export function caseEvidenceOutcome(key: string): CaseOutcome | null {
  const outcome = key.startsWith(`${CASE_EVIDENCE}:`) ? key.slice(CASE_EVIDENCE.length + 1) : null;
  return OUTCOMES.find((o) => o === outcome) ?? null;
}
/** The group of changes whose case this run proposes to move, not yet decided: neither status describes them. */
export const CASE_AWAITING = 'case_awaiting';
/** The case-status group of changes without a case that need none: removals, permitted changes, false positives. */
export const NO_CASE_NEEDED = 'no_case_needed';
/** The case-status group of additions without a case not yet judged (unreviewed, needing a site visit). */
export const CASE_UNDECIDED = 'case_undecided';

/** The case-status group of a change without a case of its own nor any it is evidence for. */
export function noCaseKey(c: { verdict: Verdict; volume_m3: number }): string {
  const need = caseNeed(c);
  return need === 'needed' ? NO_GROUP : need === 'undecided' ? CASE_UNDECIDED : NO_CASE_NEEDED;
}

function empty(): Tally {
  return { count: 0, added: 0, removed: 0, area: 0 };
}

function add(t: Tally, c: ReportChange): void {
  t.count++;
  if (c.volume_m3 >= 0) t.added += c.volume_m3;
  else t.removed -= c.volume_m3;
  t.area += c.area_m2;
}

/** Groups in a fixed order (`order`), dropping empty ones unless `keepEmpty`; unknown keys follow, sorted. */
function group(changes: ReportChange[], keysOf: (c: ReportChange) => string[], order: readonly string[], keepEmpty: boolean): TallyRow[] {
  const map = new Map<string, Tally>();
  for (const key of order) map.set(key, empty());
  for (const c of changes) {
    for (const key of keysOf(c)) {
      if (!map.has(key)) map.set(key, empty());
      add(map.get(key)!, c);
    }
  }
  const known = order.map((key) => ({ key, ...map.get(key)! }));
  const extra = [...map.keys()]
    .filter((k) => !order.includes(k))
    .sort((a, b) => (a === NO_GROUP ? 1 : b === NO_GROUP ? -1 : a.localeCompare(b, 'zh-CN')))
    .map((key) => ({ key, ...map.get(key)! }));
  return [...known, ...extra].filter((r) => keepEmpty || r.count > 0);
}

/**
 * The report's tallies. A change the analyst marked false positive is not a structure: it
 * stays in the table by verdict (so the review's work shows) and in no volume or count besides.
 */
export function summarise(all: ReportChange[]): ReportSummary {
  const changes = all.filter((c) => c.verdict !== 'false_positive');
  const total = empty();
  for (const c of changes) add(total, c);
  const everything = empty();
  for (const c of all) add(everything, c);
  return {
    total,
    falsePositives: all.length - changes.length,
    all: everything,
    byType: group(changes, (c) => [c.type], CHANGE_TYPES, false),
    byVerdict: group(all, (c) => [c.verdict], VERDICTS, false),
    // A removal that rectified a case has none of its own: it counts as that case's evidence.
    byCaseStatus: group(
      changes,
      (c) => [
        c.case?.proposed
          ? CASE_AWAITING
          : (c.case?.status ?? (c.caseChecks.length > 0 ? caseEvidenceKey(c.caseChecks[0].outcome) : noCaseKey(c))),
      ],
      [...CASE_STATUSES, CASE_AWAITING, ...OUTCOMES.map(caseEvidenceKey), NO_GROUP, CASE_UNDECIDED, NO_CASE_NEEDED],
      false,
    ),
    byZone: group(
      changes,
      (c) => {
        // Sub-districts and communities have their own table; a change counts once per zone.
        const zones = c.zones.filter((z) => z.category !== 'sub_district' && z.category !== 'community');
        return zones.length ? [...new Set(zones.map((z) => `${z.category}\t${z.name}`))] : [NO_GROUP];
      },
      [],
      false,
    ),
    bySubDistrict: group(changes, (c) => [c.subDistrict ?? c.case?.subDistrict ?? NO_GROUP], [], false),
  };
}
