import { existsSync, renameSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChangeRecord, RunRecord } from '../../core/api';
import { renderReport } from '../../core/report/render';
import { awayText } from '../../core/review/away';
import { grouped } from '../../core/review/format';
import { ofRun } from '../../core/review/run-ref';
import { TERMS } from '../../core/review/terms';
import { LocalProject } from '../../core/store/project';
import { REVIEW_FILES } from '../../samples/generator/index';
import { formatScore, scoreChanges } from '../../samples/evaluate';
import { progressBar } from '../progress';
import { VERSION } from '../version';
import { PHASE_LABEL } from './detect-args';
import { DEFAULT_SAMPLE_DIR } from '../defaults';
import { sampleDistrictProblem, samplesCommand } from './samples';

const print = (s = '') => process.stdout.write(s + '\n');
const signed = (v: number) => `${v >= 0 ? '+' : ''}${grouped(v)}`;

/** One change of a run: id, type, volume, area, verdict, its case if it has one, priority, where it is, and `tail`. */
function line(c: ChangeRecord, tail = c.verdictCarriedFrom ? `[verdict carried from ${c.verdictCarriedFrom}]` : ''): string {
  const where = [c.subDistrict, ...c.zones.filter((z) => z.kind !== 'admin').map((z) => z.name)].filter(Boolean).join(' · ');
  const volume = `${signed(c.volume_m3)} m³`.padStart(11);
  const area = `${grouped(c.area_m2)} m²`.padStart(8);
  const kase = (c.case ? `case ${c.case.id}` : '').padEnd(8);
  return `    ${c.id}  ${c.type.padEnd(18)}${volume}${area}  ${c.verdict.padEnd(15)} ${kase} ${c.priority.padEnd(6)} ${where}${tail ? `  ${tail}` : ''}`;
}

