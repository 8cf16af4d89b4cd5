import { Command, CommanderError } from 'commander';
import type { BenchCliOptions } from './commands/bench';
import type { DetectCliOptions } from './commands/detect-args';
import type { OctreeCliOptions } from './commands/octree';
import { addProjectCommand } from './commands/project';
import type { ReportCliOptions } from './commands/report';
import type { SamplesCliOptions } from './commands/samples';
import type { ServeCliOptions } from './commands/serve';
import { DEFAULT_SAMPLE_DIR } from './defaults';
import { VERSION } from './version';

// `voxwatch info … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

// Each command's code loads when that command runs (the dynamic imports in the actions): defining
// them all must not load detection, the store, the report renderer and the generator (about
// 0.6 s of the start-up of every command).
const program = new Command();
program
  .name('voxwatch')
  .description('Find building-volume changes between successive 3D surveys of a district')
  .version(VERSION)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('info')
  .description('describe epoch files: format, points, bounds, CRS, density, classes, colour, GPS time')
  .argument(
    '<files...>',
    'epoch files or folders of them: LAS/LAZ/COPC point clouds, DSM or orthophoto GeoTIFFs, OBJ/PLY/glTF meshes, 3D Tiles tilesets',
  )
  .option('--json', 'machine-readable output')
  .action(async (files: string[], opts: { json?: boolean }) => {
    process.exitCode = await (await import('./commands/info')).infoCommand(files, opts);
  });

program
  .command('detect')
  .description('find building changes between two epochs; writes changes.geojson and summary.json')
  .argument(
    '<before>',
    'earlier epoch: a LAS/LAZ point cloud, a DSM GeoTIFF or a 3D model (OBJ, PLY, glTF/GLB, a 3D Tiles tileset.json), a folder of them, or a comma-separated list',
  )
  .argument('<after>', 'later epoch, same forms')
  .option('--out <dir>', 'output folder (with --shard: the partial result for voxwatch merge)')
  .option('--voxel <m>', 'voxel column size in metres (default: 0.5, or coarser for points under 16/m²)')
  .option('--min-area <m2>', 'smallest change footprint reported (default 6 m²)')
  .option('--min-volume <m3>', 'smallest change volume reported (default 10 m³)')
  .option('--min-height <m>', 'smallest height change reported (default 1.2 m)')
  .option('--storey-height <m>', 'storey height for the storeys estimate (default 3 m)')
  .option('--halo <m>', 'context around each ground tile: objects reaching further past a tile are cut (default 64 m)')
  .option('--tile-cells <n>', 'side of a ground tile in cells: what one worker holds (default 1536)')
  .option('--no-align', 'skip the fine alignment of the later epoch')
  .option('--work <dir>', 'run folder: keeps finished work, so an interrupted run started again resumes')
  .option('--fresh', 'start the run folder over when it belongs to other inputs or options')
  .option('--prepare', 'only the first pass into --work (for sharded runs; with --shard, that share of it)')
  .option('--shard <i/N>', "detect shard i of N of a prepared --work folder's tiles into --out")
  .option('--before-ortho <tif>', "the earlier epoch's orthophoto: vegetation evidence where its points have no colour")
  .option('--after-ortho <tif>', "the later epoch's orthophoto")
  .option('--crs <epsg>', 'CRS of sources that declare none, e.g. EPSG:4547')
  .option('--reproject', "reproject an epoch in another CRS to the other epoch's while reading it")
  .option('-q, --quiet', 'print nothing but errors')
  .action(async (before: string, after: string, opts: DetectCliOptions) => {
    process.exitCode = await (await import('./commands/detect')).detectCommand(before, after, opts);
  });

program
  .command('merge')
  .description('join the partial results of voxwatch detect --shard into one run (changes.geojson, summary.json)')
  .argument('<parts...>', 'the --out folders of every shard')
  .requiredOption('--out <dir>', 'output folder')
  .option('-q, --quiet', 'print nothing but errors')
  .action(async (parts: string[], opts: { out: string; quiet?: boolean }) => {
    process.exitCode = await (await import('./commands/merge')).mergeCommand(parts, opts);
  });

