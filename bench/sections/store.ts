import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeQuery } from '../../core/api';
import { LocalProject } from '../../core/store/project';
import { seedProject } from '../../samples/synthetic-project';
import type { StoreSection } from '../types';

const RUNS = 5;
const PER_RUN = 20_000;
const BULK = 10_000;

/** Median of `n` timed calls, ms (after one untimed call). */
async function median(n: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return Math.round(t[Math.floor(n / 2)] * 10) / 10;
}

/** Section d: the project store with 100 000 changes in 5 runs: list, filter, sort, bulk verdicts. */
export async function storeSection(workDir: string, log: (line: string) => void): Promise<StoreSection> {
  log(`Project store (${RUNS} runs × ${PER_RUN.toLocaleString('en-US')} changes; median of 7 calls, page of 200)`);
  const path = join(workDir, 'store-bench.voxwatch');
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
  let t0 = performance.now();
  seedProject(path, RUNS, PER_RUN);
  const seedMs = Math.round(performance.now() - t0);
  log(`  seeded in ${(seedMs / 1000).toFixed(1)} s (${(statSync(path).size / 2 ** 20).toFixed(0)} MiB)`);
  const p = LocalProject.open(path, 'bench');
  const runId = RUNS;
  const page = (q: ChangeQuery) => () => p.listChanges({ runId, limit: 200, ...q });
  const queries: [string, ChangeQuery][] = [
    ['list, by id', {}],
    ['sort by volume, largest first', { sort: '-volume' }],
    ['filter by type, sort by area', { types: ['new_building', 'storeys_added'], sort: '-area' }],
    ['filter |volume| ≥ 500 m³, by priority', { minVolume: 500, sort: 'priority' }],
    ['filter by verdict (after the bulk verdict)', { verdicts: ['false_positive'], sort: '-confidence' }],
  ];
  const listMs: Record<string, number> = {};
  for (const [label, q] of queries.slice(0, 4)) {
    listMs[label] = await median(7, page(q));
    log(`  ${label.padEnd(44)} ${listMs[label].toFixed(1).padStart(6)} ms`);
  }
  const keys = (await p.listChanges({ runId, limit: BULK })).items.map((c) => c.key);
  t0 = performance.now();
  await p.setVerdict(keys, 'false_positive', { actor: 'bench' });
  const bulkMs = Math.round(performance.now() - t0);
  log(`  bulk verdict on ${BULK.toLocaleString('en-US')} changes (one transaction, audited) ${String(bulkMs).padStart(6)} ms`);
  const [label, q] = queries[4];
  listMs[label] = await median(7, page(q));
  log(`  ${label.padEnd(44)} ${listMs[label].toFixed(1).padStart(6)} ms`);
  await p.close();
  rmSync(path, { force: true });
  return { runs: RUNS, changes: RUNS * PER_RUN, seedMs, listMs, bulkVerdicts: BULK, bulkMs };
}
