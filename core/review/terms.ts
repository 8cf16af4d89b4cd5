/**
 * The bureau's vocabulary for the review's enumerations, in one place for every surface that
 * shows them (the PDF report, the review UI), so an analyst reads the same word everywhere.
 */
import type { ChangeType, SuppressionReason } from '../changes/types';
import type { CaseOutcome, CaseStatus, PermitStatus, Priority, Verdict } from './types';

export type TermLang = 'zh-CN' | 'en';

/**
 * Who a history names for what the software recorded itself, not an analyst: a verdict carried to a later run's
 * change, a later run's check of a case. The zh-CN UI shows it as 系统 (ledger-zh.ts).
 */
export const SYSTEM_ACTOR = 'VoxWatch';

export interface Terms {
  types: Record<ChangeType, string>;
  verdicts: Record<Verdict, string>;
  caseStatuses: Record<CaseStatus, string>;
  permits: Record<PermitStatus, string>;
  priorities: Record<Priority, string>;
  /** What a later epoch found for an open case (CaseProposal.outcome). */
  proposals: Record<CaseOutcome, string>;
  /** Why detection did not flag a candidate (SuppressedCandidate.reason); the lead answers use the same words. */
  suppressions: Record<SuppressionReason, string>;
}

export const TERMS: Record<TermLang, Terms> = {
  'zh-CN': {
    types: {
      new_building: '新增建筑',
      storeys_added: '加层',
      rooftop_structure: '屋顶加建',
      extension: '扩建',
      demolished: '拆除',
      height_decrease: '高度降低',
      other: '其他变化',
    },
    verdicts: { unreviewed: '未审核', confirmed: '已确认', false_positive: '误报', permitted: '已许可', needs_site_visit: '需现场核查' },
    caseStatuses: {
      open: '已立案',
      notified: '已下发通知',
      rectification_due: '限期整改',
      rectified: '已整改',
      not_rectified: '未整改',
      closed: '已结案',
    },
    permits: { none: '无许可', permitted: '在许可范围内', expired: '许可已过期', exceeded: '超出许可范围' },
    priorities: { high: '高', normal: '一般', low: '低' },
    proposals: { rectified: '已拆除（整改）', still_standing: '仍然存在', grew: '继续加建', rebuilt: '拆后复建', unverifiable: '无法核实' },
    suppressions: {
      vegetation: '植被',
      vehicle: '车辆',
      too_small: '过小',
      not_building: '非建筑',
      sliver: '细长碎片',
      low_coverage: '观测覆盖不足',
    },
  },
  en: {
    types: {
      new_building: 'New building',
      storeys_added: 'Storeys added',
      rooftop_structure: 'Rooftop structure',
      extension: 'Extension',
      demolished: 'Demolished',
      height_decrease: 'Height decrease',
      other: 'Other change',
    },
    verdicts: {
      unreviewed: 'Unreviewed',
      confirmed: 'Confirmed',
      false_positive: 'False positive',
      permitted: 'Permitted',
      needs_site_visit: 'Needs site visit',
    },
    caseStatuses: {
      open: 'Open',
      notified: 'Notified',
      rectification_due: 'Rectification due',
      rectified: 'Rectified',
      not_rectified: 'Not rectified',
      closed: 'Closed',
    },
    permits: { none: 'No permit', permitted: 'Within permit', expired: 'Permit expired', exceeded: 'Exceeds permit' },
    priorities: { high: 'High', normal: 'Normal', low: 'Low' },
    proposals: {
      rectified: 'Removed (rectified)',
      still_standing: 'Still standing',
      grew: 'Grew further',
      rebuilt: 'Rebuilt after removal',
      unverifiable: 'Cannot be verified',
    },
    suppressions: {
      vegetation: 'Vegetation',
      vehicle: 'Vehicle',
      too_small: 'Too small',
      not_building: 'Not a building',
      sliver: 'Sliver',
      low_coverage: 'Low coverage',
    },
  },
};
