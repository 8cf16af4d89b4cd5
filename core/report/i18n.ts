/**
 * Every word the report prints, in Simplified Chinese and English, and the number formats it uses
 * (the same in both languages, so that figures read alike and tests can find them).
 */
import type { ReportLang } from './model';
import { TERMS, type Terms } from '../review/terms';

export interface ReportStrings extends Terms {
  title: string;
  subtitle: string;
  project: string;
  district: string;
  epochsCompared: string;
  epochBefore: string;
  epochAfter: string;
  surveyDate: string;
  points: string;
  run: string;
  runCreated: string;
  parameters: string;
  crs: string;
  software: string;
  generatedAt: string;
  author: string;
  filter: string;
  allChanges: string;
  changesInReport: string;
  alignment: string;
  /** The alignment's two clauses, laid out so that neither is split across lines. */
  alignmentValue: (dz: string, residual: string) => [string, string];
  /** Between clauses of one value (the alignment's). */
  clauseSep: string;
  warnings: string;
  none: string;
  unknown: string;
  yes: string;
  no: string;
  contents: string;
  summary: string;
  overviewMap: string;
  changeSections: string;
  page: (n: number, total: number) => string;
  // Summary
  byType: string;
  byVerdict: string;
  byCaseStatus: string;
  byZone: string;
  bySubDistrict: string;
  count: string;
  addedVolume: string;
  removedVolume: string;
  netVolume: string;
  area: string;
  total: string;
  unassigned: string;
  noCase: string;
  noZone: string;
  zoneNote: string;
  chartTitle: string;
  chartAxis: string;
  headline: (count: number, added: string, removed: string, falsePositives: number) => string;
  // Maps
  mapOnOrthophoto: (label: string) => string;
  mapOnHillshade: (label: string) => string;
  mapMarkerNote: string;
  legendTypes: string;
  scaleBar: string;
  north: string;
  // Change section
  changeTitle: (n: number, id: string) => string;
  before: string;
  after: string;
  orthoBefore: (label: string) => string;
  orthoAfter: (label: string) => string;
  heightChange: string;
  heightLegend: string;
  unseen: string;
  view3d: string;
  view3dSnapshot: string;
  view3dLegend: string;
  noOrthophoto: string;
  noOrthophotoHere: string;
  orthophotoUnreadable: string;
  hillshadeNote: (reason: string) => string;
  surfaceBefore: (label: string) => string;
  surfaceAfter: (label: string) => string;
  metrics: string;
  review: string;
  type: string;
  volume: string;
  heightChangeMean: string;
  heightChangeMax: string;
  storeys: string;
  heightsBeforeAfter: string;
  topsBeforeAfter: string;
  groundLevel: string;
  confidence: string;
  coverage: string;
  pointsBeforeAfter: string;
  verdict: string;
  verdictCarried: (from: string) => string;
  caseStatus: string;
  caseId: (id: number) => string;
  /** A change of this run that a case check rested on, and what it found. */
  caseEvidence: (id: number, outcome: string) => string;
  /** The case-status group of changes that are evidence for a case, not a case of their own, by what its check found. */
  caseEvidenceGroup: (outcome: string) => string;
  /** Under the table by case status, when it has such groups. */
  caseEvidenceNote: string;
  /** After a case's status: what this run proposes, not yet decided. */
  awaitingDecision: (status: string) => string;
  awaitingGroup: string;
  dueDate: string;
  zones: string;
  subDistrict: string;
  community: string;
  permit: string;
  priority: string;
  note: string;
  reasons: string;
  centroid: string;
  projected: (crs: string) => string;
  wgs84: string;
  /** Degrees, signed (west and south negative): each language names the hemisphere. */
  lonLat: (lon: number, lat: number) => string;
  noWgs84: string;
  noChanges: string;
  /** No changes, but the epochs saw little of the area in common: "none" means "none could be seen". */
  noChangesUnseen: (percent: string) => string;
  zoneCategories: Record<string, string>;
  parameterNames: Record<string, string>;
}

