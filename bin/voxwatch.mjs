#!/usr/bin/env node
// The `voxwatch` command: runs the TypeScript CLI directly through tsx, so a fresh clone
// works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/voxwatch.ts');
