import { createRequire } from 'node:module';

/** Set by the desktop app's bundler (scripts/bundle.mjs): a bundle does not sit where package.json is relative to our sources. */
declare const VOXWATCH_VERSION: string | undefined;

/** VoxWatch's version, from package.json (one level above core/). */
export const VERSION: string =
  typeof VOXWATCH_VERSION === 'string'
    ? VOXWATCH_VERSION
    : (createRequire(import.meta.url)('../package.json') as { version: string }).version;
