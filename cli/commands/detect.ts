import { constants, type Stats } from 'node:fs';
import { access, mkdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CHANGE_TYPES } from '../../core/changes/types';
import { detectChanges, detectShard, parseShard, prepareDetection, type DetectionResult, type DetectPhase } from '../../core/detect';
import { changesToGeoJson, footprintsToGeoJson } from '../../core/output/geojson';
import { grouped } from '../../core/review/format';
import { buildSummary, totalsByType } from '../../core/output/summary';
import { checkNothingInTheWay, writeOutputSet } from '../../core/output/write-set';
import { expandEpochArg } from '../epoch-args';
import { UsageError } from '../usage-error';
import { progressBar } from '../progress';
import { VERSION } from '../version';
import { detectOptionsFrom, epsgOption, PHASE_LABEL, type DetectCliOptions } from './detect-args';
import { abortOnSignals } from '../interrupt';

/** Creates the output folder, or says in one line why it cannot be used. */
async function prepareOutputDir(dir: string): Promise<void> {
  try {
    await makeFolders(dir);
    await access(dir, constants.W_OK);
  } catch (e) {
    throw outputDirError(dir, e);
  }
}

/**
 * Says in one line why `dir` could not become the output folder, and leaves nothing behind: a
 * refused run must not leave an empty folder. Tried for real (the missing folders made, a file
 * written, then all removed): permissions alone do not tell, root "may" write to /sys and cannot.
 */