const zh: ReportStrings = {
  title: '卫片执法三维变化图斑报告',
  subtitle: '建筑体量变化检测与核查',
  project: '项目',
  district: '辖区',
  epochsCompared: '对比期次',
  epochBefore: '前期',
  epochAfter: '后期',
  surveyDate: '航摄日期',
  points: '点数',
  run: '检测批次',
  runCreated: '检测时间',
  parameters: '检测参数',
  crs: '坐标系',
  software: '软件版本',
  generatedAt: '报告生成时间',
  author: '编制人',
  filter: '筛选条件',
  allChanges: '全部图斑',
  changesInReport: '本报告图斑数',
  alignment: '高程配准',
  alignmentValue: (dz, r) => [`后期高程改正 ${dz} m`, `稳定面残差中位数 ${r} m`],
  clauseSep: '，',
  warnings: '提示',
  none: '无',
  unknown: '未知',
  yes: '是',
  no: '否',
  contents: '目录',
  summary: '汇总',
  overviewMap: '图斑分布总图',
  changeSections: '图斑详情',
  page: (n, total) => `第 ${n} 页 / 共 ${total} 页`,
  byType: '按变化类型',
  byVerdict: '按核查结论',
  byCaseStatus: '按台账状态',
  byZone: '按管控区域',
  bySubDistrict: '按街道',
  count: '图斑数',
  addedVolume: '新增体积 (m³)',
  removedVolume: '减少体积 (m³)',
  netVolume: '净体积 (m³)',
  area: '面积 (m²)',
  total: '合计',
  unassigned: '未划分',
  noCase: '未立案',
  noZone: '不涉及管控区',
  zoneNote: '一个图斑可涉及多个区域，故各行之和可大于合计。',
  chartTitle: '各变化类型体积',
  chartAxis: '体积 (m³)，减少为负',
  headline: (n, added, removed, fp) =>
    fp
      ? `本报告共列出 ${n + fp} 个图斑，其中 ${fp} 个核查为误报。${n ? `其余 ${n} 个图斑新增体积 ${added}，减少体积 ${removed}；` : ''}除“按核查结论”统计外，各项数字均不计误报。`
      : `本报告共 ${n} 个图斑，新增体积 ${added}，减少体积 ${removed}。`,
  mapOnOrthophoto: (label) => `底图：${label} 正射影像`,
  mapOnHillshade: (label) => `底图：${label} 地表晕渲（无正射影像）`,
  mapMarkerNote: '编号与图斑详情章节序号一致；轮廓颜色表示变化类型。',
  legendTypes: '变化类型',
  scaleBar: '比例尺',
  north: '北',
  changeTitle: (n, id) => `${n}. 图斑 ${id}`,
  before: '前期',
  after: '后期',
  orthoBefore: (label) => `前期正射影像（${label}）`,
  orthoAfter: (label) => `后期正射影像（${label}）`,
  heightChange: '高度变化（后期 − 前期）',
  heightLegend: '高度变化 (m)',
  unseen: '未观测',
  view3d: '三维斜视图（后期地表）',
  view3dSnapshot: '三维视图（软件截图）',
  view3dLegend: '红：新增　蓝：减少（半透明为拆除前体量）　灰：未变化',
  noOrthophoto: '无正射影像',
  noOrthophotoHere: '此处无正射影像',
  orthophotoUnreadable: '正射影像无法读取',
  hillshadeNote: (reason) => `${reason}，以地表晕渲代替`,
  surfaceBefore: (label) => `前期地表晕渲（${label}）`,
  surfaceAfter: (label) => `后期地表晕渲（${label}）`,
  metrics: '量测指标',
  review: '核查与台账',
  type: '变化类型',
  volume: '体积',
  heightChangeMean: '平均高度变化',
  heightChangeMax: '最大高度变化',
  storeys: '层数变化（估算）',
  heightsBeforeAfter: '离地高度 前期 / 后期',
  topsBeforeAfter: '顶面高程 前期 / 后期',
  groundLevel: '地面高程',
  confidence: '置信度',
  coverage: '两期共同观测比例',
  pointsBeforeAfter: '点数 前期 / 后期',
  verdict: '核查结论',
  // The store names the source as "run 2 C004".
  verdictCarried: (from) => `沿用自${from.replace(/^run (\d+) /, '批次 $1 ')}`,
  caseStatus: '台账状态',
  caseId: (id) => `案件 ${id}`,
  caseEvidence: (id, outcome) => `案件 ${id} 的核查依据：${outcome}`,
  caseEvidenceGroup: (outcome) => `已立案违建${outcome}`,
  caseEvidenceNote: '“已立案违建……”各行：本期图斑是已立案违建的核查依据（如违建已拆除，即为整改依据），本身不另立案，按核查结果单列。',
  awaitingDecision: (status) => `（本期核查结论待采纳：${status}）`,
  awaitingGroup: '核查结论待采纳',
  dueDate: '整改期限',
  zones: '涉及区域',
  subDistrict: '街道',
  community: '社区',
  permit: '许可情况',
  priority: '优先级',
  note: '备注',
  reasons: '判定依据',
  centroid: '中心点坐标',
  projected: (crs) => `${crs}`,
  wgs84: 'WGS 84 经纬度',
  lonLat: (lon, lat) =>
    `${lon < 0 ? '西经' : '东经'} ${Math.abs(lon).toFixed(6)}°，${lat < 0 ? '南纬' : '北纬'} ${Math.abs(lat).toFixed(6)}°`,
  noWgs84: '（坐标系未知，无法换算经纬度）',
  noChanges: '本次检测（或筛选）没有图斑。',
  noChangesUnseen: (p) => `本次检测没有图斑，但两期仅共同观测到比对范围的 ${p}%：其余范围无法比对，“没有图斑”不代表没有变化。`,
  ...TERMS['zh-CN'],
  zoneCategories: {
    farmland: '耕地',
    ecological_control_line: '基本生态控制线',
    water_protection: '水源保护区',
    sub_district: '街道',
    community: '社区',
    permit: '许可范围',
    temporary: '临时建筑',
  },
  parameterNames: {
    voxel: '体素边长',
    minArea: '最小面积',
    minVolume: '最小体积',
    minHeight: '最小高差',
    storeyHeight: '层高',
    minCoverage: '最低观测比例',
    align: '高程配准',
    minUncertainArea: '最小未观测区面积',
    tileCells: '分块边长（单元）',
    halo: '分块缓冲',
    reproject: '读入时重投影',
  },
};

