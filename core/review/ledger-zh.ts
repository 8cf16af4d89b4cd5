/**
 * The case ledger's proposals (core/review/case-check.ts) and the complaint leads' answers (core/review/leads.ts)
 * are explained in English sentences; the zh-CN review UI shows them in Chinese. As in reasons-zh.ts, each known
 * sentence shape has a Chinese template and a sentence of an unknown shape is shown as written.
 */
import { applyRules, reasonZh } from './reasons-zh';
import { ofRunZh } from './run-ref';
import { SYSTEM_ACTOR, TERMS } from './terms';

/** A number as the sentences write it, grouped in thousands or not (format.ts). */
const N = String.raw`(-?[\d,.]+)`;
/** The top over a case's footprint, an elevation: "top at 43.3 m elevation" ("top 43.3 m" in projects checked before). */
const TOP = String.raw`top (?:at )?${N} m(?: elevation)?`;

/** The suppression reasons as the bureau says them (the UI's words, core/review/terms.ts). */
const SUPPRESSION_ZH: Record<string, string> = TERMS['zh-CN'].suppressions;

/** The detector's reasons for suppressing a candidate (core/changes/classify.ts), clue by clue. */
const SUPPRESSION_RULES: [RegExp, (m: string[]) => string][] = [
  [new RegExp(`^strongly green \\(ExG ${N}\\)$`), (m) => `明显偏绿（ExG ${m[1]}）`],
  [new RegExp(`^green \\(ExG ${N}\\)$`), (m) => `偏绿（ExG ${m[1]}）`],
  [new RegExp(`^greenish \\(ExG ${N}\\)$`), (m) => `略偏绿（ExG ${m[1]}）`],
  [new RegExp(`^rough top \\(${N} m\\)$`), (m) => `顶面粗糙（${m[1]} m）`],
  [new RegExp(`^few planar cells \\(${N} %\\)$`), (m) => `平面单元少（${m[1]}%）`],
  [new RegExp(`^points scattered ${N} m deep, as through a canopy$`), (m) => `点云纵深分散 ${m[1]} m，似透过树冠`],
  [new RegExp(`^points scattered in depth \\(${N} m\\)$`), (m) => `点云纵深分散（${m[1]} m）`],
  [new RegExp(`^points somewhat scattered in depth \\(${N} m\\)$`), (m) => `点云略有纵深分散（${m[1]} m）`],
  [new RegExp(`^classed vegetation by the survey \\(${N} %\\)$`), (m) => `测量分类为植被（${m[1]}%）`],
  [new RegExp(`^dome-shaped top, like a crown \\(${N} % curved both ways\\)$`), (m) => `顶面呈穹顶状，似树冠（${m[1]}% 双向弯曲）`],
  [new RegExp(`^dome-shaped top \\(${N} % curved both ways\\)$`), (m) => `顶面呈穹顶状（${m[1]}% 双向弯曲）`],
  [new RegExp(`^crown-like profile \\(fill ${N}\\)$`), (m) => `剖面似树冠（填充率 ${m[1]}）`],
  [
    new RegExp(`^small dome-shaped top \\(bending ${N} m over 1\\.5 m\\)( of scattered points)?$`),
    (m) => `${m[2] ? '点云分散的' : ''}小型穹顶状顶面（1.5 m 内弯曲 ${m[1]} m）`,
  ],
  [
    new RegExp(`^not vegetation-coloured( in the orthophoto)? \\(ExG ${N}\\)$`),
    (m) => `${m[1] ? '正射影像中' : ''}颜色不似植被（ExG ${m[2]}）`,
  ],
  [
    new RegExp(
      `^points scattered ${N} m deep, as through a canopy, with no colour or roof surface( \\(${N} % planar\\))? to say otherwise$`,
    ),
    (m) => `点云纵深分散 ${m[1]} m，似透过树冠，且无颜色或${m[3] ? `屋面（平面单元仅 ${m[3]}%）` : '屋面'}可作反证`,
  ],
  [
    new RegExp(
      `^(rises from|leaves standing) a ${N} m high object of ${N} m² that reads as vegetation \\((.*)\\): a tree (growing|cut back)$`,
    ),
    (m) =>
      m[1] === 'rises from'
        ? `从一处高 ${m[2]} m、${m[3]} m² 且判读为植被的物体上长出（${suppressionZh(m[4])}）：树木生长`
        : `其下留存一处高 ${m[2]} m、${m[3]} m² 且判读为植被的物体（${suppressionZh(m[4])}）：树木修剪`,
  ],
  [
    new RegExp(`^thin strip ${N} m² with no interior: an edge seen slightly apart in the two epochs$`),
    (m) => `${m[1]} m² 的细长条带，无内部：两期边缘略有错位`,
  ],
  [new RegExp(`^height change ${N} m below ${N} m$`), (m) => `高度变化 ${m[1]} m，低于 ${m[2]} m`],
  [
    new RegExp(
      `^nothing to tell a building from vegetation: no colour, and too small \\(${N} m²\\) to judge its top at this voxel size; give the epoch's orthophoto$`,
    ),
    (m) => `无法区分建筑与植被：无颜色信息，且面积过小（${m[1]} m²），在此体素尺寸下无法判断顶面；请提供该期正射影像`,
  ],
  [new RegExp(`^area ${N} m² below ${N} m²$`), (m) => `面积 ${m[1]} m²，低于 ${m[2]} m²`],
  [new RegExp(`^volume ${N} m³ below ${N} m³$`), (m) => `体积 ${m[1]} m³，低于 ${m[2]} m³`],
  [new RegExp(`^only ${N} % of the footprint seen in both epochs$`), (m) => `两期共同观测到的仅占图斑 ${m[1]}%`],
  [
    new RegExp(`^vehicle-sized object \\(${N} m², ${N} m high\\) on the ground$`),
    (m) => `地面上车辆大小的物体（${m[1]} m²，高 ${m[2]} m）`,
  ],
  [
    new RegExp(`^diffuse change: only ${N} % of the area moved by more than ${N} m$`),
    (m) => `分散变化：仅 ${m[1]}% 的面积变化超过 ${m[2]} m`,
  ],
  [
    new RegExp(`^${N} m above the ground: too low for a building \\(heap, wall, hedge or terrain\\)$`),
    (m) => `离地 ${m[1]} m：作为建筑过低（土堆、围墙、绿篱或地形）`,
  ],
];

