/**
 * Why a run could not start, as the zh-CN review UI shows it under Run: each refusal is produced by the real code on
 * real bad input (missing, empty, truncated, foreign and broken files; epochs that do not meet), then translated.
 * What may stay in Latin letters: the file's own path, the format's name and a quoted signature, a CRS's name, a unit and a CLI option.
 */
import { copyFileSync, mkdtempSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectChanges, type EpochInput } from '../../core/detect';
import { errorZh } from '../../core/review/errors-zh';
import { SHARED_DATA } from '../helpers/data';
import { writeDistrict } from '../helpers/district';

const TTP = join(SHARED_DATA, 'toronto-ttp-2015-2023/ttp-2015.las');
const KEPT = /LASF|LAS\/LAZ|"[^"]*"|VoxWatch|GiB|EPSG:\d+ [^，）；]+|--reproject/g;

async function refusal(before: EpochInput, after: EpochInput): Promise<string> {
  try {
    await detectChanges(before, after);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the run was not refused');
}

/** The translation, with the words it may keep removed: what is left must be Chinese, numbers and punctuation. */
function foreignWordsIn(zh: string, ...kept: string[]): string[] {
  let left = zh.replace(KEPT, '');
  for (const k of kept) left = left.replaceAll(k, '');
  return left.match(/[A-Za-z]{3,}/g) ?? [];
}

describe('a refused run reads in Chinese', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voxwatch-zh-refusals-'));
  });

  it('names the file and says what is wrong with it', async () => {
    const empty = join(dir, '一期 空.las');
    writeFileSync(empty, '');
    const text = join(dir, 'notes.las');
    writeFileSync(text, 'minutes of the meeting, saved with the wrong name');
    const cut = join(dir, 'cut.las');
    copyFileSync(TTP, cut);
    truncateSync(cut, Math.floor(statSync(cut).size / 2));
    const cases: [string, RegExp][] = [
      [empty, /：空文件（0 字节）$/],
      [text, /：不是 LAS\/LAZ 文件（文件头标识为 "minu"，应为 "LASF"）$/],
      [cut, /：文件不完整：文件头声明 89815 个点，文件中仅有 \d+ 个/],
      [join(dir, 'moved away.las'), /：找不到文件/],
      [join(SHARED_DATA, 'las-conformance/pdal/las/garbage_nVariableLength.las'), /：文件不完整：文件头声明 719 个点，文件中仅有 718 个/],
    ];
    for (const [file, expected] of cases) {
      const message = await refusal({ files: [file] }, { files: [TTP] });
      const zh = errorZh(message);
      expect(zh, message).toMatch(expected);
      expect(zh.startsWith(`${file}：`), zh).toBe(true);
      expect(foreignWordsIn(zh, file), zh).toEqual([]);
    }
  });

  it('keeps a problem it has no words for under a Chinese frame, the file named', async () => {
    const broken = join(SHARED_DATA, 'las-conformance/laszip/broken_coder.laz');
    const message = await refusal({ files: [broken] }, { files: [TTP] });
    expect(errorZh(message)).toBe(`${broken}：无法读取（${message.slice(broken.length + 2)}）`);
  });

  it('says why two epochs cannot be compared', async () => {
    const here = await writeDistrict({ seed: 21, size: 80 });
    const there = await writeDistrict({ seed: 21, size: 80, origin: [514200, 2494300] });
    const five = join(SHARED_DATA, 'las-conformance/laszip/5points_14.las');
    const cases: [EpochInput, EpochInput, RegExp][] = [
      [
        { files: [here.epoch(1)] },
        { files: [there.epoch(2)] },
        /^两期范围不重叠：前期（epoch-1\.las）覆盖 x 5132\d\d.*后期（epoch-2\.las）覆盖 x 5142\d\d/,
      ],
      [{ files: [five] }, { files: [five] }, /^两期共同范围不足 1 米，无可比对之处：前期（5points_14\.las）覆盖 x 630498\.6/],
      [
        { files: [TTP] },
        { files: [join(SHARED_DATA, 'ign-lidarhd-2021-vs-2022-patch/donor_test.las')] },
        /^两期坐标系不同：前期（ttp-2015\.las）为 EPSG:26917 NAD83 \/ UTM zone 17N，后期（donor_test\.las）为 EPSG:2154 /,
      ],
      [
        { files: [join(SHARED_DATA, 'las-conformance/loadersgl/pdrf6-1.4.las')] },
        { files: [join(SHARED_DATA, 'las-conformance/loadersgl/pdrf6-1.4.las')] },
        /^比对范围（x -2141972467\.0.*km²）在 0\.5 m 体素下约需 \d+\.\d GiB 内存，超出本机可用；是否有远离其余点的离群点？/,
      ],
      [{ files: [], label: '2024 春季' }, { files: [TTP] }, /^“2024 春季”期没有文件$/],
    ];
    for (const [before, after, expected] of cases) {
      const message = await refusal(before, after);
      const zh = errorZh(message);
      expect(zh, message).toMatch(expected);
      expect(foreignWordsIn(zh, 'epoch-1.las', 'epoch-2.las', '5points_14.las', 'ttp-2015.las', 'donor_test.las'), zh).toEqual([]);
    }
  });
});
