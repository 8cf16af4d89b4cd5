#!/usr/bin/env node
// The `voxwatch` command: runs the TypeScript CLI directly through tsx, so a fresh clone
// works right after `npm ci` with no build step.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Detection, octrees and reports fill large typed arrays, and every fresh 4 KiB page costs a
// fault; with transparent huge pages a fault brings 2 MiB. Node does not ask for them, but
// glibc's malloc does when told so at start-up (a tunable read before any of our code runs).
// Whether that helps depends on the machine: on one it saved about 10 % of a detection, on
// another the kernel's compaction of free memory for each huge page made first touches five
// times slower and detections 5–10 % slower (docs/BENCHMARKS.md, sections h and n). So it is
// opt-in: with VOXWATCH_HUGE_PAGES=1, on Linux, the command starts itself once more with it set.
const TUNABLE = 'glibc.malloc.hugetlb=1';
const tunables = process.env.GLIBC_TUNABLES ?? '';
if (process.platform === 'linux' && !tunables.includes('glibc.malloc.hugetlb') && process.env.VOXWATCH_HUGE_PAGES === '1') {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    // The IPC channel lets the child notice when this process dies, even by SIGKILL.
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, GLIBC_TUNABLES: tunables ? `${tunables}:${TUNABLE}` : TUNABLE },
  });
  // Ctrl-C in a terminal reaches both processes: the child cancels cleanly, this one waits for it.
  process.on('SIGINT', () => {});
  const forward = (signal) => () => child.kill(signal);
  process.on('SIGTERM', forward('SIGTERM'));
  process.on('SIGHUP', forward('SIGHUP'));
  child.on('exit', (code, signal) => {
    if (!signal) process.exit(code ?? 1);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
} else {
  if (process.send) {
    // Started by the lines above: end with the process that started us, and do not stay alive for its channel.
    process.on('disconnect', () => process.exit(129));
    process.channel?.unref();
  }
  if (!process.env.VOXWATCH_WORKER_BUNDLES) {
    try {
      const { workerBundleDir } = await import('../scripts/worker-cache.mjs');
      process.env.VOXWATCH_WORKER_BUNDLES = await workerBundleDir(fileURLToPath(new URL('..', import.meta.url)));
    } catch (e) {
      // No esbuild here (an install without dev tools), or no room to write: the workers load through tsx.
      if (process.env.VOXWATCH_DEBUG) console.error(`worker bundles unavailable: ${e.message}`);
    }
  }
  // tsx loads only here: the process that only starts another one above needs none of it.
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/voxwatch.ts');
}
