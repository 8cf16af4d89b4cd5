/**
 * The store's refusals an analyst meets in the review UI, in Chinese: each known sentence shape maps to a template,
 * as the warnings and reasons do (warnings-zh.ts, reasons-zh.ts). The file or object the message names first
 * ("verdict: …", "/path/p.voxwatch: …") is dropped: the page says what it is about. Unknown messages stay as written.
 */
import { applyRules } from './reasons-zh';
import { ofRunZh } from './run-ref';
import { TERMS } from './terms';
import { VERDICTS, type Verdict } from './types';

const verdictZh = (spoken: string) => {
  const v = spoken.replaceAll(' ', '_') as Verdict;
  return VERDICTS.includes(v) ? TERMS['zh-CN'].verdicts[v] : spoken;
};

const N = String.raw`(-?[\d.,]+)`;

const RULES: [RegExp, (m: string[]) => string][] = [
  [
    /(run \d+ C\d+) was set to (.+?) by (.+) at (.+) since it was shown to you; nothing was changed: look at it again$/,
    (m) => `${ofRunZh(m[1])} 在您打开后已由 ${m[3]} 于 ${m[4]} 改为“${verdictZh(m[2])}”：本次未作更改，请查看后再定`,
  ],
  [
    /^(?:.*?: )?(.+?) was surveyed on ([\d-]+), after (.+?) \(([\d-]+)\): a run compares an earlier survey \(before\) with a later one \(after\); give .+ first, or correct a wrong date \(voxwatch project set-date\)$/,
    (m) =>
      `${m[1]} 测于 ${m[2]}，晚于 ${m[3]}（${m[4]}）：检测须以较早的一期为前期，请先选 ${m[3]}；日期有误时用 voxwatch project set-date 更正`,
  ],
  // The answer when the project file refused a write (core/api-failure.ts), from the server or the desktop app.
  [
    /^nothing was saved: another VoxWatch \(a server or the CLI\) is writing the project; try again$/,
    () => '未保存：另一个 VoxWatch（服务或命令行）正在写入项目，请重试',
  ],
  [/^nothing was saved: the project file cannot be written here/, () => '未保存：此处无法写入项目文件（文件、文件夹或磁盘为只读）'],
  [/^nothing was saved: the disk holding the project is full$/, () => '未保存：项目所在磁盘已满'],
  [/^nothing was saved: the disk holding the project failed to write it/, () => '未保存：项目所在磁盘写入失败（磁盘 I/O 错误）'],
  // A failure that is ours (core/api-failure.ts): the desktop app names the call and what went wrong, for the report to us.
  [/^internal error in (\w+): ([\s\S]+)$/, (m) => `内部错误（${m[1]}）：${m[2]}。请将此信息告知开发者`],
  [/^internal error \(see the (server )?log\)$/, (m) => `内部错误（详见${m[1] ? '服务' : ''}日志）`],
  [/^no project is open: (.+)$/, (m) => `尚未打开项目：请用 ${m[1]} 打开`],
  [/^this project has no octrees$/, () => '此项目尚无八叉树（点云细节层级）'],
  [/^cancelled$/, () => '已取消'],
];

/** Which epoch a refusal names: the CLI's "before"/"after", or the project's own label, kept as written. */
const EPOCH: Record<string, string> = { before: '前期', after: '后期' };
const epochZh = (label: string) => EPOCH[label] ?? `“${label}”期`;
const filesZh = (files: string) => files.replace(/ and (\d+) more$/, ' 等（另有 $1 个）');

