import { Command, CommanderError } from 'commander';
import { infoCommand } from './commands/info';
import { reportError } from './errors';

const program = new Command();
program
  .name('voxwatch')
  .description('Find building-volume changes between successive 3D surveys of a district')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('info')
  .description('describe epoch files: format, points, bounds, CRS, density, classes, colour, GPS time')
  .argument('<files...>', 'LAS/LAZ/COPC files')
  .option('--json', 'machine-readable output')
  .action(async (files: string[], opts: { json?: boolean }) => {
    process.exitCode = await infoCommand(files, opts);
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2;
  else process.exitCode = reportError(e);
}
