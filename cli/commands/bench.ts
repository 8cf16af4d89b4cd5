import { runBench, SECTIONS } from '../../bench/run';
import { UsageError } from '../usage-error';

export interface BenchCliOptions {
  scale?: boolean;
  json?: boolean;
  /** Comma-separated sections: las, laz, detect, store, report, sources. */
  only?: string;
  /** Comma-separated detection pair sizes, millions of points per file. */
  pairs?: string;
}

/** Runs the benchmarks; progress lines go to stdout, or to stderr with --json (stdout is the JSON). */
export async function benchCommand(opts: BenchCliOptions): Promise<number> {
  const only = sectionList(opts.only);
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length) throw new UsageError(`--only: unknown section ${unknown.join(', ')} (choose from ${SECTIONS.join(', ')})`);
  const pairs = opts.pairs?.split(',').map((s) => Math.round(Number(s.trim()) * 1e6));
  if (pairs?.some((n) => !(n >= 1e5)))
    throw new UsageError(`--pairs: expected millions of points per file, like 5,35,70 (got ${opts.pairs})`);
  const out = opts.json ? process.stderr : process.stdout;
  const report = await runBench({ scale: opts.scale, pairs, only, log: (line) => out.write(line + '\n') });
  if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  return 0;
}

/** "las, detect" → ['las', 'detect']; empty or absent → all sections. */
function sectionList(text: string | undefined): string[] {
  const parts = (text ?? '').split(',');
  return parts.map((s) => s.trim()).filter(Boolean);
}
