import { mergeDetection } from '../../core/detect';
import { checkOutputDir, DETECTION_OUTPUTS, formatSummary, writeDetectionOutputs } from './detect';

/** `voxwatch merge PARTS… --out DIR`: the shards' partial results as one run's outputs. */
export async function mergeCommand(parts: string[], o: { out: string; quiet?: boolean }): Promise<number> {
  await checkOutputDir(o.out, DETECTION_OUTPUTS);
  const t0 = performance.now();
  const result = await mergeDetection(parts);
  const written = await writeDetectionOutputs(result, o.out);
  if (!o.quiet) {
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    process.stdout.write(formatSummary(result, `merged ${parts.length} shards: ${result.changes.length} changes (${secs} s)`) + '\n');
    process.stdout.write(`  wrote ${written.join(', ')}\n`);
  }
  return 0;
}
