import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

/** The command as a user runs it (through bin/voxwatch.mjs, as `npx voxwatch` does). */
export const BIN = resolve(import.meta.dirname, '../../bin/voxwatch.mjs');

/** Runs `voxwatch …` and returns its exit code and output, whether it succeeds or not. */
export async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args], { maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
