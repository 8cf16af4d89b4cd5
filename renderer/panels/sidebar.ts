// The sidebar's tabs: the change list (图斑), the case ledger (台账) and the complaint leads (线索).
import { $, h } from '../dom';
import { t, type MessageKey } from '../i18n';
import { renderCases, renderLeads, type LedgerContext } from './ledger';

export const SIDE_TABS = ['changes', 'cases', 'leads'] as const;
export type SideTab = (typeof SIDE_TABS)[number];

const TABS: [SideTab, MessageKey][] = [
  ['changes', 'tabChanges'],
  ['cases', 'tabCases'],
  ['leads', 'tabLeads'],
];

/** Shows one tab: the change list's own elements, or the ledger / leads panel built afresh. */
export function renderSidebar(tab: SideTab, onPick: (tab: SideTab) => void, ctx: () => LedgerContext): void {
  $('sidebar-tabs').replaceChildren(
    ...TABS.map(([id, key]) =>
      h('button', { role: 'tab', 'data-tab': id, 'aria-selected': tab === id ? 'true' : 'false', onclick: () => onPick(id) }, t(key)),
    ),
  );
  const onList = tab === 'changes';
  for (const id of ['list-title', 'filters', 'list']) $(id).hidden = !onList;
  const panel = $('side-panel');
  panel.hidden = onList;
  panel.replaceChildren(onList ? '' : tab === 'cases' ? renderCases(ctx()) : renderLeads(ctx()));
}