export async function checkOutputDir(dir: string, outputs: readonly string[] = []): Promise<void> {
  let made: string[] = [];
  try {
    made = await makeFolders(dir);
    const probe = join(resolve(dir), `.voxwatch-probe-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (e) {
    throw outputDirError(dir, e);
  } finally {
    for (const folder of made.reverse()) await rmdir(folder).catch(() => undefined);
  }
  await checkNothingInTheWay(dir, [...outputs]);
}

/** The files a run writes into --out. */
export const DETECTION_OUTPUTS = ['changes.geojson', 'suppressed.geojson', 'uncertain.geojson', 'summary.json'] as const;

/**
 * Makes `dir` and the parents it lacks one level at a time, and returns those it made,
 * outermost first. Not `mkdir -p`: Node's recursive mkdir never returns for a path under /proc.
 */
async function makeFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  let at = resolve(dir);
  let s = await statOrNull(at);
  while (s === null && dirname(at) !== at) {
    missing.unshift(at);
    s = await statOrNull((at = dirname(at)));
  }
  if (s && !s.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  const made: string[] = [];
  try {
    for (const folder of missing) {
      await mkdir(folder);
      made.push(folder);
    }
  } catch (e) {
    for (const folder of made.reverse()) await rmdir(folder).catch(() => undefined);
    throw e;
  }
  return made;
}

async function statOrNull(path: string): Promise<Stats | null> {
  return stat(path).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
}

function outputDirError(dir: string, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EEXIST' || code === 'ENOTDIR'
      ? 'a file is in the way'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'not writable here'
        : code === 'ENOENT'
          ? 'no folder can be made there'
          : (e as Error).message;
  return new UsageError(`--out ${dir}: cannot use it as the output folder (${why})`);
}

/**
 * Writes changes.geojson, suppressed.geojson, uncertain.geojson and summary.json into `dir`, all
 * of them or none (a previous run's set stays whole when this one cannot be written).
 */
export async function writeDetectionOutputs(result: DetectionResult, dir: string): Promise<string[]> {
  await prepareOutputDir(dir);
  const files = {
    'changes.geojson': changesToGeoJson(result.changes, result.crs),
    'suppressed.geojson': footprintsToGeoJson(result.suppressed, result.crs),
    'uncertain.geojson': footprintsToGeoJson(result.uncertain, result.crs),
    'summary.json': buildSummary(result, { software: `VoxWatch ${VERSION}`, createdAt: new Date().toISOString() }),
  };
  const texts = Object.fromEntries(Object.entries(files).map(([name, content]) => [name, JSON.stringify(content, null, 1) + '\n']));
  return writeOutputSet(dir, texts);
}

/** " in the 5 % of the area both epochs saw", when they saw under half of it in common: "0 changes" is then no all-clear. */
function seenShare(result: DetectionResult): string {
  const c = result.coverage;
  if (!c || c.seenByBoth_m2 >= 0.5 * c.compared_m2) return '';
  return ` in the ${Math.round((100 * c.seenByBoth_m2) / Math.max(1, c.compared_m2))} % of the area both epochs saw`;
}

export function formatSummary(result: DetectionResult, title: string): string {
  const lines = [title];
  const totals = totalsByType(result);
  const pad = (s: string, n: number) => s.padEnd(n);
  lines.push(`  ${pad('type', 20)}${'count'.padStart(6)}${'volume m³'.padStart(12)}${'area m²'.padStart(10)}`);
  for (const t of CHANGE_TYPES) {
    const v = totals[t];
    if (v.count === 0) continue;
    lines.push(`  ${pad(t, 20)}${String(v.count).padStart(6)}${grouped(v.volume_m3, 1).padStart(12)}${grouped(v.area_m2, 1).padStart(10)}`);
  }
  const added = result.changes.filter((c) => c.volume_m3 > 0).reduce((s, c) => s + c.volume_m3, 0);
  const removed = result.changes.filter((c) => c.volume_m3 < 0).reduce((s, c) => s + c.volume_m3, 0);
  lines.push(`  ${pad('total', 20)}${String(result.changes.length).padStart(6)}   +${grouped(added)} / ${grouped(removed)} m³`);
  const sup: Record<string, number> = {};
  for (const s of result.suppressed) sup[s.reason] = (sup[s.reason] ?? 0) + 1;
  const supText = Object.entries(sup)
    .map(([r, n]) => `${n} ${r}`)
    .join(', ');
  lines.push(`  not flagged: ${supText || 'none'}; uncertain areas: ${result.uncertain.length}`);
  if (result.coverage) {
    const { compared_m2: all, seenByBoth_m2: seen } = result.coverage;
    const ha = (m2: number) => (m2 >= 1e5 ? `${(m2 / 1e6).toFixed(2)} km²` : `${Math.round(m2).toLocaleString('en-US')} m²`);
    lines.push(`  seen by both epochs: ${Math.round((100 * seen) / Math.max(1, all))} % of the ${ha(all)} compared`);
  }
  if (result.alignment) {
    const al = result.alignment;
    lines.push(
      `  vertical alignment: ${al.dz >= 0 ? '+' : ''}${al.dz} m; residual ${al.residualBefore.medianAbs.toFixed(3)} → ${al.residualAfter.medianAbs.toFixed(3)} m (median, ${al.stableCells} stable cells)`,
    );
  }
  for (const w of result.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

/** The detection options a command line gave (unset ones keep their defaults). */
export async function detectCommand(before: string, after: string, o: DetectCliOptions): Promise<number> {
  const options = detectOptionsFrom(o);
  const shard = o.shard === undefined ? undefined : shardArg(o.shard);
  if ((o.prepare || shard) && !o.work)
    throw new UsageError(`--${o.prepare ? 'prepare' : 'shard'} needs --work DIR (the run folder all shards share)`);
  if (!o.prepare && !o.out) throw new UsageError('--out DIR is required (the output folder)');
  if (o.fresh && !o.work) throw new UsageError('--fresh starts a --work folder afresh: give --work DIR too');
  const controller = new AbortController();
  const stopListening = abortOnSignals(controller);
  // Check the output folder first: finding out after an hour of detection would be cruel.
  if (o.out) await checkOutputDir(o.out, shard ? [] : DETECTION_OUTPUTS);
  const bar = progressBar('detect', '');
  const t0 = performance.now();
  const crs = o.crs === undefined ? undefined : epsgOption(o.crs);
  const epochs = [
    { files: expandEpochArg(before), label: 'before', orthophoto: o.beforeOrtho, crs },
    { files: expandEpochArg(after), label: 'after', orthophoto: o.afterOrtho, crs },
  ] as const;
  const hooks = {
    signal: controller.signal,
    onProgress: (p: { phase: DetectPhase; done: number; total: number }) => bar.update(p.done, p.total, PHASE_LABEL[p.phase]),
    workDir: o.work,
    fresh: o.fresh,
  };
  const say = (line: string) => {
    if (!o.quiet) process.stdout.write(line + '\n');
  };
  const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
  try {
    if (o.prepare) {
      const r = await prepareDetection(epochs[0], epochs[1], options, { ...hooks, workDir: o.work! }, shard);
      bar.stop();
      say(
        r.tiles === null
          ? `first pass${shard ? ` share ${shard.index}/${shard.count}` : ''}: ${r.partsDone} of ${r.parts} parts done in ${o.work} (${secs()} s); run --prepare without --shard once every share is done`
          : `prepared ${o.work}: ${r.parts} parts read, ${r.tiles} tiles to detect (${secs()} s); now run --shard i/N for i = 0 … N−1, then voxwatch merge`,
      );
      return 0;
    }
    if (shard) {
      const r = await detectShard(epochs[0], epochs[1], options, { ...hooks, workDir: o.work! }, shard, o.out!);
      bar.stop();
      say(
        `shard ${shard.index}/${shard.count}: ${r.tiles.length} tiles, ${r.changes} changes owned (${secs()} s); partial result in ${o.out}`,
      );
      return 0;
    }
    const result = await detectChanges(epochs[0], epochs[1], options, hooks);
    bar.stop();
    const written = await writeDetectionOutputs(result, o.out!);
    if (!o.quiet) {
      const pts = result.epochs[0].points + result.epochs[1].points;
      process.stdout.write(
        formatSummary(
          result,
          `${before} → ${after}: ${result.changes.length} changes${seenShare(result)} (${pts.toLocaleString('en-US')} points in ${secs()} s)`,
        ) + '\n',
      );
      process.stdout.write(`  wrote ${written.join(', ')}\n`);
    }
    return 0;
  } finally {
    bar.stop();
    stopListening();
  }
}

function shardArg(text: string): { index: number; count: number } {
  try {
    return parseShard(text);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
