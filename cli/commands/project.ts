import type { Command } from 'commander';
import { extname } from 'node:path';
import type { CaseRecord, ChangeQuery, ChangeRecord, ChangeSort, ExportFormat } from '../../core/api';
import { CHANGE_TYPES, type ChangeType } from '../../core/changes/types';
import { awayText } from '../../core/review/away';
import { grouped } from '../../core/review/format';
import { ofRun } from '../../core/review/run-ref';
import { CASE_STATUSES, VERDICTS, ZONE_KINDS, type CaseStatus, type Verdict, type ZoneKind } from '../../core/review/types';
import type { LocalProject } from '../../core/store/project';
import { expandEpochArg } from '../epoch-args';
import { UsageError } from '../usage-error';
import { progressBar } from '../progress';
import { VERSION } from '../version';
import { detectOptionsFrom, epsgOption, num, PHASE_LABEL, type DetectCliOptions } from './detect-args';
import { abortOnSignals } from '../interrupt';

const SOFTWARE = `VoxWatch ${VERSION}`;

function oneOf<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new UsageError(`${what} "${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}

const list = <T extends string>(what: string, value: string | undefined, allowed: readonly T[]): T[] | undefined =>
  value === undefined ? undefined : value.split(',').map((v) => oneOf(what, v.trim(), allowed));

/** The project store, loaded when a command needs it (not to define the commands at start-up). */
const store = () => import('../../core/store/project');

async function withProject<T>(file: string, fn: (p: LocalProject) => Promise<T>): Promise<T> {
  const { LocalProject } = await store();
  const p = LocalProject.open(file, SOFTWARE, {
    onMigrated: (from, to, backup) =>
      process.stderr.write(`voxwatch: migrated ${file} from schema ${from} to ${to} (copy of the old one: ${backup})\n`),
  });
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

/** Changes named by key (#12 or 12) or by their run's id (C004, in --run or the newest run). */
async function resolveChanges(p: LocalProject, refs: string[], runId?: number): Promise<number[]> {
  const page = refs.some((r) => /^C\d+$/i.test(r)) ? await p.listChanges({ runId, limit: 100_000 }) : null;
  return refs.map((ref) => {
    const key = /^#?(\d+)$/.exec(ref);
    if (key) return Number(key[1]);
    // C4, C04 and C004 name the same change: runs pad their ids to their size.
    const hit = page?.items.find((c) => Number(c.id.slice(1)) === Number(ref.slice(1)));
    if (!hit) throw new UsageError(`no change ${ref} in ${runId ? `run ${runId}` : 'the newest run'}`);
    return hit.key;
  });
}

function formatChange(c: ChangeRecord): string {
  const volume = `${c.volume_m3 >= 0 ? '+' : ''}${grouped(c.volume_m3)} m³`;
  const zones = c.zones.filter((z) => z.kind !== 'admin').map((z) => z.name);
  const tail = [
    c.subDistrict,
    ...zones,
    c.permitStatus !== 'none' ? `permit ${c.permitStatus}` : null,
    c.case ? `case ${c.case.id} ${c.case.status}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return `  #${String(c.key).padEnd(5)} ${c.id}  ${c.type.padEnd(18)}${volume.padStart(10)}${(grouped(c.area_m2) + ' m²').padStart(8)}  ${c.verdict.padEnd(16)} ${c.priority.padEnd(6)} ${tail}${c.verdictCarriedFrom ? ` (verdict from ${c.verdictCarriedFrom})` : ''}`;
}

