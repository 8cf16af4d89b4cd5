// Entry of a bench child process: loads our TypeScript through tsx (as bin/voxwatch.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./child.ts');
