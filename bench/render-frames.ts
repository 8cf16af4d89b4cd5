// Frame times of the review UI's 3D view in Debian's Chromium with SwiftShader (software WebGL, no GPU): the
// floor a workstation's GPU only improves on. Serves a project, opens it with N points per epoch and times full
// frames (each waited for). Figures only, no assertions; see docs/BENCHMARKS.md, "Review UI rendering".
//
//   npx tsx bench/render-frames.ts [project.voxwatch]      (default: the demo project, `npm run demo`)
import { existsSync } from 'node:fs';
import { DEMO_PROJECT } from '../cli/commands/serve';
import { ensureRendererBuilt } from '../cli/serve/renderer-build';
import { launch, serve } from '../test/e2e/browser';

const project = process.argv[2] ?? DEMO_PROJECT;
if (!existsSync(project)) {
  console.error(`no project ${project} (run npm run demo first)`);
  process.exit(2);
}
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

await ensureRendererBuilt();
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
