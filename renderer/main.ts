// The review UI: project header, change list, 3D view, detail panel, keyboard review and detection runs.
// Everything comes through the bridge (ProjectApi); state that should survive a reload lives in the URL hash.
import type { ChangeRecord, ProjectInfo, RunRecord } from '../core/api';
import { CHANGE_TYPES } from '../core/changes/types';
import { errorZh } from '../core/review/errors-zh';
import { laterFirst } from '../core/review/survey-order';
import { VERDICTS, withdrawsCase, type Verdict } from '../core/review/types';
import { connect, type ViewerApi } from './bridge';
import { EpochClouds } from './clouds/epoch-clouds';
import { TYPE_COLOURS, VERDICT_COLOURS } from './colours';
import { $, h } from './dom';
import { lang, localTime, setLang, t, tCase, tSuppression, type MessageKey } from './i18n';
import { Legend, legendEntries } from './legend';
import { UNCERTAIN_COLOUR, UncertainLayer } from './uncertain';
import { SUPPRESSION_COLOURS, SUPPRESSION_REASONS, SuppressedLayer } from './suppressed';
import { clearCrops, renderCrops } from './panels/crops';
import { OrthoGround } from './ground';
import { MeasureTool } from './measure';
import { LeadMarker, type LeadSpot } from './lead-marker';
import { pointBox } from './boxes';
import { LEAD_RADIUS_M } from '../core/review/leads';
import { markShownCase, type LedgerContext } from './panels/ledger';
import { renderHistory } from './panels/history';
import { analystFocus, analystName, renderAnalystField } from './panels/analyst';
import { renderProjectInfo } from './panels/project-info';
import { openReportDialog } from './panels/report-dialog';
import { renderSidebar, SIDE_TABS, type SideTab } from './panels/sidebar';
import { applyFilter, DEFAULT_FILTER, LIST_SORTS, renderDetail, renderFilters, renderList, type ListFilter } from './review';
import { warningZh } from '../core/review/warnings-zh';
import { Viewer, type ChangeShape, type PointColour, type ViewMode } from './viewer';

const VERDICT_SHORTCUTS: Record<string, Verdict> = {
  f: 'false_positive',
  c: 'confirmed',
  p: 'permitted',
  s: 'needs_site_visit',
  u: 'unreviewed',
};

interface State {
  info: ProjectInfo;
  run: RunRecord | null;
  changes: ChangeRecord[];
  shown: ChangeRecord[];
  selected: number | null;
  /**
   * The selected change when it is not of the run shown (a case's change found by an earlier run, a lead's from
   * another): shown in the detail panel with its run named, and outlined in the view where it stood.
   */
  elsewhere: ChangeRecord | null;
  filter: ListFilter;
  colourBy: 'type' | 'verdict';
  pointColour: PointColour;
  mode: ViewMode;
  detecting: AbortController | null;
  tab: SideTab;
  /** Notes typed and not yet saved, by change key: no re-render, run switch or failed save loses them. */
  drafts: Map<number, string>;
  /** Where the selection was in the shown list: a verdict that filters it out leaves J at the next one. */
  lastIndex: number;
  /** A verdict that would close a case, waiting for the same key or button again. */
  pendingClose: { key: number; verdict: Verdict; until: number } | null;
  /** The epochs the detection bar's selects show (kept across re-renders and failures). */
  detectEpochs: [number, number] | null;
  /** A run a detection made while the analyst was reviewing: offered, not opened over their work. */
  offeredRun: number | null;
}

const params = new URLSearchParams(location.search);
/** Points per epoch drawn (?points=N, e.g. for the benchmark); 300 k keeps SwiftShader and small GPUs fluid. */
const POINTS_PER_EPOCH = Math.min(2_000_000, Number(params.get('points')) || 300_000);
/** Points drawn from the level-of-detail octrees, both epochs together (?budget=N). */
const POINT_BUDGET = Math.min(10_000_000, Number(params.get('budget')) || 1_000_000);

const api: ViewerApi = connect();
let state: State;
let viewer: Viewer | null = null;
let measure: MeasureTool | null = null;
let ground: OrthoGround | null = null;
let clouds: EpochClouds | null = null;
let legend: Legend | null = null;
let uncertain: UncertainLayer | null = null;
let suppressed: SuppressedLayer | null = null;
let leadMarker: LeadMarker | null = null;
let loadedClouds = '';

/** Where the analyst was: run, change, the list's filter and sort, the sidebar tab (a reload or a shared link returns there). */
function readHash(): { run?: number; change?: number; filter: ListFilter; tab: SideTab } {
  const p = new URLSearchParams(location.hash.slice(1));
  const num = (k: string) => (p.has(k) ? Number(p.get(k)) : undefined);
  const str = <T extends string>(k: string, fallback: T) => (p.get(k) ?? fallback) as T;
  return {
    run: num('run'),
    change: num('change'),
    filter: {
      type: oneOf(str('type', DEFAULT_FILTER.type), ['', ...CHANGE_TYPES], DEFAULT_FILTER.type),
      verdict: oneOf(str('verdict', DEFAULT_FILTER.verdict), ['', ...VERDICTS], DEFAULT_FILTER.verdict),
      zone: str('zone', DEFAULT_FILTER.zone),
      minVolume: Math.max(0, num('min') || 0),
      sort: oneOf(str('sort', DEFAULT_FILTER.sort), LIST_SORTS, DEFAULT_FILTER.sort),
    },
    tab: oneOf(str<SideTab>('tab', 'changes'), SIDE_TABS, 'changes'),
  };
}

