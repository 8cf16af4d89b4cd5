// The selected change's history in the detail panel, read-only and newest first: who set which verdict when (with the
// note given), notes, attachments, a verdict carried from an earlier run, and the events of its case in the ledger
// (台账). It comes from the audit log and the case ledger (ProjectApi.changeHistory), fetched each time the panel is
// drawn, so a verdict just set appears at once.
import type { ChangeEvent } from '../../core/api';
import type { CaseOutcome, CaseStatus, Verdict } from '../../core/review/types';
import type { ViewerApi } from '../bridge';
import { h } from '../dom';
import { colon, localTime, paren, t, tCase, tProposal, tSentence, tVerdict } from '../i18n';

const OPEN_KEY = 'voxwatch.history';

/** The case ledger's own sentences for a status change (cases-repo.ts), in the UI's language. */
function caseDetail(text: string): string {
  let m: RegExpExecArray | null;
  if (text === 'confirmed as a violation') return t('historyConfirmedViolation');
  if (text === 'confirmed again') return t('historyConfirmedAgain');
  if ((m = /^verdict changed to (\w+)$/.exec(text))) return `${t('historyVerdictChanged')} ${tVerdict(m[1] as Verdict)}`;
  if ((m = /^accepted: (.*)$/s.exec(text))) return `${t('historyAccepted')}${colon()}${tSentence(m[1])}`;
  // A later run's finding: "run 2: still standing, <what it saw>".
  if ((m = /^run (\d+): (rectified|still standing|grew|rebuilt|unverifiable), (.*)$/s.exec(text)))
    return `${t('run')} ${m[1]}${colon()}${tProposal(m[2].replace(' ', '_') as CaseOutcome)}${colon()}${tSentence(m[3])}`;
  return tSentence(text);
}

/** What one event did, in words. */
function describe(e: ChangeEvent): { what: string; text: string | null } {
  const arrow = (from: string | null, to: string, name: (v: never) => string) =>
    from === null ? name(to as never) : `${name(from as never)} → ${name(to as never)}`;
  switch (e.kind) {
    case 'verdict':
      return { what: `${t('verdict')}${colon()}${arrow(e.from, e.to ?? '', tVerdict)}`, text: e.text };
    case 'carried':
      return {
        what: `${t('verdict')}${colon()}${tVerdict((e.to ?? 'unreviewed') as Verdict)}`,
        // "run 1 C002" from the store, in the UI's words for a run.
        text: `${t('carriedFrom')} ${(e.text ?? '').replace(/^run (\d+) /, `${t('run')} $1 `)}`,
      };
    case 'note':
      return { what: e.text ? t('note') : t('historyNoteCleared'), text: e.text || null };
    case 'attachment':
      return { what: t('historyAttachment'), text: (e.text ?? '').split(/[\\/]/).pop() ?? null };
    case 'case': {
      const status = e.from === e.to ? `${tCase(e.to as CaseStatus)} · ${t('statusUnchanged')}` : arrow(e.from, e.to ?? '', tCase);
      return { what: `${t('historyCase')} #${e.caseId}${colon()}${status}`, text: e.text === null ? null : caseDetail(e.text) };
    }
  }
}

/**
 * The events last shown per change: a redraw of the panel (every filter keystroke, every verdict)
 * shows them at once while it asks again, instead of "Loading…" and a jump in the panel's height.
 */
const lastShown = new Map<number, ChangeEvent[]>();

export function renderHistory(api: ViewerApi, key: number): HTMLElement {
  const summary = h('summary', {}, t('history'));
  const root = h('details', { id: 'change-history', class: 'history', 'data-key': key, 'data-state': 'loading' }, summary);
  root.open = localStorage.getItem(OPEN_KEY) !== 'closed';
  root.addEventListener('toggle', () => localStorage.setItem(OPEN_KEY, root.open ? 'open' : 'closed'));
  let body: HTMLElement = h('p', { class: 'hint' }, t('loading'));
  const show = (events: ChangeEvent[]) => {
    summary.textContent = `${t('history')}${paren(String(events.length))}`;
    const next = eventList(events);
    body.replaceWith(next);
    body = next;
  };
  root.append(body);
  const known = lastShown.get(key);
  if (known) show(known);
  api
    .changeHistory(key)
    .then((events) => {
      // Only what changed is drawn again: the same events leave the panel as it stands.
      if (!known || JSON.stringify(known) !== JSON.stringify(events)) show(events);
      lastShown.set(key, events);
      root.dataset.state = 'ready';
    })
    .catch((e: unknown) => {
      body.textContent = `${t('error')}${colon()}${(e as Error).message}`;
      root.dataset.state = 'failed';
    });
  return root;
}

function eventList(events: ChangeEvent[]): HTMLElement {
  if (events.length === 0) return h('p', { class: 'hint' }, t('historyNone'));
  return h(
    'ol',
    {},
    ...[...events].reverse().map((e) => {
      const { what, text } = describe(e);
      return h(
        'li',
        { 'data-kind': e.kind },
        h(
          'div',
          { class: 'when' },
          h('time', { 'data-at': e.at, title: e.at }, localTime(new Date(e.at), true)),
          h('span', { class: 'actor' }, tSentence(e.actor)), // VoxWatch, what the software recorded itself: 系统 in zh-CN
        ),
        h('div', { class: 'what' }, what),
        text ? h('div', { class: 'text' }, text) : null,
      );
    }),
  );
}