const en: ReportStrings = {
  title: 'Building change report',
  subtitle: '3D building-volume changes between two surveys',
  project: 'Project',
  district: 'District',
  epochsCompared: 'Epochs compared',
  epochBefore: 'Before',
  epochAfter: 'After',
  surveyDate: 'Survey date',
  points: 'Points',
  run: 'Run',
  runCreated: 'Run created',
  parameters: 'Run parameters',
  crs: 'Coordinate system',
  software: 'Software',
  generatedAt: 'Report generated',
  author: 'Author',
  filter: 'Filter',
  allChanges: 'all changes',
  changesInReport: 'Changes in this report',
  alignment: 'Vertical alignment',
  alignmentValue: (dz, r) => [`later epoch shifted by ${dz} m`, `median residual on stable surfaces ${r} m`],
  clauseSep: '; ',
  warnings: 'Warnings',
  none: 'none',
  unknown: 'unknown',
  yes: 'yes',
  no: 'no',
  contents: 'Contents',
  summary: 'Summary',
  overviewMap: 'Overview map',
  changeSections: 'Changes',
  page: (n, total) => `Page ${n} of ${total}`,
  byType: 'By change type',
  byVerdict: 'By verdict',
  byCaseStatus: 'By case status',
  byZone: 'By zone',
  bySubDistrict: 'By sub-district',
  count: 'Changes',
  addedVolume: 'Added (m³)',
  removedVolume: 'Removed (m³)',
  netVolume: 'Net (m³)',
  area: 'Area (m²)',
  total: 'Total',
  unassigned: 'Unassigned',
  noCase: 'No case',
  noZone: 'In no zone',
  zoneNote: 'A change may lie in several zones, so the rows can add up to more than the total.',
  chartTitle: 'Volume by change type',
  chartAxis: 'Volume (m³), removed negative',
  headline: (n, added, removed, fp) => {
    const changes = (k: number) => `${k} change${k === 1 ? '' : 's'}`;
    if (!fp) return `${changes(n)} in this report: ${added} of building volume added, ${removed} removed.`;
    const rest =
      n === 0
        ? ''
        : `${n === 1 ? 'The other one adds' : `The other ${n} add`} ${added} of building volume and remove${n === 1 ? 's' : ''} ${removed}. `;
    return `This report lists ${changes(n + fp)}, ${fp === 1 ? 'one' : fp} of them marked false positive. ${rest}False positives are counted in the table by verdict only, in no other figure.`;
  },
  mapOnOrthophoto: (label) => `Background: orthophoto of ${label}`,
  mapOnHillshade: (label) => `Background: hillshade of the ${label} surface (no orthophoto)`,
  mapMarkerNote: 'Numbers are the change sections of this report; outline colours give the change type.',
  legendTypes: 'Change type',
  scaleBar: 'Scale',
  north: 'N',
  changeTitle: (n, id) => `${n}. Change ${id}`,
  before: 'Before',
  after: 'After',
  orthoBefore: (label) => `Orthophoto before (${label})`,
  orthoAfter: (label) => `Orthophoto after (${label})`,
  heightChange: 'Height change (after − before)',
  heightLegend: 'Height change (m)',
  unseen: 'unseen',
  view3d: 'Oblique 3D view (later surface)',
  view3dSnapshot: '3D view (viewer snapshot)',
  view3dLegend: 'red: added   blue: removed (translucent: volume before)   grey: unchanged',
  noOrthophoto: 'No orthophoto',
  noOrthophotoHere: 'No orthophoto here',
  orthophotoUnreadable: 'Orthophoto unreadable',
  hillshadeNote: (reason) => `${reason}: hillshade shown instead`,
  surfaceBefore: (label) => `Surface before (${label}), hillshade`,
  surfaceAfter: (label) => `Surface after (${label}), hillshade`,
  metrics: 'Measurements',
  review: 'Review and case',
  type: 'Type',
  volume: 'Volume',
  heightChangeMean: 'Mean height change',
  heightChangeMax: 'Max height change',
  storeys: 'Storeys (estimate)',
  heightsBeforeAfter: 'Height above ground before / after',
  topsBeforeAfter: 'Top elevation before / after',
  groundLevel: 'Ground elevation',
  confidence: 'Confidence',
  coverage: 'Seen in both epochs',
  pointsBeforeAfter: 'Points before / after',
  verdict: 'Verdict',
  verdictCarried: (from) => `carried over from ${from}`,
  caseStatus: 'Case status',
  caseId: (id) => `Case ${id}`,
  caseEvidence: (id, outcome) => `evidence for case ${id}: ${outcome.toLowerCase()}`,
  caseEvidenceGroup: (outcome) => `Violation on the ledger: ${outcome.toLowerCase()}`,
  caseEvidenceNote:
    'Rows “Violation on the ledger: …”: changes of this run that are evidence for a case already on the ledger (a removal is its rectification); they open no case of their own and are listed by what the check found.',
  awaitingDecision: (status) => ` (this run proposes ${status.toLowerCase()}, not yet decided)`,
  awaitingGroup: 'Awaiting a decision',
  dueDate: 'deadline',
  zones: 'Zones',
  subDistrict: 'Sub-district',
  community: 'Community',
  permit: 'Permit',
  priority: 'Priority',
  note: 'Note',
  reasons: 'Why flagged',
  centroid: 'Centroid',
  projected: (crs) => `${crs}`,
  wgs84: 'WGS 84 longitude, latitude',
  lonLat: (lon, lat) => `${Math.abs(lon).toFixed(6)}° ${lon < 0 ? 'W' : 'E'}, ${Math.abs(lat).toFixed(6)}° ${lat < 0 ? 'S' : 'N'}`,
  noWgs84: '(unknown coordinate system: no longitude/latitude)',
  noChanges: 'This run (or filter) has no changes.',
  noChangesUnseen: (p) =>
    `This run has no changes, but both epochs saw only ${p} % of the compared area: the rest could not be compared, so "no changes" does not mean nothing changed.`,
  ...TERMS['en'],
  zoneCategories: {
    farmland: 'Farmland',
    ecological_control_line: 'Ecological control line',
    water_protection: 'Water protection zone',
    sub_district: 'Sub-district',
    community: 'Community',
    permit: 'Permit area',
    temporary: 'Temporary building',
  },
  parameterNames: {
    voxel: 'voxel',
    minArea: 'min. area',
    minVolume: 'min. volume',
    minHeight: 'min. height change',
    storeyHeight: 'storey height',
    minCoverage: 'min. coverage',
    align: 'alignment',
    minUncertainArea: 'min. unseen area',
    tileCells: 'tile side (cells)',
    halo: 'tile halo',
    reproject: 'reprojected while read',
  },
};

