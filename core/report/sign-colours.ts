/**
 * The report's colours for added (red) and removed (blue) volume: its oblique views paint them,
 * and the UI's snapshots for a report use the same, whatever the UI colours changes by.
 */
export const SIGN_COLOURS = {
  added: [222, 75, 45],
  removed: [58, 118, 206],
} as const satisfies Record<'added' | 'removed', readonly [number, number, number]>;

/** `[222, 75, 45]` as `#de4b2d`. */
export const cssColour = (rgb: readonly number[]): string => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
