import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The commit the figures belong to, and whether core/ had uncommitted changes; null outside git. */
export function sourceRevision(): { commit: string; coreDirty: boolean } | null {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', '--short', 'HEAD'), coreDirty: git('status', '--porcelain', '--', 'core').length > 0 };
  } catch {
    return null;
  }
}
