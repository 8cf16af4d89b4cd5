// Who is reviewing: the analyst's name in the header (审核人), remembered in this browser and sent as the actor of
// every write the page makes (verdicts, notes, case moves, accepted proposals), so that the audit log and the 台账
// trail name the analyst rather than the server's OS account. Empty, the writes go without one (the server's default).
import { h } from '../dom';
import { lang, t } from '../i18n';

export const ANALYST_KEY = 'voxwatch.analyst';
/** The longest name kept, in characters. */
export const ANALYST_MAX = 40;

/** A name as it is stored and sent: trimmed, at most ANALYST_MAX characters (never half a character). */
export function cleanName(raw: string): string {
  return Array.from(raw.trim()).slice(0, ANALYST_MAX).join('').trim();
}

let name = (() => {
  try {
    return cleanName(globalThis.localStorage?.getItem(ANALYST_KEY) ?? '');
  } catch {
    return '';
  }
})();

/** The analyst's name, or undefined when none is given (the write then goes under the server's default actor). */
export const analystName = (): string | undefined => name || undefined;

function remember(raw: string): void {
  name = cleanName(raw);
  try {
    if (name) localStorage.setItem(ANALYST_KEY, name);
    else localStorage.removeItem(ANALYST_KEY);
  } catch {
    // storage full or off: the name still lives in the page
  }
}

// One field for the page: the header is redrawn often, and a new field would lose the focus and what is being typed.
let field: { label: HTMLLabelElement; caption: HTMLSpanElement; input: HTMLInputElement } | null = null;

/** The header's name field, labelled in the UI's language (call again after a language switch). */
export function renderAnalystField(): HTMLElement {
  if (!field) {
    const input = h('input', {
      id: 'analyst-name',
      type: 'text',
      value: name,
      maxLength: ANALYST_MAX,
      autocomplete: 'name',
      spellcheck: false,
      // Every keystroke counts: a verdict key pressed right after typing (the field blurred by a click) carries the name.
      oninput: () => {
        remember(input.value);
        sync();
      },
      onchange: () => {
        remember(input.value);
        input.value = name;
        sync();
      },
      onkeydown: (e: Event) => {
        const key = (e as KeyboardEvent).key;
        if (key === 'Enter' || key === 'Escape') input.blur(); // back to the review keys
      },
    });
    const caption = h('span', { class: 'analyst-caption' });
    const label = h('label', { class: 'analyst', id: 'analyst' }, caption, input);
    field = { label, caption, input };
  }
  const { label, caption, input } = field;
  caption.textContent = t('analyst');
  input.placeholder = t('analystPlaceholder');
  input.setAttribute('aria-label', t('analyst'));
  sync();
  return label;
}

/** Marks the field empty (it asks for a name) or not; its whole name on hover, where the field cuts a long one short. */
function sync(): void {
  if (!field) return;
  field.label.dataset.empty = name ? 'false' : 'true';
  field.input.title = name ? `${name}${lang() === 'zh-CN' ? '。' : '. '}${t('analystTitle')}` : t('analystTitle');
}

/**
 * Call before the header is rebuilt, and the function it returns after: moving the field out and back blurs it, so
 * the analyst typing in it keeps the focus and the caret.
 */
export function analystFocus(): () => void {
  const input = field?.input;
  if (!input || document.activeElement !== input) return () => undefined;
  const [start, end] = [input.selectionStart, input.selectionEnd];
  return () => {
    input.focus();
    input.setSelectionRange(start, end);
  };
}
