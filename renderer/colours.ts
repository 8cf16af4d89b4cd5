// Colours of change types and verdicts: the same in the list, the detail panel and the 3D view.
import type { ChangeType } from '../core/changes/types';
import type { Verdict } from '../core/review/types';

export const TYPE_COLOURS: Record<ChangeType, string> = {
  new_building: '#e5484d',
  storeys_added: '#f76b15',
  rooftop_structure: '#ffc53d',
  extension: '#d6409f',
  demolished: '#3e8ed0',
  height_decrease: '#12a594',
  other: '#8e8c99',
};

export const VERDICT_COLOURS: Record<Verdict, string> = {
  unreviewed: '#ffc53d',
  confirmed: '#e5484d',
  false_positive: '#7c7f87',
  permitted: '#30a46c',
  needs_site_visit: '#3e8ed0',
};
