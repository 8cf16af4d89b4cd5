/**
 * Every word the report prints, in Simplified Chinese and English, and the number formats it uses
 * (the same in both languages, so that figures read alike and tests can find them).
 */
import { onBureauClock } from '../review/clock';
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
  /** A change that needs a case (a confirmed addition) with none on the ledger: 应立案未立案. */
  noCase: string;
  /** A change that needs no case: a removal, a permitted change, a false positive. */
  noCaseNeeded: string;
  /** An addition with no case, not yet judged: whether it needs one is open. */
  caseUndecided: string;
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
  /** The ledger is read when the report is written: its status is the status on that day. */
  caseStatusAsOf: (date: string) => string;
  /** Under the table by case status: what the status is as of, and what the groups without a case mean. */
  caseStatusNote: (date: string, after: string) => string;
  /** After a case's status: the run (its later epoch) whose finding set it, when not this report's run. */
  caseBasisRun: (runId: number, label: string, date: string | null) => string;
  /** After a case's status set by hand (a site visit), with no run's finding behind it. */
  caseBasisHand: (date: string) => string;
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
  /** After an open case's due date, on the report's day (core/review/overdue.ts). */
  overdueBy: (days: number) => string;
  /** Under the table by case status: how many of the report's cases are overdue on the report's day. */
  overdueCases: (count: number, date: string) => string;
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
  /** The page that explains the report's indicators (guide-page.ts). */
  guideTitle: string;
  guide: (p: GuideParams) => [string, string][];
}