/** `voxwatch project …`: the project store from the command line (ProjectApi, wired). */
export function addProjectCommand(program: Command): Command {
  const project = program
    .command('project')
    .description('a VoxWatch project (.voxwatch): epochs, runs, verdicts, cases, zones, leads, exports');
  const print = (s: string) => process.stdout.write(s + '\n');

  project
    .command('init')
    .description('create a new project file')
    .argument('<file>', 'project file, e.g. luohu.voxwatch')
    .requiredOption('--name <name>', 'project name')
    .option('--district <district>', 'district, e.g. 罗湖区')
    .option('--author <author>', 'author shown on reports')
    .action(async (file: string, o: { name: string; district?: string; author?: string }) => {
      const { LocalProject } = await store();
      const p = LocalProject.create(file, o, SOFTWARE);
      await p.close();
      print(`created ${file}`);
    });

  project
    .command('add-epoch')
    .description('add a survey epoch (LAS/LAZ point clouds or DSM GeoTIFFs) to the project')
    .argument('<file>', 'project file')
    .argument('<label>', 'epoch label, e.g. 2024-09')
    .argument('<sources...>', 'LAS/LAZ or DSM GeoTIFF files, or folders of them')
    .option('--date <yyyy-mm-dd>', 'survey date (default: when the points were flown, from their GPS time; else the file’s creation date)')
    .option('--ortho <geotiff>', 'the epoch’s orthophoto')
    .option('--crs <epsg>', 'CRS of sources that declare none, e.g. EPSG:4547')
    .option('--reproject', 'accept an epoch in another CRS than the project’s: detection reprojects it')
    .action(
      async (file: string, label: string, sources: string[], o: { date?: string; ortho?: string; crs?: string; reproject?: boolean }) => {
        const files = sources.flatMap((s) => expandEpochArg(s));
        const crs = o.crs === undefined ? undefined : epsgOption(o.crs);
        await withProject(file, async (p) => {
          const e = await p.addEpoch({ label, files, date: o.date, orthophoto: o.ortho, crs, reproject: o.reproject });
          print(`epoch ${e.label} (${e.date ?? 'no date'}): ${e.files.length} file(s), ${e.points.toLocaleString('en')} points`);
        });
      },
    );

  project
    .command('backup')
    .description('a whole copy of the project as it stands, the latest verdicts included (safe while VoxWatch has it open)')
    .argument('<file>', 'project file')
    .argument('<copy>', 'the new file to write (never an existing one)')
    .action(async (file: string, copy: string) => {
      await withProject(file, async (p) => {
        const b = await p.backup(copy);
        print(`backed up ${file} to ${b.path} (${(b.bytes / 1024 / 1024).toFixed(1)} MiB)`);
      });
    });

  project
    .command('set-date')
    .description('correct an epoch’s survey date (which survey came first decides the runs allowed and the cases checked)')
    .argument('<file>', 'project file')
    .argument('<epoch>', 'epoch label')
    .argument('<date>', 'survey date, yyyy-mm-dd')
    .action(async (file: string, label: string, date: string) => {
      await withProject(file, async (p) => {
        const e = await p.setEpochDate(label, date);
        print(`epoch ${e.label} surveyed on ${e.date}`);
      });
    });

  project
    .command('detect')
    .description('run detection between two epochs; carries verdicts and checks open cases')
    .argument('<file>', 'project file')
    .argument('<before>', 'earlier epoch label')
    .argument('<after>', 'later epoch label')
    .option('--voxel <m>', 'voxel column size in metres (default: 0.5, or coarser for points under 16/m²)')
    .option('--min-area <m2>', 'smallest change footprint reported (default 6 m²)')
    .option('--min-volume <m3>', 'smallest change volume reported (default 10 m³)')
    .option('--min-height <m>', 'smallest height change reported (default 1.2 m)')
    .option('--storey-height <m>', 'storey height (default 3 m)')
    .option('--no-align', 'skip the fine alignment')
    .option('-q, --quiet', 'no progress bar')
    .action(async (file: string, before: string, after: string, o: Omit<DetectCliOptions, 'out'>) => {
      await withProject(file, async (p) => {
        const bar = o.quiet ? null : progressBar(`${before} → ${after}`, '');
        const controller = new AbortController();
        const stopListening = abortOnSignals(controller);
        try {
          const run = await p.detect(before, after, detectOptionsFrom(o), {
            signal: controller.signal,
            onProgress: (e) => bar?.update(e.done, e.total, PHASE_LABEL[e.phase]),
          });
          bar?.stop();
          print(`run ${run.id}: ${run.changeCount} changes between ${run.before.label} and ${run.after.label}`);
          for (const w of run.warnings) print(`  warning: ${w}`);
          for (const c of (await p.listChanges({ runId: run.id })).items) print(formatChange(c));
          const checked = (await p.listCases()).filter((c) => c.proposal?.runId === run.id);
          for (const c of checked)
            print(`  case ${c.id} (${ofRun(c.runId, c.code)}): ${c.proposal!.outcome.replace('_', ' ')}: ${c.proposal!.detail}`);
        } finally {
          bar?.stop();
          stopListening();
        }
      });
    });

  project
    .command('changes')
    .description('list the changes of a run, filtered and sorted')
    .argument('<file>', 'project file')
    .option('--run <n>', 'run id (default: the newest)')
    .option('--type <types>', `comma-separated: ${CHANGE_TYPES.join(', ')}`)
    .option('--verdict <verdicts>', `comma-separated: ${VERDICTS.join(', ')}`)
    .option('--zone <zone>', 'zone name or category')
    .option('--sub-district <name>', 'sub-district name')
    .option('--min-volume <m3>', 'smallest absolute volume')
    .option('--sort <sort>', 'code, volume, -volume, area, -area, confidence, -confidence, height, -height, priority', 'code')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: Record<string, string | boolean | undefined>) => {
      await withProject(file, async (p) => {
        const q: ChangeQuery = {
          runId: num('run', o.run as string | undefined),
          types: list<ChangeType>('type', o.type as string | undefined, CHANGE_TYPES),
          verdicts: list<Verdict>('verdict', o.verdict as string | undefined, VERDICTS),
          zone: o.zone as string | undefined,
          subDistrict: o.subDistrict as string | undefined,
          minVolume: num('min-volume', o.minVolume as string | undefined),
          sort: o.sort as ChangeSort,
        };
        const page = await p.listChanges(q);
        if (o.json) print(JSON.stringify(page, null, 1));
        else {
          print(`${page.total} change(s)`);
          page.items.forEach((c) => print(formatChange(c)));
        }
      });
    });

  project
    .command('review')
    .description('set a verdict (and a note) on changes: keys (#12) or ids of a run (C004)')
    .argument('<file>', 'project file')
    .argument('<changes...>', 'change keys or ids')
    .option('--verdict <verdict>', VERDICTS.join(', '))
    .option('--note <text>', 'a note for these changes')
    .option('--run <n>', 'run the ids refer to (default: the newest)')
    .action(async (file: string, refs: string[], o: { verdict?: string; note?: string; run?: string }) => {
      if (!o.verdict && o.note === undefined) throw new UsageError('give --verdict, --note, or both');
      await withProject(file, async (p) => {
        const keys = await resolveChanges(p, refs, num('run', o.run));
        if (o.verdict) {
          const cases = async () => new Map((await Promise.all(keys.map((k) => p.getChange(k)))).map((c) => [c.key, c.case]));
          const before = await cases();
          const n = await p.setVerdict(keys, oneOf('verdict', o.verdict, VERDICTS), { note: o.note });
          print(`${n} change(s) marked ${o.verdict}`);
          // Withdrawing a confirmation closes its case: say so, it is not otherwise visible here.
          for (const [key, c] of await cases()) {
            const was = before.get(key);
            if (was && c?.status === 'closed' && was.status !== 'closed') {
              print(
                `  case ${c.id} closed (it was ${was.status}): its confirmation was withdrawn; confirming again takes it up where it was`,
              );
            }
          }
        } else {
          for (const k of keys) await p.setNote(k, o.note!);
          print(`note set on ${keys.length} change(s)`);
        }
      });
    });

  project
    .command('cases')
    .description('the case ledger (台账): list, update a case, or accept what a later epoch proposes')
    .argument('<file>', 'project file')
    .option('--status <statuses>', `only these: ${CASE_STATUSES.join(', ')}`)
    .option('--case <id>', 'the case to update')
    .option('--set-status <status>', 'new status for --case')
    .option('--due <yyyy-mm-dd>', 'rectification due date for --case')
    .option('--sub-district <name>', 'responsible sub-district for --case')
    .option('--note <text>', 'note for --case')
    .option('--accept <id|all>', 'accept the pending proposal of a case, or of all cases')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: Record<string, string | boolean | undefined>) => {
      await withProject(file, async (p) => {
        if (o.case !== undefined) {
          const status = o.setStatus === undefined ? undefined : oneOf<CaseStatus>('status', o.setStatus as string, CASE_STATUSES);
          await p.updateCase(num('case', o.case as string)!, {
            status,
            dueDate: o.due as string | undefined,
            subDistrict: o.subDistrict as string | undefined,
            note: o.note as string | undefined,
          });
        }
        if (o.accept !== undefined) {
          // A proposal that keeps the status the case has is evidence only: nothing to accept.
          const moves = (c: CaseRecord) => !!c.proposal?.status && c.proposal.status !== c.status;
          const all = await p.listCases();
          const chosen = o.accept === 'all' ? all.filter(moves) : all.filter((c) => c.id === num('accept', o.accept as string));
          if (o.accept !== 'all' && chosen.length === 0) throw new UsageError(`--accept: no case ${o.accept as string} in this project`);
          const accepted = [];
          for (const c of chosen) {
            if (!moves(c)) {
              print(
                `case ${c.id}: nothing to accept (${c.proposal ? 'the latest run found its status unchanged' : 'no pending proposal'})`,
              );
              continue;
            }
            const after = await p.acceptProposal(c.id);
            accepted.push(`case ${c.id} → ${after.status}`);
          }
          if (accepted.length) print(`accepted ${accepted.length} proposal(s): ${accepted.join(', ')}`);
          else if (o.accept === 'all') print('no proposal would change a case’s status');
        }
        const cases = await p.listCases({ status: list<CaseStatus>('status', o.status as string | undefined, CASE_STATUSES) });
        if (o.json) return print(JSON.stringify(cases, null, 1));
        print(`${cases.length} case(s)`);
        for (const c of cases) {
          const found = c.proposal;
          const verdict = found ? (found.status && found.status !== c.status ? `proposes ${found.status}` : 'status unchanged') : '';
          const pending = found ? `  → run ${found.runId}: ${found.outcome.replace('_', ' ')}, ${verdict} (${found.detail})` : '';
          print(
            `  case ${String(c.id).padEnd(4)} ${ofRun(c.runId, c.code)}  ${c.type.padEnd(18)} ${c.status.padEnd(18)} due ${c.dueDate ?? '—'}  ${c.subDistrict ?? ''}${pending}`,
          );
        }
      });
    });

  const zones = project.command('zones').description('zone layers: protected land, permits, sub-districts and communities');
  zones
    .command('import')
    .argument('<file>', 'project file')
    .argument('<layer>', 'GeoJSON or GeoPackage of polygons')
    .requiredOption('--kind <kind>', ZONE_KINDS.join(', '))
    .option('--category <category>', 'e.g. farmland, ecological_control_line, water_protection, sub_district, community')
    .option('--name-field <field>', 'property holding each zone’s name')
    .option('--table <table>', 'the feature table of a GeoPackage holding several')
    .action(async (file: string, layer: string, o: { kind: string; category?: string; nameField?: string; table?: string }) => {
      await withProject(file, async (p) => {
        const r = await p.importZones(layer, {
          kind: oneOf<ZoneKind>('kind', o.kind, ZONE_KINDS),
          category: o.category,
          nameField: o.nameField,
          table: o.table,
        });
        const was = r.replaced ? ` (replacing the ${r.replaced} zone(s) it held)` : '';
        print(`imported ${r.imported} zone(s) into layer ${r.layer}${was}; changes re-tagged`);
        if (r.withoutGeometry) print(`warning: ${r.withoutGeometry} feature(s) of ${layer} have no geometry and were not imported`);
      });
    });
  zones
    .command('list')
    .argument('<file>', 'project file')
    .action(async (file: string) => {
      await withProject(file, async (p) => {
        for (const z of await p.listZones())
          print(`  ${String(z.id).padEnd(4)} ${z.layer.padEnd(20)} ${z.kind.padEnd(10)} ${z.category.padEnd(24)} ${z.name}`);
      });
    });
  zones
    .command('remove')
    .description('delete a zone layer imported by mistake (see zones list) and re-tag the changes')
    .argument('<file>', 'project file')
    .argument('<layer>', 'layer name')
    .action(async (file: string, layer: string) => {
      await withProject(file, async (p) =>
        print(`removed layer ${layer} (${(await p.removeZoneLayer(layer)).removed} zone(s)); changes re-tagged`),
      );
    });

  const leads = project.command('leads').description('complaint leads (投诉举报线索): import and see what each one found');
  leads
    .command('import')
    .argument('<file>', 'project file')
    .argument('<leads>', 'CSV (id, x, y, date, text) or GeoJSON/GeoPackage points, in the project CRS')
    .action(async (file: string, src: string) => {
      await withProject(file, async (p) => {
        const r = await p.importLeads(src);
        print(`imported ${r.imported} lead(s)`);
        // Not UTF-8: read as GB18030/GBK (Excel's CSV on a Chinese Windows); the analyst should know which.
        if (r.encoding === 'gb18030') print(`note: ${src} is not UTF-8; it was read as GB18030 (GBK) text`);
      });
    });
  leads
    .command('list')
    .argument('<file>', 'project file')
    .action(async (file: string) => {
      await withProject(file, async (p) => {
        for (const l of await p.listLeads()) {
          print(`  ${l.code} (${l.reportedOn ?? 'no date'}) ${l.text}`);
          if (!l.answer) print('      not answered yet: run detection');
          else if (l.answer.found.length)
            print(
              `      run ${l.answer.runId}: ${l.answer.found.map((f) => `${f.code} ${f.type} ${awayText(f.distance_m, 'en', 1)}`).join('; ')}`,
            );
          else {
            const none = l.answer.judgedNotBuilding
              ? 'no building change (a change judged not a building: check on site)'
              : 'nothing found';
            print(`      run ${l.answer.runId}: ${none}: ${l.answer.evidence.join('; ')}`);
          }
        }
      });
    });

  project
    .command('export')
    .description('export a run’s changes with verdicts and case status')
    .argument('<file>', 'project file')
    .requiredOption('--out <path>', 'output file')
    .option('--format <format>', 'gpkg, geojson or csv (default: from the extension)')
    .option('--run <n>', 'run id (default: the newest)')
    .action(async (file: string, o: { out: string; format?: string; run?: string }) => {
      // The file's own extension, not a dot in a folder's name ("/tmp/2025.03/out").
      const ext = extname(o.out).slice(1).toLowerCase();
      if (o.format === undefined && ext === '')
        throw new UsageError(`${o.out} has no extension: name it .gpkg, .geojson or .csv, or give --format`);
      const format = oneOf<ExportFormat>('format', o.format ?? (ext === 'json' ? 'geojson' : ext), ['gpkg', 'geojson', 'csv']);
      await withProject(file, async (p) => {
        const r = await p.exportChanges(format, o.out, { runId: num('run', o.run) });
        print(`wrote ${r.features} change(s) to ${r.path}`);
      });
    });

  project
    .command('info')
    .description('the project: its name, district, CRS, epochs and runs')
    .argument('<file>', 'project file')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: { json?: boolean }) => {
      await withProject(file, async (p) => {
        const i = await p.info();
        if (o.json) return print(JSON.stringify(i, null, 1));
        print(`${i.name}${i.district ? ` (${i.district})` : ''}, ${i.crs?.name ?? 'no CRS yet'}`);
        for (const e of i.epochs)
          print(`  epoch ${e.label.padEnd(10)} ${e.date ?? '—'}  ${e.points.toLocaleString('en')} points  ${e.files.length} file(s)`);
        for (const r of i.runs)
          print(`  run ${r.id}: ${r.before.label} → ${r.after.label}, ${r.changeCount} changes (${r.finishedAt.slice(0, 16)})`);
      });
    });

  return project;
}
