// The case ledger (台账) and the complaint leads (投诉举报线索) as sidebar panels. Cases show their status, the
// lifecycle steps the store allows (CASE_TRANSITIONS), and what a later survey proposes (rectified, grew, still
// standing) with an Accept button; leads show their answer (the changes linked to them, or "nothing found" with
// what the run knows of the spot). Clicking a case or a lead flies the view to it.
import type { CaseRecord, ChangeRecord, LeadRecord } from '../../core/api';
import { CASE_STATUSES, CASE_TRANSITIONS, type CaseStatus } from '../../core/review/types';
import type { ViewerApi } from '../bridge';
import { TYPE_COLOURS } from '../colours';
import { h } from '../dom';
import { awayText } from '../../core/review/away';
import { analystName } from './analyst';
import { overdueDays } from '../../core/review/overdue';
import { colon, lang, paren, t, tCase, tProposal, tSentence, tType, tVerdict } from '../i18n';
import { parseDay } from '../time';

export interface LedgerContext {
  api: ViewerApi;
  /** The changes of the run shown: a case or lead on one of them selects it. */
  changes: ChangeRecord[];
  /** The run shown: a case whose change is of another run is headed with that run. */
  runId: number | null;
  /** The change shown in the detail panel (of this run or another): its case is marked in the list. */
  selected: number | null;
  select(key: number): void;
  /** Selects a change of any run: one of another run is shown with its run named, and outlined where it stood. */
  show(key: number): void;
  /** Marks a lead's spot in the view (null: no mark), flying there unless `fly` is false. */
  markLead(lead: LeadRecord | null, fly?: boolean): void;
  /** The code of the lead marked in the view. */
  markedLead: string | null;
  status(message: string, kind?: 'info' | 'error'): void;
  /** After a case changed: the list and detail show case status too (its own change, and this run's changes carrying it). */
  onCaseChanged(caseId: number, changeKey: number): void;
}

const STATUS_COLOURS: Record<CaseStatus, string> = {
  open: '#ff9f43',
  notified: '#feca57',
  rectification_due: '#ff6b6b',
  rectified: '#1dd1a1',
  not_rectified: '#ee5253',
  closed: '#8395a7',
};

let statusFilter: CaseStatus | '' = '';

function goTo(ctx: LedgerContext, changeKey: number, caseId?: number): void {
  // The run shown may hold the structure under a code of its own (a later run carrying the case); else the change
  // itself, of the run that found it (a structure removed since, or still standing, is no change of a later run).
  const change = ctx.changes.find((c) => c.key === changeKey) ?? ctx.changes.find((c) => caseId !== undefined && c.case?.id === caseId);
  if (change) ctx.select(change.key);
  else ctx.show(changeKey);
}

/**
 * Marks in the case list the case of the change the detail panel shows (its own change, or this run's change carrying
 * it), and no other.
 */
export function markShownCase(selected: number | null): void {
  for (const li of document.querySelectorAll<HTMLElement>('#cases-panel li.case')) {
    const shown = selected !== null && [li.dataset.changeKey, li.dataset.hereKey].includes(String(selected));
    if (shown) li.setAttribute('aria-current', 'true');
    else li.removeAttribute('aria-current');
  }
}

/** The case ledger panel; loads the cases itself and re-renders in place after each action. */
export function renderCases(ctx: LedgerContext): HTMLElement {
  const root = h('div', { class: 'ledger', id: 'cases-panel', 'data-state': 'loading' }, h('p', { class: 'hint' }, t('loading')));
  const load = async () => {
    const cases = await ctx.api.listCases(statusFilter ? { status: [statusFilter] } : undefined);
    root.replaceChildren(...casesView(ctx, cases, () => void load().catch(fail)));
    markShownCase(ctx.selected);
    root.dataset.state = 'ready';
  };
  const fail = (e: unknown) => ctx.status(`${t('error')}: ${(e as Error).message}`, 'error');
  load().catch(fail);
  return root;
}

