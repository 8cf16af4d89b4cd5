/**
 * The detector explains each flag in English sentences (core/changes/classify.ts); the Chinese
 * report shows them in Chinese. Each known sentence shape maps to a Chinese template; a sentence
 * of an unknown shape is kept as written rather than dropped, so no explanation is ever lost.
 */
import { ofRunZh } from './run-ref';

/** A number, grouped in thousands or not (format.ts). */
const N = String.raw`(-?[\d,.]+)`;

const RULES: [RegExp, (m: string[]) => string][] = [
  [
    new RegExp(`^surface rose ${N} m on average \\(up to ${N} m\\) over ${N} m²$`),
    (m) => `地表平均抬升 ${m[1]} m（最大 ${m[2]} m），面积 ${m[3]} m²`,
  ],
  [
    new RegExp(`^surface fell ${N} m on average \\(up to ${N} m\\) over ${N} m²$`),
    (m) => `地表平均下降 ${m[1]} m（最大 ${m[2]} m），面积 ${m[3]} m²`,
  ],
  [
    new RegExp(`^on former ground, against a building standing in both epochs \\(${N} % of its outline\\)$`),
    (m) => `原为空地，紧贴两期均存在的建筑（占其轮廓 ${m[1]}%）`,
  ],
  [new RegExp(`^on former ground \\(${N} m above terrain\\), free-standing$`), (m) => `原为空地（离地 ${m[1]} m），独立新建`],
  [new RegExp(`^raises ${N} % of a roof that stood ${N} m high$`), (m) => `抬高了原高 ${m[2]} m 屋顶的 ${m[1]}%`],
  [new RegExp(`^covers ${N} % of a roof that stood ${N} m high$`), (m) => `占原高 ${m[2]} m 屋顶的 ${m[1]}%`],
  [new RegExp(`^bare ground now where a ${N} m structure stood$`), (m) => `原 ${m[1]} m 高的建筑处现为空地`],
  [
    new RegExp(`^still ${N} m high after losing ${N} m over ${N} % of its roof$`),
    (m) => `屋顶 ${m[3]}% 范围降低 ${m[2]} m 后仍高 ${m[1]} m`,
  ],
  [
    new RegExp(`^a structure removed from ${N} % of a roof that stands ${N} m high$`),
    (m) => `从仍高 ${m[2]} m 的屋顶上拆除了占其 ${m[1]}% 的构筑物`,
  ],
  [new RegExp(`^low for a building \\(${N} m\\): check on site$`), (m) => `作为建筑偏低（${m[1]} m），建议现场核查`],
  [new RegExp(`^${N} % of the footprint seen in both epochs$`), (m) => `两期共同观测到图斑的 ${m[1]}%`],
  [
    new RegExp(`^runs on into ${N} m² the (before|after) epoch did not see: it may be larger than measured$`),
    (m) => `延伸入${m[2] === 'before' ? '前期' : '后期'}未观测到的 ${m[1]} m² 范围：实际规模可能大于量测值`,
  ],
  [
    new RegExp(`^borders ${N} m² the (before|after) epoch did not see, more than its shadow: it may extend there$`),
    (m) => `紧邻${m[2] === 'before' ? '前期' : '后期'}未观测到的 ${m[1]} m² 范围（超出其自身遮挡阴影）：可能延伸至该处`,
  ],
  [/^too small to judge its top surface$/, () => '面积过小，无法判断顶面'],
  [
    new RegExp(`^(planar|uneven) top \\(${N} % planar cells, roughness ${N} m\\)$`),
    (m) => `顶面${m[1] === 'planar' ? '平整' : '不平整'}（平面单元 ${m[2]}%，粗糙度 ${m[3]} m）`,
  ],
  [/^no colour to judge vegetation$/, () => '无颜色信息，无法据色彩判断植被'],
  [
    new RegExp(`^green \\(ExG ${N}\\) but built-like \\(vegetation score ${N} of ${N} needed\\)$`),
    (m) => `偏绿（ExG ${m[1]}）但形态似建筑（植被得分 ${m[2]}，需 ${m[3]}）`,
  ],
  [new RegExp(`^not vegetation-green \\(ExG ${N}\\)$`), (m) => `非植被绿色（ExG ${m[1]}）`],
  [
    /^judged (.+) as (run \d+ C\d+), which shares (\d+) % of its footprint: too little to carry the verdict; review again$/,
    (m) => `${ofRunZh(m[2])} 曾判为“${VERDICT_ZH[m[1]] ?? m[1]}”，与本图斑占地仅重叠 ${m[3]}%，不足以沿用其结论，需重新核查`,
  ],
  [
    /^judged (.+) as (run \d+ C\d+), but (.+): review again$/,
    (m) => `${ofRunZh(m[2])} 曾判为“${VERDICT_ZH[m[1]] ?? m[1]}”，但${growthZh(m[3])}，需重新核查`,
  ],
  // As projects carried before the run was named with the change.
  [
    /^judged (.+) in run (\d+) \((C\d+)\), but (.+): review again$/,
    (m) => `批次 ${m[2]} ${m[3]} 曾判为“${VERDICT_ZH[m[1]] ?? m[1]}”，但${growthZh(m[4])}，需重新核查`,
  ],
];

const VERDICT_ZH: Record<string, string> = { 'false positive': '误报', permitted: '已许可', confirmed: '已确认' };

function growthZh(detail: string): string {
  const taller = new RegExp(`^${N} m taller than when it was judged$`).exec(detail);
  if (taller) return `比当时高出 ${taller[1]} m`;
  const larger = new RegExp(`^${N} m² larger than when it was judged$`).exec(detail);
  if (larger) return `面积比当时增加 ${larger[1]} m²`;
  // Two judged structures now seen as one, judged two ways.
  const other = /^(false positive|permitted|confirmed) as (run \d+ C\d+)$/.exec(detail);
  if (other) return `${ofRunZh(other[2])} 曾判为“${VERDICT_ZH[other[1]]}”`;
  return detail;
}

/** A sentence through the first rule whose pattern it matches; null when none does. */
export function applyRules(rules: [RegExp, (m: string[]) => string][], sentence: string): string | null {
  for (const [re, zh] of rules) {
    const m = re.exec(sentence);
    if (m) return zh(m);
  }
  return null;
}

export function reasonZh(reason: string): string {
  return applyRules(RULES, reason) ?? reason;
}
