// "Export report": language, author, which changes (the list's current filter or all), 3D views from the viewer;
// then progress (snapshots, then the PDF's sections) with a cancel. The page never names where the PDF goes: a
// browser downloads it, the desktop app asks with a native save dialog (renderer/bridge.ts).
import type { ChangeQuery, ChangeRecord, ChangeSort, RunRecord } from '../../core/api';
import type { ReportLang } from '../../core/report/model';
import { footprintBox } from '../boxes';
import type { ViewerApi } from '../bridge';
import { REPORT_SIGN_COLOURS, reportColour } from '../colours';
import { h } from '../dom';
import { lang, t } from '../i18n';
import { analystName } from './analyst';
import type { ListFilter, ListSort } from '../review';
import { snapshot, type SnapshotLegendEntry } from '../snapshot';
import type { Viewer } from '../viewer';

export interface ReportDialogContext {
  api: ViewerApi;
  viewer: Viewer | null;
  run: RunRecord;
  /** Every change of the run, and those the list shows under its filter. */
  changes: ChangeRecord[];
  shown: ChangeRecord[];
  filter: ListFilter;
  defaultAuthor: string | null;
  status(message: string, kind?: 'info' | 'error'): void;
  /** Called when the dialog closes (the viewer's own detail sample is reloaded: snapshots replace it). */
  onClose(): void;
}

/** Snapshot size: the report shows it at 250 × 188 pt (4:3), about 190 dpi. */
const SNAPSHOT = { width: 640, height: 480 };
/** Points of the later epoch loaded around each change for its snapshot. */
const SNAPSHOT_POINTS = 150_000;
const AUTHOR_KEY = 'voxwatch.reportAuthor';
/** The snapshot's legend in the report's language, in the words of the report's own 3D view legend. */
const SNAPSHOT_LEGEND: Record<ReportLang, SnapshotLegendEntry[]> = {
  'zh-CN': [
    { colour: REPORT_SIGN_COLOURS.added, label: '新增' },
    { colour: REPORT_SIGN_COLOURS.removed, label: '减少' },
  ],
  en: [
    { colour: REPORT_SIGN_COLOURS.added, label: 'added' },
    { colour: REPORT_SIGN_COLOURS.removed, label: 'removed' },
  ],
};

const SORTS: Record<ListSort, ChangeSort> = {
  priority: 'priority',
  volume: '-volume',
  area: '-area',
  confidence: '-confidence',
  code: 'code',
};

/** The list's filter as the store's query, so the report holds exactly the changes the list shows. */
export function filterQuery(runId: number, f: ListFilter, changes: ChangeRecord[]): ChangeQuery {
  const q: ChangeQuery = { runId, sort: SORTS[f.sort] };
  if (f.type) q.types = [f.type];
  if (f.verdict) q.verdicts = [f.verdict];
  if (f.zone) {
    // The list's zone menu also offers sub-districts: the store filters those by their own field.
    if (changes.some((c) => c.zones.some((z) => z.name === f.zone))) q.zone = f.zone;
    else q.subDistrict = f.zone;
  }
  if (f.minVolume > 0) q.minVolume = f.minVolume;
  return q;
}

