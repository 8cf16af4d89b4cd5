/** An analyst's judgement of one change object (DESIGN.md, "Project store"). */
export const VERDICTS = ['unreviewed', 'confirmed', 'false_positive', 'permitted', 'needs_site_visit'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Verdicts under which a case, once opened, stands: confirmed, or awaiting a site visit that may yet confirm it. */
const UPHOLDING: readonly Verdict[] = ['confirmed', 'needs_site_visit'];

/** Whether going from one verdict to another withdraws the violation, and so closes its case (台账). */
export function withdrawsCase(from: Verdict, to: Verdict): boolean {
  return UPHOLDING.includes(from) && !UPHOLDING.includes(to);
}

/**
 * The case ledger's lifecycle (台账): supervision → notification → rectification → closing.
 * `rectified` / `not_rectified` are proposed by a later epoch and settled by the analyst.
 */
/**
 * What a later epoch found for a case (CaseProposal.outcome): removed, still standing, built
 * further, standing again after it was removed (拆后复建), or not seen well enough to tell.
 */
export type CaseOutcome = 'rectified' | 'still_standing' | 'grew' | 'rebuilt' | 'unverifiable';

export const CASE_STATUSES = ['open', 'notified', 'rectification_due', 'rectified', 'not_rectified', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Which status may follow which (the 台账 lifecycle, enforced by the store, offered by the UI); `closed` ends a case. */
export const CASE_TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  open: ['notified', 'rectification_due', 'rectified', 'not_rectified', 'closed'],
  notified: ['rectification_due', 'rectified', 'not_rectified', 'closed'],
  rectification_due: ['rectified', 'not_rectified', 'closed'],
  rectified: ['closed', 'not_rectified'],
  not_rectified: ['rectification_due', 'rectified', 'closed'],
  closed: [],
};

/** Kinds of zone layers a project imports. */
export const ZONE_KINDS = ['protected', 'permit', 'admin'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

/** How a change stands against the permits covering it. */
export type PermitStatus = 'none' | 'permitted' | 'expired' | 'exceeded';

export type Priority = 'high' | 'normal' | 'low';

/** A zone a change falls in, as the review and the report show it. */
export interface ZoneTag {
  kind: ZoneKind;
  /** e.g. 'farmland', 'ecological_control_line', 'water_protection', 'sub_district', 'community', 'permit'. */
  category: string;
  name: string;
}

/** What the review adds to a detected change object. */
export interface ChangeReview {
  verdict: Verdict;
  note: string | null;
  /** Set when the verdict was carried over from the same structure in an earlier run: "run 2, C004". */
  verdictCarriedFrom: string | null;
  zones: ZoneTag[];
  subDistrict: string | null;
  community: string | null;
  permitStatus: PermitStatus;
  priority: Priority;
  case: {
    id: number;
    status: CaseStatus;
    dueDate: string | null;
    subDistrict: string | null;
    /** The status this change's own run proposes for the case, while the analyst has not yet decided. */
    proposed?: CaseStatus;
  } | null;
  /** Cases this change was evidence for when its run checked them (a removal that rectified one). */
  caseChecks: { caseId: number; outcome: CaseOutcome }[];
}
