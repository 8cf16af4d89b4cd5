import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectChanges } from '../../core/detect';
import { formatScore, scoreChanges } from '../../samples/evaluate';
import { progressBar } from '../progress';
import { formatSummary, writeDetectionOutputs } from './detect';
import { DEFAULT_SAMPLE_DIR, sampleDistrictReady, samplesCommand } from './samples';

/**
 * The main job on the bundled sample district: generate it if needed, detect the changes of
 * epochs 1 → 2 and 2 → 3, write the results, and score them against the generator's truth.
 */
export async function demoCommand(o: { dir?: string }): Promise<number> {
  const dir = o.dir ?? DEFAULT_SAMPLE_DIR;
  if (!(await sampleDistrictReady(dir))) {
    process.stdout.write(`no sample district in ${dir} yet: generating it (about 10 s)\n`);
    await samplesCommand({ out: dir });
  }
  for (const [from, to] of [
    [1, 2],
    [2, 3],
  ]) {
    const bar = progressBar(`epochs ${from} → ${to}`, '');
    const t0 = performance.now();
    const result = await detectChanges(
      { files: [join(dir, `epoch-${from}.las`)], label: `epoch ${from}` },
      { files: [join(dir, `epoch-${to}.las`)], label: `epoch ${to}` },
      {},
      { onProgress: (p) => bar.update(p.done, p.total, p.phase) },
    );
    bar.stop();
    const out = join(dir, 'results', `${from}-${to}`);
    const written = await writeDetectionOutputs(result, out);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    process.stdout.write(
      '\n' + formatSummary(result, `Epoch ${from} → ${to}: ${result.changes.length} building changes (${secs} s)`) + '\n',
    );
    for (const c of result.changes) {
      const volume = `${c.volume_m3 >= 0 ? '+' : ''}${c.volume_m3.toFixed(0)} m³`;
      const storeys = `${c.storeys > 0 ? '+' : ''}${c.storeys} storeys`;
      process.stdout.write(
        `    ${c.id}  ${c.type.padEnd(18)}${volume.padStart(11)}${(c.area_m2.toFixed(0) + ' m²').padStart(9)}${storeys.padStart(12)}  confidence ${c.confidence.toFixed(2)}\n`,
      );
    }
    const truth = JSON.parse(await readFile(join(dir, `truth-${from}-${to}.json`), 'utf8'));
    process.stdout.write(
      `  against the generator's truth: ${formatScore(scoreChanges(result.changes, truth.changes, truth.distractors))}\n`,
    );
    process.stdout.write(`  wrote ${written.join(', ')}\n`);
  }
  process.stdout.write('\nThe PDF change report comes with the report issue; the GeoJSON files open in QGIS today.\n');
  return 0;
}
