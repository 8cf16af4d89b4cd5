/**
 * A detection's warnings (core/detect.ts) in Chinese, for the zh-CN report and UI: each known
 * sentence shape maps to a template, as the flags' reasons do (reasons-zh.ts). A warning of an
 * unknown shape is kept as written rather than dropped.
 */
import { applyRules } from './reasons-zh';

const N = String.raw`(-?[\d.,]+)`;
const EPOCH: Record<string, string> = { before: '前期', after: '后期' };
const epoch = (label: string) => EPOCH[label] ?? label;

const RULES: [RegExp, (m: string[]) => string][] = [
  [
    new RegExp(`^both epochs saw only ${N} % of the compared area at ${N} m voxels`),
    (m) => `两期仅共同观测到比对范围的 ${m[1]}%（体素 ${m[2]} m）：其余范围无法发现变化（水面无回波；点云稀疏时需加大体素）`,
  ],
  [
    /^the (before|after) epoch is a DSM without colour/,
    (m) => `${epoch(m[1])}为无颜色的 DSM：仅凭形状区分树木与建筑，请同时提供其正射影像`,
  ],
  [
    /^the before epoch was surveyed on ([\d-]+), after the after epoch \(([\d-]+)\)/,
    (m) => `前期测于 ${m[1]}，晚于后期（${m[2]}）：所有变化方向颠倒（新建读作拆除），请将较早的一期作为前期`,
  ],
  [/^too few stable surfaces to check the alignment/, () => '稳定地物过少，无法校验两期的配准：未做高程平移'],
  [
    new RegExp(`^the epochs still differ by ${N} m \\(median\\) on stable surfaces after alignment`),
    (m) => `配准后两期在稳定地物上仍相差 ${m[1]} m（中位数）：请检查配准`,
  ],
  [
    new RegExp(`^the later epoch lay ${N} m (above|below) the earlier one on its stable surfaces`),
    (m) => `后期在稳定地物上比前期${m[2] === 'above' ? '高' : '低'} ${m[1]} m：两期高程基准是否不同（椭球高与正常高）？已消除该平移`,
  ],
  [
    new RegExp(
      `^the (before|after) epoch has about ${N} points/m², only ${N} per ${N} m cell: too sparse for this voxel size; use --voxel ${N} or more$`,
    ),
    (m) => `${epoch(m[1])}点密度约 ${m[2]} 点/m²，每 ${m[4]} m 体素仅 ${m[3]} 点：对该体素过稀，请用 --voxel ${m[5]} 或更大`,
  ],
  [
    new RegExp(`^voxel ${N} m chosen for about ${N} points/m² \\(no --voxel given; ${N} m needs ${N} points/m²\\)$`),
    (m) => `未指定 --voxel：按约 ${m[2]} 点/m² 的点密度选用 ${m[1]} m 体素（${m[3]} m 体素需 ${m[4]} 点/m²）`,
  ],
  [
    new RegExp(
      `^where there are points they lie at about ${N} points/m²: the files' extents hold stretches without any \\(water, or a stray point widening them\\); --voxel ${N} would see finer detail$`,
    ),
    (m) => `有点处点密度约 ${m[1]} 点/m²：文件范围内有大片无点区域（水面，或远处离群点撑大了范围）；用 --voxel ${m[2]} 可看到更多细节`,
  ],
  [new RegExp(`^voxel ${N} m chosen for the DSM pixels \\(no --voxel given`), (m) => `未指定 --voxel：按 DSM 像元选用 ${m[1]} m 体素`],
  [
    new RegExp(`^the (before|after) epoch is a DSM of ${N} m pixels, coarser than the ${N} m voxel`),
    (m) => `${epoch(m[1])} DSM 像元 ${m[2]} m，粗于 ${m[3]} m 体素：多数体素无像元`,
  ],
  [
    new RegExp(`^(more than 99|${N}) % of the (before|after) epoch lies outside the area both epochs cover$`),
    (m) => `${epoch(m[3])}有${m[1] === 'more than 99' ? '超过 99' : ` ${m[1]} `}% 位于两期共同覆盖范围之外`,
  ],
  [
    /^the before and after epochs are the same file\(s\) \((.+)\): nothing can have changed$/,
    (m) => `前后两期为同一文件（${m[1]}）：不可能有变化`,
  ],
  [
    /^(\d+) files \((.+)\) are in both epochs: no change can be found where/,
    (m) => `${m[1]} 个文件（${m[2]}）同时出现在两期中：其覆盖范围内无法发现变化`,
  ],
  [/^(.+) is in both epochs: no change can be found where/, (m) => `${m[1]} 同时出现在两期中：其覆盖范围内无法发现变化`],
  [
    /^(.+) \(in the (before|after) epoch\) lies wholly outside the (before|after) epoch/,
    (m) => `${m[1]}（${epoch(m[2])}）完全位于${epoch(m[3])}范围之外`,
  ],
  [
    /^the (before|after) epoch \((.+)\) declares no CRS/,
    (m) => `${epoch(m[1])}（${m[2]}）未声明坐标系：假定与另一期相同（可用 --crs EPSG:xxxx 指定）`,
  ],
  [/^heights are in (.+); converted to metres/, (m) => `高程单位为 ${m[1]}，已换算为米（高度与体积均以米计）`],
  [
    new RegExp(`^${N} objects? reach(?:es)? beyond a tile's ${N} m halo`),
    (m) => `${m[1]} 个对象超出分块 ${m[2]} m 的缓冲区，可能在分块接缝处被截断：请加大 halo 重新运行`,
  ],
  [/^the (before|after) epoch names a file more than once/, (m) => `${epoch(m[1])}重复列出了同一文件：每个文件只读取一次`],
  [
    /^the (before|after) epoch was reprojected from (.+) to (.+) \(horizontal only/,
    (m) => `${epoch(m[1])}已由 ${m[2]} 投影转换到 ${m[3]}（仅平面坐标，高程保持不变）`,
  ],
];

export function warningZh(warning: string): string {
  return applyRules(RULES, warning) ?? warning;
}