/** "3 demolished, 2 height decrease": how many of each kind. */
function tally<T>(items: T[], key: (item: T) => string): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k.replace('_', ' ')}`).join(', ');
}

/** A long answer in lines of at most `width` characters, the first indented by `indent`, the rest by two more. */
function wrap(text: string, indent: number, width = 100): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const pad = lines.length === 0 ? indent : indent + 2;
    if (current && pad + current.length + 1 + word.length > width) {
      lines.push(' '.repeat(pad) + current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  return [...lines, ' '.repeat(lines.length === 0 ? indent : indent + 2) + current];
}

/**
 * The main job on the bundled sample district, as an analyst would do it: a project with three
 * epochs, zones and complaint leads; detection 1 → 2, a review, cases; epoch 3 checks the cases;
 * a cumulative 1 → 3 run remembers the verdicts; exports for GIS and the PDF reports. Scored
 * against the truth.
 */
export async function demoCommand(o: { dir?: string }): Promise<number> {
  const dir = o.dir ?? DEFAULT_SAMPLE_DIR;
  const problem = await sampleDistrictProblem(dir);
  if (problem) {
    print(`${problem}: generating it (about 10 s)`);
    await samplesCommand({ out: dir });
  }
  const manifest = JSON.parse(await readFile(join(dir, 'district.json'), 'utf8')) as {
    epochs: { epoch: number; date: string; file: string; orthophoto: string | null }[];
  };
  const out = join(dir, 'results');
  await mkdir(out, { recursive: true });
  const path = join(out, 'demo.voxwatch');
  // Never delete a project someone may have reviewed in: the previous demo project is kept aside.
  for (const suffix of ['', '-wal', '-shm'])
    if (existsSync(path + suffix)) renameSync(path + suffix, join(out, `demo.previous.voxwatch${suffix}`));

  const p = LocalProject.create(
    path,
    { name: '罗湖区卫片执法样例 / Luohu sample district', district: '罗湖区 Luohu, Shenzhen', author: 'VoxWatch demo' },
    `VoxWatch ${VERSION}`,
  );
  try {
    for (const e of manifest.epochs) {
      await p.addEpoch({
        label: `epoch-${e.epoch}`,
        files: [join(dir, e.file)],
        date: e.date,
        orthophoto: e.orthophoto ? join(dir, e.orthophoto) : undefined,
      });
    }
    await p.importZones(join(dir, REVIEW_FILES.subDistricts), { kind: 'admin', category: 'sub_district' }, 'demo');
    await p.importZones(join(dir, REVIEW_FILES.protectedZones), { kind: 'protected', category: 'ecological_control_line' }, 'demo');
    await p.importZones(join(dir, REVIEW_FILES.permits), { kind: 'permit' }, 'demo');
    await p.importLeads(join(dir, REVIEW_FILES.leads), 'demo');
    print(`project ${path}: 3 epochs, ${(await p.listZones()).length} zones, ${(await p.listLeads()).length} complaint leads`);

    // 1 → 2: detect, score, and review as an analyst would.
    const run12 = await detect(p, 'epoch-1', 'epoch-2');
    const changes12 = (await p.listChanges({ runId: run12.id })).items;
    await score(dir, '1-2', changes12);
    const permitted = changes12.filter((c) => c.permitStatus === 'permitted');
    const dismissed = changes12
      .filter((c) => c.type === 'rooftop_structure' && c.priority === 'normal')
      .sort((a, b) => a.volume_m3 - b.volume_m3)[0];
    const violations = changes12.filter((c) => c.volume_m3 > 0 && !permitted.includes(c) && c !== dismissed);
    await p.setVerdict(
      permitted.map((c) => c.key),
      'permitted',
      { actor: 'demo', note: '在许可范围内' },
    );
    if (dismissed)
      await p.setVerdict([dismissed.key], 'false_positive', {
        actor: 'demo',
        note: '空调外机平台，非建筑',
      });
    await p.setVerdict(
      violations.map((c) => c.key),
      'confirmed',
      { actor: 'demo' },
    );
    // A removal confirmed is noted as what it is (拆除属实, 高度降低属实), in the bureau's language like every note.
    for (const type of new Set(changes12.filter((c) => c.volume_m3 < 0).map((c) => c.type))) {
      const keys = changes12.filter((c) => c.volume_m3 < 0 && c.type === type).map((c) => c.key);
      await p.setVerdict(keys, 'confirmed', { actor: 'demo', note: `${TERMS['zh-CN'].types[type]}属实` });
    }
    const opened = await p.listCases();
    for (const c of opened) await p.updateCase(c.id, { status: 'notified', dueDate: '2025-01-31', subDistrict: c.subDistrict }, 'demo');
    // Removals are confirmed too (the change is real), but a removal is no violation: no case.
    const removals = changes12.filter((c) => c.volume_m3 < 0);
    print(`  review of the ${changes12.length} changes:`);
    print(`    ${violations.length} added structures confirmed as violations: ${opened.length} cases opened, sub-districts notified`);
    print(`    ${removals.length} removals confirmed (${tally(removals, (c) => c.type)}): a removal is no violation, so no case`);
    print(`    ${permitted.length} permitted (within a permit), ${dismissed ? 1 : 0} false positive`);
    for (const c of (await p.listChanges({ runId: run12.id, sort: 'priority' })).items) print(line(c));

    // 2 → 3: the later epoch checks every open case.
    const run23 = await detect(p, 'epoch-2', 'epoch-3');
    await score(dir, '2-3', (await p.listChanges({ runId: run23.id })).items);
    const checked = (await p.listCases()).filter((c) => c.proposal?.runId === run23.id);
    print(`  case ledger after epoch 3 (${checked.length} cases checked):`);
    for (const c of checked)
      print(
        `    case ${String(c.id).padEnd(3)} ${ofRun(c.runId, c.code)} ${c.type.padEnd(18)} → ${c.proposal!.outcome.replace('_', ' ')}: ${c.proposal!.detail}`,
      );
    for (const c of checked) if (c.proposal?.status) await p.acceptProposal(c.id, 'demo');
    const ledger = await p.listCases();
    const count = (s: string) => ledger.filter((c) => c.status === s).length;
    print(`  accepted: ${count('rectified')} rectified (整改), ${count('not_rectified')} still standing (未整改)`);

    // 1 → 3: a cumulative comparison remembers every verdict given on 1 → 2.
    const run13 = await detect(p, 'epoch-1', 'epoch-3');
    const changes13 = (await p.listChanges({ runId: run13.id, sort: 'priority' })).items;
    const carried = changes13.filter((c) => c.verdictCarriedFrom);
    const unconfirmed = carried.filter((c) => c.verdict !== 'confirmed');
    print(
      `  ${carried.length} of its ${changes13.length} changes kept the verdict given in run ${run12.id} (${tally(carried, (c) => c.verdict)})${unconfirmed.length ? `; the ${unconfirmed.length} not confirmed:` : ''}`,
    );
    for (const c of unconfirmed) print(line(c));
    const left = changes13.filter((c) => !c.verdictCarriedFrom);
    print(`  ${left.length} left to review:`);
    for (const c of left) {
      // A structure judged before that grew since says so in its evidence; the others are new to every review.
      const grew = c.evidence.reasons.find((r) => /^judged .*: review again$/.test(r));
      print(line(c, `[${grew ?? 'no verdict in an earlier run to carry'}]`));
    }

    print('  complaint leads (投诉举报线索):');
    for (const l of await p.listLeads()) {
      const a = l.answer!;
      print(`    ${l.code} ${l.text}`);
      // One line per piece of evidence, wrapped: a nearby candidate's clues alone run to hundreds of characters.
      const found = a.found.map((f) => `${f.code} ${f.type} ${awayText(f.distance_m, 'en', 1)}`).join('; ');
      const lines = a.found.length
        ? wrap(`found in run ${a.runId}: ${found}`, 8)
        : [
            `        ${a.judgedNotBuilding ? 'no building change (a change judged not a building: check on site)' : 'nothing found'} in run ${a.runId}:`,
            ...a.evidence.flatMap((e) => wrap(e, 10)),
          ];
      for (const w of lines) print(w);
    }

    const files: string[] = [];
    for (const [format, name] of [
      ['gpkg', 'changes-1-2.gpkg'],
      ['geojson', 'changes-1-2.geojson'],
      ['csv', 'changes-1-2.csv'],
    ] as const) {
      files.push((await p.exportChanges(format, join(out, name), { runId: run12.id })).path);
    }
    for (const [runId, lang, name] of [
      [run12.id, 'zh-CN', 'report-1-2.zh-CN.pdf'],
      [run12.id, 'en', 'report-1-2.en.pdf'],
      [run23.id, 'zh-CN', 'report-2-3.zh-CN.pdf'],
    ] as const) {
      const bar = progressBar(`report ${name}`, '');
      try {
        const input = await p.reportInput(runId, { lang });
        await renderReport(input, join(out, name), { onProgress: (e) => bar.update(e.done, e.total, 'change sections') });
      } finally {
        bar.stop();
      }
      files.push(join(out, name));
    }
    print(`\nwrote ${[path, ...files].join(', ')}`);
  } finally {
    await p.close();
  }
  return 0;
}

async function detect(p: LocalProject, before: string, after: string): Promise<RunRecord> {
  const bar = progressBar(`${before} → ${after}`, '');
  const t0 = performance.now();
  try {
    const run = await p.detect(before, after, {}, { onProgress: (e) => bar.update(e.done, e.total, PHASE_LABEL[e.phase]) });
    bar.stop();
    print(`\nrun ${run.id}, ${before} → ${after}: ${run.changeCount} building changes (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    for (const w of run.warnings) print(`  warning: ${w}`);
    return run;
  } finally {
    bar.stop();
  }
}

async function score(dir: string, pair: string, changes: ChangeRecord[]): Promise<void> {
  const truth = JSON.parse(await readFile(join(dir, `truth-${pair}.json`), 'utf8')) as Parameters<typeof scoreChanges>[1] extends infer T
    ? { changes: T; distractors: Parameters<typeof scoreChanges>[2] }
    : never;
  print(`  against the generator's truth: ${formatScore(scoreChanges(changes, truth.changes, truth.distractors))}`);
}
