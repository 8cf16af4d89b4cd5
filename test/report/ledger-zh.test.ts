// The case proposals' and lead answers' English sentences in Chinese (core/review/ledger-zh.ts).
import { describe, expect, it } from 'vitest';
import { ledgerZh, suppressionZh } from '../../core/review/ledger-zh';
import { SYSTEM_ACTOR } from '../../core/review/terms';

describe('ledgerZh', () => {
  it('translates the case proposals', () => {
    expect(ledgerZh('294 m³ removed (C001, C003), of the 300 m³ violation')).toBe('已拆除 294 m³（C001, C003），原违建 300 m³');
    expect(ledgerZh('grew further by 42 m³ (C007)')).toBe('继续加建 42 m³（C007）');
    // The top is an elevation, and says so; projects checked before wrote "top 55.1 m" for the same.
    expect(ledgerZh('96 % of the footprint keeps its height (top at 55.1 m elevation)')).toBe('图斑 96% 范围高度未变（顶面高程 55.1 m）');
    expect(ledgerZh('96 % of the footprint keeps its height (top 55.1 m)')).toBe('图斑 96% 范围高度未变（顶面高程 55.1 m）');
    expect(ledgerZh('1,647 m³ removed (run 2 C007), of the 1,647 m³ violation')).toBe('已拆除 1,647 m³（批次 2 C007），原违建 1,647 m³');
    // A finding kept as evidence only (a survey older than the one the case rests on).
    expect(
      ledgerZh(
        '80 % of the footprint keeps its height (top at 1,212.3 m elevation) (evidence only: 2024-03 was surveyed before 2024-09, which the case rests on)',
      ),
    ).toBe('图斑 80% 范围高度未变（顶面高程 1,212.3 m）（仅作佐证：2024-03 的测量早于案件所依据的 2024-09）');
    expect(ledgerZh('the later epoch did not see this footprint well enough to tell')).toBe('后期测量对该图斑观测不足，无法判断');
  });

  it('names the later run’s changes with their run, as the report names a run', () => {
    // Every run numbers its changes from C001: run 2's C003 is not the case's own run's C003.
    expect(ledgerZh('30 m³ removed (run 2 C003), of the 30 m³ violation')).toBe('已拆除 30 m³（批次 2 C003），原违建 30 m³');
    expect(ledgerZh('294 m³ removed (run 2 C001, C003), of the 300 m³ violation')).toBe(
      '已拆除 294 m³（批次 2 C001、C003），原违建 300 m³',
    );
    expect(ledgerZh('grew further by 42 m³ (run 3 C007)')).toBe('继续加建 42 m³（批次 3 C007）');
    expect(ledgerZh('290 m³ built over its footprint again (run 4 C006)')).toBe('原址重新建起 290 m³（批次 4 C006）');
  });

  it('translates the lead answers, a suppressed candidate’s clues one by one', () => {
    expect(ledgerZh('seen by both epochs: surface at 23.4 m elevation before, 23.4 m after')).toBe(
      '两期均有观测：地表高程前期 23.4 m，后期 23.4 m',
    );
    expect(ledgerZh('seen by both epochs: surface 23.4 m before, 23.4 m after')).toBe('两期均有观测：地表高程前期 23.4 m，后期 23.4 m');
    expect(ledgerZh('inside a 1,035 m² patch the both epoch could not see')).toBe('位于两期均未观测到的 1,035 m² 区域内');
    expect(ledgerZh('no building change within 30 m')).toBe('30 米范围内无建筑变化');
    expect(
      ledgerZh('a change 12 m away was judged not a building: vegetation (strongly green (ExG 0.44), points scattered in depth (0.51 m))'),
    ).toBe('12 米外的变化判定为非建筑：植被（明显偏绿（ExG 0.44），点云纵深分散（0.51 m））');
    // A candidate at the spot itself (under half a metre, rounded to 0): not "0 米外".
    expect(ledgerZh('a change 0 m away was judged not a building: vegetation (strongly green (ExG 0.53))')).toBe(
      '该位置的变化判定为非建筑：植被（明显偏绿（ExG 0.53））',
    );
    expect(ledgerZh('inside a 35 m² patch the after epoch could not see')).toBe('位于后期未观测到的 35 m² 区域内');
    expect(ledgerZh('a change at the spot was judged not a building: vegetation (strongly green (ExG 0.44))')).toBe(
      '该位置的变化判定为非建筑：植被（明显偏绿（ExG 0.44））',
    );
    expect(suppressionZh('vehicle-sized object (9.5 m², 1.6 m high) on the ground')).toBe('地面上车辆大小的物体（9.5 m²，高 1.6 m）');
    expect(
      suppressionZh(
        "nothing to tell a building from vegetation: no colour, and too small (17.9 m²) to judge its top at this voxel size; give the epoch's orthophoto",
      ),
    ).toBe('无法区分建筑与植被：无颜色信息，且面积过小（17.9 m²），在此体素尺寸下无法判断顶面；请提供该期正射影像');
  });

  it('translates clues that hold a comma themselves, among others', () => {
    // The vegetation clues of a grown tree, as classify.ts joins them (found untranslated in the leads tab).
    const detail =
      'strongly green (ExG 0.53), rough top (0.41 m), few planar cells (0 %), points scattered 1.1 m deep, as through a canopy, dome-shaped top, like a crown (81 % curved both ways)';
    expect(suppressionZh(detail)).toBe(
      '明显偏绿（ExG 0.53），顶面粗糙（0.41 m），平面单元少（0%），点云纵深分散 1.1 m，似透过树冠，顶面呈穹顶状，似树冠（81% 双向弯曲）',
    );
  });

  it('translates the clues of small domes, non-foliage colour and colourless canopies', () => {
    expect(
      suppressionZh(
        'greenish (ExG 0.06), small dome-shaped top (bending 0.78 m over 1.5 m), not vegetation-coloured in the orthophoto (ExG -0.21)',
      ),
    ).toBe('略偏绿（ExG 0.06），小型穹顶状顶面（1.5 m 内弯曲 0.78 m），正射影像中颜色不似植被（ExG -0.21）');
    expect(suppressionZh('points scattered 1.4 m deep, as through a canopy, with no colour or roof surface to say otherwise')).toBe(
      '点云纵深分散 1.4 m，似透过树冠，且无颜色或屋面可作反证',
    );
    expect(
      suppressionZh('points scattered 1.2 m deep, as through a canopy, with no colour or roof surface (60 % planar) to say otherwise'),
    ).toBe('点云纵深分散 1.2 m，似透过树冠，且无颜色或屋面（平面单元仅 60%）可作反证');
    expect(
      suppressionZh('small dome-shaped top (bending 0.94 m over 1.5 m) of scattered points, points somewhat scattered in depth (0.33 m)'),
    ).toBe('点云分散的小型穹顶状顶面（1.5 m 内弯曲 0.94 m），点云略有纵深分散（0.33 m）');
  });

  it("translates a change judged by the crown it rises from, with that crown's clues", () => {
    expect(
      suppressionZh(
        'rises from a 11.6 m high object of 84.5 m² that reads as vegetation (rough top (1.10 m), few planar cells (0 %), points scattered 4.1 m deep, as through a canopy): a tree growing',
      ),
    ).toBe(
      '从一处高 11.6 m、84.5 m² 且判读为植被的物体上长出（顶面粗糙（1.10 m），平面单元少（0%），点云纵深分散 4.1 m，似透过树冠）：树木生长',
    );
    expect(
      suppressionZh(
        'leaves standing a 6.0 m high object of 40.0 m² that reads as vegetation (green (ExG 0.20), rough top (0.30 m)): a tree cut back',
      ),
    ).toBe('其下留存一处高 6.0 m、40.0 m² 且判读为植被的物体（偏绿（ExG 0.20），顶面粗糙（0.30 m））：树木修剪');
  });

  it('names the software, the actor of what it recorded itself, 系统', () => {
    expect(ledgerZh(SYSTEM_ACTOR)).toBe('系统');
    expect(ledgerZh('王工')).toBe('王工');
  });

  it('keeps a sentence of an unknown shape as written', () => {
    expect(ledgerZh('something new the detector says')).toBe('something new the detector says');
    expect(suppressionZh('strongly green (ExG 0.3), a new clue')).toBe('明显偏绿（ExG 0.3），a new clue');
  });
});