addProjectCommand(program);

program
  .command('report')
  .description('write the PDF change report of a project run, in Chinese or English')
  .argument('<project>', 'project file (.voxwatch)')
  .requiredOption('--out <pdf>', 'output PDF')
  .option('--run <n>', 'run id (default: the newest)')
  .option('--lang <lang>', 'zh-CN or en', 'zh-CN')
  .option(
    '--filter <selection>',
    'e.g. "type=new_building,storeys_added; verdict=confirmed; zone=farmland; sub-district=东门街道; min-volume=100"',
  )
  .option('--author <name>', 'author on the cover (default: the project’s)')
  .action(async (project: string, opts: ReportCliOptions) => {
    process.exitCode = await (await import('./commands/report')).reportCommand(project, opts);
  });

program
  .command('octree')
  .description("build (or rebuild) the epochs' level-of-detail octrees (Potree 2.0) beside the project file")
  .argument('<project>', 'project file (.voxwatch)')
  .option('--epoch <label...>', 'only these epochs (default: all)')
  .option('-q, --quiet', 'no progress bar')
  .action(async (project: string, opts: OctreeCliOptions) => {
    process.exitCode = await (await import('./commands/octree')).octreeCommand(project, opts);
  });

program
  .command('serve')
  .description('review a project in the browser: the review UI and ProjectApi over HTTP (127.0.0.1 by default)')
  .argument('[project]', 'project file (default: the demo project)')
  .option('--port <n>', 'port (default 8737; 0 picks a free one)')
  .option('--host <address>', 'address to bind (default 127.0.0.1; any other needs --token)')
  .option('--token <secret>', 'required on every API call (header X-VoxWatch-Token; the page reads it from #token=)')
  .action(async (file: string | undefined, opts: ServeCliOptions) => {
    process.exitCode = await (await import('./commands/serve')).serveCommand(file, opts);
  });

program
  .command('samples')
  .description('write the synthetic sample district: three survey epochs (point clouds, orthophotos, DSMs) and truth')
  .option('--out <dir>', 'output folder', DEFAULT_SAMPLE_DIR)
  .option('--seed <n>', 'random seed (default 1)')
  .option('--size <m>', 'side of the square district in metres (default 300)')
  .option('--density <n>', 'epoch-1 points per m² (default 20)')
  .option('--no-orthophoto', 'skip the orthophotos')
  .option('--no-dsm', 'skip the DSMs')
  .action(async (opts: SamplesCliOptions) => {
    process.exitCode = await (await import('./commands/samples')).samplesCommand(opts);
  });

program
  .command('demo')
  .description('run the main job on the sample district: detect the changes of epochs 1→2 and 2→3')
  .option('--dir <dir>', 'sample district folder', DEFAULT_SAMPLE_DIR)
  .action(async (opts: { dir?: string }) => {
    process.exitCode = await (await import('./commands/demo')).demoCommand(opts);
  });

program
  .command('bench')
  .description(
    'measure reading, LAZ decoding, detection and report rendering speed and memory on this machine (figures only, no assertions)',
  )
  .option(
    '--scale',
    'detection on 2 × ≥ 35 M and 2 × ≥ 150 M points, resuming a run killed at 50 %, and an 81 km² pair (20–40 min, about 28 GB of cached inputs)',
  )
  .option('--pairs <millions>', 'pairs for detection and resume, in millions of points per file (e.g. 5,35,70; overrides --scale)')
  .option('--json', 'print the report as JSON on stdout (progress goes to stderr)')
  .option('--only <sections>', 'comma-separated sections: las, laz, detect, store, report, resume, area, sources')
  .action(async (opts: BenchCliOptions) => {
    process.exitCode = await (await import('./commands/bench')).benchCommand(opts);
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2;
  else process.exitCode = (await import('./errors')).reportError(e);
}
