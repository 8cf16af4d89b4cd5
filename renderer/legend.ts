// The colour legend over the 3D view: what each change colour means under the current colouring (type or verdict),
// with how many of the run's changes have it, and the uncertain areas' hatching and the suppressed candidates' reasons
// while those layers are shown. It folds to one line, and moves to another corner when the selected change or a panel
// lies under it (legend-corner.ts).
import type { ChangeRecord } from '../core/api';
import { CHANGE_TYPES } from '../core/changes/types';
import { VERDICTS } from '../core/review/types';
import { TYPE_COLOURS, VERDICT_COLOURS } from './colours';
import { h } from './dom';
import { t, tType, tVerdict } from './i18n';
import { CORNERS, legendCorner, type ScreenBox } from './legend-corner';

export interface LegendEntry {
  /** What the entry stands for (a type, a verdict, 'uncertain'): tests and styles find it by this. */
  id: string;
  label: string;
  colour: string;
  count: number;
  /** Drawn as the uncertain areas are: grey hatching, not a filled colour. */
  hatched?: boolean;
  /** Drawn as the suppressed candidates are: a dotted outline of the colour. */
  dotted?: boolean;
  /** A heading the entry is listed under (the first entry of a new group brings it). */
  group?: string;
}

export type ColourBy = 'type' | 'verdict';

/** The entries of one colouring, in the order the filters list them, with the run's count of each. */
export function legendEntries(colourBy: ColourBy, changes: ChangeRecord[]): LegendEntry[] {
  const count = (match: (c: ChangeRecord) => boolean) => changes.filter(match).length;
  return colourBy === 'type'
    ? CHANGE_TYPES.map((v) => ({ id: v, label: tType(v), colour: TYPE_COLOURS[v], count: count((c) => c.type === v) }))
    : VERDICTS.map((v) => ({ id: v, label: tVerdict(v), colour: VERDICT_COLOURS[v], count: count((c) => c.verdict === v) }));
}

function swatchStyle(e: LegendEntry): string {
  if (e.hatched) return '';
  return e.dotted ? `border-color:${e.colour}` : `background:${e.colour}`;
}

const OPEN_KEY = 'voxwatch.legend';

export class Legend {
  readonly el: HTMLDetailsElement;

  constructor(private readonly container: HTMLElement) {
    this.el = h('details', { id: 'legend', class: 'legend', 'data-corner': CORNERS[0] });
    // Open unless the analyst folded it: remembered across sessions.
    this.el.open = localStorage.getItem(OPEN_KEY) !== 'closed';
    this.el.addEventListener('toggle', () => localStorage.setItem(OPEN_KEY, this.el.open ? 'open' : 'closed'));
    container.append(this.el);
  }

  render(colourBy: ColourBy, entries: LegendEntry[]): void {
    this.el.dataset.colourBy = colourBy;
    this.el.replaceChildren(
      h('summary', {}, `${t('legend')} · ${t(colourBy === 'type' ? 'legendByType' : 'legendByVerdict')}`),
      h(
        'ul',
        {},
        ...entries.flatMap((e, i) => [
          e.group && e.group !== entries[i - 1]?.group ? h('li', { class: 'group' }, e.group) : null,
          h(
            'li',
            { 'data-entry': e.id, class: e.count === 0 ? 'none' : '' },
            h('span', { class: `swatch${e.hatched ? ' hatched' : ''}${e.dotted ? ' dotted' : ''}`, style: swatchStyle(e) }),
            h('span', { class: 'name' }, e.label),
            h('span', { class: 'count' }, e.count),
          ),
        ]),
      ),
    );
  }

  /** Keeps the legend off the selected change and the panels over the view (boxes from the view's top-left), after each frame. */
  avoid(boxes: (ScreenBox | null)[]): void {
    const corner = legendCorner(
      { width: this.container.clientWidth, height: this.container.clientHeight },
      { w: this.el.offsetWidth, h: this.el.offsetHeight },
      boxes.filter((b): b is ScreenBox => b !== null),
    );
    if (this.el.dataset.corner !== corner) this.el.dataset.corner = corner;
  }
}