/** Splits "a (x, y), b" at the commas outside parentheses. */
function clauses(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (depth === 0 && text.startsWith(', ', i)) {
      out.push(text.slice(start, i));
      start = i + 2;
    }
  }
  return [...out, text.slice(start)];
}

/**
 * A suppression's detail in Chinese: the whole sentence if known, else clue by clue (vegetation
 * clues are listed, joined by commas). A clue may hold a comma itself ("points scattered 1.1 m
 * deep, as through a canopy"), so the longest run of clauses a rule knows is taken first.
 */
export function suppressionZh(detail: string): string {
  const parts = clauses(detail);
  const out: string[] = [];
  for (let i = 0; i < parts.length;) {
    const known = longestKnown(parts, i);
    out.push(known ? known.zh : reasonZh(parts[i]));
    i = known ? known.end : i + 1;
  }
  return out.join('，');
}

/** The longest run of clauses from the i-th that a suppression rule knows, in Chinese, and where it ends. */
function longestKnown(parts: string[], i: number): { zh: string; end: number } | null {
  for (let end = parts.length; end > i; end--) {
    const zh = applyRules(SUPPRESSION_RULES, parts.slice(i, end).join(', '));
    if (zh !== null) return { zh, end };
  }
  return null;
}

const RULES: [RegExp, (m: string[]) => string][] = [
  // the actor of what the software recorded itself in a change's or a case's history (a carried verdict, a case check)
  [new RegExp(`^${SYSTEM_ACTOR}$`), () => '系统'],
  // case proposals: the later run's changes they rest on are named with their run (run-ref.ts)
  [new RegExp(`^${N} m³ removed \\((.*)\\), of the ${N} m³ violation$`), (m) => `已拆除 ${m[1]} m³（${ofRunZh(m[2])}），原违建 ${m[3]} m³`],
  [new RegExp(`^grew further by ${N} m³ \\((.*)\\)$`), (m) => `继续加建 ${m[1]} m³（${ofRunZh(m[2])}）`],
  [/^the later epoch did not see this footprint well enough to tell$/, () => '后期测量对该图斑观测不足，无法判断'],
  [new RegExp(`^${N} % of the footprint keeps its height \\(${TOP}\\)$`), (m) => `图斑 ${m[1]}% 范围高度未变（顶面高程 ${m[2]} m）`],
  [
    new RegExp(`^${N} % of the footprint stands ${N} m or more above its top when confirmed \\(${TOP}\\)$`),
    (m) => `图斑 ${m[1]}% 范围比立案时顶面高出 ${m[2]} m 以上（顶面高程 ${m[3]} m）`,
  ],
  [
    new RegExp(`^only ${N} % of the footprint keeps its height: removed below the detection threshold$`),
    (m) => `仅 ${m[1]}% 范围高度未变：已拆除至检测阈值以下`,
  ],
  [new RegExp(`^${N} m³ built over its footprint again \\((.*)\\)$`), (m) => `原址重新建起 ${m[1]} m³（${ofRunZh(m[2])}）`],
  [new RegExp(`^${N} % of the footprint back at its height \\(${TOP}\\)$`), (m) => `图斑 ${m[1]}% 范围恢复原高度（顶面高程 ${m[2]} m）`],
  [new RegExp(`^still removed: ${N} % of the footprint at its former height$`), (m) => `仍处于拆除状态（原高度范围占图斑 ${m[1]}%）`],
  // lead answers
  [/^outside the area both epochs cover$/, () => '位于两期共同覆盖范围之外'],
  [/^the spot itself was not seen by both epochs$/, () => '该位置未被两期同时观测到'],
  [
    new RegExp(`^seen by both epochs: surface (?:at )?${N} m(?: elevation)? before, ${N} m after$`),
    (m) => `两期均有观测：地表高程前期 ${m[1]} m，后期 ${m[2]} m`,
  ],
  [new RegExp(`^no building change within ${N} m$`), (m) => `${m[1]} 米范围内无建筑变化`],
  [
    new RegExp(`^a change at the spot was judged not a building: (\\w+) \\((.*)\\)$`),
    (m) => `该位置的变化判定为非建筑：${SUPPRESSION_ZH[m[1]] ?? m[1]}（${suppressionZh(m[2])}）`,
  ],
  [
    new RegExp(`^a change ${N} m away was judged not a building: (\\w+) \\((.*)\\)$`),
    (m) => `${m[1] === '0' ? '该位置' : `${m[1]} 米外`}的变化判定为非建筑：${SUPPRESSION_ZH[m[2]] ?? m[2]}（${suppressionZh(m[3])}）`,
  ],
  [
    new RegExp(`^inside a ${N} m² patch the (before|after|both) epoch could not see$`),
    (m) => `位于${{ before: '前期', after: '后期', both: '两期均' }[m[2]]}未观测到的 ${m[1]} m² 区域内`,
  ],
  [new RegExp(`^inside a ${N} m² patch neither epoch could see$`), (m) => `位于两期均未观测到的 ${m[1]} m² 区域内`],
];

export function ledgerZh(sentence: string): string {
  // What an older survey than the case's latest found is kept as evidence only (cases-repo.ts).
  const evidence = /^(.*) \(evidence only: (.+) was surveyed before (.+), which the case rests on\)$/s.exec(sentence);
  if (evidence) return `${ledgerZh(evidence[1])}（仅作佐证：${evidence[2]} 的测量早于案件所依据的 ${evidence[3]}）`;
  return applyRules(RULES, sentence) ?? sentence;
}