function casesView(ctx: LedgerContext, cases: CaseRecord[], reload: () => void): Node[] {
  const filter = h(
    'select',
    {
      id: 'case-status-filter',
      'aria-label': t('allStatuses'),
      onchange: () => {
        statusFilter = filter.value as CaseStatus | '';
        reload();
      },
    },
    h('option', { value: '' }, t('allStatuses')),
    ...CASE_STATUSES.map((s) => h('option', { value: s }, tCase(s))),
  );
  filter.value = statusFilter;
  const act = async (work: () => Promise<CaseRecord>, message: string) => {
    try {
      const c = await work();
      ctx.status(`${message}: #${c.id} ${c.code} → ${tCase(c.status)}`);
      ctx.onCaseChanged(c.id, c.changeKey);
    } catch (e) {
      ctx.status(`${t('error')}: ${(e as Error).message}`, 'error');
    }
    reload();
  };
  // Judged on the bureau's calendar day (Shenzhen is UTC+8: a UTC date is a day late before 8 am).
  const now = new Date();
  const items = cases.map((c) => {
    const next = CASE_TRANSITIONS[c.status];
    // Past its rectification date and not yet settled: what the bureau chases first.
    const overdue = overdueDays(c, now) !== null;
    // A text field, not a date input: that shows the browser's locale (01/31/2025 in an en-US browser, in the zh UI);
    // the bureau writes days YYYY-MM-DD. A day typed in full is saved as it is typed (as a picker's choice was); any
    // other form the analyst uses (2025/1/31, 2025年1月31日) on Enter or on leaving the field, and a no-day refused.
    let saved = c.dueDate;
    let typing: ReturnType<typeof setTimeout> | undefined;
    const saveDue = (fromTyping: boolean) => {
      clearTimeout(typing);
      const text = due.value.trim();
      const day = text ? parseDay(text) : null;
      if (text && !day) {
        if (fromTyping) return; // not finished yet
        due.setAttribute('aria-invalid', 'true');
        due.title = t('badDay');
        return ctx.status(`${t('badDay')}: ${text}`, 'error');
      }
      due.removeAttribute('aria-invalid');
      due.title = t('setDue');
      if (day === saved) return;
      saved = day;
      void act(() => ctx.api.updateCase(c.id, { dueDate: day }, analystName()), t('caseUpdated'));
    };
    const due = h('input', {
      type: 'text',
      class: 'case-due',
      value: c.dueDate ?? '',
      placeholder: 'YYYY-MM-DD',
      inputMode: 'numeric',
      autocomplete: 'off',
      spellcheck: false,
      maxLength: 12,
      title: t('setDue'),
      'aria-label': t('setDue'),
      onclick: (e: Event) => e.stopPropagation(),
      oninput: () => {
        clearTimeout(typing);
        if (/^\d{4}-\d{2}-\d{2}$/.test(due.value.trim())) typing = setTimeout(() => saveDue(true), 400);
      },
      onkeydown: (e: Event) => {
        if ((e as KeyboardEvent).key === 'Enter') saveDue(false);
      },
      onblur: () => saveDue(false),
    });
    // This run's change carrying the case, when it is not the case's own change.
    const here = ctx.changes.find((ch) => ch.key !== c.changeKey && ch.case?.id === c.id);
    const elsewhere = !here && c.runId !== ctx.runId;
    const move = h(
      'select',
      {
        class: 'case-move',
        'aria-label': t('caseMoveTo'),
        disabled: next.length === 0,
        onchange: () => {
          const to = move.value as CaseStatus;
          // Closing ends the case: asked in place, with a reason, not done by one stray click.
          if (to === 'closed') return askClose();
          void act(() => ctx.api.updateCase(c.id, { status: to }, analystName()), t('caseUpdated'));
        },
        onclick: (e: Event) => e.stopPropagation(),
      },
      h('option', { value: '' }, t('caseMoveTo')),
      ...next.map((s) => h('option', { value: s }, tCase(s))),
    );
    const p = c.proposal;
    const confirmSlot = h('div', { class: 'case-close-slot' });
    const askClose = () => {
      move.value = '';
      move.disabled = true;
      const cancel = () => {
        confirmSlot.replaceChildren();
        move.disabled = false;
        move.focus();
      };
      const ok = h(
        'button',
        {
          class: 'case-close-ok primary',
          disabled: true,
          onclick: () => {
            const text = reason.value.trim();
            if (!text) return;
            ok.disabled = true;
            reason.disabled = true;
            // The reason joins the case's note: a note given earlier (the CLI's) stays readable on the card.
            const note = `${t('caseClosedBecause')}${text}`;
            void act(
              () => ctx.api.updateCase(c.id, { status: 'closed', note: c.note ? `${c.note}\n${note}` : note }, analystName()),
              t('caseUpdated'),
            );
          },
        },
        t('caseCloseOk'),
      );
      const reason = h('input', {
        type: 'text',
        class: 'case-close-reason',
        value: '',
        maxLength: 200,
        placeholder: t('caseCloseReason'),
        'aria-label': t('caseCloseReason'),
        autocomplete: 'off',
        oninput: () => (ok.disabled = !reason.value.trim()),
        onkeydown: (e: Event) => {
          const key = (e as KeyboardEvent).key;
          if (key === 'Enter' && !ok.disabled) ok.click();
          else if (key === 'Escape') cancel();
        },
      });
      // A later survey found the structure still there (as it was, grown, or rebuilt): closing drops that finding
      // from the card, so the confirmation says so.
      const standing = p && ['still_standing', 'grew', 'rebuilt'].includes(p.outcome) ? p : null;
      confirmSlot.replaceChildren(
        h(
          'div',
          {
            class: 'case-close-confirm',
            role: 'group',
            'aria-label': `${t('caseCloseTitle')} #${c.id}`,
            onclick: (e: Event) => e.stopPropagation(),
          },
          h('strong', {}, `${t('caseCloseTitle')} #${c.id}${colon()}`),
          h('span', {}, t('caseCloseWhy')),
          standing
            ? h(
                'p',
                { class: 'case-close-standing', role: 'alert', 'data-outcome': standing.outcome },
                `⚠ ${t('proposal')}${paren(`${t('inRun')} ${standing.runId}`)}${colon()}${tProposal(standing.outcome)}${t('caseCloseStanding')}`,
              )
            : null,
          reason,
          h('div', { class: 'case-close-buttons' }, ok, h('button', { class: 'case-close-cancel', onclick: cancel }, t('cancel'))),
        ),
      );
      reason.focus();
    };
    // A proposal that leads to the status the case already has (still standing, already not
    // rectified) is shown for its evidence, with nothing to accept.
    const moves = !!p?.status && p.status !== c.status;
    const proposal = p
      ? h(
          'div',
          { class: `proposal outcome-${p.outcome}`, 'data-outcome': p.outcome },
          h('span', { class: 'proposal-label' }, `${t('proposal')}${paren(`${t('inRun')} ${p.runId}`)}${colon()}`),
          h('strong', {}, tProposal(p.outcome)),
          p.status ? h('span', {}, moves ? ` → ${tCase(p.status)}` : ` · ${t('statusUnchanged')}`) : null,
          h('div', { class: 'proposal-detail' }, tSentence(p.detail)),
          moves
            ? h(
                'button',
                {
                  class: 'accept primary',
                  onclick: (e: Event) => {
                    e.stopPropagation();
                    void act(() => ctx.api.acceptProposal(c.id, analystName()), t('proposalAccepted'));
                  },
                },
                t('accept'),
              )
            : null,
        )
      : null;
    return h(
      'li',
      {
        class: 'case',
        'data-case': c.id,
        'data-status': c.status,
        'data-change-key': c.changeKey,
        'data-here-key': here?.key,
        'data-run': c.runId,
        'data-overdue': overdue ? 'true' : 'false',
        onclick: () => goTo(ctx, c.changeKey, c.id),
      },
      h(
        'div',
        { class: 'case-head' },
        h('span', { class: 'swatch', style: `background:${TYPE_COLOURS[c.type]}` }),
        // Each run numbers its changes from C001: a change of another run than the one shown is named with its run.
        elsewhere
          ? h('span', { class: 'code' }, `#${c.id} `, h('span', { class: 'case-run' }, `${t('inRun')} ${c.runId}`), ` ${c.code}`)
          : h('span', { class: 'code' }, `#${c.id} ${here ? here.id : c.code}`),
        h('span', { class: 'type' }, tType(c.type)),
        h('span', { class: 'case-status', style: `color:${STATUS_COLOURS[c.status]}` }, tCase(c.status)),
      ),
      h(
        'div',
        { class: 'case-meta hint' },
        [
          `${c.volume_m3 >= 0 ? '+' : '−'}${Math.abs(c.volume_m3).toFixed(0)} m³`,
          c.subDistrict,
          c.dueDate ? `${t('caseDue')} ${c.dueDate}${overdue ? ` · ⚠ ${t('overdue')}` : ''}` : null,
          // This run's code for it heads the case: the code its own run gave it follows.
          here ? `${t('inRun')} ${c.runId} ${c.code}` : null,
        ]
          .filter(Boolean)
          .join(' · '),
      ),
      proposal,
      // A closed case has no rectification date to set: its due day stays in the line above.
      h('div', { class: 'case-actions' }, move, c.status === 'closed' ? null : due),
      confirmSlot,
    );
  });
  return [
    h('div', { class: 'ledger-head' }, h('h2', {}, `${t('casesTitle')} · ${cases.length}`), filter),
    cases.length ? h('ol', { class: 'ledger-list' }, ...items) : h('p', { class: 'hint' }, t('noCases')),
  ];
}

