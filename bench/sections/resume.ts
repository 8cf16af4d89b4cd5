/**
 * Section f: resuming a killed run. `voxwatch detect --work` runs as a child process, started as
 * a user starts it (bin/voxwatch.mjs: worker bundles, huge pages), with the huge-pages tunable
 * already set so that the launcher does not start itself again: the pid is the process doing the
 * work. One run is killed with SIGKILL at half the time a fresh run took, then resumed; the
 * resumed part is timed against the fresh run.
 */
import { spawn } from 'node:child_process';
import { BENCH_VOXEL } from './detection';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { districtPair } from '../fixtures/district-pair';
import { count, secs } from '../format';
import { waitForQuiet } from '../machine';
import type { ResumeRun } from '../types';

const LAUNCHER = fileURLToPath(new URL('../../bin/voxwatch.mjs', import.meta.url));
const HUGE_PAGES = 'glibc.malloc.hugetlb=1';
const TICKS_PER_SECOND = 100;

/** CPU time of this process's finished (waited-for) children, ms: fields cutime and cstime of /proc/self/stat. */
function childrenCpuMs(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return ((Number(f[13]) + Number(f[14])) * 1000) / TICKS_PER_SECOND;
}

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

/** One `voxwatch detect` child, killed after `killAfterMs` when given. */
async function detect(args: string[], killAfterMs?: number): Promise<{ ms: number; cpuMs: number; killed: boolean; load: number[] }> {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  // With huge pages asked for, set them here: the launcher would start a second process, and
  // the kill must reach the one that detects.
  const tunables = process.env.GLIBC_TUNABLES;
  const env =
    process.env.VOXWATCH_HUGE_PAGES === '1' && !tunables?.includes('hugetlb')
      ? { ...process.env, GLIBC_TUNABLES: [tunables, HUGE_PAGES].filter(Boolean).join(':') }
      : process.env;
  const child = spawn(process.execPath, [LAUNCHER, 'detect', ...args, '-q'], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  clearTimeout(timer);
  const ms = performance.now() - t0;
  if (signal !== 'SIGKILL' && code !== 0) throw new Error(`voxwatch detect failed (${signal ?? `code ${code}`}): ${stderr}`);
  return { ms: Math.round(ms), cpuMs: Math.round(childrenCpuMs() - cpu0), killed: signal === 'SIGKILL', load: load() };
}

export async function resumeSection(workDir: string, targetPoints: number, log: (line: string) => void): Promise<ResumeRun> {
  log(`Resume after a kill at 50 % (voxwatch detect --work, 2 × ≥ ${count(targetPoints)} points)`);
  const { dir, manifest } = await districtPair(workDir, targetPoints, log);
  const [before, after] = manifest.files.map((f) => join(dir, f.name));
  const points = manifest.files.reduce((n, f) => n + f.points, 0);
  const scratch = await mkdtemp(join(tmpdir(), 'voxwatch-bench-resume-'));
  try {
    const run = (name: string, work: boolean, killAfterMs?: number) =>
      detect(
        [
          before,
          after,
          '--voxel',
          String(BENCH_VOXEL),
          '--out',
          join(scratch, name),
          ...(work ? ['--work', join(scratch, `work-${name}`)] : []),
        ],
        killAfterMs,
      );
    await waitForQuiet(60_000, log);
    const plain = await run('plain', false);
    log(`  fresh run, no run folder:      ${secs(plain.ms)} (CPU ${secs(plain.cpuMs)}), load ${plain.load.join(' ')}`);
    await waitForQuiet(60_000, log);
    const fresh = await run('fresh', true);
    log(`  fresh run with --work:         ${secs(fresh.ms)} (CPU ${secs(fresh.cpuMs)}), load ${fresh.load.join(' ')}`);
    await waitForQuiet(60_000, log);
    const killAt = Math.round(fresh.ms / 2);
    const killed = await run('resumed', true, killAt);
    const work = join(scratch, 'work-resumed');
    const parts = readdirSync(join(work, 'parts')).filter((f) => f.endsWith('.bin')).length;
    const tiles = readdirSync(join(work, 'tiles')).filter((f) => f.endsWith('.bin')).length;
    log(
      `  killed (SIGKILL) after ${secs(killed.ms)}${killed.killed ? '' : ' (it had finished: no kill)'}: ${parts} first-pass parts and ${tiles} tiles finished`,
    );
    await waitForQuiet(60_000, log);
    const resumed = await run('resumed', true);
    const ratio = Math.round((resumed.ms / fresh.ms) * 100) / 100;
    log(
      `  resumed:                       ${secs(resumed.ms)} (CPU ${secs(resumed.cpuMs)}), load ${resumed.load.join(' ')}: ${ratio} × the fresh run's time` +
        ` (CPU ${Math.round((resumed.cpuMs / fresh.cpuMs) * 100) / 100} ×)`,
    );
    const same =
      readFileSync(join(scratch, 'resumed', 'changes.geojson'), 'utf8') === readFileSync(join(scratch, 'plain', 'changes.geojson'), 'utf8');
    log(`  changes.geojson of the resumed run ${same ? 'is byte for byte' : 'DIFFERS from'} the fresh run's`);
    return {
      points,
      plain,
      fresh,
      killAtMs: killAt,
      killed,
      partsDoneAtKill: parts,
      tilesDoneAtKill: tiles,
      resumed,
      ratio,
      identical: same,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