export function stringsFor(lang: ReportLang): ReportStrings {
  return lang === 'zh-CN' ? zh : en;
}

const grouped = (digits: number) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const oneDecimal = grouped(1);
const twoDecimals = grouped(2);
const whole = grouped(0);

/** Signed volume, 1 decimal, grouped: "+1,234.5 m³", "−56.0 m³". */
export function formatVolume(m3: number): string {
  return `${signed(m3, oneDecimal)} m³`;
}

/** Unsigned volume for totals: "1,234.5 m³". */
export function formatVolumeAbs(m3: number): string {
  return `${oneDecimal.format(Math.abs(m3))} m³`;
}

/** A bare number with 1 decimal for table cells whose header names the unit. */
export function formatDecimal(v: number): string {
  return oneDecimal.format(v).replace('-', '−');
}

export function formatArea(m2: number): string {
  return `${oneDecimal.format(m2)} m²`;
}

/** Heights and height changes, 2 decimals; `sign` adds + to positive values. */
export function formatMetres(m: number, sign = false): string {
  return `${sign ? signed(m, twoDecimals) : twoDecimals.format(m).replace('-', '−')} m`;
}

export function formatCount(n: number): string {
  return whole.format(n);
}

export function formatPercent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** "2026-11-26 05:50" in the report's time zone (China Standard Time, the bureau's clock). */
export function formatDateTime(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const local = new Date(t + 8 * 3600 * 1000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)} (UTC+8)`;
}

function signed(v: number, f: Intl.NumberFormat): string {
  const text = f.format(Math.abs(v));
  if (Number(text.replace(/,/g, '')) === 0) return text;
  return `${v < 0 ? '−' : '+'}${text}`;
}
