/**
 * The case ledger's proposals (core/review/case-check.ts) and the complaint leads' answers (core/review/leads.ts)
 * are explained in English sentences; the zh-CN review UI shows them in Chinese. As in reasons-zh.ts, each known
 * sentence shape has a Chinese template and a sentence of an unknown shape is shown as written.
 */
import { reasonZh } from './reasons-zh';

const N = String.raw`(-?[\d.]+)`;

const SUPPRESSION_ZH: Record<string, string> = {
  vegetation: '植被',
  vehicle: '车辆',
  too_small: '过小',
  not_building: '非建筑',
  sliver: '细长碎片',
  low_coverage: '观测覆盖不足',
};

const RULES: [RegExp, (m: string[]) => string][] = [
  // case proposals
  [new RegExp(`^${N} m³ removed \\((.*)\\), of the ${N} m³ violation$`), (m) => `已拆除 ${m[1]} m³（${m[2]}），原违建 ${m[3]} m³`],
  [new RegExp(`^grew further by ${N} m³ \\((.*)\\)$`), (m) => `继续加建 ${m[1]} m³（${m[2]}）`],
  [/^the later epoch did not see this footprint well enough to tell$/, () => '后期测量对该图斑观测不足，无法判断'],
  [new RegExp(`^${N} % of the footprint keeps its height \\(top ${N} m\\)$`), (m) => `图斑 ${m[1]}% 范围高度未变（顶高 ${m[2]} m）`],
  [
    new RegExp(`^only ${N} % of the footprint keeps its height: removed below the detection threshold$`),
    (m) => `仅 ${m[1]}% 范围高度未变：已拆除至检测阈值以下`,
  ],
  // lead answers
  [/^outside the area both epochs cover$/, () => '位于两期共同覆盖范围之外'],
  [/^the spot itself was not seen by both epochs$/, () => '该位置未被两期同时观测到'],
  [new RegExp(`^seen by both epochs: surface ${N} m before, ${N} m after$`), (m) => `两期均有观测：地表高程前期 ${m[1]} m，后期 ${m[2]} m`],
  [new RegExp(`^no building change within ${N} m$`), (m) => `${m[1]} 米范围内无建筑变化`],
  [
    new RegExp(`^a change ${N} m away was judged not a building: (\\w+) \\((.*)\\)$`),
    (m) => `${m[1]} 米外的变化判定为非建筑：${SUPPRESSION_ZH[m[2]] ?? m[2]}（${reasonZh(m[3])}）`,
  ],
  [
    new RegExp(`^inside a ${N} m² patch the (before|after|both) epoch could not see$`),
    (m) => `位于${{ before: '前期', after: '后期', both: '两期均' }[m[2]]}未观测到的 ${m[1]} m² 区域内`,
  ],
];

export function ledgerZh(sentence: string): string {
  for (const [re, zh] of RULES) {
    const m = re.exec(sentence);
    if (m) return zh(m);
  }
  return sentence;
}
