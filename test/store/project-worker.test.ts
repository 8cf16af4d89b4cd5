/**
 * The project hosted in a worker thread (how the desktop app keeps its main process free): the same answers as
 * LocalProject, writes that persist, progress and cancel across the thread, and refusals that name the file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectApi } from '../../core/api';
import { LocalProject } from '../../core/store/project';
import { openProjectInWorker } from '../../core/workers/project-client';
import { makeReviewProject } from '../helpers/review-project';

let dir: string;
let path: string;
let remote: ProjectApi;

beforeAll(async () => {
  ({ dir, path } = await makeReviewProject({ size: 100, seed: 3 }));
  remote = await openProjectInWorker(path, 'test');
}, 120_000);

afterAll(async () => {
  await remote?.close();
});

describe('a project in a worker thread', () => {
  it('answers as the project itself does, typed arrays included', async () => {
    const local = LocalProject.open(path, 'test', { readonly: true });
    try {
      expect(await remote.info()).toEqual(await local.info());
      const page = await remote.listChanges({ sort: 'volume' });
      expect(page).toEqual(await local.listChanges({ sort: 'volume' }));
      expect(page.items.length).toBeGreaterThan(0);
      const view = await remote.getChangeView(page.items[0].key);
      expect(view?.before).toBeInstanceOf(Float32Array);
      expect(view).toEqual(await local.getChangeView(page.items[0].key));
    } finally {
      await local.close();
    }
  });

  it('writes a verdict that the file keeps', async () => {
    const [first] = (await remote.listChanges()).items;
    expect(await remote.setVerdict([first.key], 'false_positive', { note: '树冠，误报' })).toBe(1);
    const local = LocalProject.open(path, 'test', { readonly: true });
    try {
      const kept = await local.getChange(first.key);
      expect(kept.verdict).toBe('false_positive');
      expect(kept.note).toBe('树冠，误报');
    } finally {
      await local.close();
    }
  });

  it('reports detection progress across the thread, and cancels it', async () => {
    // A district large enough that reading it takes many progress reports: the cancel, sent at the first of them,
    // reaches the thread long before the last.
    const big = await makeReviewProject({ size: 300, seed: 4, runs: 0 });
    const project = await openProjectInWorker(big.path, 'test');
    try {
      const seen: { phase: string; done: number; total: number }[] = [];
      const controller = new AbortController();
      const run = project.detect(
        'e1',
        'e2',
        {},
        {
          signal: controller.signal,
          onProgress: (p) => {
            seen.push(p);
            if (p.phase === 'read') controller.abort();
          },
        },
      );
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      const reads = seen.filter((p) => p.phase === 'read');
      expect(reads.length).toBeGreaterThan(0);
      expect(reads.every((p) => p.done < p.total)).toBe(true);
      // Nothing was stored, and the project still answers.
      expect((await project.info()).runs).toHaveLength(0);
    } finally {
      await project.close();
    }
  }, 120_000);

  it('passes a refusal on with its message', async () => {
    await expect(remote.detect('e1', 'nope')).rejects.toThrow(/no epoch "nope"/);
  });

  it('refuses a file that is not a project, by name', async () => {
    const bogus = join(dir, 'notes.voxwatch');
    writeFileSync(bogus, 'not a database');
    await expect(openProjectInWorker(bogus, 'test')).rejects.toThrow(bogus);
  });

  it('fails calls after close instead of hanging', async () => {
    const other = await openProjectInWorker(path, 'test');
    await other.close();
    await expect(other.info()).rejects.toThrow(/closed/);
  });
});