// Why a run could not start (core/detect.ts, core/store/project.ts, cli/serve): the analyst meets them under Run.
const RUN_RULES: [RegExp, (m: string[]) => string][] = [
  [
    /^the epochs do not overlap: before \((.+?)\) covers (.+), after \((.+?)\) covers (.+)$/,
    (m) => `两期范围不重叠：前期（${filesZh(m[1])}）覆盖 ${m[2]}，后期（${filesZh(m[3])}）覆盖 ${m[4]}；请确认两期是同一片区域`,
  ],
  [
    /^the epochs' common area is less than a metre across: before \((.+?)\) covers (.+), after \((.+?)\) covers (.+)$/,
    (m) => `两期共同范围不足 1 米，无可比对之处：前期（${filesZh(m[1])}）覆盖 ${m[2]}，后期（${filesZh(m[3])}）覆盖 ${m[4]}`,
  ],
  [
    /^the epochs are in different coordinate systems: before \((.+?)\) is (.+), after \((.+?)\) is (.+?); reproject/,
    (m) =>
      `两期坐标系不同：前期（${filesZh(m[1])}）为 ${m[2]}，后期（${filesZh(m[3])}）为 ${m[4]}；请先将其中一期转换到同一坐标系，或以 --reproject 添加`,
  ],
  [
    /^the epochs give heights in different units: before \((.+?)\) in (.+), after \((.+?)\) in (.+?); convert/,
    (m) =>
      `两期高程单位不同：前期（${filesZh(m[1])}）为 ${m[2]}，后期（${filesZh(m[3])}）为 ${m[4]}；请先换算其中一期的高程（如 pdal translate 加 filters.assign 缩放 Z）`,
  ],
  [
    /^the epochs use (.+?) \((.+)\); VoxWatch measures in metres/,
    (m) => `两期坐标单位为 ${m[1]}（${m[2]}）；VoxWatch 以米计量：请先转换到米制投影坐标系（另一期为米制时可用 --reproject）`,
  ],
  [
    /^the epochs are in geographic coordinates \((.+)\); reproject/,
    (m) => `两期为地理坐标（${m[1]}）：请先转换到米制投影坐标系（另一期为投影坐标时可用 --reproject）`,
  ],
  [/^the (.+?) epoch has no files$/, (m) => `${epochZh(m[1])}没有文件`],
  [/^the (.+?) epoch \((.+)\) holds no points$/, (m) => `${epochZh(m[1])}（${filesZh(m[2])}）没有点`],
  [/^the (.+?) epoch mixes CRSs: (.+) and (.+) \((.+)\)$/, (m) => `${epochZh(m[1])}混用了不同坐标系：${m[2]} 与 ${m[3]}（${m[4]}）`],
  [
    /^the (.+?) epoch declares no CRS, so it cannot be reprojected/,
    (m) => `${epochZh(m[1])}未声明坐标系，无法投影转换：请为其指定坐标系（如 --crs EPSG:4547）`,
  ],
  [
    new RegExp(
      `^the compared area \\((.+?), ${N} km²\\) needs about ${N} GiB at ${N} m voxels(?: with (\\d+)-cell tiles)?, more than this machine can give; (.+)$`,
    ),
    (m) =>
      `比对范围（${m[1]}，${m[2]} km²）在 ${m[4]} m 体素${m[5] ? `、${m[5]} 格分块` : ''}下约需 ${m[3]} GiB 内存，超出本机可用；${
        m[6].startsWith('is there') ? '是否有远离其余点的离群点？否则请加大体素或分区运行' : '请加大体素、减小分块或分区运行'
      }`,
  ],
  [
    new RegExp(`^the run needs about ${N} GiB of temporary space in (.+) but only ${N} GiB are free$`),
    (m) => `检测约需 ${m[1]} GiB 临时空间（${m[2]}），但仅剩 ${m[3]} GiB：请清理磁盘或换一个临时文件夹`,
  ],
  [/^(?:.*?: )?a run compares two different epochs$/, () => '检测须比对两个不同的期次'],
  [
    /^(?:.*?: )?no epoch "(.+)" in this project \(it has (.+)\)$/,
    (m) => `项目中没有“${m[1]}”期（现有：${m[2] === 'no epochs yet' ? '尚无期次' : m[2]}）`,
  ],
  [/^a detection is already running; cancel it or wait$/, () => '已有检测在运行：请取消或等待其完成'],
  [/^a report is already being written; cancel it or wait$/, () => '已有报告正在生成：请取消或等待其完成'],
];

// What is wrong with one input file (core/io): "<path>: <problem>". The path stays as written, the problem is said in
// Chinese where its shape is known, else kept, under a Chinese frame.
const FILE_PROBLEMS: [RegExp, (m: string[]) => string][] = [
  [/^file not found$/, () => '找不到文件（已移动或删除？）'],
  [/^file not found \(a parent is not a directory\)$/, () => '找不到文件（上级路径不是文件夹）'],
  [/^is a directory, not a file$/, () => '是文件夹，不是文件'],
  [/^permission denied$/, () => '无权读取'],
  [/^empty file \(0 bytes\)$/, () => '空文件（0 字节）'],
  [/^not a LAS\/LAZ file \(signature (.+), expected "LASF"\)$/, (m) => `不是 LAS/LAZ 文件（文件头标识为 ${m[1]}，应为 "LASF"）`],
  [
    new RegExp(`^truncated: the header declares ${N} points but the file holds only ${N}$`),
    (m) => `文件不完整：文件头声明 ${m[1]} 个点，文件中仅有 ${m[2]} 个（未复制完整？）`,
  ],
  [new RegExp(`^truncated: the file ends at point ${N} of ${N}$`), (m) => `文件不完整：在第 ${m[1]} 个点处中断（共 ${m[2]} 个）`],
  [/^truncated/, () => '文件不完整（未复制完整？）'],
  [/^unsupported LAS version (.+)$/, (m) => `不支持的 LAS 版本 ${m[1]}`],
  [/^its header bounds are not plausible/, () => '文件头中的范围不合理：请重写该文件（如用 PDAL）使文件头正确'],
];

const FILE_PATH = /^(.+?\.(?:las|laz|copc\.laz|tif|tiff|obj|ply|gltf|glb|json|geojson|gpkg|csv|b3dm|prj)): (.+)$/i;

function fileProblemZh(message: string): string | null {
  const m = FILE_PATH.exec(message);
  if (!m) return null;
  return `${m[1]}：${applyRules(FILE_PROBLEMS, m[2]) ?? `无法读取（${m[2]}）`}`;
}

export function errorZh(message: string): string {
  return applyRules(RULES, message) ?? applyRules(RUN_RULES, message) ?? fileProblemZh(message) ?? message;
}