/** What the explanations depend on in the run they explain. */
export interface GuideParams {
  /** Metres per storey in the storeys estimate (the run's storeyHeight). */
  storeyHeight: string;
  /** The storey height detection uses unless told otherwise. */
  defaultStoreyHeight: string;
  /** Roughness below which a cell counts as planar, metres, at the run's voxel size. */
  planar: string;
  /** Roughness above which a top counts as rough, metres, at the run's voxel size. */
  rough: string;
  /** The run's minimum share seen in both epochs, percent. */
  minCoverage: string | null;
  /** Vegetation score from which a candidate is taken for vegetation. */
  vegetationScore: string;
  /** The excess-green thresholds of the vegetation vote (classify.ts EXG), as printed. */
  exg: { greenish: string; green: string; strong: string; notVegetation: string };
  /** The date the ledger was read. */
  asOf: string;
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
  noCaseNeeded: '无需立案',
  caseUndecided: '待核查，未立案',
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
  caseStatusAsOf: (date) => `台账状态（截至 ${date}）`,
  caseStatusNote: (date, after) =>
    `台账状态为截至 ${date}（报告生成日）台账所记的状态，可能依据本期后期（${after}）之后的航摄比对或现场核查，不表示本期影像所见如此。“未立案”：已确认的新增违建尚未立案；“无需立案”：拆除、高度降低（不构成违建）或已许可；“待核查，未立案”：尚未定性的新增图斑。`,
  caseBasisRun: (runId, label, date) => `据检测批次 ${runId}：${label}${date ? ` ${date} 航摄` : ''}`,
  caseBasisHand: (date) => `${date} 人工登记`,
  caseId: (id) => `案件 ${id}`,
  caseEvidence: (id, outcome) => `案件 ${id} 的核查依据：${outcome}`,
  caseEvidenceGroup: (outcome) => `已立案违建${outcome}`,
  caseEvidenceNote: '“已立案违建……”各行：本期图斑是已立案违建的核查依据（如违建已拆除，即为整改依据），本身不另立案，按核查结果单列。',
  awaitingDecision: (status) => `（本期核查结论待采纳：${status}）`,
  awaitingGroup: '核查结论待采纳',
  dueDate: '整改期限',
  overdueBy: (days) => `已逾期 ${days} 天`,
  overdueCases: (count, date) => `逾期未整改案件（截至 ${date}）：${count} 件`,
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
  guideTitle: '说明',
  // Every statement here is read from the code: core/changes/classify.ts (confidence, vegetation
  // clues, storeys), measure.ts (volume, planar share, roughness), core/review/zoning.ts (priority),
  // core/report/heightmap.ts and orthophotos.ts (the crops), core/store/reviews-repo.ts (cases).
  guide: (p) => [
    [
      '置信度',
      `0–100 %（最低 5 %，最高 99 %），由以下各项相乘：两期共同观测比例、高差超过阈值的面积占比、面积与体积相对最小阈值的大小、平均高差相对最小高差的大小、顶面平面占比、植被迹象（越多越低），以及图斑是否延伸进未观测区。置信度低说明证据弱（遮挡、数据空洞、接近阈值、似植被）：既不能据此认定违建，也不能据此排除，应先现场核查再定性、立案。${p.minCoverage ? `两期共同观测比例低于 ${p.minCoverage} 的候选不作为图斑上报。` : ''}`,
    ],
    [
      '超绿指数 ExG',
      `(2G − R − B) / (R + G + B)，取图斑较高一期表面（新增取后期、减少取前期）的颜色，点云无颜色时取该期正射影像。大于 ${p.exg.greenish} 计为偏绿（大于 ${p.exg.green}、${p.exg.strong} 更强），是植被迹象；小于 ${p.exg.notVegetation} 为非植被色（红瓦、砖、锈），减分。各项植被迹象（颜色、粗糙、平面少、点在深度上分散、树冠状顶面等）计分，达 ${p.vegetationScore} 分即判为植被，不作为图斑上报。`,
    ],
    [
      '平面占比 / 粗糙度',
      `在较高一期表面上，对图斑内部（不含边缘）每个单元格的 3×3 邻域拟合平面：拟合残差的中位数为粗糙度 (m)；残差小于 ${p.planar} 的单元格为平面单元，其所占比例为平面占比。屋面平整、树冠粗糙：平面占比低于 50 %、粗糙度大于 ${p.rough} 各计一项植被迹象。`,
    ],
    [
      '体积',
      '按实体计：每个单元格后期与前期表面平均高程之差乘以单元格面积，再求和，即两期表面之间的全部体量（新增建筑自原地面算至屋面，加层自原屋面算起），不只是外壳；图斑内未观测的单元格按图斑的典型高差计入。正值为新增，负值为减少。',
    ],
    [
      '层数变化（估算）',
      `平均高度变化 ÷ 层高（本批次 ${p.storeyHeight}，默认 ${p.defaultStoreyHeight}），四舍五入，至少 1 层；升高为正、降低为负。仅为估算，加层层数以现场核实为准。`,
    ],
    [
      '优先级',
      '高：新增体量（体积为正）位于保护类管控区（如耕地、基本生态控制线、水源保护区），或许可已过期、超出许可范围；除此之外，体积减少（拆除、高度降低）或在许可范围内为低，其余为一般。按后期航摄日期对照许可有效期。',
    ],
    ['未观测（斜线）', '高度变化图中灰色斜线的单元格，前期或后期没有观测点（遮挡、水面、数据空洞）：此处变化未知，不等于没有变化。'],
    [
      '影像灰色边带',
      '图斑影像的窗口超出该期正射影像范围时，超出部分以浅灰色填充，并非地物；窗口全在影像之外时显示“此处无正射影像”；该期没有可用正射影像时以地表晕渲代替。',
    ],
    [
      '台账状态',
      `报告生成时（截至 ${p.asOf}）台账所记的状态，可能依据本期之后的航摄比对（写明检测批次）或现场核查，并非本期影像所见。确认新增违建（体积为正）即立案；“未立案”为已确认的新增违建尚未立案，“无需立案”为拆除、高度降低（不构成违建）、已许可或误报的图斑，“待核查，未立案”为尚未定性的新增图斑。`,
    ],
    ['误报', '核查为误报的图斑只计入“按核查结论”统计，不计入其他任何数字。'],
  ],
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
  noCase: 'No case filed',
  noCaseNeeded: 'No case needed',
  caseUndecided: 'Not yet judged, no case',
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
  caseStatusAsOf: (date) => `Case status (as of ${date})`,
  caseStatusNote: (date, after) =>
    `Case status is the ledger's as of ${date}, the day this report was written: it may rest on a survey after this run's later epoch (${after}) or on a site visit, not on what this run's images show. "No case filed": a confirmed new violation with no case yet; "no case needed": a removal or a lowered building (no violation) or a permitted change; "not yet judged, no case": an addition not yet reviewed.`,
  caseBasisRun: (runId, label, date) => `shown by run ${runId}, ${label}${date ? ` surveyed ${date}` : ''}`,
  caseBasisHand: (date) => `set by hand on ${date}`,
  caseId: (id) => `Case ${id}`,
  caseEvidence: (id, outcome) => `evidence for case ${id}: ${outcome.toLowerCase()}`,
  caseEvidenceGroup: (outcome) => `Violation on the ledger: ${outcome.toLowerCase()}`,
  caseEvidenceNote:
    // Straight quotes: the report's font is CJK, whose curly quotes are full width ("epoch’ s").
    'Rows "Violation on the ledger: ...": changes of this run that are evidence for a case already on the ledger (a removal is its rectification); they open no case of their own and are listed by what the check found.',
  awaitingDecision: (status) => ` (this run proposes ${status.toLowerCase()}, not yet decided)`,
  awaitingGroup: 'Awaiting a decision',
  dueDate: 'deadline',
  overdueBy: (days) => `overdue by ${days} ${days === 1 ? 'day' : 'days'}`,
  overdueCases: (count, date) => `Cases past their deadline (as of ${date}): ${count}`,
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
  guideTitle: 'How to read this report',
  guide: (p) => [
    [
      'Confidence',
      `0–100 % (at least 5 %, at most 99 %): the product of the share of the footprint seen in both epochs, the share of it whose height changed by more than the threshold, the area and volume against the smallest reported, the mean height change against the smallest, the planar share of the top, vegetation clues (the more, the lower) and whether the change runs on into unseen ground. A low value means weak evidence (occlusion, data holes, close to a threshold, vegetation-like): it neither establishes a violation nor rules one out; check on site before judging or filing a case.${p.minCoverage ? ` Candidates seen in both epochs over less than ${p.minCoverage} of their footprint are not reported.` : ''}`,
    ],
    [
      'Excess green, ExG',
      `(2G − R − B) / (R + G + B) of the higher surface's colour (after for an addition, before for a removal), from the points or, where they have none, the epoch's orthophoto. Above ${p.exg.greenish} counts as a green clue (stronger above ${p.exg.green} and ${p.exg.strong}); below ${p.exg.notVegetation} (red tiles, brick, rust) counts against vegetation. Clues of colour, roughness, few planar cells, points scattered in depth and a crown-like top are scored; from ${p.vegetationScore} points the candidate is taken for vegetation and not reported.`,
    ],
    [
      'Planar share, roughness',
      `A plane is fitted to the 3 × 3 neighbourhood of each cell inside the footprint (edges left out) on the higher surface. Roughness is the median fit residual (m); a cell whose residual is below ${p.planar} is planar, and the planar share is their share. Roofs are planar, crowns rough: a planar share below 50 % and a roughness above ${p.rough} each count as a vegetation clue.`,
    ],
    [
      'Volume',
      'Solid volume: per cell, the later mean surface height minus the earlier one times the cell area, summed: all between the two surfaces (a new building from the former ground up to its roof, added storeys from the former roof), not a shell. Unseen cells inside the footprint count at its typical height change. Positive is added, negative removed.',
    ],
    [
      'Storeys (estimate)',
      `Mean height change ÷ storey height (${p.storeyHeight} in this run; ${p.defaultStoreyHeight} by default), rounded, at least 1; negative for a fall. An estimate: count the storeys on site.`,
    ],
    [
      'Priority',
      "High: an addition (positive volume) in a protected zone (such as farmland, an ecological control line, a water protection zone), or whose permit has expired or is exceeded. Otherwise low for a removal (demolished, height decrease) or a change within its permit, normal for the rest. Permits are judged as of the later epoch's survey date.",
    ],
    [
      'Unseen (hatched)',
      'Grey hatched cells of the height-change map had no points in one epoch or both (occlusion, water, data holes): change there is unknown, not zero.',
    ],
    [
      'Grey band in crops',
      'Where a crop runs past the epoch\'s orthophoto, the part outside is filled light grey: it is no ground feature. A crop wholly outside reads "No orthophoto here"; an epoch without a usable orthophoto is shown as a hillshade.',
    ],
    [
      'Case status',
      `The ledger's status when the report was written (as of ${p.asOf}): it may rest on a later survey (the run is named) or a site visit, not on this run's images. Confirming an addition (positive volume) opens a case. "No case filed": a confirmed addition without a case; "no case needed": a removal, a lowered building (no violation), a permitted change or a false positive; "not yet judged, no case": an addition not yet reviewed.`,
    ],
    ['False positive', 'Changes marked false positive count in the table by verdict only, in no other figure.'],
  ],
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

/** The day of an ISO time in the report's time zone (UTC+8): "2026-11-26". */
export function formatDate(iso: string): string {
  return formatDateTime(iso).slice(0, 10);
}

export function formatPercent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** "2026-11-26 05:50 (UTC+8)" on the bureau's clock (core/review/clock.ts), as the review UI shows it too. */
export function formatDateTime(iso: string): string {
  return onBureauClock(iso);
}

function signed(v: number, f: Intl.NumberFormat): string {
  const text = f.format(Math.abs(v));
  if (Number(text.replace(/,/g, '')) === 0) return text;
  return `${v < 0 ? '−' : '+'}${text}`;
}
