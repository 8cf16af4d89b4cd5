// Every string the UI shows, in one dictionary per language. zh-CN uses the bureau's own terms (误报, 图斑, 台账…).
import type { ChangeType } from '../core/changes/types';
import { TERMS } from '../core/review/terms';
import type { CaseStatus, PermitStatus, Priority, Verdict } from '../core/review/types';

export type Lang = 'en' | 'zh-CN';

const en = {
  appTitle: 'VoxWatch',
  run: 'Run',
  noRuns: 'No detection runs yet: run a detection below.',
  changes: 'Flagged changes',
  allTypes: 'All types',
  allVerdicts: 'All verdicts',
  allZones: 'All zones',
  minVolume: 'Min |volume| m³',
  sortBy: 'Sort',
  sortPriority: 'Priority',
  sortVolume: 'Volume ↓',
  sortCode: 'Id',
  sortArea: 'Area ↓',
  sortConfidence: 'Confidence ↓',
  shown: 'shown',
  viewBefore: 'Before',
  viewAfter: 'After',
  viewSwipe: 'Swipe',
  colourRgb: 'RGB',
  colourHeight: 'Height',
  colourClass: 'Class',
  colourChange: 'Change',
  buildingOctree: 'Building level of detail',
  octreeFailed: 'No level of detail',
  colourByType: 'Colour by type',
  colourByVerdict: 'Colour by verdict',
  flyTo: 'Fly to',
  overview: 'Overview',
  loadingPoints: 'Loading points…',
  points: 'points',
  selectChange: 'Select a change in the list (J/K or ↑/↓).',
  volume: 'Volume',
  area: 'Area',
  heightChange: 'Height change (mean / max)',
  storeys: 'Storeys',
  heights: 'Height above ground (before → after)',
  confidence: 'Confidence',
  coverage: 'Coverage',
  zones: 'Zones',
  subDistrict: 'Sub-district',
  permit: 'Permit',
  caseStatus: 'Case (ledger)',
  noCase: 'no case',
  priority: 'Priority',
  evidence: 'Why it was flagged',
  verdict: 'Verdict',
  carriedFrom: 'verdict carried from',
  note: 'Note',
  notePlaceholder: 'Note (saved on Enter or when leaving the field)',
  noteSaved: 'Note saved',
  verdictSaved: 'Verdict saved',
  shortcuts: 'J/K ↑/↓ next/previous · F false positive · C confirm · P permitted · S site visit',
  detection: 'Detection',
  runDetection: 'Run detection',
  cancel: 'Cancel',
  cancelled: 'Detection cancelled',
  detectionRunning: 'Detection running…',
  detectionDone: 'Detection finished: run',
  detectionFailed: 'Detection failed',
  before: 'Before',
  after: 'After',
  language: '中文',
  error: 'Error',
  none: '—',
  phase_open: 'opening',
  phase_read: 'reading points',
  phase_ground: 'ground model',
  phase_align: 'alignment',
  phase_diff: 'comparing',
  phase_objects: 'change objects',
};

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  appTitle: 'VoxWatch 卫片执法三维核查',
  run: '批次',
  noRuns: '尚无检测批次：请在下方运行检测。',
  changes: '图斑',
  allTypes: '全部类型',
  allVerdicts: '全部审核状态',
  allZones: '全部区域',
  minVolume: '最小体积 m³',
  sortBy: '排序',
  sortPriority: '优先级',
  sortVolume: '体积 ↓',
  sortCode: '编号',
  sortArea: '面积 ↓',
  sortConfidence: '置信度 ↓',
  shown: '显示',
  viewBefore: '前期',
  viewAfter: '后期',
  viewSwipe: '卷帘对比',
  colourRgb: '真彩色',
  colourHeight: '高程',
  colourClass: '分类',
  colourChange: '变化',
  buildingOctree: '正在构建多细节层次',
  octreeFailed: '无法构建多细节层次',
  colourByType: '按类型着色',
  colourByVerdict: '按审核着色',
  flyTo: '定位',
  overview: '全览',
  loadingPoints: '正在加载点云…',
  points: '点',
  selectChange: '在列表中选择图斑（J/K 或 ↑/↓）。',
  volume: '体积',
  area: '面积',
  heightChange: '高度变化（平均 / 最大）',
  storeys: '层数',
  heights: '离地高度（前期 → 后期）',
  confidence: '置信度',
  coverage: '覆盖率',
  zones: '所在区域',
  subDistrict: '街道',
  permit: '许可',
  caseStatus: '台账',
  noCase: '未立案',
  priority: '优先级',
  evidence: '判定依据',
  verdict: '审核结论',
  carriedFrom: '结论沿用自',
  note: '备注',
  notePlaceholder: '备注（回车或离开输入框时保存）',
  noteSaved: '备注已保存',
  verdictSaved: '结论已保存',
  shortcuts: 'J/K ↑/↓ 下一个/上一个 · F 误报 · C 确认 · P 已许可 · S 需现场核查',
  detection: '变化检测',
  runDetection: '运行检测',
  cancel: '取消',
  cancelled: '检测已取消',
  detectionRunning: '正在检测…',
  detectionDone: '检测完成：批次',
  detectionFailed: '检测失败',
  before: '前期',
  after: '后期',
  language: 'English',
  error: '错误',
  none: '—',
  phase_open: '打开文件',
  phase_read: '读取点云',
  phase_ground: '地面模型',
  phase_align: '配准',
  phase_diff: '对比',
  phase_objects: '提取变化对象',
};

const messages: Record<Lang, Record<MessageKey, string>> = { en, 'zh-CN': zh };

const STORAGE_KEY = 'voxwatch.lang';

let current: Lang = (() => {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return stored === 'zh-CN' || stored === 'en' ? stored : 'en';
})();

export const lang = (): Lang => current;

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
}

export const t = (key: MessageKey): string => messages[current][key];
export const tVerdict = (v: Verdict): string => TERMS[current].verdicts[v];
export const tType = (v: ChangeType): string => TERMS[current].types[v];
export const tCase = (v: CaseStatus): string => TERMS[current].caseStatuses[v];
export const tPermit = (v: PermitStatus): string => TERMS[current].permits[v];
export const tPriority = (v: Priority): string => TERMS[current].priorities[v];
