// Colours of change types and verdicts: the same in the list, the detail panel and the 3D view.
import type { ChangeType } from '../core/changes/types';
import type { Verdict } from '../core/review/types';
import { cssColour, SIGN_COLOURS } from '../core/report/sign-colours';

export const TYPE_COLOURS: Record<ChangeType, string> = {
  new_building: '#e5484d',
  storeys_added: '#f76b15',
  rooftop_structure: '#ffc53d',
  extension: '#d6409f',
  demolished: '#3e8ed0',
  height_decrease: '#12a594',
  other: '#8e8c99',
};

/**
 * The report's colours of added and removed volume (core/report/oblique.ts, ADDED and REMOVED; its legends say red =
 * added, blue = removed): a 3D snapshot for a report paints each change by its sign in them, whatever the UI colours by.
 */
export const REPORT_SIGN_COLOURS = { added: cssColour(SIGN_COLOURS.added), removed: cssColour(SIGN_COLOURS.removed) } as const;

/** A change's colour in a report's figures: by its sign, whatever its type or verdict. */
export const reportColour = (c: { volume_m3: number }): string =>
  c.volume_m3 < 0 ? REPORT_SIGN_COLOURS.removed : REPORT_SIGN_COLOURS.added;

export const VERDICT_COLOURS: Record<Verdict, string> = {
  unreviewed: '#ffc53d',
  confirmed: '#e5484d',
  false_positive: '#7c7f87',
  permitted: '#30a46c',
  needs_site_visit: '#3e8ed0',
};