function writeHash(): void {
  const p = new URLSearchParams();
  if (state.run) p.set('run', String(state.run.id));
  if (state.selected !== null) p.set('change', String(state.selected));
  const f = state.filter;
  if (f.type) p.set('type', f.type);
  if (f.verdict) p.set('verdict', f.verdict);
  if (f.zone) p.set('zone', f.zone);
  if (f.minVolume) p.set('min', String(f.minVolume));
  if (f.sort !== DEFAULT_FILTER.sort) p.set('sort', f.sort);
  if (state.tab !== 'changes') p.set('tab', state.tab);
  const hash = `#${p}`;
  lastHash = hash;
  history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
}

/** A value from a link, if it is one of those the page knows (a hand-edited link may say anything). */
function oneOf<T extends string>(value: string, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** The hash this page last wrote: a different one is a link pasted into the address bar. */
let lastHash = '';

/** The status bar's message, made again in the new language when the language changes. */
let statusMessage: { text: () => string; kind: 'info' | 'error' } | null = null;

function status(text: () => string, kind: 'info' | 'error' = 'info'): void {
  statusMessage = { text, kind };
  const el = $('status');
  el.textContent = text();
  el.dataset.kind = kind;
}

function fail(error: unknown): void {
  console.error(error);
  status(() => `${t('error')}: ${errorText(error)}`, 'error');
}

/** An error as the analyst should read it: the browser's own words for a lost connection are no help. */
function errorText(error: unknown): string {
  const e = error as Error;
  if (e instanceof TypeError && /fetch|network/i.test(e.message)) return t('serverUnreachable');
  return lang() === 'zh-CN' ? errorZh(e.message) : e.message;
}

// ── header ────────────────────────────────────────────────────────────────────────────────────────────────

function renderHeader(): void {
  const runs = state.info.runs;
  const runSelect = h(
    'select',
    { id: 'run-select', 'aria-label': t('run'), onchange: () => void openRun(Number(runSelect.value)).catch(fail) },
    // Dated, with the time's offset as the report gives it: a comparison run again reads the same otherwise. The date
    // comes first, so that it stays in sight when the header cuts the label short (long epoch labels); all of it on hover.
    ...runs.map((r) =>
      h(
        'option',
        { value: r.id },
        `${t('run')} ${r.id} · ${localTime(new Date(r.finishedAt), true)} · ${r.before.label} → ${r.after.label} (${r.changeCount})`,
      ),
    ),
  );
  if (state.run) runSelect.value = String(state.run.id);
  runSelect.title = runSelect.selectedOptions[0]?.textContent ?? '';
  const toggle = <T extends string>(name: string, current: T, options: [T, MessageKey][], onPick: (v: T) => void) =>
    h(
      'div',
      { class: 'toggle', role: 'group', 'data-name': name },
      ...options.map(([value, key]) =>
        h('button', { 'data-value': value, 'aria-pressed': current === value ? 'true' : 'false', onclick: () => onPick(value) }, t(key)),
      ),
    );
  // Rebuilding the header moves the analyst's name field out and back: whoever is typing in it keeps the caret.
  const refocusAnalyst = analystFocus();
  $('header').replaceChildren(
    h('h1', {}, t('appTitle')),
    renderProjectInfo(state.info),
    runs.length ? runSelect : h('span', { class: 'hint' }, t('noRuns')),
    toggle(
      'mode',
      state.mode,
      [
        ['before', 'viewBefore'],
        ['after', 'viewAfter'],
        ['swipe', 'viewSwipe'],
      ],
      setMode,
    ),
    toggle(
      'points',
      state.pointColour,
      [
        ['rgb', 'colourRgb'],
        ['height', 'colourHeight'],
        ['class', 'colourClass'],
        ['change', 'colourChange'],
      ],
      (c) => {
        state.pointColour = c;
        viewer?.setPointColour(c);
        clouds?.setColour(c);
        renderHeader();
      },
    ),
    toggle(
      'colour-by',
      state.colourBy,
      [
        ['type', 'colourByType'],
        ['verdict', 'colourByVerdict'],
      ],
      (c) => {
        state.colourBy = c;
        viewer?.recolour(new Map(state.changes.map((ch) => [ch.key, changeColour(ch)])));
        renderHeader();
        renderLegend();
      },
    ),
    h('button', { class: 'overview', onclick: () => flyOverview(false) }, t('overview')),
    h('button', { id: 'export-report', disabled: !state.run, onclick: () => exportReport() }, t('exportReport')),
    renderAnalystField(),
    h('button', { id: 'lang', onclick: () => switchLang() }, t('language')),
  );
  refocusAnalyst();
}

/** Which epoch lies on which side of the swipe. */
function renderSwipeLabels(): void {
  const run = state.run;
  $('swipe-divider').replaceChildren(
    ...(run
      ? [
          h('span', { class: 'swipe-label before' }, `${t('viewBefore')} · ${run.before.label}`),
          h('span', { class: 'swipe-label after' }, `${t('viewAfter')} · ${run.after.label}`),
        ]
      : []),
  );
}

function setMode(mode: ViewMode): void {
  state.mode = mode;
  viewer?.setMode(mode);
  $('swipe-divider').hidden = mode !== 'swipe';
  $('view').dataset.mode = mode;
  renderHeader();
}

function switchLang(): void {
  setLang(lang() === 'en' ? 'zh-CN' : 'en');
  if (state.elsewhere) viewer?.setChanges(changeShapes()); // its label names its run
  renderAll();
  if (statusMessage) status(statusMessage.text, statusMessage.kind);
}

// ── list and detail ───────────────────────────────────────────────────────────────────────────────────────

const changeColour = (c: ChangeRecord) => (state.colourBy === 'type' ? TYPE_COLOURS[c.type] : VERDICT_COLOURS[c.verdict]);

function renderPanels(): void {
  state.shown = applyFilter(state.changes, state.filter);
  const at = state.shown.findIndex((c) => c.key === state.selected);
  if (at >= 0) state.lastIndex = at;
  // Not redrawn under the analyst typing a minimum volume: the field would lose the caret at each pause.
  if (document.activeElement?.id !== 'min-volume')
    $('filters').replaceChildren(
      renderFilters(state.changes, state.filter, (patch) => {
        state.filter = { ...state.filter, ...patch };
        writeHash();
        renderPanels();
      }),
    );
  $('list-title').textContent = `${t('changes')} · ${state.shown.length} / ${state.changes.length} ${t('shown')}`;
  renderRunNotes();
  renderLegend();
  $('list').replaceChildren(renderList(state.shown, state.selected, (key) => select(key, true)));
  $('list').querySelector('li.selected')?.scrollIntoView({ block: 'nearest' });
  markShownCase(state.selected);
  const change = selectedChange();
  const elsewhere = change && change.runId !== state.run?.id ? change : null;
  const itsRun = elsewhere && state.info.runs.find((r) => r.id === elsewhere.runId);
  $('detail').replaceChildren(
    renderDetail(
      change,
      {
        verdict: (v) => void setVerdict(v),
        note: (text) => (change ? saveNote(change.key, text) : Promise.resolve(false)),
        draft: (text) => {
          if (!change) return;
          state.drafts.set(change.key, text);
          keepDrafts();
        },
        flyTo: () => change && flyToChange(change, false),
      },
      {
        crops: change ? renderCrops(api, change.key, change.footprint) : undefined,
        history: change ? renderHistory(api, change.key) : undefined,
        draft: change ? state.drafts.get(change.key) : undefined,
        elsewhere:
          elsewhere && state.run
            ? {
                runId: elsewhere.runId,
                epochs: itsRun ? `${itsRun.before.label} → ${itsRun.after.label}` : '',
                shownRunId: state.run.id,
                open: () => void openRun(elsewhere.runId, elsewhere.key).catch(fail),
              }
            : undefined,
      },
    ),
  );
}

/** The legend of the colouring in use, counted over the run's changes (a verdict moves one from row to row). */
function renderLegend(): void {
  const entries = legendEntries(state.colourBy, state.changes);
  if (uncertain?.visible)
    entries.push({ id: 'uncertain', label: t('uncertainAreas'), colour: UNCERTAIN_COLOUR, count: uncertain.count, hatched: true });
  if (suppressed?.visible) {
    // The reasons this run has (all six would crowd a laptop's view), or the layer's name alone when it has none.
    const counts = suppressed.counts();
    const present = SUPPRESSION_REASONS.filter((r) => counts[r] > 0);
    for (const r of present)
      entries.push({
        id: `suppressed-${r}`,
        label: tSuppression(r),
        colour: SUPPRESSION_COLOURS[r],
        count: counts[r],
        dotted: true,
        group: t('notFlagged'),
      });
    if (present.length === 0) entries.push({ id: 'suppressed', label: t('notFlagged'), colour: '#9399a3', count: 0, dotted: true });
  }
  legend?.render(state.colourBy, entries);
}

/** What the run itself warned of (little seen in common, sparse points, an offset removed): a quiet list is no all-clear without it. */
function renderRunNotes(): void {
  const el = $('run-notes') as HTMLDetailsElement;
  const run = state.run;
  const notes = run ? run.warnings.map((w) => (lang() === 'zh-CN' ? warningZh(w) : w)) : [];
  const al = run?.alignment;
  el.hidden = !run;
  if (!run) return;
  const shift = al ? `${t('alignment')} ${al.dz >= 0 ? '+' : '−'}${Math.abs(al.dz).toFixed(2)} m` : t('noAlignment');
  el.replaceChildren(
    h('summary', { class: notes.length ? 'warn' : '' }, notes.length ? `⚠ ${notes.length} ${t('runWarnings')} · ${shift}` : shift),
    h('ul', {}, ...notes.map((n) => h('li', {}, n))),
  );
}

function ledgerContext(): LedgerContext {
  return {
    api,
    changes: state.changes,
    runId: state.run?.id ?? null,
    get selected() {
      return state.selected; // read when the cases have loaded, not when the panel was drawn
    },
    select: (key) => select(key, true),
    show: (key) => void showChange(key).catch(fail),
    markLead: (lead, fly = true) => markLead(lead, fly),
    markedLead,
    status: (message: string, kind?: 'info' | 'error') => status(() => message, kind),
    onCaseChanged: (caseId, changeKey) => {
      // The case's own change, and the changes of this run that carry it (a later run's code for it).
      for (const c of state.changes) if (c.key === changeKey || c.case?.id === caseId) void refreshChange(c.key).catch(fail);
    },
  };
}

function renderTabs(): void {
  // The lead's mark belongs to the leads panel.
  if (state.tab !== 'leads') markLead(null, false);
  renderSidebar(
    state.tab,
    (tab) => {
      state.tab = tab;
      writeHash();
      renderTabs();
    },
    ledgerContext,
  );
}

/** The code of the complaint lead marked in the view. */
let markedLead: string | null = null;

/** Marks a complaint lead's spot in the view, whatever its answer, and flies there (or clears the mark). */
function markLead(lead: LeadSpot | null, fly: boolean): void {
  markedLead = lead?.code ?? null;
  const z = leadMarker?.show(lead) ?? null;
  if (lead && fly) viewer?.flyTo(pointBox(lead.x, lead.y, LEAD_RADIUS_M + 5), z ?? projectBox().minZ, false);
}

function renderAll(): void {
  renderHeader();
  renderSwipeLabels();
  measure?.relabel();
  ground?.relabel();
  uncertain?.relabel();
  suppressed?.relabel();
  renderTabs();
  renderPanels();
  renderDetection();
  document.title = `${state.info.name} — VoxWatch`;
}

/** The selected change: of the run shown, or the one of another run shown beside it (state.elsewhere). */
function selectedChange(): ChangeRecord | null {
  const key = state.selected;
  return state.changes.find((c) => c.key === key) ?? (state.elsewhere?.key === key ? state.elsewhere : null);
}

/** Counts the selections made: a change of another run still being fetched must not replace a later choice. */
let selections = 0;

function select(key: number | null, fly: boolean): void {
  flushDraft();
  selections++;
  if (state.elsewhere && state.elsewhere.key !== key) {
    // Its outline goes with it.
    state.elsewhere = null;
    viewer?.setChanges(changeShapes());
  }
  state.selected = key;
  const at = state.shown.findIndex((c) => c.key === key);
  if (at >= 0) state.lastIndex = at;
  viewer?.select(key);
  clouds?.setChanges(state.changes, key);
  writeHash();
  renderPanels();
  const change = selectedChange();
  if (change && fly) flyToChange(change, false);
}

/**
 * Selects a change of any run. One of another run than the one shown (a case's own change, found by an earlier run)
 * is fetched and shown in the detail panel with its run named and a button to open that run, and outlined in the view
 * where it stood: the run shown may hold nothing there any more (a structure removed since).
 */
async function showChange(key: number): Promise<void> {
  if (state.changes.some((c) => c.key === key) || state.elsewhere?.key === key) return select(key, true);
  const ticket = ++selections;
  const change = await api.getChange(key);
  if (ticket !== selections) return; // another choice, or another run opened, came meanwhile
  // The run shown may have become the change's own while it was fetched.
  if (change.runId === state.run?.id) return select(key, true);
  state.elsewhere = change;
  viewer?.setChanges(changeShapes());
  select(key, true);
}

function step(by: 1 | -1): void {
  const list = state.shown;
  if (list.length === 0) return;
  const at = list.findIndex((c) => c.key === state.selected);
  // A selection the filter has just hidden (F in an "unreviewed" queue) was at lastIndex: the
  // change after it is now there.
  const next =
    at >= 0
      ? Math.min(list.length - 1, Math.max(0, at + by))
      : state.selected !== null
        ? Math.min(list.length - 1, Math.max(0, by > 0 ? state.lastIndex : state.lastIndex - 1))
        : by > 0
          ? 0
          : list.length - 1;
  select(list[next].key, true);
}

async function refreshChange(key: number): Promise<void> {
  const fresh = await api.getChange(key); // what the store now holds, not what we asked for
  state.changes = state.changes.map((c) => (c.key === key ? fresh : c));
  viewer?.recolour(new Map([[key, changeColour(fresh)]]));
  renderPanels();
}

async function setVerdict(verdict: Verdict): Promise<void> {
  const key = state.selected;
  const change = state.changes.find((c) => c.key === key);
  if (key !== null && state.elsewhere?.key === key) {
    const runId = state.elsewhere.runId;
    return status(() => `${t('reviewInItsRun')} ${runId}`, 'error');
  }
  if (key === null || !change) return;
  // What the analyst judges against: the verdict last pressed for it and not yet answered, else the one shown.
  const current = queued.get(key)?.verdict ?? change.verdict;
  // Withdrawing a confirmation closes its case (台账): one stray key must not do that, nor a quick second key after C.
  const hasCase = change.case ? change.case.status !== 'closed' : current === 'confirmed' && change.volume_m3 > 0;
  const closes = withdrawsCase(current, verdict) && hasCase;
  const p = state.pendingClose;
  if (closes && !(p && p.key === key && p.verdict === verdict && p.until > Date.now())) {
    state.pendingClose = { key, verdict, until: Date.now() + 8000 };
    const c = change.case;
    status(() => `${t('caseWouldClose')}${c ? ` #${c.id} (${tCase(c.status)})` : ''}: ${t('pressAgain')}`, 'error');
    return;
  }
  state.pendingClose = null;
  const id = change.id;
  const mine = { verdict, refusals: refused.get(key) ?? 0 };
  const actor = analystName(); // who pressed it, whatever the field says by the time it is sent
  queued.set(key, mine);
  const send = async () => {
    try {
      // A press that rested on one the project refused is dropped with it: the analyst sees what it holds first.
      if ((refused.get(key) ?? 0) !== mine.refusals) return;
      // The verdict judged against is sent with it: one set meanwhile elsewhere (the CLI, another window) is not undone
      // unseen.
      await api.setVerdict([key], verdict, { expected: current, actor });
      await refreshChange(key);
      status(() => `${t('verdictSaved')}: ${id}`);
    } catch (e) {
      refused.set(key, mine.refusals + 1);
      fail(e);
      await refreshChange(key).catch(() => undefined); // show what the project holds now
    } finally {
      if (queued.get(key) === mine) queued.delete(key);
    }
  };
  // One at a time, in the order pressed: keys pressed faster than the server answers.
  verdictsSent = verdictsSent.then(send);
  await verdictsSent;
}

/** The verdicts this page sent, in order (setVerdict). */
let verdictsSent: Promise<void> = Promise.resolve();
/** Per change, the verdict last pressed and not yet answered. */
const queued = new Map<number, { verdict: Verdict; refusals: number }>();
/** Per change, how many of its verdicts the project refused (a press queued before a refusal is dropped). */
const refused = new Map<number, number>();

/** Saves a note; false when it could not be saved (it stays a draft). */
async function saveNote(key: number, text: string): Promise<boolean> {
  try {
    await api.setNote(key, text, analystName());
    if (state.drafts.get(key) === text) state.drafts.delete(key);
    keepDrafts();
    if (state.changes.some((c) => c.key === key)) await refreshChange(key);
    status(() => t('noteSaved'));
    return true;
  } catch (e) {
    console.error(e);
    // The draft stays (in the field and in state.drafts) and is saved on the next Enter or blur;
    // text typed while this request failed is newer and stays as it is.
    if (!state.drafts.has(key)) state.drafts.set(key, text);
    keepDrafts();
    status(() => `${t('noteNotSaved')}: ${errorText(e)}`, 'error');
    return false;
  }
}

/** Where unsaved notes wait in the browser (localStorage), per project file: never another project's. */
const draftsKey = () => `voxwatch-drafts:${state.info.path}`;

function keepDrafts(): void {
  try {
    if (state.drafts.size) localStorage.setItem(draftsKey(), JSON.stringify([...state.drafts]));
    else localStorage.removeItem(draftsKey());
  } catch {
    // storage full or off: the drafts still live in the page
  }
}

function restoredDrafts(): [number, string][] {
  try {
    const list = JSON.parse(localStorage.getItem(draftsKey()) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((e): e is [number, string] => Number.isInteger(e?.[0]) && typeof e?.[1] === 'string') : [];
  } catch {
    return [];
  }
}

/** Saves the selected change's typed note before the selection or the run changes under it. */
function flushDraft(): void {
  const key = state.selected;
  const draft = key === null ? undefined : state.drafts.get(key);
  const change = state.changes.find((c) => c.key === key);
  if (key === null || draft === undefined) return;
  if (change && draft === (change.note ?? '')) state.drafts.delete(key);
  else void saveNote(key, draft);
}

function onKey(e: KeyboardEvent): void {
  const target = e.target as HTMLElement;
  if (e.ctrlKey || e.metaKey || e.altKey || target.closest('input, textarea, select')) return;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (key === 'j' || key === 'ArrowDown') step(1);
  else if (key === 'k' || key === 'ArrowUp') step(-1);
  else if (VERDICT_SHORTCUTS[key]) void setVerdict(VERDICT_SHORTCUTS[key]);
  else return;
  e.preventDefault();
}

// ── 3D view ───────────────────────────────────────────────────────────────────────────────────────────────

function projectBox(): { minX: number; minY: number; maxX: number; maxY: number; minZ: number } {
  const epochs = state.info.epochs;
  return {
    minX: Math.min(...epochs.map((e) => e.bounds.minX)),
    minY: Math.min(...epochs.map((e) => e.bounds.minY)),
    maxX: Math.max(...epochs.map((e) => e.bounds.maxX)),
    maxY: Math.max(...epochs.map((e) => e.bounds.maxY)),
    minZ: Math.min(...epochs.map((e) => e.bounds.minZ)),
  };
}

function ensureViewer(): Viewer | null {
  if (viewer || state.info.epochs.length === 0) return viewer;
  const b = projectBox();
  viewer = new Viewer($('view'), [Math.round((b.minX + b.maxX) / 2), Math.round((b.minY + b.maxY) / 2), Math.floor(b.minZ)]);
  viewer.onPick = (key) => select(key, false);
  legend = new Legend($('view'));
  uncertain = new UncertainLayer(viewer, api, $('view'), b.minZ - viewer.origin[2]);
  uncertain.onChange = renderLegend;
  suppressed = new SuppressedLayer(viewer, api, $('view'), b.minZ - viewer.origin[2]);
  suppressed.onChange = renderLegend;
  const v = viewer;
  v.hooks.afterRender.push(() => judgeAwaitedSide(v));
  v.hooks.afterRender.push(() => {
    const box = v.screenBox(state.selected);
    // The id label stands above the change's top: kept clear too.
    legend?.avoid([box && { ...box, top: box.top - LABEL_HEIGHT }]);
    if (box) $('view').dataset.selectedBox = [box.left, box.top - LABEL_HEIGHT, box.right, box.bottom].map(Math.round).join(',');
    else delete $('view').dataset.selectedBox;
  });
  measure = new MeasureTool(viewer, $('view'));
  leadMarker = new LeadMarker(viewer, $('view'), b.minZ - viewer.origin[2]);
  measure.groundZ = b.minZ - viewer.origin[2];
  ground = new OrthoGround(viewer, api, $('view'));
  // Whether the status bar shows the octree build's progress, to be replaced once it is done.
  let showingBuild = false;
  clouds = new EpochClouds(viewer, $('view'), POINT_BUDGET, (statuses) => {
    const building = statuses.find((s) => s.state !== 'ready');
    if (building?.state === 'failed') status(() => `${t('octreeFailed')}: ${building.error ?? ''}`, 'error');
    else if (building)
      status(() => `${t('buildingOctree')}… ${building.total > 0 ? Math.round((100 * building.done) / building.total) : 0} %`);
    else if (showingBuild) status(() => t('octreeReady'));
    showingBuild = !!building && building.state !== 'failed';
  });
  viewer.setMode(state.mode);
  flyOverview(true);
  initSwipe(viewer);
  return viewer;
}

/** Height of a change's id label over the view, CSS pixels (style.css .change-label). */
const LABEL_HEIGHT = 24;

function flyOverview(instant: boolean): void {
  const b = projectBox();
  viewer?.flyTo(b, b.minZ, instant);
}

function changeBox(c: ChangeRecord, margin: number) {
  const xs = c.footprint.flatMap((p) => p[0].map(([x]) => x));
  const ys = c.footprint.flatMap((p) => p[0].map(([, y]) => y));
  return { minX: Math.min(...xs) - margin, minY: Math.min(...ys) - margin, maxX: Math.max(...xs) + margin, maxY: Math.max(...ys) + margin };
}

/**
 * Looks at the changed volume itself (half-way up it: a ground-level extension's walls, not the ground), from the side
 * it is open to view from: an extension is seen from its free side, not through the building it is attached to.
 */
function flyToChange(c: ChangeRecord, instant: boolean): void {
  const v = viewer;
  if (v) {
    const z = (c.before_top_z + c.after_top_z) / 2;
    const side = v.sideToView(c.footprint, z);
    v.flyTo(changeBox(c, 20), z, instant, side ?? undefined);
    sideAwaited = side ? null : { change: c, until: performance.now() + SIDE_WAIT_MS, next: 0 };
  }
  scheduleDetail(c);
}

/**
 * A change flown to before any of its points were drawn (a link opened, a run switched), from the default side: once
 * its points are there, judged again on them and flown to from the side they leave open, unless the analyst has
 * moved the view or chosen another change meanwhile.
 */
let sideAwaited: { change: ChangeRecord; until: number; next: number } | null = null;
/** How long points may take to come, and how often they are judged meanwhile (each try reads every point drawn). */
const SIDE_WAIT_MS = 10_000;
const SIDE_TRY_MS = 250;

function judgeAwaitedSide(v: Viewer): void {
  const awaited = sideAwaited;
  if (!awaited || v.flying) return;
  const c = awaited.change;
  const now = performance.now();
  // A change in a data hole may never get points around it: the default side stays.
  if (state.selected !== c.key || !v.atFlightEnd() || now > awaited.until) return void (sideAwaited = null);
  if (now < awaited.next) return;
  awaited.next = now + SIDE_TRY_MS;
  if (v.sideToView(c.footprint, (c.before_top_z + c.after_top_z) / 2)) flyToChange(c, true);
}

/** Points per epoch in the denser sample around the selected change. */
const DETAIL_POINTS = Math.round(POINTS_PER_EPOCH / 2);
let detailTimer: ReturnType<typeof setTimeout> | undefined;
let detailWanted = '';

/** Loads a denser sample of both epochs around the change, once the analyst stops stepping through the list. */
function scheduleDetail(c: ChangeRecord): void {
  clearTimeout(detailTimer);
  detailTimer = setTimeout(() => void loadDetail(c).catch(fail), 300);
}

async function loadDetail(c: ChangeRecord): Promise<void> {
  const v = viewer;
  const run = state.run;
  if (!v || !run) return;
  const box = changeBox(c, 45);
  const wanted = `${run.id}/${c.key}`;
  if (detailWanted === wanted) return;
  detailWanted = wanted;
  if (clouds?.covers(run)) return void ($('view').dataset.detail = c.id); // level of detail needs no denser sample
  const [before, after] = await Promise.all(
    [run.before.id, run.after.id].map((id) => api.epochPoints(id, { box, maxPoints: DETAIL_POINTS, origin: v.origin })),
  );
  if (detailWanted !== wanted) return;
  const area = (box.maxX - box.minX) * (box.maxY - box.minY);
  v.setCloud('beforeDetail', before, Math.sqrt(area / Math.max(1, before.count)));
  v.setCloud('afterDetail', aligned(after, run), Math.sqrt(area / Math.max(1, after.count)));
  $('view').dataset.detail = c.id;
}

/** The later epoch's points where the run compared them: lifted by its vertical alignment (metres, 30 for a datum apart). */
function aligned<T extends { origin: [number, number, number] }>(points: T, run: RunRecord): T {
  const dz = run.alignment?.dz ?? 0;
  return dz ? { ...points, origin: [points.origin[0], points.origin[1], points.origin[2] + dz] } : points;
}

function changeShapes(): ChangeShape[] {
  // Labels give way in the list's default order: high priority first, then the larger volume.
  const ranked = applyFilter(state.changes, DEFAULT_FILTER);
  const rank = new Map(ranked.map((c, i) => [c.key, i]));
  const shape = (c: ChangeRecord): ChangeShape => ({
    key: c.key,
    label: c.id,
    footprint: c.footprint,
    bottom: Math.min(c.before_top_z, c.after_top_z),
    top: Math.max(c.before_top_z, c.after_top_z),
    colour: changeColour(c),
    rank: rank.get(c.key) ?? 0,
  });
  const shapes = state.changes.map(shape);
  // A change of another run, where it stood in that run's survey: named by its run, dashed.
  const e = state.elsewhere;
  if (e) shapes.push({ ...shape(e), label: `${t('run')} ${e.runId} · ${e.id}`, rank: -1, elsewhere: true });
  return shapes;
}

async function loadClouds(run: RunRecord): Promise<void> {
  const v = ensureViewer();
  const wanted = `${run.before.id}/${run.after.id}/${run.alignment?.dz ?? 0}`;
  if (!v || loadedClouds === wanted) return;
  loadedClouds = wanted;
  detailWanted = '';
  v.removeCloud('beforeDetail');
  v.removeCloud('afterDetail');
  const view = $('view');
  view.dataset.points = 'loading';
  status(() => t('loadingPoints'));
  clouds?.setChanges(state.changes, state.selected);
  const octrees = clouds?.showRun(run, state.info.epochs).catch(fail);
  if (clouds && (await clouds.bothReady(run))) {
    // Both epochs have octrees: no plain samples to read.
    await octrees;
    if (loadedClouds !== wanted) return;
    const count = state.info.epochs.filter((e) => e.id === run.before.id || e.id === run.after.id).reduce((n, e) => n + e.points, 0);
    view.dataset.points = String(count);
    status(() => `${run.before.label} / ${run.after.label}: ${count.toLocaleString()} ${t('points')}`);
    return;
  }
  const [before, after] = await Promise.all(
    [run.before.id, run.after.id].map((id) => api.epochPoints(id, { maxPoints: POINTS_PER_EPOCH, origin: v.origin })),
  );
  if (loadedClouds !== wanted) return; // another run was opened meanwhile
  const b = projectBox();
  const area = (b.maxX - b.minX) * (b.maxY - b.minY);
  v.setCloud('before', before, Math.sqrt(area / Math.max(1, before.count)));
  v.setCloud('after', aligned(after, run), Math.sqrt(area / Math.max(1, after.count)));
  view.dataset.points = String(before.count + after.count);
  status(
    () => `${run.before.label}: ${before.count.toLocaleString()} / ${run.after.label}: ${after.count.toLocaleString()} ${t('points')}`,
  );
}

function initSwipe(v: Viewer): void {
  const divider = $('swipe-divider');
  const view = $('view');
  const place = () => (divider.style.left = `${v.swipe * 100}%`);
  place();
  divider.addEventListener('pointerdown', (e) => {
    divider.setPointerCapture(e.pointerId);
    const move = (m: PointerEvent) => {
      const rect = view.getBoundingClientRect();
      // Kept on the screen: a divider dragged off it cannot be grabbed again.
      v.setSwipe(Math.min(0.97, Math.max(0.03, (m.clientX - rect.left) / rect.width)));
      view.dataset.swipe = v.swipe.toFixed(3);
      place();
    };
    const up = () => {
      divider.removeEventListener('pointermove', move);
      divider.removeEventListener('pointerup', up);
    };
    divider.addEventListener('pointermove', move);
    divider.addEventListener('pointerup', up);
    e.preventDefault();
  });
}

function exportReport(): void {
  if (!state.run) return;
  openReportDialog({
    api,
    viewer,
    run: state.run,
    changes: state.changes,
    shown: state.shown,
    filter: state.filter,
    defaultAuthor: state.info.author,
    status: (message: string, kind?: 'info' | 'error') => status(() => message, kind),
    onClose: () => {
      // The snapshots replaced the detail sample around the selection: load it again.
      detailWanted = '';
      viewer?.removeCloud('afterDetail');
      const selected = selectedChange();
      if (selected) scheduleDetail(selected);
    },
  });
}

// ── runs and detection ────────────────────────────────────────────────────────────────────────────────────

/** Counts the runs opened: the changes of a run still being fetched must not land on a run opened since. */
let openings = 0;

/** Opens a run (the latest when `runId` names none); false when another run was opened before it was shown. */
async function openRun(runId: number | undefined, keepSelection?: number): Promise<boolean> {
  // A change of another run still being fetched for the run shown until now must not land on this one.
  selections++;
  const opening = ++openings;
  flushDraft();
  state.offeredRun = null;
  clearCrops();
  const run = state.info.runs.find((r) => r.id === runId) ?? state.info.runs.at(-1) ?? null;
  const changes = run ? (await api.listChanges({ runId: run.id, limit: 100_000 })).items : [];
  if (opening !== openings) return false; // another run was opened meanwhile
  // The run and its list change together: a render while the list loads shows the run before, whole.
  state.run = run;
  state.changes = changes;
  // A link may name a change of another run (a case's, opened from the ledger): shown beside this run's.
  const elsewhere =
    keepSelection !== undefined && state.run && !state.changes.some((c) => c.key === keepSelection)
      ? await api.getChange(keepSelection).catch(() => null)
      : null;
  if (opening !== openings) return false;
  state.elsewhere = elsewhere;
  state.selected = state.changes.some((c) => c.key === keepSelection) || state.elsewhere ? keepSelection! : null;
  ensureViewer();
  viewer?.setChanges(changeShapes());
  ground?.setRun(state.run);
  void uncertain?.setRun(state.run).catch(fail);
  void suppressed?.setRun(state.run).catch(fail);
  viewer?.select(state.selected);
  clouds?.setChanges(state.changes, state.selected);
  writeHash();
  renderAll();
  const selected = selectedChange();
  if (selected) flyToChange(selected, true);
  else flyOverview(false); // a new run: show all of it, not the previous run's change
  if (state.run) await loadClouds(state.run);
  uncertain?.redraw(); // on the ground of the points now drawn
  suppressed?.redraw();
  return opening === openings;
}

function renderDetection(): void {
  const epochs = state.info.epochs;
  const epochSelect = (id: string, preferred: number) => {
    const el = h(
      'select',
      // Named by the label around it ("Before", "After"), not by its id.
      { id },
      ...epochs.map((e) => h('option', { value: e.id }, `${e.label}${e.date ? ` (${e.date})` : ''}`)),
    );
    el.value = String(epochs[Math.max(0, Math.min(epochs.length - 1, preferred))]?.id ?? '');
    return el;
  };
  const before = epochSelect('detect-before', epochs.length - 2);
  const after = epochSelect('detect-after', epochs.length - 1);
  if (state.detectEpochs) [before.value, after.value] = state.detectEpochs.map(String);
  const running = state.detecting !== null;
  const run = h(
    'button',
    { id: 'run-detection', onclick: () => void runDetection(Number(before.value), Number(after.value)) },
    t('runDetection'),
  );
  const problem = h('span', { id: 'detect-problem', class: 'hint' });
  // The same epoch twice is refused by the store; a later survey as "before" reads removals as additions.
  const check = () => {
    state.detectEpochs = [Number(before.value), Number(after.value)];
    const [a, b] = [epochs.find((e) => e.id === Number(before.value)), epochs.find((e) => e.id === Number(after.value))];
    const same = a?.id === b?.id;
    // As the store decides: refused when both dates are sure, questioned when one was read off a file.
    const backwards = !same && a && b ? laterFirst(a, b) : null;
    problem.textContent = same ? t('sameEpoch') : backwards === 'refused' ? t('laterFirst') : backwards ? t('laterFirstDoubtful') : '';
    run.disabled = running || same || backwards === 'refused';
  };
  before.addEventListener('change', check);
  after.addEventListener('change', check);
  check();
  const offered = state.offeredRun;
  $('detection').replaceChildren(
    h('span', { class: 'label' }, t('detection')),
    h('label', {}, t('before'), before),
    h('label', {}, t('after'), after),
    run,
    problem,
    h('progress', { id: 'detect-progress', max: 1, value: 0, hidden: !running }),
    h('span', { id: 'detect-phase' }),
    h('button', { id: 'cancel-detection', hidden: !running, onclick: () => state.detecting?.abort() }, t('cancel')),
    ...(offered
      ? [
          h(
            'button',
            { id: 'open-new-run', class: 'primary', onclick: () => void openRun(offered).catch(fail) },
            `${t('openNewRun')} ${offered}`,
          ),
        ]
      : []),
  );
}

async function runDetection(before: number, after: number): Promise<void> {
  if (state.detecting) return;
  state.detecting = new AbortController();
  renderDetection();
  const bar = $('detect-progress') as HTMLProgressElement;
  const phase = $('detect-phase');
  $('detection').dataset.state = 'running';
  delete $('detection').dataset.phase;
  status(() => t('detectionRunning'));
  try {
    const run = await api.detect(
      before,
      after,
      {},
      {
        signal: state.detecting.signal,
        onProgress: (p) => {
          bar.value = p.total > 0 ? p.done / p.total : 0;
          phase.textContent = `${t(`phase_${p.phase}` as MessageKey)} ${p.total > 0 ? `${Math.round((100 * p.done) / p.total)} %` : ''}`;
          $('detection').dataset.phase = p.phase;
        },
      },
    );
    state.detecting = null;
    state.info = await api.info();
    // An analyst in the middle of a review keeps their place: the new run is offered, not forced.
    if (state.selected !== null || state.drafts.size > 0) {
      state.offeredRun = run.id;
      renderHeader();
      renderDetection();
    } else await openRun(run.id);
    status(() => `${t('detectionDone')} ${run.id} (${run.changeCount})`);
    $('detection').dataset.state = 'done';
  } catch (e) {
    const cancelled = state.detecting?.signal.aborted;
    state.detecting = null;
    renderDetection();
    $('detection').dataset.state = cancelled ? 'cancelled' : 'failed';
    if (cancelled) status(() => t('cancelled'));
    else status(() => `${t('detectionFailed')}: ${errorText(e)}`, 'error');
  }
}

/** The desktop app's menu commands that the page carries out (electron/main.ts sends them). */
function menuCommand(id: string): void {
  const modes: Record<string, ViewMode> = { 'view-before': 'before', 'view-after': 'after', 'view-swipe': 'swipe' };
  if (id === 'run-detection') ($('run-detection') as HTMLButtonElement).click();
  else if (id === 'export-report') exportReport();
  else if (modes[id]) setMode(modes[id]);
  else if (id === 'view-overview') flyOverview(false);
  else if (id === 'toggle-ortho-ground') void ground?.toggle();
  else if (id === 'measure') measure?.start();
  else if (id === 'toggle-language') switchLang();
  else if (id === 'shortcuts') status(() => t('shortcuts'));
  else status(() => `“${id}”`);
}

// ── start ─────────────────────────────────────────────────────────────────────────────────────────────────

async function start(): Promise<void> {
  setLang(lang());
  const info = await api.info();
  state = {
    info,
    run: null,
    changes: [],
    shown: [],
    selected: null,
    elsewhere: null,
    filter: { ...DEFAULT_FILTER },
    colourBy: 'verdict',
    pointColour: 'rgb',
    mode: 'after',
    detecting: null,
    tab: 'changes',
    drafts: new Map(),
    lastIndex: 0,
    pendingClose: null,
    detectEpochs: null,
    offeredRun: null,
  };
  document.addEventListener('keydown', onKey);
  // Notes typed and not saved (the server unreachable, the window closed) come back with the
  // project, and are saved: kept in the browser's storage under this project's path only.
  for (const [key, text] of restoredDrafts()) {
    state.drafts.set(key, text);
    void saveNote(key, text);
  }
  window.voxwatch?.onMenu?.(menuCommand);
  const hash = readHash();
  state.filter = hash.filter;
  state.tab = hash.tab;
  const shown = await openRun(hash.run, hash.change);
  if (shown && hash.run !== undefined && state.run?.id !== hash.run) status(() => `${t('noSuchRun')} ${hash.run}`, 'error');
  // A link pasted into this tab's address bar goes where it says.
  window.addEventListener('hashchange', () => {
    if (location.hash === lastHash) return;
    const next = readHash();
    state.filter = next.filter;
    state.tab = next.tab;
    void openRun(next.run, next.change)
      .then((shown) => {
        // Another link followed meanwhile speaks for itself: this one's run is not missing.
        if (shown && next.run !== undefined && state.run?.id !== next.run) status(() => `${t('noSuchRun')} ${next.run}`, 'error');
      })
      .catch(fail);
  });
  document.body.dataset.ready = 'true';
  if (params.has('bench')) Object.assign(window, { voxwatchBench: { measureFrames: (n: number) => viewer?.measureFrames(n) ?? NaN } });
}

start().catch((e) => {
  fail(e);
  document.body.dataset.ready = 'error';
});
