import { fork, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Job, JobResult } from './jobs/index';
import { waitForQuiet } from './machine';

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));

type Message = { type: 'ready' } | { type: 'result'; value: unknown } | { type: 'error'; message: string; stack?: string };

const QUIET_WAIT_MS = 60_000;

/**
 * Runs a job in a fresh Node process, once the machine is quiet (or a minute has passed). The
 * child's stdout goes to our stderr so that `--json` output stays clean; its result comes back
 * over IPC.
 */
export async function runIsolated<J extends Job>(
  job: J,
  log: (line: string) => void,
  /** Pin the job's process, every thread it has and will start, to these CPUs (taskset's list, e.g. "0"). */
  cpus?: string,
): Promise<JobResult<J>> {
  await waitForQuiet(QUIET_WAIT_MS, log);
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { stdio: ['ignore', 2, 2, 'ipc'], execArgv: [] });
    // Threads inherit the affinity of the thread that starts them: pinning every thread now, before the job starts any, pins them all.
    if (cpus !== undefined && spawnSync('taskset', ['-a', '-p', '-c', cpus, String(child.pid)], { stdio: 'ignore' }).status !== 0) {
      child.kill();
      return reject(new Error(`cannot pin the bench job to CPU ${cpus} (taskset failed)`));
    }
    let settled = false;
    child.on('message', (msg: Message) => {
      if (msg.type === 'ready') child.send(job);
      else if (msg.type === 'result') {
        settled = true;
        resolve(msg.value as JobResult<J>);
      } else {
        settled = true;
        reject(new Error(`bench job ${job.kind} failed: ${msg.message}\n${msg.stack ?? ''}`));
      }
    });
    child.on('error', (e) => {
      if (!settled) reject(e);
      settled = true;
    });
    child.on('exit', (code, signal) => {
      if (!settled) reject(new Error(`bench job ${job.kind} exited (${signal ?? `code ${code}`}) without a result`));
      settled = true;
    });
  });
}

/** Whether `taskset` (util-linux) can pin a process here. */
export const canPin = (): boolean => spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;
