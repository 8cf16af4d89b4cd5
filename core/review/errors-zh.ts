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
  // The server's answer when the project file refused a write (cli/serve/server.ts).
  [
    /^nothing was saved: another VoxWatch \(a server or the CLI\) is writing the project; try again$/,
    () => '未保存：另一个 VoxWatch（服务或命令行）正在写入项目，请重试',
  ],
  [/^nothing was saved: the project file cannot be written here/, () => '未保存：此处无法写入项目文件（文件、文件夹或磁盘为只读）'],
  [/^nothing was saved: the disk holding the project is full$/, () => '未保存：项目所在磁盘已满'],
  [/^nothing was saved: the disk holding the project failed to write it/, () => '未保存：项目所在磁盘写入失败（磁盘 I/O 错误）'],
];

export function errorZh(message: string): string {
  return applyRules(RULES, message) ?? message;
}
