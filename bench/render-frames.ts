// Frame times of the review UI's 3D view in Debian's Chromium with SwiftShader (software WebGL, no GPU): the
// floor a workstation's GPU only improves on. Serves a project, opens it with N points per epoch (plain samples)
// or from the epochs' octrees with a point budget (level of detail), and times full frames (each waited for).
// Figures only, no assertions; see docs/BENCHMARKS.md, "Review UI rendering".
//
//   npx tsx bench/render-frames.ts [project.voxwatch] [--lod a.voxwatch b.voxwatch …]
//
// The first project (default: the demo project, `npm run demo`) gives the plain-sample cases; each --lod project
// gives level-of-detail cases (its octrees are built first if missing, `voxwatch octree`).
import { existsSync } from 'node:fs';
import { DEMO_PROJECT } from '../cli/commands/serve';
import { EpochOctrees } from '../core/octree/epoch-octrees';
import { LocalProject } from '../core/store/project';
import { ensureRendererBuilt } from '../cli/serve/renderer-build';
import { launch, serve } from '../test/e2e/browser';

const args = process.argv.slice(2);
const lodAt = args.indexOf('--lod');
const lodProjects = lodAt >= 0 ? args.slice(lodAt + 1) : [];
/** `--lod …` alone: only the level-of-detail cases. */
const project = lodAt === 0 ? null : (args[0] ?? DEMO_PROJECT);
for (const p of [...(project ? [project] : []), ...lodProjects]) {
  if (!existsSync(p)) {
    console.error(`no project ${p} (run npm run demo first)`);
    process.exit(2);
  }
}
const LOD_BUDGETS = [1_000_000, 2_000_000];
const LOD_MODES = ['after', 'swipe'] as const;
const CASES = [
  { perEpoch: 300_000, mode: 'after' },
  { perEpoch: 1_000_000, mode: 'after' },
  { perEpoch: 1_000_000, mode: 'before' },
  { perEpoch: 1_000_000, mode: 'swipe' },
] as const;
const FRAMES = 20;

// Page globals used in the page functions below (the Node tsconfig has no DOM library; they run in the page).
interface PageGlobals {
  innerWidth: number;
  innerHeight: number;
  document: { getElementById(id: string): { dataset: Record<string, string | undefined> } };
  voxwatchBench: { measureFrames(n: number): number };
}

const dataset = (page: import('playwright-core').Page) =>
  page.locator('#view').evaluate((el) => ({ ...(el as unknown as { dataset: Record<string, string> }).dataset }));

/** Builds the epochs' octrees that are missing (not timed here: `voxwatch octree` reports that). */
async function ensureOctrees(file: string): Promise<number> {
  const p = LocalProject.open(file, 'bench');
  try {
    const info = await p.info();
    const octrees = await EpochOctrees.forProject(p);
    for (const e of info.epochs) if ((await octrees.ensure(e.id)).state !== 'ready') await octrees.build(e.id);
    const run = info.runs.at(-1)!;
    return Math.max(...info.epochs.filter((e) => e.id === run.before.id || e.id === run.after.id).map((e) => e.points));
  } finally {
    await p.close();
  }
}

await ensureRendererBuilt();
if (project) await plainCases(project);

async function plainCases(project: string): Promise<void> {
  const served = await serve(project);
  const context = await launch();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(120_000);
    const size = await page.evaluate(
      () => `${(globalThis as unknown as PageGlobals).innerWidth}×${(globalThis as unknown as PageGlobals).innerHeight}`,
    );
    console.log(`Chromium, SwiftShader (software WebGL), window ${size}; ${FRAMES} frames per case, camera orbiting`);
    console.log('points per epoch | view   | drawn     | load s | ms/frame | fps');
    for (const c of CASES) {
      const started = Date.now();
      await page.goto(`${served.url}?bench&points=${c.perEpoch}`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.waitForFunction(() =>
        /^\d+$/.test((globalThis as unknown as PageGlobals).document.getElementById('view').dataset.points ?? ''),
      );
      const load = (Date.now() - started) / 1000;
      const loaded = Number(await page.locator('#view').getAttribute('data-points'));
      await page.click(`[data-name="mode"] [data-value="${c.mode}"]`);
      const ms = await page.evaluate((n) => (globalThis as unknown as PageGlobals).voxwatchBench.measureFrames(n), FRAMES);
      const drawn = c.mode === 'swipe' ? loaded : loaded / 2;
      console.log(
        `${c.perEpoch.toLocaleString('en').padStart(16)} | ${c.mode.padEnd(6)} | ${drawn.toLocaleString('en').padStart(9)} | ${load.toFixed(1).padStart(6)} | ${ms.toFixed(0).padStart(8)} | ${(1000 / ms).toFixed(1)}`,
      );
    }
  } finally {
    await context.close();
    await served.stop();
  }
}

for (const file of lodProjects) {
  const perEpoch = await ensureOctrees(file);
  const lodServed = await serve(file);
  const lodContext = await launch();
  try {
    const page = lodContext.pages()[0] ?? (await lodContext.newPage());
    page.setDefaultTimeout(180_000);
    console.log(`\nlevel of detail (potree-core octrees): ${file}, up to ${perEpoch.toLocaleString('en')} points per epoch`);
    console.log('points budget    | view   | drawn     | load s | ms/frame | fps');
    for (const budget of LOD_BUDGETS) {
      for (const mode of LOD_MODES) {
        const started = Date.now();
        await page.goto(`${lodServed.url}?bench&budget=${budget}`);
        await page.waitForSelector('#view[data-octree="ready"]');
        await page.click(`[data-name="mode"] [data-value="${mode}"]`);
        // Loaded: potree-core has nodes on screen and nothing left to fetch for this view.
        let d = await dataset(page);
        for (let i = 0; i < 240 && !(Number(d.octreePoints) > 0 && d.octreeLoading === 'false'); i++) {
          await page.waitForTimeout(500);
          d = await dataset(page);
        }
        const load = (Date.now() - started) / 1000;
        const ms = await page.evaluate((n) => (globalThis as unknown as PageGlobals).voxwatchBench.measureFrames(n), FRAMES);
        const drawn = Number((await dataset(page)).octreePoints);
        console.log(
          `${budget.toLocaleString('en').padStart(16)} | ${mode.padEnd(6)} | ${drawn.toLocaleString('en').padStart(9)} | ${load.toFixed(1).padStart(6)} | ${ms.toFixed(0).padStart(8)} | ${(1000 / ms).toFixed(1)}`,
        );
      }
    }
  } finally {
    await lodContext.close();
    await lodServed.stop();
  }
}
