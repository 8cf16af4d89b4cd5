// The review panels: the change list (filter, sort) and the detail panel of the selected change.
import type { ChangeRecord } from '../core/api';
import { CHANGE_TYPES, type ChangeType } from '../core/changes/types';
import { reasonZh } from '../core/review/reasons-zh';
import { caseNeed } from '../core/review/case-need';
import { overdueDays } from '../core/review/overdue';
import { grouped } from '../core/review/format';
import { VERDICTS, type Verdict } from '../core/review/types';
import { TYPE_COLOURS, VERDICT_COLOURS } from './colours';
import { h } from './dom';
import { lang, paren, t, tCase, tPermit, tPriority, tProposal, tType, tVerdict, type MessageKey } from './i18n';

export const LIST_SORTS = ['priority', 'volume', 'code', 'area', 'confidence'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

export interface ListFilter {
  type: ChangeType | '';
  verdict: Verdict | '';
  zone: string;
  minVolume: number;
  sort: ListSort;
}

export const DEFAULT_FILTER: ListFilter = { type: '', verdict: '', zone: '', minVolume: 0, sort: 'priority' };

const PRIORITY_RANK = { high: 0, normal: 1, low: 2 } as const;

/** Zone names a change falls in, the sub-district included (what the zone filter offers). */
export const zoneNames = (c: ChangeRecord): string[] => [...new Set(c.zones.map((z) => z.name).concat(c.subDistrict ?? []))];

export function applyFilter(changes: ChangeRecord[], f: ListFilter): ChangeRecord[] {
  const kept = changes.filter(
    (c) =>
      (!f.type || c.type === f.type) &&
      (!f.verdict || c.verdict === f.verdict) &&
      (!f.zone || zoneNames(c).includes(f.zone)) &&
      Math.abs(c.volume_m3) >= f.minVolume,
  );
  const by: Record<ListSort, (a: ChangeRecord, b: ChangeRecord) => number> = {
    priority: (a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || Math.abs(b.volume_m3) - Math.abs(a.volume_m3),
    volume: (a, b) => Math.abs(b.volume_m3) - Math.abs(a.volume_m3),
    code: (a, b) => a.id.localeCompare(b.id),
    area: (a, b) => b.area_m2 - a.area_m2,
    confidence: (a, b) => b.confidence - a.confidence,
  };
  return kept.sort((a, b) => by[f.sort](a, b) || a.key - b.key);
}

function select<T extends string>(value: T, options: [T, string][], onChange: (v: T) => void, label: string): HTMLSelectElement {
  const el = h(
    'select',
    { 'aria-label': label, onchange: () => onChange(el.value as T) },
    ...options.map(([v, text]) => h('option', { value: v }, text)),
  );
  el.value = value;
  return el;
}

/** How long the minimum volume waits for the next keystroke before it filters the list. */
export const MIN_VOLUME_DEBOUNCE_MS = 350;

/**
 * The list's filters. `onChange` gets only what changed: while the minimum volume is typed, the page keeps this
 * panel (it does not redraw the field under the caret), so a later pick must not send back the rest of `f`.
 */
export function renderFilters(all: ChangeRecord[], f: ListFilter, onChange: (patch: Partial<ListFilter>) => void): HTMLElement {
  const zones = [...new Set(all.flatMap(zoneNames))].sort();
  const set = onChange;
  const sorts: [ListSort, MessageKey][] = [
    ['priority', 'sortPriority'],
    ['volume', 'sortVolume'],
    ['area', 'sortArea'],
    ['confidence', 'sortConfidence'],
    ['code', 'sortCode'],
  ];
  // Applied as it is typed (once the typing pauses), on Enter and on leaving the field; each value once.
  let applied = f.minVolume;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const applyMinVolume = () => {
    clearTimeout(timer);
    const value = Math.max(0, Number(minVolume.value) || 0);
    if (value !== applied) set({ minVolume: (applied = value) });
  };
  const minVolume = h('input', {
    id: 'min-volume',
    type: 'number',
    min: 0,
    step: 10,
    value: f.minVolume || '',
    placeholder: t('minVolume'),
    'aria-label': t('minVolume'),
    oninput: () => {
      clearTimeout(timer);
      timer = setTimeout(applyMinVolume, MIN_VOLUME_DEBOUNCE_MS);
    },
    onblur: applyMinVolume,
    onkeydown: (e: Event) => {
      if ((e as KeyboardEvent).key === 'Enter') applyMinVolume();
    },
  });
  return h(
    'div',
    { class: 'filters' },
    select(
      f.type,
      [['', t('allTypes')], ...CHANGE_TYPES.map((v): [ChangeType, string] => [v, tType(v)])],
      (type) => set({ type }),
      t('allTypes'),
    ),
    select(
      f.verdict,
      [['', t('allVerdicts')], ...VERDICTS.map((v): [Verdict, string] => [v, tVerdict(v)])],
      (verdict) => set({ verdict }),
      t('allVerdicts'),
    ),
    select(f.zone, [['', t('allZones')], ...zones.map((z): [string, string] => [z, z])], (zone) => set({ zone }), t('allZones')),
    minVolume,
    select(
      f.sort,
      sorts.map(([v, k]): [ListSort, string] => [v, t(k)]),
      (sort) => set({ sort }),
      t('sortBy'),
    ),
  );
}

// Thousands grouped, as the report prints them (+1,320 m³, not +1320 m³).
const signed = (v: number, digits = 0) => `${v >= 0 ? '+' : '−'}${grouped(Math.abs(v), digits)}`;

export function renderList(items: ChangeRecord[], selected: number | null, onSelect: (key: number) => void): HTMLElement {
  return h(
    'ol',
    { class: 'change-list', role: 'listbox', 'aria-label': t('changes') },
    ...items.map((c) =>
      h(
        'li',
        {
          role: 'option',
          'data-key': c.key,
          'data-verdict': c.verdict,
          'aria-selected': c.key === selected ? 'true' : 'false',
          class: c.key === selected ? 'selected' : '',
          onclick: () => onSelect(c.key),
        },
        h('span', { class: 'swatch', style: `background:${TYPE_COLOURS[c.type]}` }),
        h('span', { class: 'code' }, c.id),
        h('span', { class: 'type' }, tType(c.type)),
        h('span', { class: 'volume' }, `${signed(c.volume_m3)} m³`),
        h('span', { class: `verdict v-${c.verdict}`, style: `color:${VERDICT_COLOURS[c.verdict]}` }, tVerdict(c.verdict)),
        c.priority === 'high' ? h('span', { class: 'priority-high', title: tPriority('high') }, '!') : null,
      ),
    ),
  );
}

export interface DetailHandlers {
  verdict(v: Verdict): void;
  /** Save the note (Enter, or leaving the field); resolves false when it could not be saved. */
  note(text: string): Promise<boolean>;
  /** The note as typed so far, kept by the page so that no re-render loses it. */
  draft(text: string): void;
  flyTo(): void;
}

/** The keys that set each verdict from the keyboard. */
export const VERDICT_KEYS: Partial<Record<Verdict, string>> = {
  confirmed: 'C',
  false_positive: 'F',
  permitted: 'P',
  needs_site_visit: 'S',
  unreviewed: 'U',
};

/** Parts of the detail panel built by their own modules (renderer/panels/). */
export interface DetailParts {
  crops?: Node;
  /** The change's verdict and case history (renderer/panels/history.ts). */
  history?: Node;
  /** The note being typed, not yet saved (from an earlier rendering of this panel). */
  draft?: string;
  /** The change is of another run than the one shown: which, and how to open it (it is reviewed there). */
  elsewhere?: { runId: number; epochs: string; shownRunId: number; open: () => void };
}

export function renderDetail(c: ChangeRecord | null, handlers: DetailHandlers, parts: DetailParts = {}): HTMLElement {
  if (!c) return h('p', { class: 'hint' }, t('selectChange'));
  const row = (label: string, value: string | Node) => h('div', { class: 'row' }, h('dt', {}, label), h('dd', {}, value));
  const note = h('textarea', { rows: 3, placeholder: t('notePlaceholder'), 'aria-label': t('note'), value: parts.draft ?? c.note ?? '' });
  // Saved while it differs from what was last sent: the field blurs as the panel is redrawn after an Enter, and
  // that must not save the same note twice. A save that failed is tried again next time.
  let sent = c.note ?? '';
  const save = () => {
    if (note.value === sent) return;
    const text = (sent = note.value);
    void handlers.note(text).then((saved) => {
      if (!saved && sent === text) sent = c.note ?? '';
    });
  };
  note.addEventListener('input', () => handlers.draft(note.value));
  note.addEventListener('blur', save);
  note.addEventListener('keydown', (e) => {
    e.stopPropagation(); // typing a note must not trigger the review shortcuts
    // Enter that picks a candidate in a Chinese input method is not the end of the note.
    if (e.isComposing || e.keyCode === 229) return;
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      save();
    } else if (e.key === 'Escape') note.blur();
  });
  const zones = c.zones.filter((z) => z.kind !== 'admin').map((z) => z.name);
  return h(
    'div',
    { class: 'detail', 'data-key': c.key },
    h(
      'h2',
      {},
      h('span', { class: 'swatch', style: `background:${TYPE_COLOURS[c.type]}` }),
      `${c.id} · ${tType(c.type)}`,
      h('button', { class: 'fly', onclick: () => handlers.flyTo() }, t('flyTo')),
    ),
    parts.elsewhere ? elsewhereNote(c, parts.elsewhere) : null,
    parts.crops ?? null,
    // Why it was flagged comes first: on a laptop screen the figures below scroll under the verdicts.
    h('h3', {}, t('evidence')),
    h('ul', { class: 'reasons' }, ...c.evidence.reasons.map((r) => h('li', {}, lang() === 'zh-CN' ? reasonZh(r) : r))),
    h(
      'dl',
      {},
      row(t('volume'), `${signed(c.volume_m3)} m³`),
      row(t('area'), `${grouped(c.area_m2)} m²`),
      row(t('heightChange'), `${signed(c.height_change_mean_m, 1)} / ${signed(c.height_change_max_m, 1)} m`),
      row(t('storeys'), signed(c.storeys)),
      row(t('heights'), `${c.before_height_m.toFixed(1)} → ${c.after_height_m.toFixed(1)} m`),
      row(t('confidence'), `${Math.round(c.confidence * 100)} %`),
      row(t('coverage'), `${Math.round(c.evidence.coverage * 100)} %`),
      row(t('priority'), tPriority(c.priority)),
      row(t('subDistrict'), c.subDistrict ?? t('none')),
      row(t('zones'), zones.length ? zones.join(' · ') : t('none')),
      // Permits are for building: a removal is judged against none.
      row(t('permit'), c.volume_m3 > 0 ? tPermit(c.permitStatus) : '—'),
      row(t('caseStatus'), caseText(c)),
    ),
    parts.history ?? null,
    // The verdict and the note stay at the foot of the panel while the figures above scroll: an
    // analyst judges flag after flag and should not have to scroll to each one's buttons. A change of another run is
    // reviewed in its run (its verdict carries to the later ones).
    parts.elsewhere
      ? null
      : h(
          'div',
          { class: 'review-actions' },
          h(
            'h3',
            {},
            t('verdict'),
            // "run 1 C002" from the store, in the UI's words for a run.
            c.verdictCarriedFrom
              ? h('small', {}, paren(`${t('carriedFrom')} ${c.verdictCarriedFrom.replace(/^run (\d+) /, `${t('run')} $1 `)}`))
              : null,
          ),
          h(
            'div',
            { class: 'verdicts', role: 'group', 'aria-label': t('verdict') },
            ...VERDICTS.map((v) =>
              h(
                'button',
                {
                  class: `verdict-button${c.verdict === v ? ' active' : ''}`,
                  'data-verdict': v,
                  'aria-pressed': c.verdict === v ? 'true' : 'false',
                  style: `--accent:${VERDICT_COLOURS[v]}`,
                  onclick: () => handlers.verdict(v),
                },
                tVerdict(v),
                VERDICT_KEYS[v] ? h('kbd', {}, VERDICT_KEYS[v]) : null,
              ),
            ),
          ),
          h('h3', {}, t('note')),
          note,
        ),
    parts.elsewhere ? null : h('p', { class: 'hint' }, t('shortcuts')),
  );
}

/** Which run the change is of, when it is not the one shown, and a button to open that run. */
function elsewhereNote(c: ChangeRecord, e: NonNullable<DetailParts['elsewhere']>): HTMLElement {
  const its = `${t('run')} ${e.runId}${e.epochs ? paren(e.epochs) : ''}`;
  return h(
    'div',
    { class: 'elsewhere', role: 'note', 'data-run': e.runId },
    h(
      'p',
      {},
      lang() === 'zh-CN'
        ? `${c.id} 属于${its}，不在当前显示的批次 ${e.shownRunId} 中；三维视图中的虚线框为其在该批次中的位置。`
        : `${c.id} is a change of ${its}, not of run ${e.shownRunId} shown; the dashed box in the view is where it stood then.`,
    ),
    h('button', { class: 'open-run primary', onclick: () => e.open() }, `${t('openRun')} ${e.runId}`),
  );
}

/** The change's own case, and the cases its run checked on it (a removal that rectified one). */
function caseText(c: ChangeRecord): string {
  const late = c.case ? overdueDays(c.case, new Date()) : null;
  const lateText = late === null ? '' : lang() === 'zh-CN' ? `，⚠ 已逾期 ${late} 天` : `, ⚠ overdue by ${late} day${late === 1 ? '' : 's'}`;
  const own = c.case
    ? `#${c.case.id} ${tCase(c.case.status)}${c.case.dueDate ? ` (${t('caseDue')} ${c.case.dueDate}${lateText})` : ''}`
    : null;
  const checked = c.caseChecks.map((k) => `#${k.caseId} ${tProposal(k.outcome)}${t('caseEvidence')}`);
  // As the report words it: a removal, a permitted change or a false positive needs no case at all.
  const none = { needed: t('noCase'), not_needed: t('noCaseNeeded'), undecided: t('caseUndecided') }[caseNeed(c)];
  return [own, ...checked].filter(Boolean).join(' · ') || none;
}
