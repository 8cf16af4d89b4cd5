// The list beside the "not flagged" layer (renderer/suppressed.ts): the run's suppressed candidates, largest first,
// and the chosen one's card — why detection did not flag it, in the UI's language, with its area and height change.
import type { SuppressedCandidate } from '../../core/changes/types';
import { h } from '../dom';
import { colon, t, tSuppression, tSuppressionDetail } from '../i18n';

export interface SuppressedPanelView {
  candidates: SuppressedCandidate[];
  selected: number | null;
  colours: Record<SuppressedCandidate['reason'], string>;
  onSelect: (index: number) => void;
  onFlyTo: (index: number) => void;
  onClose: () => void;
}

const signed = (v: number, digits: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;

/** The chosen candidate: its reason, the detector's own words for it, and what it measured. */
function card(c: SuppressedCandidate, index: number, view: SuppressedPanelView): HTMLElement {
  const row = (label: string, value: string) => [h('dt', {}, label), h('dd', {}, value)];
  return h(
    'div',
    { class: 'suppressed-card', 'data-index': index, 'data-reason': c.reason },
    h(
      'div',
      { class: 'suppressed-card-head' },
      h('span', { class: 'swatch', style: `border-color:${view.colours[c.reason]}` }),
      h('strong', { class: 'id' }, candidateId(index, view.candidates.length)),
      h('strong', { class: 'reason' }, `${t('notFlaggedWhy')}${colon()}${tSuppression(c.reason)}`),
      h('button', { class: 'close', title: t('close'), 'aria-label': t('close'), onclick: () => view.onClose() }, '×'),
    ),
    h('p', { class: 'suppressed-detail' }, tSuppressionDetail(c.detail)),
    h(
      'dl',
      {},
      ...row(t('area'), `${c.area_m2.toFixed(1)} m²`),
      ...row(t('meanHeightChange'), `${signed(c.height_change_mean_m, 1)} m`),
      ...row(t('volume'), `${signed(c.volume_m3, 0)} m³`),
    ),
    h('button', { class: 'fly', onclick: () => view.onFlyTo(index) }, t('flyTo')),
  );
}

/** A candidate's short id, stable for the run: N01, N02… in the order the server lists them (N001… past 99). */
export function candidateId(index: number, count: number): string {
  return `N${String(index + 1).padStart(Math.max(2, String(count).length), '0')}`;
}

/** Indices of the candidates, the largest volume (either sign) first: what most resembles a missed building leads. */
export function byVolume(candidates: SuppressedCandidate[]): number[] {
  return candidates.map((_, i) => i).sort((a, b) => Math.abs(candidates[b].volume_m3) - Math.abs(candidates[a].volume_m3));
}

export function renderSuppressedPanel(el: HTMLDetailsElement, view: SuppressedPanelView): void {
  const { candidates, selected } = view;
  const chosen = selected === null ? null : candidates[selected];
  el.replaceChildren(
    h('summary', {}, `${t('notFlagged')} · ${candidates.length}`),
    chosen ? card(chosen, selected!, view) : h('p', { class: 'hint' }, t(candidates.length ? 'notFlaggedPick' : 'notFlaggedNone')),
    h(
      'ul',
      { class: 'suppressed-list' },
      ...byVolume(candidates).map((i) => {
        const c = candidates[i];
        return h(
          'li',
          {
            'data-index': i,
            'data-id': candidateId(i, candidates.length),
            'data-reason': c.reason,
            class: i === selected ? 'selected' : '',
            onclick: () => view.onSelect(i),
          },
          h('span', { class: 'id' }, candidateId(i, candidates.length)),
          h('span', { class: 'swatch', style: `border-color:${view.colours[c.reason]}` }),
          h('span', { class: 'name' }, tSuppression(c.reason)),
          h('span', { class: 'num' }, `${c.area_m2.toFixed(0)} m²`),
          h('span', { class: 'num' }, `${signed(c.height_change_mean_m, 1)} m`),
        );
      }),
    ),
  );
  el.querySelector('li.selected')?.scrollIntoView({ block: 'nearest' });
}