/** The complaint leads panel. */
export function renderLeads(ctx: LedgerContext): HTMLElement {
  const root = h('div', { class: 'ledger', id: 'leads-panel', 'data-state': 'loading' }, h('p', { class: 'hint' }, t('loading')));
  ctx.api.listLeads().then(
    (leads) => {
      root.replaceChildren(
        h('div', { class: 'ledger-head' }, h('h2', {}, `${t('leadsTitle')} · ${leads.length}`)),
        leads.length ? h('ol', { class: 'ledger-list' }, ...leads.map((l) => leadItem(ctx, l))) : h('p', { class: 'hint' }, t('noLeads')),
      );
      root.dataset.state = 'ready';
    },
    (e: unknown) => ctx.status(`${t('error')}: ${(e as Error).message}`, 'error'),
  );
  return root;
}

/** Marks the lead in the view and its row in the list. */
function markLead(ctx: LedgerContext, l: LeadRecord, fly: boolean): void {
  for (const li of document.querySelectorAll('#leads-panel li.lead[aria-current]')) li.removeAttribute('aria-current');
  document.querySelector(`#leads-panel li.lead[data-lead="${CSS.escape(l.code)}"]`)?.setAttribute('aria-current', 'true');
  ctx.markLead(l, fly);
}

function leadItem(ctx: LedgerContext, l: LeadRecord): HTMLElement {
  const a = l.answer;
  let answer: HTMLElement;
  if (!a) answer = h('div', { class: 'lead-answer hint' }, t('leadUnanswered'));
  else if (a.found.length) {
    answer = h(
      'div',
      { class: 'lead-answer found' },
      h('span', { class: 'hint' }, `${t('leadFound')}${paren(`${t('inRun')} ${a.runId}`)}${colon()}`),
      ...a.found.map((f) =>
        h(
          'button',
          {
            class: 'lead-change',
            'data-key': f.key,
            onclick: (e: Event) => {
              e.stopPropagation();
              markLead(ctx, l, false);
              goTo(ctx, f.key);
            },
          },
          // What the analyst made of it, so a lead can be answered without opening each change.
          [
            `${f.code} ${tType(f.type)}`,
            awayText(f.distance_m, lang()),
            f.verdict ? tVerdict(f.verdict) : null,
            f.case ? `#${f.case.id} ${tCase(f.case.status)}` : null,
          ]
            .filter(Boolean)
            .join(' · '),
        ),
      ),
    );
  } else {
    answer = h(
      'div',
      { class: 'lead-answer nothing' },
      // A change judged not a building is still a change: a shed under green netting reads as vegetation.
      h('strong', {}, `${t(a.judgedNotBuilding ? 'leadNotBuilding' : 'leadNothing')}${paren(`${t('inRun')} ${a.runId}`)}`),
      h('ul', { class: 'lead-evidence' }, ...a.evidence.map((e) => h('li', {}, tSentence(e)))),
    );
  }
  return h(
    'li',
    {
      class: 'lead',
      'data-lead': l.code,
      'data-found': a ? String(a.found.length) : 'unanswered',
      'aria-current': ctx.markedLead === l.code ? 'true' : undefined,
      // Whatever its answer: the spot is where to look, nothing found there included.
      onclick: () => markLead(ctx, l, true),
    },
    h('div', { class: 'case-head' }, h('span', { class: 'code' }, l.code), h('span', { class: 'hint' }, l.reportedOn ?? '')),
    h('div', { class: 'lead-text' }, l.text),
    answer,
  );
}
