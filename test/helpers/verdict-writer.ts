/**
 * Child process for the SIGKILL test: writes verdicts on a project one by one and prints
 * "<key> <verdict>" only after each write has returned (committed), until it is killed.
 */
import { LocalProject } from '../../core/store/project';
import type { Verdict } from '../../core/review/types';

process.stdout.write(`pid ${process.pid}\n`);
const project = LocalProject.open(process.argv[2], 'verdict-writer');
const keys = (await project.listChanges({ limit: 100_000 })).items.map((c) => c.key);
const cycle: Verdict[] = ['false_positive', 'confirmed', 'permitted', 'needs_site_visit'];
for (let i = 0; ; i++) {
  const key = keys[i % keys.length];
  const verdict = cycle[Math.floor(i / keys.length + i) % cycle.length];
  await project.setVerdict([key], verdict, { actor: 'writer' });
  process.stdout.write(`${key} ${verdict}\n`);
}
