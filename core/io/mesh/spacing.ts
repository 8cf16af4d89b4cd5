/** Surface samples per voxel cell area: (voxel / spacing)² = 6.25, plenty for a robust top per column. */
export const sampleSpacingFor = (voxel: number): number => voxel / 2.5;

/** The spacing at detection's default 0.5 m voxel, when a caller names none. */
export const DEFAULT_SAMPLE_SPACING = sampleSpacingFor(0.5);
