/** Where `voxwatch samples` writes the sample district and `voxwatch demo` reads it (relative to the working folder). */
export const DEFAULT_SAMPLE_DIR = 'samples/district';
