// The tiles' height windows (one per change, one per watched area: about 43 KB each) wait on disk
// while the tiles run, so that the main thread does not hold thousands of them beside the
// workers' tile buffers; they come back once the workers are gone.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { TileResult } from './tile-job';

type Windows = Pick<TileResult, 'patches' | 'watched'>;

export class ParkedWindows {
  private constructor(private readonly dir: string) {}

  static async open(parent: string): Promise<ParkedWindows> {
    return new ParkedWindows(await mkdtemp(join(parent, 'voxwatch-windows-')));
  }

  /** Writes the result's windows to disk and returns the result without them. */
  async park(r: TileResult): Promise<TileResult> {
    const windows: Windows = { patches: r.patches, watched: r.watched };
    await writeFile(this.path(r.index), serialize(windows));
    return { ...r, patches: [], watched: {} };
  }

  /**
   * Puts the windows back into the results themselves (each file is removed once read), and
   * returns them: no copy of a result is left holding what the merge lets go.
   */
  async restore(results: TileResult[]): Promise<TileResult[]> {
    for (const r of results) {
      const path = this.path(r.index);
      const windows = deserialize(await readFile(path)) as Windows;
      await rm(path);
      Object.assign(r, windows);
    }
    return results;
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }

  private path(tile: number): string {
    return join(this.dir, `t${tile}.v8`);
  }
}