export function openReportDialog(ctx: ReportDialogContext): HTMLElement {
  document.getElementById('report-dialog')?.remove();
  const filtered = ctx.shown.length !== ctx.changes.length;
  const langSelect = h(
    'select',
    { id: 'report-lang', 'aria-label': t('reportLang') },
    h('option', { value: 'zh-CN' }, '中文 (zh-CN)'),
    h('option', { value: 'en' }, 'English'),
  );
  langSelect.value = lang();
  const author = h('input', {
    id: 'report-author',
    type: 'text',
    // The analyst named in the header, when named; else the author last typed here, else the project's.
    value: analystName() ?? localStorage.getItem(AUTHOR_KEY) ?? ctx.defaultAuthor ?? '',
    'aria-label': t('reportAuthor'),
  });
  const scope = h(
    'select',
    { id: 'report-scope', 'aria-label': t('reportScope') },
    h('option', { value: 'filtered' }, `${t('reportScopeFiltered')} (${ctx.shown.length})`),
    h('option', { value: 'all' }, `${t('reportScopeAll')} (${ctx.changes.length})`),
  );
  scope.value = filtered ? 'filtered' : 'all';
  const snapshots = h('input', { id: 'report-snapshots', type: 'checkbox', checked: ctx.viewer !== null, disabled: ctx.viewer === null });
  const bar = h('progress', { id: 'report-progress', max: 1, value: 0, hidden: true });
  const phase = h('span', { id: 'report-phase', class: 'hint' });
  let running: AbortController | null = null;
  const start = h('button', { id: 'report-start', class: 'primary', onclick: () => void run() }, t('reportStart'));
  const cancel = h('button', { id: 'report-cancel', onclick: () => (running ? running.abort() : close()) }, t('close'));
  const dialog = h(
    'div',
    { id: 'report-dialog', class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-label': t('reportTitle') },
    h(
      'div',
      { class: 'modal-body' },
      h('h2', {}, t('reportTitle')),
      h('p', { class: 'hint' }, `${t('reportRun')} ${ctx.run.id}: ${ctx.run.before.label} → ${ctx.run.after.label}`),
      h('label', {}, h('span', {}, t('reportLang')), langSelect),
      h('label', {}, h('span', {}, t('reportAuthor')), author),
      h('label', {}, h('span', {}, t('reportScope')), scope),
      h('label', { class: 'check' }, snapshots, h('span', {}, t('reportSnapshots'))),
      h('div', { class: 'modal-progress' }, bar, phase),
      h('div', { class: 'modal-actions' }, start, cancel),
    ),
  );
  dialog.addEventListener('keydown', (e) => {
    e.stopPropagation(); // typing here must not trigger the review shortcuts
    if (e.key !== 'Escape') return;
    if (running) running.abort();
    else close();
  });
  document.body.append(dialog);
  langSelect.focus();

  function close(): void {
    dialog.remove();
    ctx.onClose();
  }

  function progress(share: number, text: string): void {
    bar.hidden = false;
    bar.value = share;
    phase.textContent = text;
  }

  async function run(): Promise<void> {
    running = new AbortController();
    const signal = running.signal;
    dialog.dataset.state = 'running';
    for (const el of [start, langSelect, author, scope, snapshots]) el.disabled = true;
    cancel.textContent = t('cancel');
    localStorage.setItem(AUTHOR_KEY, author.value);
    const included = scope.value === 'filtered' ? ctx.shown : ctx.changes;
    const query =
      scope.value === 'filtered' ? filterQuery(ctx.run.id, ctx.filter, ctx.changes) : { runId: ctx.run.id, sort: 'priority' as const };
    try {
      const views: Record<string, string> = {};
      if (snapshots.checked && ctx.viewer) {
        // The run's changes by their sign, as the report's other figures (a confirmed removal is blue there, not the UI's
        // red of "confirmed"), with a legend saying so.
        const colours = new Map(ctx.changes.map((c) => [c.key, reportColour(c)]));
        const look = { colours, legend: SNAPSHOT_LEGEND[langSelect.value as ReportLang] };
        for (const [i, c] of included.entries()) {
          if (signal.aborted) throw new DOMException('cancelled', 'AbortError');
          progress(i / included.length / 2, `${t('reportSnapshotting')} ${i + 1} / ${included.length}`);
          views[c.id] = await changeSnapshot(ctx, c, look);
        }
        dialog.dataset.snapshots = String(Object.keys(views).length);
      }
      progress(0.5, t('reportWriting'));
      const outcome = await ctx.api.exportReportFile(
        ctx.run.id,
        { lang: langSelect.value as ReportLang, query, author: author.value.trim() || undefined, snapshots: views },
        {
          signal,
          // After the last section the file itself is written: say so, not "5 / 5" for half a minute.
          onProgress: (p) =>
            progress(
              0.5 + (0.5 * p.done) / Math.max(1, p.total),
              p.done >= p.total ? t('reportSaving') : `${t('reportWriting')} ${p.done} / ${p.total}`,
            ),
        },
      );
      if (!outcome) {
        dialog.dataset.state = 'idle';
        return close();
      }
      dialog.dataset.state = 'done';
      const where = outcome.savedTo ?? outcome.fileName;
      ctx.status(
        `${outcome.savedTo ? t('reportSaved') : t('reportDownloaded')}: ${where} (${outcome.changes} · ${outcome.pages} ${t('pages')})`,
      );
      close();
    } catch (e) {
      const aborted = signal.aborted;
      dialog.dataset.state = aborted ? 'cancelled' : 'failed';
      ctx.status(aborted ? t('reportCancelled') : `${t('reportFailed')}: ${(e as Error).message}`, aborted ? 'info' : 'error');
      if (aborted) close();
      else {
        phase.textContent = `${t('reportFailed')}: ${(e as Error).message}`;
        for (const el of [start, langSelect, author, scope, snapshots]) el.disabled = false;
        cancel.textContent = t('close');
        running = null;
      }
    }
  }
  return dialog;
}

/** The later epoch around the change, loaded densely, seen obliquely with the change's volume drawn in the report's colours. */
async function changeSnapshot(
  ctx: ReportDialogContext,
  c: ChangeRecord,
  look: { colours: Map<number, string>; legend: SnapshotLegendEntry[] },
): Promise<string> {
  const viewer = ctx.viewer!;
  const box = footprintBox(c.footprint, 25);
  const points = await ctx.api.epochPoints(ctx.run.after.id, { box, maxPoints: SNAPSHOT_POINTS, origin: viewer.origin });
  const area = (box.maxX - box.minX) * (box.maxY - box.minY);
  viewer.setCloud('afterDetail', points, Math.sqrt(area / Math.max(1, points.count)));
  return snapshot(viewer, footprintBox(c.footprint, 4), {
    ...SNAPSHOT,
    margin: 8,
    bottom: Math.min(c.before_top_z, c.after_top_z),
    top: Math.max(c.before_top_z, c.after_top_z),
    changeColours: look.colours,
    legend: look.legend,
  });
}
